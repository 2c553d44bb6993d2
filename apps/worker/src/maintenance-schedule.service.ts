import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { AppConfig } from '@bsp/config';
import { JobName, QueueName } from '@bsp/queue';

const DAY_SECONDS = 24 * 3600;

/** Job schedulers are upserted by id, so every worker replica can declare them without duplicates. */
@Injectable()
export class MaintenanceScheduleService implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      JobName.PruneSessions,
      { every: 3600_000 },
      { name: JobName.PruneSessions, data: { olderThanSeconds: DAY_SECONDS } },
    );
    await this.queue.upsertJobScheduler(
      JobName.Resync,
      { every: this.config.get('RESYNC_INTERVAL_SECONDS') * 1000 },
      { name: JobName.Resync, data: {} },
    );
  }
}
