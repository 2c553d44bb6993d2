import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Observable } from 'rxjs';
import { DomainError } from '@bsp/errors';
import { IS_PUBLIC } from './access-policy';

/** Global: every request authenticates with an API key or a person's access token, unless @Public(). */
@Injectable()
export class AuthenticationGuard extends AuthGuard(['api-key', 'jwt']) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext): boolean | Promise<boolean> | Observable<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    return super.canActivate(context);
  }

  // Same answer whatever was wrong (missing, malformed, expired, revoked): no oracle for attackers.
  override handleRequest<T>(error: unknown, user: T | false): T {
    if (error || !user) throw new DomainError('unauthenticated', 'Missing or invalid credentials');
    return user;
  }
}
