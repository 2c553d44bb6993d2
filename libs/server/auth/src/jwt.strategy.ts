import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '@bsp/config';
import type { AccessTokenClaims } from './access-token.service';
import { USER_PRINCIPAL_LOADER, type UserPrincipal, type UserPrincipalLoader } from './principal';

/** People: a short-lived HS256 access token; the user is re-read so a disabled account stops at once. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    @Inject(USER_PRINCIPAL_LOADER) private readonly users: UserPrincipalLoader,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.get('JWT_SECRET'),
      issuer: config.get('JWT_ISSUER'),
      audience: config.get('JWT_AUDIENCE'),
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  async validate(claims: AccessTokenClaims): Promise<UserPrincipal | false> {
    if (claims.typ !== 'access' || typeof claims.sub !== 'string') return false;
    return (await this.users.loadUserPrincipal(claims.sub)) ?? false;
  }
}
