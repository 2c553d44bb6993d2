import type { HealthStatus } from './health.types';

/** Metrics port: the worker turns these into Prometheus series. Optional. */
export interface HealthObserver {
  /** One number checked: its raw verdict and how long the check took. */
  checked(verdict: HealthStatus, durationMs: number): void;
  /** A status change written to PostgreSQL. */
  transitioned(from: HealthStatus | null, to: HealthStatus): void;
  /** One shard swept. */
  swept(durationMs: number, numbers: number): void;
}

export const HEALTH_OBSERVER = Symbol('HealthObserver');
