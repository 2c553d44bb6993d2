import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Access, ALL_ROLES, type Caller, CurrentCaller, STAFF, WRITERS } from '@bsp/auth';
import type { NumberDetailResponse, NumberResponse, Page } from '@bsp/contracts';
import { NumbersService } from '@bsp/domain-numbers';
import { uuidParam } from '../common/uuid-param.pipe';
import { CreateNumberDto, ListNumbersQueryDto } from './numbers.dto';

@ApiTags('numbers')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('v1')
export class NumbersController {
  constructor(private readonly numbers: NumbersService) {}

  @Post('tenants/:tenantId/numbers')
  @Access({ roles: WRITERS, scope: 'numbers:write' })
  @ApiOperation({ summary: "Add a phone number to a tenant (state 'requested')" })
  create(
    @CurrentCaller() caller: Caller,
    @Param('tenantId', uuidParam('tenantId')) tenantId: string,
    @Body() body: CreateNumberDto,
  ): Promise<NumberResponse> {
    return this.numbers.create(caller, tenantId, body);
  }

  @Get('tenants/:tenantId/numbers')
  @Access({ roles: ALL_ROLES, scope: 'numbers:read' })
  list(
    @CurrentCaller() caller: Caller,
    @Param('tenantId', uuidParam('tenantId')) tenantId: string,
    @Query() query: ListNumbersQueryDto,
  ): Promise<Page<NumberResponse>> {
    return this.numbers.list(caller, tenantId, query);
  }

  @Get('numbers/:numberId')
  @Access({ roles: ALL_ROLES, scope: 'numbers:read' })
  @ApiOperation({
    summary: 'A number with desired and observed state, placements, pod readiness and the last reconcile',
  })
  get(
    @CurrentCaller() caller: Caller,
    @Param('numberId', uuidParam('numberId')) id: string,
  ): Promise<NumberDetailResponse> {
    return this.numbers.get(caller, id);
  }

  @Post('numbers/:numberId/suspend')
  @HttpCode(202)
  @Access({ roles: WRITERS, scope: 'numbers:write' })
  @ApiOperation({ summary: 'Suspend a number: its pods stop, its placements and data stay (asynchronous)' })
  suspend(
    @CurrentCaller() caller: Caller,
    @Param('numberId', uuidParam('numberId')) id: string,
  ): Promise<NumberResponse> {
    return this.numbers.setDesiredState(caller, id, 'suspended');
  }

  @Post('numbers/:numberId/resume')
  @HttpCode(202)
  @Access({ roles: WRITERS, scope: 'numbers:write' })
  @ApiOperation({ summary: 'Resume a suspended number (asynchronous)' })
  resume(
    @CurrentCaller() caller: Caller,
    @Param('numberId', uuidParam('numberId')) id: string,
  ): Promise<NumberResponse> {
    return this.numbers.setDesiredState(caller, id, 'active');
  }

  @Post('numbers/:numberId/reconcile')
  @HttpCode(202)
  @Access({ roles: STAFF })
  @ApiOperation({ summary: 'Staff: reconcile the number with its clusters now (asynchronous)' })
  reconcile(
    @CurrentCaller() caller: Caller,
    @Param('numberId', uuidParam('numberId')) id: string,
  ): Promise<NumberResponse> {
    return this.numbers.requestManualReconcile(caller, id);
  }

  @Delete('numbers/:numberId')
  @HttpCode(202)
  @Access({ roles: WRITERS, scope: 'numbers:write' })
  @ApiOperation({ summary: 'Deprovision a number (asynchronous; state becomes deprovisioning)' })
  remove(
    @CurrentCaller() caller: Caller,
    @Param('numberId', uuidParam('numberId')) id: string,
  ): Promise<NumberResponse> {
    return this.numbers.requestDeletion(caller, id);
  }
}
