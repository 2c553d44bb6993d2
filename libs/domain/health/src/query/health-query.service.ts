import { Injectable } from '@nestjs/common';
import { type Caller, canAccessNumber, confinedTenantId, isStaff } from '@bsp/auth';
import type {
  ClusterHealthSummaryResponse,
  HealthStatus,
  HealthSummaryResponse,
  NumberHealthResponse,
} from '@bsp/contracts';
import { NotFoundError } from '@bsp/errors';
import { HealthRepository, type StatusCounts } from '../store/health.repository';
import { HealthStatusStore } from '../store/health-status.store';

const TRANSITIONS_SHOWN = 20;

/** The API's view of health: the latest check from Redis, status changes from PostgreSQL, tenant-scoped. */
@Injectable()
export class HealthQueryService {
  constructor(
    private readonly repository: HealthRepository,
    private readonly store: HealthStatusStore,
  ) {}

  async numberHealth(caller: Caller, numberId: string): Promise<NumberHealthResponse> {
    const number = await this.repository.findNumber(numberId, confinedTenantId(caller.principal));
    if (!number || !canAccessNumber(caller.principal, number)) throw new NotFoundError('Number');
    const active = number.placements[0] ?? null;
    const [record, transitions, clusters] = await Promise.all([
      this.store.get(number.id),
      this.repository.latestTransitions(number.id, number.tenantId, TRANSITIONS_SHOWN),
      this.store.clusters(active ? [active.cluster.id] : []),
    ]);
    // A check of another placement (before a failover) says nothing about the active one.
    const check = record && active && record.check.placementId === active.id ? record.check : null;
    const monitored = number.state === 'active' && number.desiredState === 'active' && active !== null;
    const hysteresis = record?.hysteresis;
    return {
      numberId: number.id,
      monitored,
      status: hysteresis?.status ?? number.healthStatus,
      cause: hysteresis?.cause ?? null,
      since: hysteresis?.since ?? number.healthChangedAt?.toISOString() ?? null,
      checkedAt: record?.check.at ?? null,
      lastVerdict: record?.check.verdict ?? null,
      reason: record?.check.reason ?? null,
      flapping: record?.flapping ?? false,
      placement: active && { id: active.id, namespace: active.namespace },
      cluster: active && {
        ...active.cluster,
        reachability: clusters.get(active.cluster.id)?.reachability ?? null,
      },
      probe: check?.probe ?? null,
      gateway: check?.gateway ?? [],
      coreapp: check?.coreapp ?? null,
      webapp: check?.webapp ?? null,
      lease: check?.lease ?? null,
      transitions: transitions.map((t) => ({
        fromStatus: t.fromStatus,
        toStatus: t.toStatus,
        reason: t.reason,
        placementId: t.placementId,
        clusterId: t.clusterId,
        detail: t.detail,
        at: t.occurredAt.toISOString(),
      })),
    };
  }

  /**
   * Counts for the caller's tenant (a number-bound key: its numbers), or for `tenantId` / every
   * tenant for staff, who also see them by cluster. Another tenant is "not found".
   */
  async summary(caller: Caller, tenantId?: string): Promise<HealthSummaryResponse> {
    const p = caller.principal;
    const confined = confinedTenantId(p);
    if (confined !== null && tenantId !== undefined && tenantId !== confined)
      throw new NotFoundError('Tenant');
    const scope = confined ?? tenantId ?? null;
    if (scope !== null && confined === null && !(await this.repository.tenantExists(scope)))
      throw new NotFoundError('Tenant');
    const onlyIds = p.kind === 'api_key' && p.numberIds.length > 0 ? p.numberIds : null;
    const counts = await this.repository.statusCounts(scope, onlyIds);
    const summary: HealthSummaryResponse = { tenantId: scope, total: total(counts), counts };
    if (!isStaff(p)) return summary;
    const byCluster = await this.repository.statusCountsByCluster(scope);
    const seen = await this.store.clusters(byCluster.map((c) => c.clusterId));
    summary.byCluster = byCluster.map((c): ClusterHealthSummaryResponse => ({
      ...c,
      reachability: seen.get(c.clusterId)?.reachability ?? null,
      reachabilitySeenAt: seen.get(c.clusterId)?.at ?? null,
      total: total(c.counts),
    }));
    return summary;
  }
}

function total(counts: StatusCounts): number {
  return (Object.keys(counts) as (HealthStatus | 'unchecked')[]).reduce((sum, k) => sum + counts[k], 0);
}
