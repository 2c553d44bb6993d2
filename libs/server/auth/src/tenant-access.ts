import { isStaffRole } from '@bsp/contracts';
import type { Principal } from './principal';

/** The tenant a principal is confined to, or null for BSP staff and the system (all tenants). */
export function confinedTenantId(principal: Principal): string | null {
  switch (principal.kind) {
    case 'system':
      return null;
    case 'api_key':
      return principal.tenantId;
    case 'user':
      return isStaffRole(principal.role) ? null : principal.tenantId;
  }
}

export function canAccessTenant(principal: Principal, tenantId: string): boolean {
  const confined = confinedTenantId(principal);
  return confined === null || confined === tenantId;
}

/** Number-bound API keys see only their numbers; everyone else sees what their tenant access allows. */
export function canAccessNumber(principal: Principal, number: { id: string; tenantId: string }): boolean {
  if (!canAccessTenant(principal, number.tenantId)) return false;
  return (
    principal.kind !== 'api_key' ||
    principal.numberIds.length === 0 ||
    principal.numberIds.includes(number.id)
  );
}

export function isStaff(principal: Principal): boolean {
  return principal.kind === 'system' || (principal.kind === 'user' && isStaffRole(principal.role));
}
