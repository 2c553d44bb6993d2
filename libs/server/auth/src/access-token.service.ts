import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '@bsp/config';
import type { UserPrincipal } from './principal';

export interface AccessTokenClaims {
  sub: string;
  role: string;
  tid: string | null;
  typ: 'access';
}

@Injectable()
export class AccessTokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  get ttlSeconds(): number {
    return this.config.get('JWT_ACCESS_TTL_SECONDS');
  }

  sign(user: UserPrincipal): Promise<string> {
    const claims: AccessTokenClaims = {
      sub: user.userId,
      role: user.role,
      tid: user.tenantId,
      typ: 'access',
    };
    return this.jwt.signAsync(claims, { expiresIn: this.ttlSeconds });
  }
}
