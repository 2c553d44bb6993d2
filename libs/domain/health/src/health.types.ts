import type { HealthCause, HealthStatus } from '@bsp/contracts';
import type { ClusterReachability } from '@bsp/kube';

/**
 * HealthStatus: post-hysteresis status of a number's active instance (the database enum).
 * HealthCause, for the failover side: `instance_lost` is a lapsed activation lease with a gateway
 * that is not connected (the instance is gone, decided at once); `cluster_unreachable` means
 * nothing can be learned about it until its cluster answers again.
 */
export type { HealthCause, HealthStatus };

/** One CoreApp node as the WebApp's `/v1/health` reports it (single-instance or HA format). */
export interface GatewayNode {
  /** `coreapp-0:6250` in the HA format; `default` in the single-instance format. */
  node: string;
  /** connected | connecting | disconnected | uninitialized | unregistered (as reported). */
  gatewayStatus: string;
  role: string | null;
}

/** The WebApp probe through the API server's service proxy. */
export type ProbeSignal =
  | { kind: 'answered'; httpStatus: number; nodes: GatewayNode[] | null; durationMs: number }
  | { kind: 'failed'; error: string; timedOut: boolean; durationMs: number }
  /** Not sent: the cluster is known to be unreachable (one canary per cluster and batch is sent). */
  | { kind: 'skipped' };

/** The active CoreApp pod as the watch cache last saw it. */
export interface CoreAppPod {
  /** null: no CoreApp pod exists (StatefulSet not yet recreated it, or scaled away). */
  name: string | null;
  ready: boolean;
  restarts: number;
  node: string | null;
  state: 'running' | 'waiting' | 'terminated' | 'terminating' | 'missing';
  /** The waiting or termination reason (CrashLoopBackOff, Error, OOMKilled...). */
  reason: string | null;
  /** When the CoreApp last restarted in place (ISO), as far as anyone saw. */
  lastRestartAt: string | null;
}

export type PodsSignal =
  | { kind: 'observed'; coreapp: CoreAppPod; webapp: { desired: number; ready: number } }
  /** The cluster's watch cache is not synced (starting, or re-listing after a lost watch). */
  | { kind: 'unavailable' };

/**
 * The active placement's activation lease: `lapsed` when it has been granted and not renewed for
 * 2.5 renew intervals (two renewals missed), `revoked` once a failover started fencing it.
 */
export interface LeaseSignal {
  state: 'none' | 'held' | 'lapsed' | 'revoked';
  /** Since the last renewal, by the database clock. */
  ageMs: number | null;
}

export interface CheckSignals {
  reachability: ClusterReachability;
  probe: ProbeSignal;
  pods: PodsSignal;
  lease: LeaseSignal;
}

/** What one check concluded before hysteresis. */
export interface RawVerdict {
  verdict: HealthStatus;
  reason: string;
  /** Lease lapsed and the gateway not connected (or not learnable): skips the failure threshold. */
  instanceLost: boolean;
  /** The gateway reported `connecting` (degraded while brief, failing once it lasts). */
  connecting: boolean;
}
