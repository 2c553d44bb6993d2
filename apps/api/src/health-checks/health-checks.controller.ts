import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Access, ALL_ROLES, type Caller, CurrentCaller } from '@bsp/auth';
import type { HealthSummaryResponse, NumberHealthResponse } from '@bsp/contracts';
import { HealthQueryService } from '@bsp/domain-health';
import { uuidParam } from '../common/uuid-param.pipe';
import { HealthSummaryQueryDto } from './health-checks.dto';

/** The health checks' results (not the API's own liveness and readiness: see /healthz, /readyz). */
@ApiTags('health')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('v1')
export class HealthChecksController {
  constructor(private readonly health: HealthQueryService) {}

  @Get('numbers/:numberId/health')
  @Access({ roles: ALL_ROLES, scope: 'numbers:read' })
  @ApiOperation({
    summary:
      "A number's health: status with hysteresis, the last check's findings per gateway node, CoreApp pod and lease, and the latest status changes",
  })
  numberHealth(
    @CurrentCaller() caller: Caller,
    @Param('numberId', uuidParam('numberId')) numberId: string,
  ): Promise<NumberHealthResponse> {
    return this.health.numberHealth(caller, numberId);
  }

  @Get('health/summary')
  @Access({ roles: ALL_ROLES, scope: 'numbers:read' })
  @ApiOperation({
    summary:
      "Monitored numbers by health status: the caller's tenant, or (staff) any tenant or all, with counts per cluster",
  })
  summary(
    @CurrentCaller() caller: Caller,
    @Query() query: HealthSummaryQueryDto,
  ): Promise<HealthSummaryResponse> {
    return this.health.summary(caller, query.tenantId);
  }
}
