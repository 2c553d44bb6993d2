import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { HealthSettings, healthSchedulerId } from '@bsp/domain-health';
import { JobName, type JobPayloads, QueueName } from '@bsp/queue';

const SCHEDULER_ID = /^health-sweep-(\d+)$/;

/**
 * One job scheduler per shard (`health-sweep-<shard>`, upserted by id so every worker replica can
 * declare them), staggered across the interval so the shards do not all start at once. Schedulers
 * of shards beyond HEALTH_SHARDS (the count was lowered) are removed.
 */
@Injectable()
export class HealthScheduleService implements OnApplicationBootstrap {
  private readonly logger = new Logger(HealthScheduleService.name);

  constructor(
    @InjectQueue(QueueName.Health) private readonly queue: Queue,
    private readonly settings: HealthSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { shards, intervalMs } = this.settings;
    for (let shard = 0; shard < shards; shard++) {
      const data: JobPayloads[typeof JobName.HealthSweep] = { shard, shards };
      await this.queue.upsertJobScheduler(
        healthSchedulerId(shard),
        { every: intervalMs, offset: Math.floor((shard * intervalMs) / shards) },
        {
          name: JobName.HealthSweep,
          data,
          // The next sweep comes one interval later: a failed one is not retried, only kept to be seen.
          opts: {
            attempts: 1,
            removeOnComplete: { count: 200 },
            removeOnFail: { count: 200, age: 24 * 3600 },
          },
        },
      );
    }
    for (const scheduler of await this.queue.getJobSchedulers()) {
      const id = scheduler.id ?? scheduler.key;
      const shard = SCHEDULER_ID.exec(id)?.[1];
      if (shard !== undefined && Number(shard) >= shards) {
        await this.queue.removeJobScheduler(id);
        this.logger.log({ scheduler: id }, 'removed the scheduler of a shard that no longer exists');
      }
    }
  }
}
