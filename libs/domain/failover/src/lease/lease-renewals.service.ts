import { Injectable, Logger } from '@nestjs/common';
import { leaseTokenHash } from '@bsp/domain-provisioning';
import { DomainError } from '@bsp/errors';
import { FencingSettings } from '../fencing.settings';
import {
  ActivationLeaseRepository,
  type RenewalRefusal,
  type RenewalRequest,
} from './activation-lease.repository';

/** Renewals arriving within this window share one UPDATE: thousands of agents, a few statements a second. */
const BATCH_WINDOW_MS = 5;
const MAX_BATCH = 500;

export interface LeaseGrant {
  granted: true;
  leaseDurationMs: number;
  renewIntervalMs: number;
}

interface Pending extends RenewalRequest {
  resolve: (grant: LeaseGrant) => void;
  reject: (error: unknown) => void;
}

/**
 * The control plane's side of the fencing agents' lease: verifies the pod set's token and grants
 * only the current, unrevoked lease of the instance it was issued to.
 */
@Injectable()
export class LeaseRenewals {
  private readonly logger = new Logger(LeaseRenewals.name);
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly leases: ActivationLeaseRepository,
    private readonly settings: FencingSettings,
  ) {}

  renew(request: { placementId: string; epoch: bigint; token: string }): Promise<LeaseGrant> {
    return new Promise((resolve, reject) => {
      this.pending.push({
        placementId: request.placementId,
        epoch: request.epoch,
        tokenHash: leaseTokenHash(request.token),
        resolve,
        reject,
      });
      if (this.pending.length >= MAX_BATCH) this.flushSoon(0);
      else this.flushSoon(BATCH_WINDOW_MS);
    });
  }

  private flushSoon(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
  }

  private async flush(): Promise<void> {
    const batch = this.pending.splice(0, MAX_BATCH);
    if (this.pending.length > 0) this.flushSoon(0);
    if (batch.length === 0) return;
    try {
      const granted = await this.leases.grant(batch, this.settings.leaseDurationMs);
      const refused = batch.filter((p) => !granted.has(p.placementId));
      const reasons =
        refused.length > 0 ? await this.leases.explainRefusals(refused) : new Map<string, RenewalRefusal>();
      for (const p of batch) {
        const refusal = reasons.get(p.placementId);
        if (refusal) p.reject(new DomainError(refusal, refusalMessage(refusal)));
        else
          p.resolve({
            granted: true,
            leaseDurationMs: this.settings.leaseDurationMs,
            renewIntervalMs: this.settings.renewIntervalMs,
          });
      }
    } catch (error) {
      this.logger.warn({ err: error, renewals: batch.length }, 'lease renewals failed');
      for (const p of batch) p.reject(error);
    }
  }
}

function refusalMessage(refusal: RenewalRefusal): string {
  switch (refusal) {
    case 'lease_token_invalid':
      return 'No activation lease of this pod set matches the token';
    case 'lease_revoked':
      return 'This instance is being fenced: its lease is revoked';
    case 'lease_superseded':
      return 'This instance is not the number’s current one';
  }
}
