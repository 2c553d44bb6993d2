import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { HEALTH_OBSERVER, type HealthObserver } from '../health.observer';
import type { HealthCause, HealthStatus } from '../health.types';
import { HealthRepository } from '../store/health.repository';
import { HealthChecker, type HealthCheckOutcome } from './health-checker.service';

export interface SweepResult {
  shard: number;
  /** Another sweep of this shard was still running in this worker: nothing was done. */
  skipped: boolean;
  checked: number;
  changed: number;
  byStatus: Partial<Record<HealthStatus | 'undecided', number>>;
  durationMs: number;
}

export interface CheckNowResult {
  numberId: string;
  /** false: not active, not wanted active, or without an active placement (nothing to check). */
  monitored: boolean;
  status: HealthStatus | null;
  cause: HealthCause | null;
  reason: string | null;
}

/** Sweeps one shard of the monitored numbers; checks given numbers out of band. */
@Injectable()
export class HealthSweepService {
  private readonly running = new Set<number>();

  constructor(
    private readonly repository: HealthRepository,
    private readonly checker: HealthChecker,
    @Optional() @Inject(HEALTH_OBSERVER) private readonly observer?: HealthObserver,
  ) {}

  async sweep(shard: number, shards: number): Promise<SweepResult> {
    if (!(Number.isInteger(shard) && Number.isInteger(shards) && shard >= 0 && shard < shards))
      throw new Error(`invalid shard ${shard} of ${shards}`);
    const started = performance.now();
    // A sweep slower than the interval must not pile up behind itself in one worker.
    if (this.running.has(shard))
      return { shard, skipped: true, checked: 0, changed: 0, byStatus: {}, durationMs: 0 };
    this.running.add(shard);
    try {
      const targets = await this.repository.shardTargets(shard, shards);
      const outcomes = await this.checker.check(targets);
      const durationMs = performance.now() - started;
      this.observer?.swept(durationMs, outcomes.length);
      return {
        shard,
        skipped: false,
        checked: outcomes.length,
        changed: outcomes.filter((o) => o.changed).length,
        byStatus: countByStatus(outcomes),
        durationMs: Math.round(durationMs),
      };
    } finally {
      this.running.delete(shard);
    }
  }

  /** Checks these numbers now (e.g. the lease watchdog when a lease lapses); same hysteresis as the sweep. */
  async checkNow(numberIds: readonly string[]): Promise<CheckNowResult[]> {
    const unique = [...new Set(numberIds)];
    const outcomes = await this.checker.check(await this.repository.targetsByIds(unique));
    const byId = new Map(outcomes.map((o) => [o.numberId, o]));
    return unique.map((numberId) => {
      const o = byId.get(numberId);
      return o
        ? { numberId, monitored: true, status: o.status, cause: o.cause, reason: o.reason }
        : { numberId, monitored: false, status: null, cause: null, reason: null };
    });
  }
}

function countByStatus(outcomes: readonly HealthCheckOutcome[]): SweepResult['byStatus'] {
  const out: SweepResult['byStatus'] = {};
  for (const o of outcomes) {
    const key = o.status ?? 'undecided';
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}
