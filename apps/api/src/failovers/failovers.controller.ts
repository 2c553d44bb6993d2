import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Access, ALL_ROLES, type Caller, CurrentCaller, WRITERS } from '@bsp/auth';
import type { FailoverResponse } from '@bsp/contracts';
import { FailoverService } from '@bsp/domain-failover';
import { uuidParam } from '../common/uuid-param.pipe';
import { FailoverRequestDto } from './failovers.dto';

@ApiTags('failover')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('v1/numbers/:numberId')
export class FailoversController {
  constructor(private readonly failovers: FailoverService) {}

  @Post('failover')
  @HttpCode(202)
  @Access({ roles: WRITERS, scope: 'numbers:write' })
  @ApiOperation({
    summary:
      'Fail the number over to its standby (or a new placement in its region): fences the active instance first (asynchronous)',
  })
  request(
    @CurrentCaller() caller: Caller,
    @Param('numberId', uuidParam('numberId')) numberId: string,
    @Body() body: FailoverRequestDto,
  ): Promise<FailoverResponse> {
    return this.failovers.requestFor(caller, numberId, body.reason);
  }

  @Get('failovers')
  @Access({ roles: ALL_ROLES, scope: 'numbers:read' })
  @ApiOperation({ summary: "The number's failovers, newest first, with the time of each step" })
  history(
    @CurrentCaller() caller: Caller,
    @Param('numberId', uuidParam('numberId')) numberId: string,
  ): Promise<FailoverResponse[]> {
    return this.failovers.history(caller, numberId);
  }
}
