import { Processor, WorkerHost } from '@nestjs/bullmq';
import { type BeforeApplicationShutdown, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, type Job } from 'bullmq';
import { AppConfig } from '@bsp/config';
import { FailoverRepository, FailoverRunner, type FailoverStep } from '@bsp/domain-failover';
import { JobName, type JobPayloads, QueueName } from '@bsp/queue';
import { FailoverMetrics } from './failover.metrics';

type FailoverJob = Job<JobPayloads[typeof JobName.Failover], FailoverStep, typeof JobName.Failover>;

/**
 * Thin: runs the failover's next steps and maps "wait" to moving the same job back to delayed, so
 * a failover keeps one job and a crashed worker's job is taken over when its lock expires. Its own
 * queue, concurrency and rate limit keep a lost cluster's storm of failovers from starving the
 * reconciles and health sweeps.
 */
@Processor(QueueName.Failover, { autorun: false })
export class FailoverProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(FailoverProcessor.name);

  constructor(
    private readonly runner: FailoverRunner,
    private readonly failovers: FailoverRepository,
    private readonly metrics: FailoverMetrics,
    private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    const lockMs = this.config.get('RECONCILE_LOCK_MS');
    Object.assign(this.worker.opts, {
      lockDuration: lockMs,
      stalledInterval: lockMs,
      limiter: { max: this.config.get('FAILOVER_RATE_PER_SECOND'), duration: 1000 },
    });
    this.worker.concurrency = this.config.get('FAILOVER_CONCURRENCY');
    this.worker
      .run()
      .catch((error: Error) => this.logger.error({ error: error.message }, 'failover worker stopped'));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  async process(job: FailoverJob, token?: string): Promise<FailoverStep> {
    const step = await this.runner.step(job.data.failoverId);
    if (step.kind === 'wait') {
      await job.updateProgress({ waiting: step.reason });
      await job.moveToDelayed(Date.now() + step.ms, token);
      throw new DelayedError();
    }
    const failover = await this.failovers.find(job.data.failoverId);
    if (failover?.endedAt) {
      const seconds = (failover.endedAt.getTime() - failover.requestedAt.getTime()) / 1000;
      this.metrics.observe(failover.trigger, step.state, seconds);
    }
    return step;
  }
}
