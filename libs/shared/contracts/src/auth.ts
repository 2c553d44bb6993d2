export const USER_ROLES = ['platform_admin', 'operator', 'tenant_admin', 'tenant_viewer'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** BSP staff see every tenant; the other roles belong to exactly one tenant. */
export const STAFF_ROLES = ['platform_admin', 'operator'] as const satisfies readonly UserRole[];
export const TENANT_ROLES = ['tenant_admin', 'tenant_viewer'] as const satisfies readonly UserRole[];

export function isStaffRole(role: UserRole): boolean {
  return (STAFF_ROLES as readonly UserRole[]).includes(role);
}

export interface LoginRequest {
  email: string;
  password: string;
}

export interface RefreshRequest {
  refreshToken: string;
}

export interface TokenResponse {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
}

export type MeResponse =
  | {
      kind: 'user';
      id: string;
      email: string;
      displayName: string | null;
      role: UserRole;
      tenantId: string | null;
    }
  | {
      kind: 'api_key';
      id: string;
      name: string;
      tenantId: string;
      scopes: ApiKeyScope[];
      numberIds: string[];
      expiresAt: string | null;
    };

export const API_KEY_SCOPES = ['numbers:read', 'numbers:write', 'keys:read', 'keys:write'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
