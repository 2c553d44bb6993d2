import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Access, ALL_ROLES, type Caller, CurrentCaller, Public } from '@bsp/auth';
import type { MeResponse, TokenResponse } from '@bsp/contracts';
import { SessionsService } from '@bsp/domain-users';
import { LoginDto, RefreshDto } from './auth.dto';

function context(req: Request & { id?: unknown }) {
  return { ip: req.ip ?? 'unknown', requestId: typeof req.id === 'string' ? req.id : undefined };
}

@ApiTags('auth')
@Controller('v1')
export class AuthController {
  constructor(private readonly sessions: SessionsService) {}

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with email and password (people)' })
  login(@Body() body: LoginDto, @Req() req: Request): Promise<TokenResponse> {
    return this.sessions.login(body.email, body.password, context(req));
  }

  @Public()
  @Post('auth/refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for new tokens (single use)' })
  refresh(@Body() body: RefreshDto, @Req() req: Request): Promise<TokenResponse> {
    return this.sessions.refresh(body.refreshToken, context(req));
  }

  @Public()
  @Post('auth/logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'End the session a refresh token belongs to' })
  async logout(@Body() body: RefreshDto): Promise<void> {
    await this.sessions.logout(body.refreshToken);
  }

  @Get('me')
  @ApiBearerAuth()
  @Access({ roles: ALL_ROLES, scope: 'any' })
  @ApiOperation({ summary: 'Who am I: the person or API key making the request' })
  me(@CurrentCaller() caller: Caller): MeResponse {
    const p = caller.principal;
    switch (p.kind) {
      case 'user':
        return {
          kind: 'user',
          id: p.userId,
          email: p.email,
          displayName: p.displayName,
          role: p.role,
          tenantId: p.tenantId,
        };
      case 'api_key':
        return {
          kind: 'api_key',
          id: p.keyId,
          name: p.name,
          tenantId: p.tenantId,
          scopes: [...p.scopes],
          numberIds: [...p.numberIds],
          expiresAt: p.expiresAt?.toISOString() ?? null,
        };
      case 'system':
        throw new Error('system principals do not make HTTP requests');
    }
  }
}
