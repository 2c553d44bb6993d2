import { Injectable } from '@nestjs/common';
import {
  afterCursor,
  type Db,
  type HealthStatus,
  type KeysetPosition,
  type NumberState,
  type PhoneNumber,
  type Prisma,
  PrismaService,
} from '@bsp/db';

@Injectable()
export class NumbersRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** `tenantId` null: any tenant (staff); otherwise the query itself is confined to that tenant. */
  findById(id: string, tenantId: string | null, db: Db = this.prisma): Promise<PhoneNumber | null> {
    return db.phoneNumber.findFirst({ where: tenantId === null ? { id } : { id, tenantId } });
  }

  create(db: Db, data: Prisma.PhoneNumberUncheckedCreateInput): Promise<PhoneNumber> {
    return db.phoneNumber.create({ data });
  }

  update(db: Db, id: string, data: Prisma.PhoneNumberUncheckedUpdateInput): Promise<PhoneNumber> {
    return db.phoneNumber.update({ where: { id }, data });
  }

  /** One tenant's numbers in keyset order; `onlyIds` narrows to a number-bound API key's numbers. */
  listForTenant(options: {
    tenantId: string;
    onlyIds: readonly string[] | null;
    state?: NumberState;
    region?: string;
    health?: HealthStatus;
    after?: KeysetPosition;
    take: number;
  }): Promise<PhoneNumber[]> {
    return this.prisma.phoneNumber.findMany({
      where: {
        tenantId: options.tenantId,
        ...(options.onlyIds !== null && { id: { in: [...options.onlyIds] } }),
        ...(options.state && { state: options.state }),
        ...(options.region && { region: options.region }),
        ...(options.health && { healthStatus: options.health }),
        ...afterCursor(options.after),
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: options.take,
    });
  }

  /** The number's placements that are not released, with their clusters. */
  livePlacements(numberId: string, tenantId: string) {
    return this.prisma.placement.findMany({
      where: { numberId, number: { tenantId }, state: { not: 'released' } },
      include: { cluster: { select: { id: true, name: true, region: true, zone: true } } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  latestTransitions(numberId: string, tenantId: string, take: number) {
    return this.prisma.numberStateTransition.findMany({
      where: { numberId, tenantId },
      orderBy: { id: 'desc' },
      take,
    });
  }

  countInTenant(tenantId: string, ids: readonly string[]): Promise<number> {
    return this.prisma.phoneNumber.count({ where: { tenantId, id: { in: [...ids] } } });
  }
}
