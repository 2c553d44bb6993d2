import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  type ApiKeyPrincipal,
  type ApiKeyVerifier,
  type Caller,
  canAccessTenant,
  confinedTenantId,
} from '@bsp/auth';
import { AppConfig } from '@bsp/config';
import type {
  ApiKeyResponse,
  ApiKeyScope,
  ApiKeyStatus,
  CreateApiKeyRequest,
  IssuedApiKeyResponse,
  RotatedApiKeyResponse,
} from '@bsp/contracts';
import { type ApiKey, type Db, PrismaService } from '@bsp/db';
import { AuditService } from '@bsp/domain-audit';
import { NumbersService } from '@bsp/domain-numbers';
import { TenantsService } from '@bsp/domain-tenants';
import { DomainError, NotFoundError, ValidationFailedError } from '@bsp/errors';
import {
  formatApiKey,
  hashApiKeySecret,
  keyPrefix,
  parseApiKey,
  randomSecret,
  secretMatches,
} from './api-key-format';
import { ApiKeyUsageTracker } from './api-key-usage.tracker';
import { ApiKeysRepository } from './api-keys.repository';

export function apiKeyStatus(key: ApiKey, now = new Date()): ApiKeyStatus {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && key.expiresAt <= now) return 'expired';
  return key.replacedById ? 'rotating' : 'active';
}

/** A number-bound key may only see and manage keys confined to numbers it can reach itself. */
function reachableByBoundKey(caller: Caller, key: ApiKey): boolean {
  const p = caller.principal;
  if (p.kind !== 'api_key' || p.numberIds.length === 0) return true;
  return key.numberIds.length > 0 && key.numberIds.every((id) => p.numberIds.includes(id));
}

@Injectable()
export class ApiKeysService implements ApiKeyVerifier {
  constructor(
    private readonly prisma: PrismaService,
    private readonly keys: ApiKeysRepository,
    private readonly tenants: TenantsService,
    private readonly numbers: NumbersService,
    private readonly usage: ApiKeyUsageTracker,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  toResponse(key: ApiKey): ApiKeyResponse {
    return {
      id: key.id,
      tenantId: key.tenantId,
      name: key.name,
      prefix: keyPrefix(this.config.get('API_KEY_ENV'), key.id),
      scopes: key.scopes as ApiKeyScope[],
      numberIds: key.numberIds,
      status: apiKeyStatus(key),
      expiresAt: key.expiresAt?.toISOString() ?? null,
      revokedAt: key.revokedAt?.toISOString() ?? null,
      replacedById: key.replacedById,
      lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
      createdAt: key.createdAt.toISOString(),
    };
  }

  async verifyApiKey(raw: string): Promise<ApiKeyPrincipal | null> {
    const parsed = parseApiKey(raw);
    if (!parsed || parsed.env !== this.config.get('API_KEY_ENV')) return null;
    const key = await this.keys.findWithTenant(parsed.id);
    if (!key || !secretMatches(this.config.get('API_KEY_PEPPER'), parsed.secret, key.secretHash)) return null;
    const status = apiKeyStatus(key);
    if (status === 'revoked' || status === 'expired' || key.tenant.state !== 'active') return null;
    this.usage.touch(key.id);
    return {
      kind: 'api_key',
      keyId: key.id,
      name: key.name,
      tenantId: key.tenantId,
      scopes: key.scopes as ApiKeyScope[],
      numberIds: key.numberIds,
      expiresAt: key.expiresAt,
    };
  }

  async issue(caller: Caller, tenantId: string, request: CreateApiKeyRequest): Promise<IssuedApiKeyResponse> {
    const tenant = await this.tenants.getAccessible(caller, tenantId);
    if (tenant.state !== 'active') throw new DomainError('tenant_suspended', 'The tenant is suspended');
    const scopes = [...new Set(request.scopes)];
    const numberIds = [...new Set(request.numberIds ?? [])];
    const expiresAt = request.expiresAt ? new Date(request.expiresAt) : null;
    if (expiresAt && expiresAt <= new Date()) {
      throw new ValidationFailedError([
        { field: 'expiresAt', code: 'inThePast', message: 'expiresAt must be in the future' },
      ]);
    }
    this.assertNoEscalation(caller, scopes, numberIds, expiresAt);
    if (!(await this.numbers.allInTenant(tenantId, numberIds))) {
      throw new ValidationFailedError([
        {
          field: 'numberIds',
          code: 'unknownNumber',
          message: 'every numberId must be a number of this tenant',
        },
      ]);
    }
    return this.prisma.$transaction(async (tx) => {
      const { key, raw } = await this.createKey(tx, caller, {
        tenantId,
        name: request.name.trim(),
        scopes,
        numberIds,
        expiresAt,
      });
      await this.audit.record(tx, caller, {
        action: 'api_key.issue',
        targetType: 'api_key',
        targetId: key.id,
        tenantId,
        after: this.toResponse(key),
      });
      return { ...this.toResponse(key), key: raw };
    });
  }

  async list(caller: Caller, tenantId: string): Promise<ApiKeyResponse[]> {
    await this.tenants.getAccessible(caller, tenantId);
    const keys = await this.keys.listForTenant(tenantId);
    // A number-bound key sees the keys it may manage, not its whole tenant's.
    return keys.filter((k) => reachableByBoundKey(caller, k)).map((k) => this.toResponse(k));
  }

  async rotate(caller: Caller, keyId: string, graceSeconds?: number): Promise<RotatedApiKeyResponse> {
    const old = await this.getAccessible(caller, keyId);
    // The caller receives the replacement's secret: a key may rotate only keys it could have issued.
    this.assertNoEscalation(caller, old.scopes, old.numberIds, old.expiresAt);
    this.assertUsable(old);
    const grace = graceSeconds ?? this.config.get('API_KEY_DEFAULT_GRACE_SECONDS');
    const graceEnd = new Date(Date.now() + grace * 1000);
    const validUntil = old.expiresAt && old.expiresAt < graceEnd ? old.expiresAt : graceEnd;
    return this.prisma.$transaction(async (tx) => {
      const { key, raw } = await this.createKey(tx, caller, {
        tenantId: old.tenantId,
        name: old.name,
        scopes: old.scopes,
        numberIds: old.numberIds,
        expiresAt: old.expiresAt,
      });
      if (!(await this.keys.markReplaced(tx, old.id, key.id, validUntil))) {
        throw new DomainError('api_key_already_rotated', 'This key was rotated or revoked meanwhile');
      }
      await this.audit.record(tx, caller, {
        action: 'api_key.rotate',
        targetType: 'api_key',
        targetId: old.id,
        tenantId: old.tenantId,
        before: this.toResponse(old),
        metadata: { newKeyId: key.id, graceSeconds: grace, oldKeyValidUntil: validUntil.toISOString() },
      });
      return {
        ...this.toResponse(key),
        key: raw,
        previous: { id: old.id, validUntil: validUntil.toISOString() },
      };
    });
  }

  /** Revocation takes effect on the next request; revoking twice is not an error. */
  async revoke(caller: Caller, keyId: string): Promise<void> {
    const key = await this.getAccessible(caller, keyId);
    if (key.revokedAt) return;
    await this.prisma.$transaction(async (tx) => {
      const revoked = await this.keys.revoke(tx, key.id, new Date());
      await this.audit.record(tx, caller, {
        action: 'api_key.revoke',
        targetType: 'api_key',
        targetId: key.id,
        tenantId: key.tenantId,
        before: this.toResponse(key),
        after: this.toResponse(revoked),
      });
    });
  }

  private async getAccessible(caller: Caller, keyId: string): Promise<ApiKey> {
    const key = await this.keys.findById(keyId, confinedTenantId(caller.principal));
    if (!key || !canAccessTenant(caller.principal, key.tenantId) || !reachableByBoundKey(caller, key)) {
      throw new NotFoundError('API key');
    }
    return key;
  }

  private assertUsable(key: ApiKey): void {
    switch (apiKeyStatus(key)) {
      case 'revoked':
        throw new DomainError('api_key_revoked', 'This key is revoked');
      case 'expired':
        throw new DomainError('invalid_state', 'This key has expired');
      case 'rotating':
        throw new DomainError(
          'api_key_already_rotated',
          'This key was already rotated; rotate its replacement',
        );
      case 'active':
        return;
    }
  }

  /**
   * A key that issues keys can hand out at most what it has itself: its scopes, its numbers and its
   * lifetime (else an expiring key, or an old key in its rotation grace window, could mint a lasting one).
   */
  private assertNoEscalation(
    caller: Caller,
    scopes: readonly string[],
    numberIds: readonly string[],
    expiresAt: Date | null,
  ): void {
    const p = caller.principal;
    if (p.kind !== 'api_key') return;
    if (!scopes.every((s) => (p.scopes as readonly string[]).includes(s))) {
      throw new DomainError('insufficient_scope', 'An API key cannot grant scopes it does not have');
    }
    if (
      p.numberIds.length > 0 &&
      (numberIds.length === 0 || !numberIds.every((id) => p.numberIds.includes(id)))
    ) {
      throw new DomainError(
        'insufficient_scope',
        'An API key bound to numbers can only issue keys for those numbers',
      );
    }
    if (p.expiresAt && (!expiresAt || expiresAt > p.expiresAt)) {
      throw new DomainError('insufficient_scope', 'An API key cannot issue a key that outlives it');
    }
  }

  private async createKey(
    tx: Db,
    caller: Caller,
    data: { tenantId: string; name: string; scopes: string[]; numberIds: string[]; expiresAt: Date | null },
  ): Promise<{ key: ApiKey; raw: string }> {
    const id = randomUUID();
    const secret = randomSecret();
    const p = caller.principal;
    const key = await this.keys.create(tx, {
      id,
      ...data,
      secretHash: hashApiKeySecret(this.config.get('API_KEY_PEPPER'), secret),
      createdByType: p.kind === 'user' ? 'user' : p.kind === 'api_key' ? 'api_key' : 'system',
      createdById: p.kind === 'user' ? p.userId : p.kind === 'api_key' ? p.keyId : null,
    });
    return { key, raw: formatApiKey(this.config.get('API_KEY_ENV'), id, secret) };
  }
}
