import { Injectable } from '@nestjs/common';
import {
  type Cluster,
  type Db,
  type NumberState,
  type PhoneNumber,
  type Placement,
  type PlacementState,
  type Prisma,
  PrismaService,
} from '@bsp/db';
import type { CandidateCluster } from '../placement/placement.types';

export type PlacementWithCluster = Placement & { cluster: Cluster };
export type NumberWithPlacements = PhoneNumber & { placements: PlacementWithCluster[] };

const LIVE_PLACEMENT: Prisma.PlacementWhereInput = { state: { notIn: ['released'] } };

/** A failover fences these (or has): their CoreApp must not run, and the reconciler must not start it. */
export const FENCED_PLACEMENT_STATES: readonly PlacementState[] = ['fencing', 'fenced', 'releasing'];
/** Placements on their way out after a failover: their namespaces are deleted, then they are released. */
export const RETIRING_PLACEMENT_STATES: readonly PlacementState[] = ['fenced', 'releasing'];

/** The reconciler's queries. It acts for the system on one number at a time, keyed by the number's id. */
@Injectable()
export class ProvisioningRepository {
  constructor(readonly prisma: PrismaService) {}

  findNumber(numberId: string, db: Db = this.prisma): Promise<NumberWithPlacements | null> {
    return db.phoneNumber.findUnique({
      where: { id: numberId },
      include: {
        placements: {
          where: LIVE_PLACEMENT,
          include: { cluster: true },
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        },
      },
    });
  }

  /** Locks the number's row for the rest of the transaction: placement changes of one number are serial. */
  async lockNumber(db: Db, numberId: string): Promise<{ fencingEpoch: bigint } | undefined> {
    const rows = await db.$queryRaw<{ fencing_epoch: bigint }[]>`
      SELECT fencing_epoch FROM phone_numbers WHERE id = ${numberId}::uuid FOR UPDATE`;
    const row = rows[0];
    return row && { fencingEpoch: BigInt(row.fencing_epoch) };
  }

  /**
   * The region's clusters with how many live placements each holds. Locks them so two numbers
   * placed at once cannot both take a cluster's last slot.
   */
  async candidateClusters(db: Db, region: string): Promise<CandidateCluster[]> {
    const clusters = await db.$queryRaw<Cluster[]>`
      SELECT id, name, region, zone, capacity, state FROM clusters
      WHERE region = ${region} ORDER BY id FOR UPDATE`;
    if (clusters.length === 0) return [];
    const counts = await db.placement.groupBy({
      by: ['clusterId'],
      where: { clusterId: { in: clusters.map((c) => c.id) }, ...LIVE_PLACEMENT },
      _count: { _all: true },
    });
    const countOf = new Map(counts.map((c) => [c.clusterId, c._count._all]));
    return clusters.map((c) => ({
      id: c.id,
      name: c.name,
      region: c.region,
      zone: c.zone,
      capacity: c.capacity,
      state: c.state,
      activeCount: countOf.get(c.id) ?? 0,
    }));
  }

  createPlacement(db: Db, data: Prisma.PlacementUncheckedCreateInput): Promise<Placement> {
    return db.placement.create({ data });
  }

  /** Compare-and-set of the fencing epoch: false when another writer moved it first. */
  async advanceEpoch(db: Db, numberId: string, from: bigint, to: bigint): Promise<boolean> {
    const { count } = await db.phoneNumber.updateMany({
      where: { id: numberId, fencingEpoch: from },
      data: { fencingEpoch: to },
    });
    return count === 1;
  }

  /**
   * The epoch and the placement that may run the CoreApp as they are now (not as this reconcile read
   * them), in one query: the active placement, unless a failover has started fencing it.
   */
  async currentFencing(
    numberId: string,
  ): Promise<{ fencingEpoch: bigint; activePlacementId: string | null }> {
    const rows = await this.prisma.$queryRaw<
      { fencing_epoch: bigint; active_placement_id: string | null; active_state: PlacementState | null }[]
    >`
      SELECT n.fencing_epoch, p.id AS active_placement_id, p.state AS active_state
      FROM phone_numbers n LEFT JOIN placements p ON p.active_number_id = n.id
      WHERE n.id = ${numberId}::uuid`;
    const row = rows[0];
    if (!row) throw new Error(`number ${numberId} is gone`);
    const fenced = row.active_state !== null && FENCED_PLACEMENT_STATES.includes(row.active_state);
    return {
      fencingEpoch: BigInt(row.fencing_epoch),
      activePlacementId: fenced ? null : row.active_placement_id,
    };
  }

  /**
   * The lease an active placement's fencing agent renews: created with its epoch and token hash, or
   * brought up to them while nothing revoked it. An epoch never moves backwards.
   */
  async ensureActivationLease(lease: {
    placementId: string;
    numberId: string;
    epoch: bigint;
    tokenHash: string;
  }): Promise<void> {
    await this.prisma.$executeRaw`
      INSERT INTO activation_leases (placement_id, number_id, epoch, token_hash)
      VALUES (${lease.placementId}::uuid, ${lease.numberId}::uuid, ${lease.epoch.toString()}::bigint, ${lease.tokenHash})
      ON CONFLICT (placement_id) DO UPDATE
         SET epoch = excluded.epoch, token_hash = excluded.token_hash
       WHERE activation_leases.revoked_at IS NULL
         AND activation_leases.epoch <= excluded.epoch
         AND (activation_leases.epoch, activation_leases.token_hash)
             IS DISTINCT FROM (excluded.epoch, excluded.token_hash)`;
  }

  /** A placement is gone for good: its lease (if any) can never be granted again. */
  async releasePlacement(db: Db, placementId: string): Promise<void> {
    await db.placement.update({
      where: { id: placementId },
      data: { state: 'released', activeNumberId: null, releasedAt: new Date() },
    });
    await db.activationLease.updateMany({
      where: { placementId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
  }

  updatePlacement(db: Db, id: string, data: Prisma.PlacementUncheckedUpdateInput): Promise<Placement> {
    return db.placement.update({ where: { id }, data });
  }

  async releasePlacements(db: Db, numberId: string): Promise<Prisma.BatchPayload> {
    await db.activationLease.updateMany({
      where: { numberId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    return db.placement.updateMany({
      where: { numberId, ...LIVE_PLACEMENT },
      data: { state: 'released' satisfies PlacementState, activeNumberId: null, releasedAt: new Date() },
    });
  }

  /**
   * Moves the number to `to` only if it is still in `from` at the epoch this reconcile read:
   * a reconcile that lost a race (another one, or a failover that advanced the epoch) writes nothing.
   */
  async transition(
    db: Db,
    number: { id: string; tenantId: string; fencingEpoch: bigint },
    from: NumberState,
    to: NumberState,
    reason: string | null,
  ): Promise<boolean> {
    const { count } = await db.phoneNumber.updateMany({
      where: { id: number.id, state: from, fencingEpoch: number.fencingEpoch },
      data: { state: to, stateReason: reason },
    });
    if (count === 0) return false;
    await db.numberStateTransition.create({
      data: { numberId: number.id, tenantId: number.tenantId, fromState: from, toState: to, reason },
    });
    return true;
  }

  /** Numbers a resync should look at, in id order from `afterId`. */
  numbersToResync(afterId: string | null, take: number): Promise<{ id: string }[]> {
    return this.prisma.phoneNumber.findMany({
      where: { state: { not: 'deleted' }, ...(afterId && { id: { gt: afterId } }) },
      select: { id: true },
      orderBy: { id: 'asc' },
      take,
    });
  }

  clusters(): Promise<Cluster[]> {
    return this.prisma.cluster.findMany({ where: { state: { not: 'retired' } }, orderBy: { name: 'asc' } });
  }
}
