export type {
  CheckSignals,
  CoreAppPod,
  GatewayNode,
  HealthCause,
  HealthStatus,
  LeaseSignal,
  PodsSignal,
  ProbeSignal,
  RawVerdict,
} from './health.types';
export { classify, type ClassifyContext } from './classify/health.classifier';
export {
  applyHysteresis,
  INITIAL_HYSTERESIS,
  type HysteresisResult,
  type HysteresisSettings,
  type HysteresisState,
} from './classify/health.hysteresis';
export { parseWebAppHealth, overallGatewayStatus } from './signals/webapp-health.parser';
export { readPodSet } from './signals/coreapp-pod.reader';
export { leaseSignal, LEASE_LAPSE_INTERVALS } from './signals/lease.signal';
export { HealthSettings } from './health.settings';
export {
  HEALTH_VERDICT_LISTENER,
  type HealthVerdictListener,
  type UnhealthyNumberEvent,
} from './health-verdict.listener';
export { HEALTH_OBSERVER, type HealthObserver } from './health.observer';
export { HealthStatusStore, type StoredHealth } from './store/health-status.store';
export type { LatestCheck, NumberHealthRecord, ClusterReachabilityRecord } from './store/health-record';
export {
  HealthRepository,
  type HealthChange,
  type HealthTarget,
  type StatusCounts,
  type ClusterStatusCounts,
} from './store/health.repository';
export { HealthChecker, type HealthCheckOutcome } from './sweep/health-checker.service';
export { HealthSweepService, type CheckNowResult, type SweepResult } from './sweep/health-sweep.service';
export { healthShardOf, healthSchedulerId } from './sweep/health-shard';
export { ProbeLimiter } from './sweep/probe-limiter';
export { HealthQueryService } from './query/health-query.service';
export { HealthChecksModule, HealthQueryModule } from './health.module';
