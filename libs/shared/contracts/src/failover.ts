export const FAILOVER_TRIGGERS = ['manual', 'unhealthy', 'instance_lost', 'cluster_unreachable'] as const;
export type FailoverTrigger = (typeof FAILOVER_TRIGGERS)[number];

export const FAILOVER_STATES = [
  'fencing',
  'promoting',
  'confirming',
  'restoring',
  'completed',
  'failed',
] as const;
export type FailoverState = (typeof FAILOVER_STATES)[number];

export interface FailoverRequestBody {
  /** Why: kept on the failover and in the audit log. */
  reason: string;
}

export interface FailoverResponse {
  id: string;
  numberId: string;
  tenantId: string;
  trigger: FailoverTrigger;
  reason: string;
  state: FailoverState;
  requestedBy: { type: 'user' | 'api_key' | 'system'; id: string | null };
  from: { placementId: string | null; epoch: string | null };
  to: { placementId: string | null; epoch: string | null };
  /** How the old instance was fenced: pod_gone (its cluster confirmed), lease_expired, or none. */
  fenceMethod: string | null;
  error: string | null;
  requestedAt: string;
  fencedAt: string | null;
  promotedAt: string | null;
  connectedAt: string | null;
  restoredAt: string | null;
  endedAt: string | null;
}

/** What a fencing agent sends to renew its pod set's activation lease (internal endpoint). */
export interface LeaseRenewalRequest {
  placementId: string;
  /** Decimal string: epochs are 64-bit. */
  epoch: string;
  pod?: string;
  namespace?: string;
}

export interface LeaseRenewalResponse {
  granted: true;
  leaseDurationMs: number;
  renewIntervalMs: number;
}
