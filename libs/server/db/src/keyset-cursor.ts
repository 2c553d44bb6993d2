import { DomainError } from '@bsp/errors';

export interface KeysetPosition {
  createdAt: Date;
  id: string;
}

/** Opaque cursor for (created_at, id) keyset pagination. */
export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt.toISOString(), position.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): KeysetPosition | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string'
    ) {
      const createdAt = new Date(parsed[0]);
      if (!Number.isNaN(createdAt.getTime()) && /^[0-9a-f-]{36}$/.test(parsed[1]))
        return { createdAt, id: parsed[1] };
    }
  } catch {
    // fall through to the validation error
  }
  throw new DomainError('validation_failed', 'cursor is not valid', {
    errors: [{ field: 'cursor', code: 'invalidCursor', message: 'cursor is not valid' }],
  });
}

/** Prisma `where` for rows after the cursor in (createdAt, id) ascending order. */
export function afterCursor(position: KeysetPosition | undefined) {
  if (!position) return {};
  return {
    OR: [
      { createdAt: { gt: position.createdAt } },
      { createdAt: position.createdAt, id: { gt: position.id } },
    ],
  };
}

/** Builds a page from `limit + 1` rows fetched in keyset order. */
export function pageOf<T extends KeysetPosition, R>(rows: T[], limit: number, map: (row: T) => R) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items: items.map(map), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}
