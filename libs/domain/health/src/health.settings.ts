import { Injectable } from '@nestjs/common';
import { AppConfig } from '@bsp/config';
import type { HysteresisSettings } from './classify/health.hysteresis';

/** More status changes than this within FLAP_WINDOW_CHECKS intervals: the number is flapping. */
const FLAP_LIMIT = 4;
const FLAP_WINDOW_CHECKS = 30;
/** A CoreApp restart is "recent" (degraded) for this many intervals. */
const RECENT_RESTART_CHECKS = 6;
/** Latest checks stay in Redis this many intervals after a number left the sweep (then expire). */
const STATE_TTL_CHECKS = 360;

/** The health checks' numbers, from configuration. */
@Injectable()
export class HealthSettings {
  readonly intervalMs: number;
  readonly shards: number;
  readonly probeConcurrency: number;
  readonly probeTimeoutMs: number;
  readonly hysteresis: HysteresisSettings;
  readonly leaseRenewIntervalMs: number;
  readonly recentRestartMs: number;
  readonly stateTtlMs: number;

  constructor(config: AppConfig) {
    this.intervalMs = config.get('HEALTH_CHECK_INTERVAL_SECONDS') * 1000;
    this.shards = config.get('HEALTH_SHARDS');
    this.probeConcurrency = config.get('HEALTH_PROBE_CONCURRENCY');
    this.probeTimeoutMs = config.get('HEALTH_PROBE_TIMEOUT_MS');
    this.hysteresis = {
      failureThreshold: config.get('HEALTH_FAILURE_THRESHOLD'),
      successThreshold: config.get('HEALTH_SUCCESS_THRESHOLD'),
      flapLimit: FLAP_LIMIT,
      flapWindowMs: FLAP_WINDOW_CHECKS * this.intervalMs,
    };
    this.leaseRenewIntervalMs = config.get('LEASE_RENEW_INTERVAL_MS');
    this.recentRestartMs = RECENT_RESTART_CHECKS * this.intervalMs;
    this.stateTtlMs = Math.max(3600_000, STATE_TTL_CHECKS * this.intervalMs);
  }
}
