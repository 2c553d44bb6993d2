import { isStaffRole, type MeResponse, type UserRole } from '@bsp/contracts';

export type UserMe = Extract<MeResponse, { kind: 'user' }>;

/** What the signed-in person may do; mirrors the API's access policies so the page offers no dead buttons. */
export interface Permissions {
  role: UserRole;
  isStaff: boolean;
  /** Every role but tenant viewers may change things (within their tenant for tenant admins). */
  canWrite: boolean;
  canOnboard: boolean;
  canViewClusters: boolean;
  canRegisterClusters: boolean;
  /** Queue depths, failed jobs and retries: BSP staff only. */
  canViewQueues: boolean;
  /** The one tenant a tenant user is confined to; null for staff. */
  tenantId: string | null;
}

export function permissionsOf(me: UserMe): Permissions {
  const staff = isStaffRole(me.role);
  return {
    role: me.role,
    isStaff: staff,
    canWrite: me.role !== 'tenant_viewer',
    canOnboard: staff,
    canViewClusters: staff,
    canRegisterClusters: me.role === 'platform_admin',
    canViewQueues: staff,
    tenantId: staff ? null : me.tenantId,
  };
}

export const ROLE_LABELS: Record<UserRole, string> = {
  platform_admin: 'Platform admin',
  operator: 'Operator',
  tenant_admin: 'Client admin',
  tenant_viewer: 'Client viewer',
};
