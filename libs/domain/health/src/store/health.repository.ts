import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@bsp/db';
import type { HealthStatus } from '../health.types';

/** A number the checks look at: its active placement, cluster and lease, read in one query. */
export interface HealthTarget {
  numberId: string;
  tenantId: string;
  /** As last written to PostgreSQL (only on change). */
  healthStatus: HealthStatus | null;
  healthChangedAt: Date | null;
  placementId: string;
  namespace: string;
  clusterId: string;
  clusterName: string;
  credentialsRef: string;
  lease: { grantedUntil: Date | null; revokedAt: Date | null; ageMs: number | null } | null;
}

export interface HealthChange {
  numberId: string;
  /** The status PostgreSQL is expected to hold: the row is changed only if it still does. */
  from: HealthStatus | null;
  to: HealthStatus;
  placementId: string;
  clusterId: string;
  reason: string;
  detail: unknown;
}

export type StatusCounts = Record<HealthStatus | 'unchecked', number>;

export interface ClusterStatusCounts {
  clusterId: string;
  name: string;
  region: string;
  zone: string;
  counts: StatusCounts;
}

interface TargetRow {
  number_id: string;
  tenant_id: string;
  health_status: HealthStatus | null;
  health_changed_at: Date | null;
  placement_id: string;
  namespace: string;
  cluster_id: string;
  cluster_name: string;
  credentials_ref: string;
  has_lease: boolean;
  granted_until: Date | null;
  revoked_at: Date | null;
  lease_age_ms: number | null;
}

/** Monitored: wanted active, running active, and holding an active placement. */
const TARGETS = Prisma.sql`
  SELECT n.id AS number_id, n.tenant_id, n.health_status, n.health_changed_at,
         p.id AS placement_id, p.namespace, c.id AS cluster_id, c.name AS cluster_name,
         c.credentials_ref, (l.placement_id IS NOT NULL) AS has_lease, l.granted_until, l.revoked_at,
         (EXTRACT(EPOCH FROM (now() - l.renewed_at)) * 1000)::float8 AS lease_age_ms
  FROM phone_numbers n
  JOIN placements p ON p.active_number_id = n.id
  JOIN clusters c ON c.id = p.cluster_id
  LEFT JOIN activation_leases l ON l.placement_id = p.id
  WHERE n.state = 'active' AND n.desired_state = 'active'`;

/** The same shard function as healthShardOf(): the last 32 bits of the id. */
const SHARD_OF = Prisma.sql`(('x' || right(replace(n.id::text, '-', ''), 8))::bit(32)::bigint)`;

const CHANGES_PER_STATEMENT = 500;

/**
 * The health checks' PostgreSQL: one query per shard for everything a sweep needs, status changes
 * (and only changes) as transitions, and the API's reads, each scoped by tenant.
 */
@Injectable()
export class HealthRepository {
  constructor(private readonly prisma: PrismaService) {}

  async shardTargets(shard: number, shards: number): Promise<HealthTarget[]> {
    const rows = await this.prisma.$queryRaw<TargetRow[]>`
      ${TARGETS} AND ${SHARD_OF} % ${shards}::bigint = ${shard}::bigint ORDER BY n.id`;
    return rows.map(toTarget);
  }

  async targetsByIds(numberIds: readonly string[]): Promise<HealthTarget[]> {
    if (numberIds.length === 0) return [];
    const rows = await this.prisma.$queryRaw<TargetRow[]>`
      ${TARGETS} AND n.id = ANY(${[...numberIds]}::uuid[]) ORDER BY n.id`;
    return rows.map(toTarget);
  }

  /**
   * Each change in one statement with its transition row: the number's status and
   * health_changed_at move only if it still holds `from` (so two checks racing write one
   * transition), and the transition is inserted exactly for the rows that moved. Returns those.
   */
  async recordChanges(changes: readonly HealthChange[]): Promise<HealthChange[]> {
    const applied: HealthChange[] = [];
    for (let i = 0; i < changes.length; i += CHANGES_PER_STATEMENT) {
      const chunk = changes.slice(i, i + CHANGES_PER_STATEMENT);
      const values = Prisma.join(
        chunk.map(
          (c) =>
            Prisma.sql`(${c.numberId}::uuid, ${c.from}::health_status, ${c.to}::health_status,
              ${c.placementId}::uuid, ${c.clusterId}::uuid, ${c.reason.slice(0, 1000)}, ${JSON.stringify(c.detail)}::jsonb)`,
        ),
      );
      const rows = await this.prisma.$queryRaw<{ number_id: string }[]>`
        WITH changes (number_id, from_status, to_status, placement_id, cluster_id, reason, detail) AS (
          VALUES ${values}
        ), moved AS (
          UPDATE phone_numbers n SET health_status = c.to_status, health_changed_at = now()
          FROM changes c
          WHERE n.id = c.number_id AND n.health_status IS NOT DISTINCT FROM c.from_status
          RETURNING n.id AS number_id, n.tenant_id, c.from_status, c.to_status, c.placement_id,
                    c.cluster_id, c.reason, c.detail
        )
        INSERT INTO number_health_transitions
          (number_id, tenant_id, placement_id, cluster_id, from_status, to_status, reason, detail)
        SELECT number_id, tenant_id, placement_id, cluster_id, from_status, to_status, reason, detail
        FROM moved
        RETURNING number_id`;
      const moved = new Set(rows.map((r) => r.number_id));
      applied.push(...chunk.filter((c) => moved.has(c.numberId)));
    }
    return applied;
  }

  /** `tenantId` null: any tenant (staff); otherwise the query is confined to it. */
  findNumber(numberId: string, tenantId: string | null) {
    return this.prisma.phoneNumber.findFirst({
      where: tenantId === null ? { id: numberId } : { id: numberId, tenantId },
      select: {
        id: true,
        tenantId: true,
        state: true,
        desiredState: true,
        healthStatus: true,
        healthChangedAt: true,
        placements: {
          where: { activeNumberId: numberId },
          select: {
            id: true,
            namespace: true,
            cluster: { select: { id: true, name: true, region: true, zone: true } },
          },
        },
      },
    });
  }

  latestTransitions(numberId: string, tenantId: string, take: number) {
    return this.prisma.numberHealthTransition.findMany({
      where: { numberId, tenantId },
      orderBy: { id: 'desc' },
      take,
    });
  }

  async tenantExists(tenantId: string): Promise<boolean> {
    return (await this.prisma.tenant.count({ where: { id: tenantId } })) === 1;
  }

  /** Monitored numbers by status; `tenantId` null: all tenants; `onlyIds`: a number-bound key's numbers. */
  async statusCounts(
    tenantId: string | null,
    onlyIds: readonly string[] | null = null,
  ): Promise<StatusCounts> {
    const rows = await this.prisma.$queryRaw<{ status: HealthStatus | null; count: bigint }[]>`
      SELECT n.health_status AS status, count(*) AS count
      FROM phone_numbers n JOIN placements p ON p.active_number_id = n.id
      WHERE n.state = 'active' AND n.desired_state = 'active'
        ${tenantId === null ? Prisma.empty : Prisma.sql`AND n.tenant_id = ${tenantId}::uuid`}
        ${onlyIds === null ? Prisma.empty : Prisma.sql`AND n.id = ANY(${[...onlyIds]}::uuid[])`}
      GROUP BY n.health_status`;
    const counts = emptyCounts();
    for (const r of rows) counts[r.status ?? 'unchecked'] += Number(r.count);
    return counts;
  }

  /** Monitored numbers by the cluster of their active instance and status. */
  async statusCountsByCluster(tenantId: string | null): Promise<ClusterStatusCounts[]> {
    const rows = await this.prisma.$queryRaw<
      {
        cluster_id: string;
        name: string;
        region: string;
        zone: string;
        status: HealthStatus | null;
        count: bigint;
      }[]
    >`
      SELECT c.id AS cluster_id, c.name, c.region, c.zone, n.health_status AS status, count(*) AS count
      FROM phone_numbers n
      JOIN placements p ON p.active_number_id = n.id
      JOIN clusters c ON c.id = p.cluster_id
      WHERE n.state = 'active' AND n.desired_state = 'active'
        ${tenantId === null ? Prisma.empty : Prisma.sql`AND n.tenant_id = ${tenantId}::uuid`}
      GROUP BY c.id, c.name, c.region, c.zone, n.health_status
      ORDER BY c.name`;
    const byCluster = new Map<string, ClusterStatusCounts>();
    for (const r of rows) {
      let entry = byCluster.get(r.cluster_id);
      if (!entry)
        byCluster.set(
          r.cluster_id,
          (entry = {
            clusterId: r.cluster_id,
            name: r.name,
            region: r.region,
            zone: r.zone,
            counts: emptyCounts(),
          }),
        );
      entry.counts[r.status ?? 'unchecked'] += Number(r.count);
    }
    return [...byCluster.values()];
  }
}

export function emptyCounts(): StatusCounts {
  return { healthy: 0, degraded: 0, unhealthy: 0, unknown: 0, unchecked: 0 };
}

function toTarget(r: TargetRow): HealthTarget {
  return {
    numberId: r.number_id,
    tenantId: r.tenant_id,
    healthStatus: r.health_status,
    healthChangedAt: r.health_changed_at,
    placementId: r.placement_id,
    namespace: r.namespace,
    clusterId: r.cluster_id,
    clusterName: r.cluster_name,
    credentialsRef: r.credentials_ref,
    lease: r.has_lease
      ? { grantedUntil: r.granted_until, revokedAt: r.revoked_at, ageMs: r.lease_age_ms }
      : null,
  };
}
