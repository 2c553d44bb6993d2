import { SetMetadata } from '@nestjs/common';
import type { ApiKeyScope, UserRole } from '@bsp/contracts';

export const ACCESS_POLICY = 'bsp:access-policy';
export const IS_PUBLIC = 'bsp:public';

export interface AccessPolicy {
  /** People with one of these roles may call the route. */
  roles: readonly UserRole[];
  /** API keys may call the route when they hold this scope ('any': every valid key); absent: keys may not. */
  scope?: ApiKeyScope | 'any';
}

/** Every route declares who may call it; a route without a policy is refused (deny by default). */
export const Access = (policy: AccessPolicy): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_POLICY, policy);

export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

export const ALL_ROLES: readonly UserRole[] = ['platform_admin', 'operator', 'tenant_admin', 'tenant_viewer'];
export const STAFF: readonly UserRole[] = ['platform_admin', 'operator'];
export const WRITERS: readonly UserRole[] = ['platform_admin', 'operator', 'tenant_admin'];
