import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Caller, Principal } from './principal';

/** The authenticated caller with the request id and client address, for services and the audit log. */
export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext): Caller => {
  const req = context.switchToHttp().getRequest<Request & { user?: Principal; id?: string }>();
  if (!req.user) throw new Error('CurrentCaller used on a route without authentication');
  return { principal: req.user, requestId: req.id ? String(req.id) : undefined, ip: req.ip };
});
