import type { ApiKeyScope, UserRole } from '@bsp/contracts';

export interface UserPrincipal {
  kind: 'user';
  userId: string;
  email: string;
  displayName: string | null;
  role: UserRole;
  tenantId: string | null;
}

export interface ApiKeyPrincipal {
  kind: 'api_key';
  keyId: string;
  name: string;
  tenantId: string;
  scopes: readonly ApiKeyScope[];
  /** Empty: every number of the tenant. */
  numberIds: readonly string[];
  expiresAt: Date | null;
}

/** The control plane acting on its own (start-up seeding, CLI, worker). */
export interface SystemPrincipal {
  kind: 'system';
  name: string;
}

export type Principal = UserPrincipal | ApiKeyPrincipal | SystemPrincipal;

/** Who is calling, and from where: what services need to authorize and to audit. */
export interface Caller {
  principal: Principal;
  requestId?: string;
  ip?: string;
}

export function systemCaller(name: string): Caller {
  return { principal: { kind: 'system', name } };
}

export interface UserPrincipalLoader {
  /** The user as a principal, or null when the user no longer exists or is disabled. */
  loadUserPrincipal(userId: string): Promise<UserPrincipal | null>;
}

export interface ApiKeyVerifier {
  /** The key's principal when the key is well-formed, known, unexpired and unrevoked; null otherwise. */
  verifyApiKey(rawKey: string): Promise<ApiKeyPrincipal | null>;
}

export const USER_PRINCIPAL_LOADER = Symbol('USER_PRINCIPAL_LOADER');
export const API_KEY_VERIFIER = Symbol('API_KEY_VERIFIER');
