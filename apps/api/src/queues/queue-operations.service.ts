import { Injectable } from '@nestjs/common';
import type { Caller } from '@bsp/auth';
import type { FailedJobResponse, QueueCountsResponse } from '@bsp/contracts';
import { PrismaService } from '@bsp/db';
import { AuditService } from '@bsp/domain-audit';
import { QueueAdminService } from '@bsp/queue';

/** The queue view for staff; retrying a job is an operator action, so it is audited. */
@Injectable()
export class QueueOperationsService {
  constructor(
    private readonly admin: QueueAdminService,
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
  ) {}

  overview(): Promise<QueueCountsResponse[]> {
    return this.admin.overview();
  }

  failed(queue: string, offset: number, limit: number): Promise<FailedJobResponse[]> {
    return this.admin.failed(queue, offset, limit);
  }

  async retry(caller: Caller, queue: string, jobId: string): Promise<FailedJobResponse> {
    const job = await this.admin.retry(queue, jobId);
    const numberId = typeof job.data.numberId === 'string' ? job.data.numberId : null;
    await this.prisma.$transaction((tx) =>
      this.audit.record(tx, caller, {
        action: 'job.retry',
        targetType: 'job',
        targetId: `${queue}/${jobId}`.slice(0, 64),
        tenantId: null,
        metadata: { queue, jobId, name: job.name, numberId, failedReason: job.failedReason.slice(0, 500) },
      }),
    );
    return job;
  }
}
