export const HEALTH_STATUSES = ['healthy', 'degraded', 'unhealthy', 'unknown'] as const;
/** A number's health after hysteresis; `unknown`: its cluster cannot be reached. */
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

/** Why a number is unhealthy or unknown: failed checks, an instance found lost (lease lapsed), or its cluster unreachable. */
export type HealthCause = 'unhealthy' | 'instance_lost' | 'cluster_unreachable';

export type ClusterReachabilityResponse = 'reachable' | 'unreachable' | 'unknown';

/** One CoreApp node as the WebApp's `/v1/health` reported it. */
export interface GatewayNodeResponse {
  node: string;
  /** connected | connecting | disconnected | uninitialized | unregistered */
  gatewayStatus: string;
  role: string | null;
}

export interface CoreAppPodHealthResponse {
  name: string | null;
  ready: boolean;
  restarts: number;
  node: string | null;
  state: 'running' | 'waiting' | 'terminated' | 'terminating' | 'missing';
  reason: string | null;
  lastRestartAt: string | null;
}

export interface LeaseHealthResponse {
  /** none: no lease granted (fencing not configured, or not yet); lapsed: not renewed for 2.5 renew intervals. */
  state: 'none' | 'held' | 'lapsed' | 'revoked';
  /** Milliseconds since the last renewal, as of the last check. */
  ageMs: number | null;
}

export interface HealthTransitionResponse {
  fromStatus: HealthStatus | null;
  toStatus: HealthStatus;
  reason: string | null;
  placementId: string | null;
  clusterId: string | null;
  /** The checks' findings at that moment. */
  detail: unknown;
  at: string;
}

/** GET /v1/numbers/{numberId}/health */
export interface NumberHealthResponse {
  numberId: string;
  /** Whether the number is being checked (active, wanted active, with an active placement). */
  monitored: boolean;
  /** null: not decided yet (never checked, or a first failing verdict below the threshold). */
  status: HealthStatus | null;
  cause: HealthCause | null;
  since: string | null;
  checkedAt: string | null;
  /** The last check's raw verdict (before hysteresis) and its reason. */
  lastVerdict: HealthStatus | null;
  reason: string | null;
  /** Changing status too often: recovery needs twice the passing checks. */
  flapping: boolean;
  placement: { id: string; namespace: string } | null;
  cluster: {
    id: string;
    name: string;
    region: string;
    zone: string;
    /** As the last check saw it. */
    reachability: ClusterReachabilityResponse | null;
  } | null;
  probe: {
    outcome: 'answered' | 'failed' | 'skipped';
    httpStatus: number | null;
    error: string | null;
    durationMs: number | null;
  } | null;
  gateway: GatewayNodeResponse[];
  coreapp: CoreAppPodHealthResponse | null;
  webapp: { desired: number; ready: number } | null;
  lease: LeaseHealthResponse | null;
  /** The latest status changes, newest first (at most 20). */
  transitions: HealthTransitionResponse[];
}

export type HealthCountsResponse = Record<HealthStatus | 'unchecked', number>;

export interface ClusterHealthSummaryResponse {
  clusterId: string;
  name: string;
  region: string;
  zone: string;
  reachability: ClusterReachabilityResponse | null;
  reachabilitySeenAt: string | null;
  total: number;
  counts: HealthCountsResponse;
}

/** GET /v1/health/summary: monitored numbers by status (`unchecked`: no status decided yet). */
export interface HealthSummaryResponse {
  /** The tenant counted, or null for every tenant (staff). */
  tenantId: string | null;
  total: number;
  counts: HealthCountsResponse;
  /** Staff only: by the cluster of each number's active instance. */
  byCluster?: ClusterHealthSummaryResponse[];
}
