import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Access, ALL_ROLES, type Caller, CurrentCaller } from '@bsp/auth';
import type { AuditEventResponse, Page } from '@bsp/contracts';
import { auditCsvHeader, auditCsvRow, type AuditFilters, AuditService } from '@bsp/domain-audit';
import { AuditQueryDto } from './audit.dto';

function filtersOf(query: AuditQueryDto): AuditFilters {
  return {
    tenantId: query.tenantId,
    actorId: query.actorId,
    action: query.action,
    targetType: query.targetType,
    targetId: query.targetId,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
    cursor: query.cursor,
    limit: query.limit,
  };
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit-events')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Access({ roles: ALL_ROLES })
  @ApiProduces('application/json', 'text/csv')
  @ApiOperation({
    summary: 'Audit trail, newest first; ask with Accept: text/csv for an export of every match',
  })
  async list(
    @CurrentCaller() caller: Caller,
    @Query() query: AuditQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Page<AuditEventResponse> | undefined> {
    const filters = filtersOf(query);
    if (!accept?.includes('text/csv')) return this.audit.list(caller, filters);
    // Authorize and validate before the first byte, so errors can still be problem+json.
    const { cursor: _cursor, limit: _limit, ...all } = filters;
    const first = this.audit.stream(caller, all);
    const head = await first.next();
    res.status(200).type('text/csv; charset=utf-8');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="audit-events-${new Date().toISOString().slice(0, 10)}.csv"`,
    );
    res.write(auditCsvHeader());
    if (!head.done) res.write(auditCsvRow(head.value));
    for await (const event of first) res.write(auditCsvRow(event));
    res.end();
    return undefined;
  }
}
