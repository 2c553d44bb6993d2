import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, type Caller, CurrentCaller, STAFF } from '@bsp/auth';
import type { FailedJobResponse, QueueCountsResponse } from '@bsp/contracts';
import { QueueOperationsService } from './queue-operations.service';
import { FailedJobsQueryDto } from './queues.dto';

const QUEUE_PARAM = /^[a-z][a-z0-9-]{0,62}$/;
const JOB_ID_PARAM = /^[A-Za-z0-9._-]{1,200}$/;

@ApiTags('queues')
@ApiBearerAuth()
@Controller('v1/queues')
export class QueuesController {
  constructor(private readonly queues: QueueOperationsService) {}

  @Get()
  @Access({ roles: STAFF })
  @ApiOperation({ summary: 'Staff: job counts per queue' })
  overview(): Promise<QueueCountsResponse[]> {
    return this.queues.overview();
  }

  @Get(':queue/failed')
  @Access({ roles: STAFF })
  @ApiOperation({ summary: 'Staff: failed jobs of a queue with their reasons, newest first' })
  failed(@Param('queue') queue: string, @Query() query: FailedJobsQueryDto): Promise<FailedJobResponse[]> {
    return this.queues.failed(checked(queue, QUEUE_PARAM), query.offset, query.limit);
  }

  @Post(':queue/jobs/:jobId/retry')
  @HttpCode(202)
  @Access({ roles: STAFF })
  @ApiOperation({ summary: 'Staff: retry a failed job now (audited)' })
  retry(
    @CurrentCaller() caller: Caller,
    @Param('queue') queue: string,
    @Param('jobId') jobId: string,
  ): Promise<FailedJobResponse> {
    return this.queues.retry(caller, checked(queue, QUEUE_PARAM), checked(jobId, JOB_ID_PARAM));
  }
}

/** Anything not shaped like a queue name or job id cannot exist: answer as for an unknown one. */
function checked(value: string, pattern: RegExp): string {
  return pattern.test(value) ? value : '\u0000';
}
