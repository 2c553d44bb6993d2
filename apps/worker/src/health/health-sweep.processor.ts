import { Processor, WorkerHost } from '@nestjs/bullmq';
import { type BeforeApplicationShutdown, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { HealthSweepService, type SweepResult } from '@bsp/domain-health';
import { type JobName, type JobPayloads, QueueName } from '@bsp/queue';

type HealthSweepJob = Job<JobPayloads[typeof JobName.HealthSweep], SweepResult, typeof JobName.HealthSweep>;

/**
 * Sweeps of different shards a worker runs at once. Probes are bounded separately, across all of
 * them (HEALTH_PROBE_CONCURRENCY), so this only decides how many shards share that budget.
 */
const SWEEPS_AT_ONCE = 8;

/** Thin: one sweep of one shard per job; a failure fails the job (the next interval sweeps again). */
@Processor(QueueName.Health, { concurrency: SWEEPS_AT_ONCE })
export class HealthSweepProcessor extends WorkerHost implements BeforeApplicationShutdown {
  private readonly logger = new Logger(HealthSweepProcessor.name);

  constructor(private readonly sweeps: HealthSweepService) {
    super();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  async process(job: HealthSweepJob): Promise<SweepResult> {
    const result = await this.sweeps.sweep(job.data.shard, job.data.shards);
    if (result.changed > 0)
      this.logger.log(
        { jobId: job.id, shard: result.shard, changed: result.changed },
        'health statuses changed',
      );
    return result;
  }
}
