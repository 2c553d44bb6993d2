import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import type { FailedJobResponse, QueueCountsResponse } from '@bsp/contracts';
import { NotFoundError } from '@bsp/errors';
import { QueueName } from './queue-registry';

/** What operators see of the queues: depths, failed jobs with their reasons, and retrying one. */
@Injectable()
export class QueueAdminService {
  private readonly queues: ReadonlyMap<string, Queue>;

  constructor(
    @InjectQueue(QueueName.Maintenance) maintenance: Queue,
    @InjectQueue(QueueName.Provisioning) provisioning: Queue,
    @InjectQueue(QueueName.Health) health: Queue,
    @InjectQueue(QueueName.Failover) failover: Queue,
  ) {
    this.queues = new Map([
      [QueueName.Maintenance, maintenance],
      [QueueName.Provisioning, provisioning],
      [QueueName.Health, health],
      [QueueName.Failover, failover],
    ]);
  }

  async overview(): Promise<QueueCountsResponse[]> {
    return Promise.all(
      [...this.queues.entries()].map(async ([name, queue]) => {
        const [counts, paused] = await Promise.all([
          queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed'),
          queue.isPaused(),
        ]);
        return {
          name,
          waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
          active: counts.active ?? 0,
          delayed: counts.delayed ?? 0,
          failed: counts.failed ?? 0,
          completed: counts.completed ?? 0,
          paused,
        };
      }),
    );
  }

  /** Newest failures first; `offset` pages through them. */
  async failed(queueName: string, offset: number, limit: number): Promise<FailedJobResponse[]> {
    const queue = this.queue(queueName);
    const jobs = await queue.getFailed(offset, offset + limit - 1);
    return jobs.filter((j): j is Job => j !== undefined).map((job) => toFailedJob(queueName, job));
  }

  /** Retries a failed job now. Anything else (gone, running, done) is a 404: there is no failed job by that id. */
  async retry(queueName: string, jobId: string): Promise<FailedJobResponse> {
    const queue = this.queue(queueName);
    const job = await queue.getJob(jobId);
    if (!job || !(await job.isFailed())) throw new NotFoundError('Failed job');
    const view = toFailedJob(queueName, job);
    await job.retry('failed');
    return view;
  }

  private queue(name: string): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new NotFoundError('Queue');
    return queue;
  }
}

function toFailedJob(queue: string, job: Job): FailedJobResponse {
  return {
    queue,
    id: String(job.id),
    name: job.name,
    data: (job.data ?? {}) as Record<string, unknown>,
    failedReason: job.failedReason ?? '',
    attemptsMade: job.attemptsMade,
    timestamp: new Date(job.timestamp).toISOString(),
    finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
  };
}
