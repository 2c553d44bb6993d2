import type { ApiKeyScope } from './auth';

export interface CreateApiKeyRequest {
  name: string;
  scopes: ApiKeyScope[];
  numberIds?: string[];
  /** ISO 8601; must be in the future. */
  expiresAt?: string;
}

export interface RotateApiKeyRequest {
  /** How long the old key keeps working; default 24 h. */
  graceSeconds?: number;
}

export type ApiKeyStatus = 'active' | 'rotating' | 'expired' | 'revoked';

export interface ApiKeyResponse {
  id: string;
  tenantId: string;
  name: string;
  /** The non-secret start of the key, for recognising it: `bsp_<env>_<id>`. */
  prefix: string;
  scopes: ApiKeyScope[];
  numberIds: string[];
  status: ApiKeyStatus;
  expiresAt: string | null;
  revokedAt: string | null;
  replacedById: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

/** Returned once, when a key is issued or rotated: the only time the secret is shown. */
export interface IssuedApiKeyResponse extends ApiKeyResponse {
  key: string;
}

export interface RotatedApiKeyResponse extends IssuedApiKeyResponse {
  /** The replaced key and until when it keeps working. */
  previous: { id: string; validUntil: string };
}
