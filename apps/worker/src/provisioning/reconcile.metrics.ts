import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsService } from '@bsp/observability';

/** Reconcile outcomes and durations, on the worker's /metrics. */
@Injectable()
export class ReconcileMetrics {
  private readonly total: Counter<'outcome'>;
  private readonly duration: Histogram<'outcome'>;

  constructor(metrics: MetricsService) {
    this.total = new Counter({
      name: 'bsp_reconcile_total',
      help: 'Reconciles run, by outcome (converged, waiting, failed, superseded, gone, error).',
      labelNames: ['outcome'] as const,
      registers: [metrics.registry],
    });
    this.duration = new Histogram({
      name: 'bsp_reconcile_duration_seconds',
      help: 'Time one reconcile took, by outcome.',
      labelNames: ['outcome'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [metrics.registry],
    });
  }

  observe(outcome: string, durationMs: number): void {
    this.total.inc({ outcome });
    this.duration.observe({ outcome }, durationMs / 1000);
  }
}
