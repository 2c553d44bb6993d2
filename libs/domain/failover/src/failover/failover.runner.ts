import { Inject, Injectable, Logger } from '@nestjs/common';
import { systemCaller } from '@bsp/auth';
import { AppConfig } from '@bsp/config';
import type { Failover } from '@bsp/db';
import { AuditService } from '@bsp/domain-audit';
import {
  clusterTarget,
  isRetiring,
  KUBE_GATEWAY,
  type NumberWithPlacements,
  type PlacementWithCluster,
  POD_SET_NAMES,
  ProvisioningRepository,
  Reconciler,
} from '@bsp/domain-provisioning';
import { KubeApiError, type KubeGateway } from '@bsp/kube';
import { ReconcileRequests } from '@bsp/queue';
import { FencingSettings } from '../fencing.settings';
import { ActivationLeaseRepository } from '../lease/activation-lease.repository';
import { FailoverRepository } from './failover.repository';

const SYSTEM = systemCaller('failover');
/** How often a step that waits for the cluster looks again. */
const POLL_MS = 500;
/** Waiting on a cluster that cannot be reached (and no lease to wait out): look again this often. */
const UNREACHABLE_POLL_MS = 5_000;
const CONNECT_PROBE_TIMEOUT_MS = 2_000;

export type FailoverStep =
  { kind: 'done'; state: 'completed' | 'failed' } | { kind: 'wait'; ms: number; reason: string };

/**
 * Drives one failover through fence → promote → confirm → restore. Each call does what the
 * current state needs and says whether to come back; every step re-reads the database and the
 * cluster, so a crash anywhere resumes where it stopped, and a step that runs twice writes once.
 */
@Injectable()
export class FailoverRunner {
  private readonly logger = new Logger(FailoverRunner.name);
  private readonly confirmTimeoutMs: number;

  constructor(
    private readonly failovers: FailoverRepository,
    private readonly leases: ActivationLeaseRepository,
    private readonly provisioning: ProvisioningRepository,
    private readonly reconciler: Reconciler,
    private readonly requests: ReconcileRequests,
    private readonly settings: FencingSettings,
    private readonly audit: AuditService,
    @Inject(KUBE_GATEWAY) private readonly kube: KubeGateway,
    config: AppConfig,
  ) {
    this.confirmTimeoutMs = config.get('FAILOVER_CONFIRM_TIMEOUT_SECONDS') * 1000;
  }

  async step(failoverId: string): Promise<FailoverStep> {
    const failover = await this.failovers.find(failoverId);
    if (!failover) return { kind: 'done', state: 'failed' };
    switch (failover.state) {
      case 'fencing':
        return this.fence(failover);
      case 'promoting':
        return this.promote(failover);
      case 'confirming':
        return this.confirm(failover);
      case 'restoring':
        return this.restore(failover);
      case 'completed':
      case 'failed':
        return { kind: 'done', state: failover.state };
    }
  }

  /**
   * Fence first. The old instance's lease is revoked (no grant can follow), its CoreApp is written at
   * zero, and it counts as fenced once its cluster confirms the pod object is gone, or, when that
   * cannot be confirmed, once the last lease ever granted to it has certainly run out.
   */
  private async fence(failover: Failover): Promise<FailoverStep> {
    const number = await this.provisioning.findNumber(failover.numberId);
    const old = number?.placements.find((p) => p.id === failover.fromPlacementId);
    if (!number || number.desiredState === 'deleted') {
      return this.fail(failover, 'the number is being deprovisioned');
    }
    if (!old) return this.markFenced(failover, 'none');

    if (old.state !== 'fencing' && !isRetiring(old)) {
      await this.provisioning.prisma.$transaction(async (tx) => {
        await this.provisioning.updatePlacement(tx, old.id, { state: 'fencing' });
        await this.leases.revoke(tx, old.id);
      });
    }

    if ((await this.confirmGone(number, old)) === 'gone') return this.markFenced(failover, 'pod_gone');

    const lease = await this.leases.certainlyOver(old.id, this.settings.skewMarginMs);
    if (lease.kind === 'over') return this.markFenced(failover, 'lease_expired');
    if (lease.kind === 'running') {
      return {
        kind: 'wait',
        ms: Math.min(POLL_MS, lease.remainingMs),
        reason: 'waiting for the lease to run out',
      };
    }
    return {
      kind: 'wait',
      ms: UNREACHABLE_POLL_MS,
      reason: `cluster ${old.cluster.name} must confirm the old instance is gone (no lease to wait out)`,
    };
  }

  /** Writes the CoreApp at zero and reads back: gone when the StatefulSet says zero and its pod object is absent. */
  private async confirmGone(
    number: NumberWithPlacements,
    old: PlacementWithCluster,
  ): Promise<'gone' | 'not-confirmed'> {
    const target = clusterTarget(old.cluster);
    if (this.kube.reachability(target.name) === 'unreachable') return 'not-confirmed';
    try {
      const written = await this.reconciler.applyFencedCoreApp(number.id, old.id);
      if (written === 'absent') return 'gone';
      // A missing pod proves nothing until the StatefulSet controller has acted on the zero: before
      // that, it may still create the pod from the old replica count.
      const statefulSet = await this.kube.get(target, {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        namespace: old.namespace,
        name: written.metadata.name,
      });
      if (!statefulSet) return 'gone';
      const status = (statefulSet['status'] ?? {}) as { observedGeneration?: number; replicas?: number };
      const generation = statefulSet.metadata.generation ?? written.metadata.generation ?? 0;
      if ((status.observedGeneration ?? 0) < generation || (status.replicas ?? 0) > 0) return 'not-confirmed';
      const pod = await this.kube.get(target, {
        apiVersion: 'v1',
        kind: 'Pod',
        namespace: old.namespace,
        name: `${POD_SET_NAMES.coreapp}-0`,
      });
      return pod ? 'not-confirmed' : 'gone';
    } catch (error) {
      if (error instanceof KubeApiError && error.retryable) return 'not-confirmed';
      throw error;
    }
  }

  private async markFenced(
    failover: Failover,
    method: 'pod_gone' | 'lease_expired' | 'none',
  ): Promise<FailoverStep> {
    await this.provisioning.prisma.$transaction(async (tx) => {
      const moved = await this.failovers.advance(tx, failover.id, 'fencing', {
        state: 'promoting',
        fenceMethod: method,
        fencedAt: new Date(),
      });
      if (moved && failover.fromPlacementId && method !== 'none') {
        await this.provisioning.updatePlacement(tx, failover.fromPlacementId, { state: 'fenced' });
      }
    });
    this.logger.log({ failoverId: failover.id, numberId: failover.numberId, method }, 'old instance fenced');
    return this.step(failover.id);
  }

  /**
   * Advances the epoch by compare-and-set and makes the standby the active instance in one
   * transaction; without a usable standby the active slot is left empty, and the reconciler places
   * a new primary in the region (claiming the next epoch the same way).
   */
  private async promote(failover: Failover): Promise<FailoverStep> {
    const promoted = await this.provisioning.prisma.$transaction(async (tx) => {
      const locked = await this.provisioning.lockNumber(tx, failover.numberId);
      const number = await this.provisioning.findNumber(failover.numberId, tx);
      if (!locked || !number) return undefined;
      const old = number.placements.find((p) => p.id === failover.fromPlacementId);
      if (old?.activeNumberId) {
        await this.provisioning.updatePlacement(tx, old.id, { activeNumberId: null });
      }
      const standby = number.placements.find(
        (p) =>
          p.role === 'standby' &&
          !isRetiring(p) &&
          p.state !== 'fencing' &&
          this.kube.reachability(p.cluster.name) !== 'unreachable',
      );
      let toPlacementId: string | null = null;
      let toEpoch: bigint | null = null;
      if (standby) {
        toEpoch = locked.fencingEpoch + 1n;
        if (!(await this.provisioning.advanceEpoch(tx, number.id, locked.fencingEpoch, toEpoch))) {
          throw new Error(`fencing epoch of number ${number.id} moved under its row lock`);
        }
        await this.provisioning.updatePlacement(tx, standby.id, {
          role: 'primary',
          epoch: toEpoch,
          activeNumberId: number.id,
          state: 'provisioning',
        });
        toPlacementId = standby.id;
      }
      await this.failovers.advance(tx, failover.id, 'promoting', {
        state: 'confirming',
        promotedAt: new Date(),
        toPlacementId,
        toEpoch,
      });
      await this.audit.record(tx, SYSTEM, {
        action: 'number.failover_promoted',
        targetType: 'number',
        targetId: number.id,
        tenantId: number.tenantId,
        metadata: {
          failoverId: failover.id,
          from: old ? { placementId: old.id, cluster: old.cluster.name } : null,
          to: standby ? { placementId: standby.id, cluster: standby.cluster.name } : 'new placement',
          epoch: toEpoch?.toString() ?? null,
          fenceMethod: failover.fenceMethod,
        },
      });
      return true;
    });
    if (!promoted) return this.fail(failover, 'the number is gone');
    // Start the new instance now rather than behind the queue; the job covers anything left.
    await this.reconcileNow(failover.numberId);
    return this.step(failover.id);
  }

  /** The promoted instance counts once its WebApp reports the gateway connected. */
  private async confirm(failover: Failover): Promise<FailoverStep> {
    const number = await this.provisioning.findNumber(failover.numberId);
    if (!number || number.desiredState === 'deleted')
      return this.fail(failover, 'the number is being deprovisioned');
    if (number.desiredState === 'suspended') {
      // Nothing is meant to connect: the failover is over, and the promoted placement waits for a resume.
      await this.failovers.advance(this.failovers.prisma, failover.id, 'confirming', { state: 'restoring' });
      return this.complete(failover, 'the number was suspended during the failover');
    }
    const active = number.placements.find((p) => p.activeNumberId === number.id && !isRetiring(p));
    if (active && (await this.gatewayConnected(active))) {
      await this.failovers.advance(this.failovers.prisma, failover.id, 'confirming', {
        state: 'restoring',
        connectedAt: new Date(),
        toPlacementId: active.id,
        toEpoch: active.epoch,
      });
      return this.step(failover.id);
    }
    if (Date.now() - (failover.promotedAt ?? failover.requestedAt).getTime() > this.confirmTimeoutMs) {
      return this.fail(
        failover,
        'the promoted instance did not connect in time; the number keeps being reconciled',
      );
    }
    await this.requests.request(number.id, 'failover');
    return { kind: 'wait', ms: POLL_MS, reason: 'waiting for the promoted instance to connect' };
  }

  private async gatewayConnected(placement: PlacementWithCluster): Promise<boolean> {
    try {
      const answer = await this.kube.proxyGet(
        clusterTarget(placement.cluster),
        { namespace: placement.namespace, service: POD_SET_NAMES.webapp, port: 443, path: '/v1/health' },
        { timeoutMs: CONNECT_PROBE_TIMEOUT_MS },
      );
      if (answer.status !== 200) return false;
      return gatewayStatuses(answer.body).includes('connected');
    } catch {
      return false;
    }
  }

  /** Redundancy is back when an HA number has a ready standby again (a single number has nothing to restore). */
  private async restore(failover: Failover): Promise<FailoverStep> {
    const number = await this.provisioning.findNumber(failover.numberId);
    if (!number) return this.fail(failover, 'the number is gone');
    if (number.mode === 'ha') {
      const standby = number.placements.find((p) => p.role === 'standby' && !isRetiring(p));
      if (!standby || standby.state !== 'ready') {
        if (!standby && number.stateReason) {
          return this.complete(failover, `redundancy not restored: ${number.stateReason}`);
        }
        // The number is served; a standby that cannot start (its zone is down too) is the
        // reconciler's to finish, and must not hold the number's failover slot for ever.
        const since = (failover.connectedAt ?? failover.requestedAt).getTime();
        if (Date.now() - since > this.confirmTimeoutMs) {
          return this.complete(failover, 'redundancy not restored yet: the new standby is not ready');
        }
        await this.requests.request(number.id, 'failover');
        return { kind: 'wait', ms: POLL_MS * 2, reason: 'waiting for a new standby' };
      }
    }
    return this.complete(failover, null);
  }

  private async complete(failover: Failover, note: string | null): Promise<FailoverStep> {
    await this.provisioning.prisma.$transaction(async (tx) => {
      const now = new Date();
      const moved = await this.failovers.advance(tx, failover.id, 'restoring', {
        state: 'completed',
        restoredAt: note ? null : now,
        endedAt: now,
        openNumberId: null,
        error: note,
      });
      if (!moved) return;
      await this.audit.record(tx, SYSTEM, {
        action: 'number.failover_completed',
        targetType: 'number',
        targetId: failover.numberId,
        tenantId: failover.tenantId,
        metadata: { failoverId: failover.id, ...stepTimes({ ...failover, endedAt: now }), note },
      });
    });
    return { kind: 'done', state: 'completed' };
  }

  async fail(failover: Failover, reason: string): Promise<FailoverStep> {
    await this.provisioning.prisma.$transaction(async (tx) => {
      const moved = await this.failovers.advance(tx, failover.id, failover.state, {
        state: 'failed',
        error: reason.slice(0, 1000),
        endedAt: new Date(),
        openNumberId: null,
      });
      if (!moved) return;
      await this.audit.record(tx, SYSTEM, {
        action: 'number.failover_failed',
        targetType: 'number',
        targetId: failover.numberId,
        tenantId: failover.tenantId,
        metadata: { failoverId: failover.id, step: failover.state, reason },
      });
    });
    this.logger.warn({ failoverId: failover.id, numberId: failover.numberId, reason }, 'failover failed');
    return { kind: 'done', state: 'failed' };
  }

  private async reconcileNow(numberId: string): Promise<void> {
    try {
      await this.reconciler.reconcile(numberId);
    } catch (error) {
      this.logger.warn({ numberId, err: error }, 'reconcile after promotion failed; the queue retries it');
    }
    await this.requests.request(numberId, 'failover');
  }
}

/** `gateway_status` of a WebApp health answer, single-node or per node. */
export function gatewayStatuses(body: unknown): string[] {
  try {
    const parsed = typeof body === 'string' ? (JSON.parse(body) as unknown) : body;
    const health = (parsed as { health?: Record<string, unknown> } | null)?.health ?? {};
    if (typeof health['gateway_status'] === 'string') return [health['gateway_status']];
    return Object.values(health)
      .map((node) => (node as { gateway_status?: unknown } | null)?.gateway_status)
      .filter((s): s is string => typeof s === 'string');
  } catch {
    return [];
  }
}

/** Milliseconds from the request to each step's end, for the audit record and the metrics. */
export function stepTimes(f: {
  requestedAt: Date;
  fencedAt: Date | null;
  promotedAt: Date | null;
  connectedAt: Date | null;
  restoredAt?: Date | null;
  endedAt: Date | null;
}): Record<string, number | null> {
  const since = (d: Date | null | undefined) => (d ? d.getTime() - f.requestedAt.getTime() : null);
  return {
    fencedMs: since(f.fencedAt),
    promotedMs: since(f.promotedAt),
    connectedMs: since(f.connectedAt),
    endedMs: since(f.endedAt),
  };
}
