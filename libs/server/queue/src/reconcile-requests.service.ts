import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { RedisService } from '@bsp/redis';
import { JobName, type JobPayloads, QueueName, type ReconcileReason } from './queue-registry';

/** Reconcile jobs are level-triggered: a completed one carries nothing worth keeping. */
export const RECONCILE_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};

/** One job id per number: asking again while a reconcile waits adds nothing. */
export function reconcileJobId(numberId: string): string {
  return `reconcile.${numberId}`;
}

/**
 * Asks for a number to be reconciled. A reconcile reads the number's whole desired state when it
 * runs, so one pending job per number serves any number of requests:
 * - none pending: add one;
 * - waiting: nothing to do; delayed (a requeue waiting for pods): run it now;
 * - running: it may have read the state before this change, so mark the number dirty; the job
 *   runs once more before it completes (see `takeDirty`);
 * - failed (kept for operators) or completed: replaced by a fresh job.
 * The periodic resync catches anything that still slips between these steps.
 */
@Injectable()
export class ReconcileRequests {
  constructor(
    @InjectQueue(QueueName.Provisioning)
    private readonly queue: Queue<JobPayloads[typeof JobName.Reconcile], unknown, typeof JobName.Reconcile>,
    private readonly redis: RedisService,
  ) {}

  async request(numberId: string, reason: ReconcileReason): Promise<void> {
    const jobId = reconcileJobId(numberId);
    for (let attempt = 0; attempt < 3; attempt++) {
      const existing = await this.queue.getJob(jobId);
      if (!existing) {
        const added = await this.queue.add(
          JobName.Reconcile,
          { numberId, reason },
          { ...RECONCILE_JOB_OPTIONS, jobId },
        );
        if (added.id === jobId) return;
        continue;
      }
      const state = await existing.getState();
      switch (state) {
        case 'waiting':
        case 'waiting-children':
        case 'prioritized':
          return;
        case 'delayed':
          // A delayed job is a requeue (waiting for pods) or a retry backoff; either way, run it now.
          await existing.promote().catch(() => undefined);
          return;
        case 'active':
          await this.redis.client.set(dirtyKey(numberId), reason, 'EX', 3600);
          return;
        case 'completed':
        case 'failed':
        case 'unknown':
          // Removal fails while a worker holds the job's lock: then it is active, and the next round sees it.
          await existing.remove().catch(() => undefined);
          continue;
      }
    }
    await this.redis.client.set(dirtyKey(numberId), reason, 'EX', 3600);
  }

  /** Called by the running reconcile before it completes: whether a request arrived meanwhile. */
  async takeDirty(numberId: string): Promise<boolean> {
    return (await this.redis.client.getdel(dirtyKey(numberId))) !== null;
  }
}

function dirtyKey(numberId: string): string {
  return `reconcile-dirty:${numberId}`;
}
