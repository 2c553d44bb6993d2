import type { FailoverResponse } from '@bsp/contracts';
import type { Failover } from '@bsp/db';

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toFailoverResponse(f: Failover): FailoverResponse {
  return {
    id: f.id,
    numberId: f.numberId,
    tenantId: f.tenantId,
    trigger: f.trigger,
    reason: f.reason,
    state: f.state,
    requestedBy: { type: f.requestedByType, id: f.requestedById },
    from: { placementId: f.fromPlacementId, epoch: f.fromEpoch?.toString() ?? null },
    to: { placementId: f.toPlacementId, epoch: f.toEpoch?.toString() ?? null },
    fenceMethod: f.fenceMethod,
    error: f.error,
    requestedAt: f.requestedAt.toISOString(),
    fencedAt: iso(f.fencedAt),
    promotedAt: iso(f.promotedAt),
    connectedAt: iso(f.connectedAt),
    restoredAt: iso(f.restoredAt),
    endedAt: iso(f.endedAt),
  };
}
