import type { ClusterReachability } from '@bsp/kube';
import type { HysteresisState } from '../classify/health.hysteresis';
import type { CoreAppPod, GatewayNode, HealthStatus, LeaseSignal } from '../health.types';

/** The latest check of a number, as stored (Redis) and shown by the API. */
export interface LatestCheck {
  at: string;
  durationMs: number;
  /** The raw verdict of this check (before hysteresis) and why. */
  verdict: HealthStatus;
  reason: string;
  placementId: string;
  clusterId: string;
  namespace: string;
  reachability: ClusterReachability;
  probe: {
    outcome: 'answered' | 'failed' | 'skipped';
    httpStatus: number | null;
    error: string | null;
    durationMs: number | null;
  };
  gateway: GatewayNode[];
  /** null when the cluster's watch cache was not synced. */
  coreapp: CoreAppPod | null;
  webapp: { desired: number; ready: number } | null;
  lease: LeaseSignal;
}

/** Everything kept per number between checks: hysteresis plus the latest check. */
export interface NumberHealthRecord {
  hysteresis: HysteresisState;
  flapping: boolean;
  check: LatestCheck;
}

/** A cluster's reachability as the health checks last saw it. */
export interface ClusterReachabilityRecord {
  clusterId: string;
  name: string;
  reachability: ClusterReachability;
  at: string;
}
