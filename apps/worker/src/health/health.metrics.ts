import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { type HealthObserver, HealthRepository, type HealthStatus } from '@bsp/domain-health';
import { MetricsService } from '@bsp/observability';

/** Seconds a status count read from PostgreSQL is reused across scrapes. */
const COUNTS_TTL_MS = 5_000;

/**
 * Health metrics on the worker's /metrics. `bsp_health_numbers` is read from PostgreSQL at scrape
 * time (cached a few seconds), so every worker replica reports the same, global, counts: aggregate
 * it with max, not sum.
 */
@Injectable()
export class HealthMetrics implements HealthObserver {
  private readonly checkDuration: Histogram<'result'>;
  private readonly transitions: Counter<'from' | 'to'>;
  private readonly sweepDuration: Histogram;
  private counts: { at: number; value: Promise<Record<string, number>> } | undefined;

  constructor(
    metrics: MetricsService,
    private readonly repository: HealthRepository,
  ) {
    this.checkDuration = new Histogram({
      name: 'bsp_health_check_duration_seconds',
      help: "One number's health check (probe and classification), by raw verdict.",
      labelNames: ['result'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [metrics.registry],
    });
    this.transitions = new Counter({
      name: 'bsp_health_transitions_total',
      help: 'Health status changes written, by from and to status (from="none": first decision).',
      labelNames: ['from', 'to'] as const,
      registers: [metrics.registry],
    });
    this.sweepDuration = new Histogram({
      name: 'bsp_health_sweep_duration_seconds',
      help: 'One shard sweep, from reading its numbers to the last write.',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [metrics.registry],
    });
    const read = () => this.statusCounts();
    new Gauge({
      name: 'bsp_health_numbers',
      help: 'Monitored numbers by health status (unchecked: not decided yet); global, from the database.',
      labelNames: ['status'] as const,
      registers: [metrics.registry],
      async collect() {
        for (const [status, count] of Object.entries(await read())) this.set({ status }, count);
      },
    });
  }

  checked(verdict: HealthStatus, durationMs: number): void {
    this.checkDuration.observe({ result: verdict }, durationMs / 1000);
  }

  transitioned(from: HealthStatus | null, to: HealthStatus): void {
    this.transitions.inc({ from: from ?? 'none', to });
  }

  swept(durationMs: number): void {
    this.sweepDuration.observe(durationMs / 1000);
  }

  private statusCounts(): Promise<Record<string, number>> {
    if (!this.counts || Date.now() - this.counts.at > COUNTS_TTL_MS) {
      const value = this.repository.statusCounts(null);
      this.counts = { at: Date.now(), value };
      value.catch(() => (this.counts = undefined));
    }
    return this.counts.value;
  }
}
