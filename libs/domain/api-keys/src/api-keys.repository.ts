import { Injectable } from '@nestjs/common';
import { type ApiKey, type Db, type Prisma, PrismaService, type Tenant } from '@bsp/db';

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** `tenantId` null: any tenant (staff); otherwise the query itself is confined to that tenant. */
  findById(id: string, tenantId: string | null, db: Db = this.prisma): Promise<ApiKey | null> {
    return db.apiKey.findFirst({ where: tenantId === null ? { id } : { id, tenantId } });
  }

  findWithTenant(id: string): Promise<(ApiKey & { tenant: Pick<Tenant, 'state'> }) | null> {
    return this.prisma.apiKey.findUnique({ where: { id }, include: { tenant: { select: { state: true } } } });
  }

  create(db: Db, data: Prisma.ApiKeyUncheckedCreateInput): Promise<ApiKey> {
    return db.apiKey.create({ data });
  }

  listForTenant(tenantId: string): Promise<ApiKey[]> {
    return this.prisma.apiKey.findMany({
      where: { tenantId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: 1000,
    });
  }

  /** Links the old key to its successor and shortens its life; false if it was rotated or revoked meanwhile. */
  async markReplaced(db: Db, id: string, replacedById: string, expiresAt: Date): Promise<boolean> {
    const { count } = await db.apiKey.updateMany({
      where: { id, replacedById: null, revokedAt: null },
      data: { replacedById, expiresAt },
    });
    return count === 1;
  }

  async revoke(db: Db, id: string, at: Date): Promise<ApiKey> {
    return db.apiKey.update({ where: { id }, data: { revokedAt: at } });
  }

  /** One statement for a batch of last-used times; never moves a time backwards. */
  async recordLastUsed(entries: readonly { id: string; at: Date }[]): Promise<void> {
    if (entries.length === 0) return;
    await this.prisma.$executeRaw`
      UPDATE api_keys AS k
      SET last_used_at = GREATEST(COALESCE(k.last_used_at, v.at), v.at)
      FROM unnest(${entries.map((e) => e.id)}::uuid[], ${entries.map((e) => e.at)}::timestamptz[]) AS v(id, at)
      WHERE k.id = v.id`;
  }
}
