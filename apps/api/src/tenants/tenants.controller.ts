import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, ALL_ROLES, type Caller, CurrentCaller, STAFF, WRITERS } from '@bsp/auth';
import type { Page, TenantResponse } from '@bsp/contracts';
import { TenantsService } from '@bsp/domain-tenants';
import { uuidParam } from '../common/uuid-param.pipe';
import { CreateTenantDto, ListTenantsQueryDto, UpdateTenantDto } from './tenants.dto';

@ApiTags('tenants')
@ApiBearerAuth()
@Controller('v1/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @Access({ roles: STAFF })
  @ApiOperation({ summary: 'Onboard a client (tenant)' })
  create(@CurrentCaller() caller: Caller, @Body() body: CreateTenantDto): Promise<TenantResponse> {
    return this.tenants.create(caller, body);
  }

  @Get()
  @Access({ roles: ALL_ROLES })
  @ApiOperation({ summary: 'List tenants (tenant users see only their own)' })
  list(@CurrentCaller() caller: Caller, @Query() query: ListTenantsQueryDto): Promise<Page<TenantResponse>> {
    return this.tenants.list(caller, query);
  }

  @Get(':tenantId')
  @Access({ roles: ALL_ROLES })
  get(
    @CurrentCaller() caller: Caller,
    @Param('tenantId', uuidParam('tenantId')) id: string,
  ): Promise<TenantResponse> {
    return this.tenants.get(caller, id);
  }

  @Patch(':tenantId')
  @Access({ roles: WRITERS })
  @ApiOperation({ summary: 'Change a tenant (tenant admins may change the name only)' })
  update(
    @CurrentCaller() caller: Caller,
    @Param('tenantId', uuidParam('tenantId')) id: string,
    @Body() body: UpdateTenantDto,
  ): Promise<TenantResponse> {
    return this.tenants.update(caller, id, body);
  }
}
