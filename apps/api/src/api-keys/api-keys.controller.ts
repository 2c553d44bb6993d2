import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Access, ALL_ROLES, type Caller, CurrentCaller, WRITERS } from '@bsp/auth';
import type { ApiKeyResponse, IssuedApiKeyResponse, RotatedApiKeyResponse } from '@bsp/contracts';
import { ApiKeysService } from '@bsp/domain-api-keys';
import { uuidParam } from '../common/uuid-param.pipe';
import { CreateApiKeyDto, RotateApiKeyDto } from './api-keys.dto';

@ApiTags('api-keys')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('v1')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post('tenants/:tenantId/api-keys')
  @Access({ roles: WRITERS, scope: 'keys:write' })
  @ApiOperation({ summary: 'Issue an API key; the key is in this response only' })
  issue(
    @CurrentCaller() caller: Caller,
    @Param('tenantId', uuidParam('tenantId')) tenantId: string,
    @Body() body: CreateApiKeyDto,
  ): Promise<IssuedApiKeyResponse> {
    return this.keys.issue(caller, tenantId, body);
  }

  @Get('tenants/:tenantId/api-keys')
  @Access({ roles: ALL_ROLES, scope: 'keys:read' })
  list(
    @CurrentCaller() caller: Caller,
    @Param('tenantId', uuidParam('tenantId')) tenantId: string,
  ): Promise<ApiKeyResponse[]> {
    return this.keys.list(caller, tenantId);
  }

  @Post('api-keys/:keyId/rotate')
  @HttpCode(201)
  @Access({ roles: WRITERS, scope: 'keys:write' })
  @ApiOperation({ summary: 'Replace a key; the old one keeps working for the grace window' })
  rotate(
    @CurrentCaller() caller: Caller,
    @Param('keyId', uuidParam('keyId')) keyId: string,
    @Body() body: RotateApiKeyDto,
  ): Promise<RotatedApiKeyResponse> {
    return this.keys.rotate(caller, keyId, body.graceSeconds);
  }

  @Delete('api-keys/:keyId')
  @HttpCode(204)
  @Access({ roles: WRITERS, scope: 'keys:write' })
  @ApiOperation({ summary: 'Revoke a key at once' })
  async revoke(
    @CurrentCaller() caller: Caller,
    @Param('keyId', uuidParam('keyId')) keyId: string,
  ): Promise<void> {
    await this.keys.revoke(caller, keyId);
  }
}
