import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsService } from '@bsp/observability';

/** Failovers by how they ended, and how long each took from request to the end. */
@Injectable()
export class FailoverMetrics {
  private readonly total: Counter<'trigger' | 'outcome'>;
  private readonly duration: Histogram<'trigger' | 'outcome'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.total = new Counter({
      name: 'bsp_failovers_total',
      help: 'Failovers that ended, by trigger and outcome (completed, failed).',
      labelNames: ['trigger', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'bsp_failover_duration_seconds',
      help: 'From the failover request to its end.',
      labelNames: ['trigger', 'outcome'],
      buckets: [1, 2, 5, 10, 15, 20, 30, 45, 60, 120, 300],
      registers,
    });
  }

  observe(trigger: string, outcome: 'completed' | 'failed', seconds: number): void {
    this.total.inc({ trigger, outcome });
    this.duration.observe({ trigger, outcome }, seconds);
  }
}
