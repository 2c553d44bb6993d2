import { Injectable } from '@nestjs/common';
import {
  afterCursor,
  type Db,
  type KeysetPosition,
  type Prisma,
  PrismaService,
  type Tenant,
  type TenantState,
} from '@bsp/db';

@Injectable()
export class TenantsRepository {
  constructor(private readonly prisma: PrismaService) {}

  findById(id: string, db: Db = this.prisma): Promise<Tenant | null> {
    return db.tenant.findUnique({ where: { id } });
  }

  create(db: Db, data: Prisma.TenantUncheckedCreateInput): Promise<Tenant> {
    return db.tenant.create({ data });
  }

  update(db: Db, id: string, data: Prisma.TenantUncheckedUpdateInput): Promise<Tenant> {
    return db.tenant.update({ where: { id }, data });
  }

  /** Keyset page; `onlyId` confines the list to one tenant (tenant users). */
  list(options: {
    onlyId: string | null;
    state?: TenantState;
    after?: KeysetPosition;
    take: number;
  }): Promise<Tenant[]> {
    return this.prisma.tenant.findMany({
      where: {
        ...(options.onlyId !== null && { id: options.onlyId }),
        ...(options.state && { state: options.state }),
        ...afterCursor(options.after),
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: options.take,
    });
  }

  countLiveNumbers(db: Db, tenantId: string): Promise<number> {
    return db.phoneNumber.count({ where: { tenantId, state: { not: 'deleted' } } });
  }
}
