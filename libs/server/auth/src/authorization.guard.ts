import { type CanActivate, type ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError } from '@bsp/errors';
import { ACCESS_POLICY, type AccessPolicy, IS_PUBLIC } from './access-policy';
import type { Principal } from './principal';

/** Global, after authentication: roles for people, scopes for API keys; no policy means no access. */
@Injectable()
export class AuthorizationGuard implements CanActivate {
  private readonly logger = new Logger(AuthorizationGuard.name);

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const policy = this.reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, targets);
    if (!policy) {
      this.logger.error(`route ${context.getClass().name}.${context.getHandler().name} has no access policy`);
      throw new DomainError('forbidden', 'You are not allowed to do this');
    }
    const principal = context.switchToHttp().getRequest<Request & { user?: Principal }>().user;
    if (!principal) throw new DomainError('unauthenticated', 'Missing or invalid credentials');
    switch (principal.kind) {
      case 'system':
        return true;
      case 'user':
        if (policy.roles.includes(principal.role)) return true;
        throw new DomainError('forbidden', 'Your role does not allow this');
      case 'api_key':
        if (!policy.scope) throw new DomainError('forbidden', 'API keys cannot call this route');
        if (policy.scope === 'any' || principal.scopes.includes(policy.scope)) return true;
        throw new DomainError('insufficient_scope', `This API key lacks the ${policy.scope} scope`);
    }
  }
}
