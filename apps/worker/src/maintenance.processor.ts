import { Processor, WorkerHost } from '@nestjs/bullmq';
import { type BeforeApplicationShutdown, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { SessionsService } from '@bsp/domain-users';
import { JobName, type JobPayloads, QueueName } from '@bsp/queue';
import { ResyncService } from './provisioning/resync.service';

type MaintenanceJob =
  | Job<JobPayloads[typeof JobName.PruneSessions], unknown, typeof JobName.PruneSessions>
  | Job<JobPayloads[typeof JobName.Resync], unknown, typeof JobName.Resync>;

/** Housekeeping jobs. Thin: each job calls one domain method; failures fail the job (retried). */
@Processor(QueueName.Maintenance, { concurrency: 1 })
export class MaintenanceProcessor extends WorkerHost implements BeforeApplicationShutdown {
  private readonly logger = new Logger(MaintenanceProcessor.name);

  constructor(
    private readonly sessions: SessionsService,
    private readonly resync: ResyncService,
  ) {
    super();
  }

  /**
   * SIGTERM: stop taking jobs and let the running ones finish while the database and Redis are
   * still open (they close in the next phase). A job that cannot finish in the grace period is
   * taken over by another worker once its lock expires.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  async process(job: MaintenanceJob): Promise<{ deleted: number } | { requested: number }> {
    switch (job.name) {
      case JobName.PruneSessions: {
        const deleted = await this.sessions.pruneDeadTokens(job.data.olderThanSeconds);
        this.logger.log({ jobId: job.id, deleted }, 'pruned dead refresh tokens');
        return { deleted };
      }
      case JobName.Resync: {
        const requested = await this.resync.requestAll();
        this.logger.log({ jobId: job.id, requested }, 'resync requested reconciles');
        return { requested };
      }
    }
  }
}
