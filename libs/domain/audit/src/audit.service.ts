import { Injectable } from '@nestjs/common';
import { type Caller, confinedTenantId } from '@bsp/auth';
import type { AuditEventResponse, Page } from '@bsp/contracts';
import { type AuditEvent, type Db, Prisma } from '@bsp/db';
import { DomainError } from '@bsp/errors';
import { actorOf } from './audit-actor';
import { type AuditQuery, AuditRepository } from './audit.repository';
import { redactSecrets } from './redact';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId: string | null;
  tenantId: string | null;
  before?: unknown;
  after?: unknown;
  metadata?: unknown;
}

export type AuditFilters = Omit<AuditQuery, 'tenantId' | 'beforeId' | 'limit'> & {
  tenantId?: string;
  cursor?: string;
  limit: number;
};

function json(value: unknown): Prisma.InputJsonValue | typeof Prisma.DbNull {
  return value === undefined || value === null
    ? Prisma.DbNull
    : (redactSecrets(value) as Prisma.InputJsonValue);
}

export function toAuditEventResponse(e: AuditEvent): AuditEventResponse {
  return {
    id: e.id.toString(),
    occurredAt: e.occurredAt.toISOString(),
    actor: { type: e.actorType, id: e.actorId, label: e.actorLabel },
    action: e.action,
    target: { type: e.targetType, id: e.targetId },
    tenantId: e.tenantId,
    requestId: e.requestId,
    ip: e.ip,
    before: e.before,
    after: e.after,
    metadata: e.metadata,
  };
}

@Injectable()
export class AuditService {
  constructor(private readonly repository: AuditRepository) {}

  /** Writes in the caller's transaction, so a change and its audit row commit or fail together. */
  async record(db: Db, caller: Caller, entry: AuditEntry): Promise<void> {
    const actor = actorOf(caller);
    await this.repository.insert(db, {
      actorType: actor.type,
      actorId: actor.id,
      actorLabel: actor.label,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      tenantId: entry.tenantId,
      requestId: caller.requestId ?? null,
      ip: caller.ip ?? null,
      before: json(entry.before),
      after: json(entry.after),
      metadata: json(entry.metadata),
    });
  }

  async list(caller: Caller, filters: AuditFilters): Promise<Page<AuditEventResponse>> {
    // One row more than asked tells whether another page exists, so the last page has no cursor.
    const rows = await this.repository.find({
      ...this.scopedQuery(caller, filters),
      limit: filters.limit + 1,
    });
    const events = rows.slice(0, filters.limit);
    const last = rows.length > filters.limit ? events[events.length - 1] : undefined;
    return { items: events.map(toAuditEventResponse), nextCursor: last ? last.id.toString() : null };
  }

  /** Every matching event, newest first, fetched in pages so an export never loads everything at once. */
  async *stream(
    caller: Caller,
    filters: Omit<AuditFilters, 'limit' | 'cursor'>,
  ): AsyncGenerator<AuditEventResponse> {
    let cursor: string | undefined;
    for (;;) {
      const page = await this.list(caller, { ...filters, cursor, limit: 500 });
      yield* page.items;
      if (!page.nextCursor) return;
      cursor = page.nextCursor;
    }
  }

  private scopedQuery(caller: Caller, filters: AuditFilters): AuditQuery {
    const confined = confinedTenantId(caller.principal);
    if (confined !== null && filters.tenantId !== undefined && filters.tenantId !== confined) {
      // Another tenant's trail is invisible, not forbidden: do not confirm the tenant exists.
      throw new DomainError('not_found', 'Tenant not found');
    }
    let beforeId: bigint | undefined;
    if (filters.cursor !== undefined) {
      if (!/^\d{1,19}$/.test(filters.cursor)) {
        throw new DomainError('validation_failed', 'cursor is not valid', {
          errors: [{ field: 'cursor', code: 'invalidCursor', message: 'cursor is not valid' }],
        });
      }
      beforeId = BigInt(filters.cursor);
    }
    return { ...filters, tenantId: confined ?? filters.tenantId ?? null, beforeId };
  }
}
