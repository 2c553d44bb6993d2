import { Injectable } from '@nestjs/common';
import { type Db, PrismaService } from '@bsp/db';

export interface RenewalRequest {
  placementId: string;
  epoch: bigint;
  tokenHash: string;
}

export type RenewalRefusal = 'lease_token_invalid' | 'lease_revoked' | 'lease_superseded';

export interface LeaseEnd {
  /** The end of the last grant (database clock); null when nothing was ever granted. */
  grantedUntil: Date | null;
  revokedAt: Date | null;
}

/**
 * The activation leases table. A grant and a revocation of one lease serialise on its row: once a
 * revocation has committed, no grant of that lease can follow, and the row then holds the end of
 * the last grant ever given. That is the fact a failover waits out.
 */
@Injectable()
export class ActivationLeaseRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Grants every request whose lease exists, is not revoked, and matches its epoch and token, in
   * one statement; the lease runs `durationMs` from the database's clock at the statement (which is
   * after the agent sent its request, so the agent's own deadline ends no later).
   */
  async grant(requests: readonly RenewalRequest[], durationMs: number): Promise<Set<string>> {
    if (requests.length === 0) return new Set();
    const rows = await this.prisma.$queryRaw<{ placement_id: string }[]>`
      UPDATE activation_leases AS l
         SET granted_until = now() + ${durationMs} * interval '1 millisecond',
             renewed_at = now(),
             renewals = l.renewals + 1
        FROM unnest(${requests.map((r) => r.placementId)}::uuid[],
                    ${requests.map((r) => r.epoch.toString())}::bigint[],
                    ${requests.map((r) => r.tokenHash)}::text[]) AS r(placement_id, epoch, token_hash)
       WHERE l.placement_id = r.placement_id AND l.epoch = r.epoch
         AND l.token_hash = r.token_hash AND l.revoked_at IS NULL
      RETURNING l.placement_id`;
    return new Set(rows.map((r) => r.placement_id));
  }

  /**
   * Why each refused request was refused. The token is checked before anything else is told, and a
   * lease that does not exist cannot vouch for a token: both are the same refusal.
   */
  async explainRefusals(requests: readonly RenewalRequest[]): Promise<Map<string, RenewalRefusal>> {
    const rows = await this.prisma.activationLease.findMany({
      where: { placementId: { in: requests.map((r) => r.placementId) } },
      select: { placementId: true, epoch: true, tokenHash: true, revokedAt: true },
    });
    const byId = new Map(rows.map((r) => [r.placementId, r]));
    const out = new Map<string, RenewalRefusal>();
    for (const request of requests) {
      const row = byId.get(request.placementId);
      if (!row || row.tokenHash !== request.tokenHash) out.set(request.placementId, 'lease_token_invalid');
      else if (row.revokedAt) out.set(request.placementId, 'lease_revoked');
      else out.set(request.placementId, 'lease_superseded');
    }
    return out;
  }

  /** Stops every future grant of the placement's lease; returns the end of the last one (idempotent). */
  async revoke(db: Db, placementId: string): Promise<LeaseEnd> {
    await db.$executeRaw`
      UPDATE activation_leases SET revoked_at = now()
       WHERE placement_id = ${placementId}::uuid AND revoked_at IS NULL`;
    return this.end(db, placementId);
  }

  async end(db: Db, placementId: string): Promise<LeaseEnd> {
    const row = await db.activationLease.findUnique({
      where: { placementId },
      select: { grantedUntil: true, revokedAt: true },
    });
    return { grantedUntil: row?.grantedUntil ?? null, revokedAt: row?.revokedAt ?? null };
  }

  /**
   * Whether a revoked lease has certainly run out, by the database's clock (the clock grants are
   * measured on): past the last grant's end plus the margin. A lease never granted is over at once
   * (its agent never let the CoreApp connect); a placement without a lease row ran without lease
   * fencing, so only its cluster can confirm it stopped.
   */
  async certainlyOver(
    placementId: string,
    marginMs: number,
  ): Promise<{ kind: 'over' } | { kind: 'running'; remainingMs: number } | { kind: 'no-lease' }> {
    const rows = await this.prisma.$queryRaw<{ remaining_ms: number | null; revoked: boolean }[]>`
      SELECT (EXTRACT(EPOCH FROM (granted_until + ${marginMs} * interval '1 millisecond' - now())) * 1000)::float8
               AS remaining_ms,
             revoked_at IS NOT NULL AS revoked
        FROM activation_leases WHERE placement_id = ${placementId}::uuid`;
    const row = rows[0];
    if (!row) return { kind: 'no-lease' };
    if (!row.revoked) return { kind: 'running', remainingMs: Number.MAX_SAFE_INTEGER };
    if (row.remaining_ms === null || row.remaining_ms <= 0) return { kind: 'over' };
    return { kind: 'running', remainingMs: Math.ceil(row.remaining_ms) };
  }

  /** Active leases whose agent stopped renewing: granted before, not revoked, silent for `silentMs`. */
  async lapsed(silentMs: number): Promise<{ placementId: string; numberId: string }[]> {
    return this.prisma.$queryRaw<{ placementId: string; numberId: string }[]>`
      SELECT l.placement_id AS "placementId", l.number_id AS "numberId"
        FROM activation_leases l
        JOIN placements p ON p.id = l.placement_id AND p.active_number_id IS NOT NULL
       WHERE l.revoked_at IS NULL AND l.renewed_at IS NOT NULL
         AND l.renewed_at < now() - ${silentMs} * interval '1 millisecond'`;
  }
}
