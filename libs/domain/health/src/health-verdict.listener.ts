import type { HealthCause } from './health.types';

/** A number whose active instance the checks consider unhealthy (or unknown with its lease lapsed). */
export interface UnhealthyNumberEvent {
  numberId: string;
  tenantId: string;
  placementId: string;
  clusterId: string;
  cause: HealthCause;
  reason: string;
  /** When the number's status last changed (ISO). */
  since: string;
}

/**
 * The failover side's port. Called after every check in which a number's status (after
 * hysteresis) is unhealthy, or unknown while its activation lease has lapsed — so repeatedly while
 * it stays so; the listener decides (one failover per number at a time). Optional: absent, nothing
 * is called.
 */
export interface HealthVerdictListener {
  onUnhealthy(event: UnhealthyNumberEvent): Promise<void> | void;
}

export const HEALTH_VERDICT_LISTENER = Symbol('HealthVerdictListener');
