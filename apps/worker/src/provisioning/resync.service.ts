import { Injectable } from '@nestjs/common';
import { ProvisioningRepository } from '@bsp/domain-provisioning';
import { ReconcileRequests } from '@bsp/queue';

const PAGE = 500;

/** Asks for a reconcile of every number that is not deleted: the safety net under the event-driven path. */
@Injectable()
export class ResyncService {
  constructor(
    private readonly repository: ProvisioningRepository,
    private readonly requests: ReconcileRequests,
  ) {}

  async requestAll(): Promise<number> {
    let after: string | null = null;
    let requested = 0;
    for (;;) {
      const page = await this.repository.numbersToResync(after, PAGE);
      for (const { id } of page) await this.requests.request(id, 'resync');
      requested += page.length;
      const last = page.at(-1);
      if (!last || page.length < PAGE) return requested;
      after = last.id;
    }
  }
}
