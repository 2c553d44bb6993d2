import { Injectable } from '@nestjs/common';
import { type Db, type Failover, type FailoverState, type Prisma, PrismaService } from '@bsp/db';

/** Failover rows. The open slot (open_number_id, unique) is what makes one failover per number a database fact. */
@Injectable()
export class FailoverRepository {
  constructor(readonly prisma: PrismaService) {}

  find(id: string, db: Db = this.prisma): Promise<Failover | null> {
    return db.failover.findUnique({ where: { id } });
  }

  findOpen(numberId: string, db: Db = this.prisma): Promise<Failover | null> {
    return db.failover.findUnique({ where: { openNumberId: numberId } });
  }

  create(db: Db, data: Prisma.FailoverUncheckedCreateInput): Promise<Failover> {
    return db.failover.create({ data });
  }

  /** Moves a failover on only from the state it was read in: a step that ran twice writes once. */
  async advance(
    db: Db,
    id: string,
    from: FailoverState,
    data: Prisma.FailoverUncheckedUpdateInput,
  ): Promise<boolean> {
    const { count } = await db.failover.updateMany({ where: { id, state: from }, data });
    return count === 1;
  }

  listForNumber(numberId: string, take: number): Promise<Failover[]> {
    return this.prisma.failover.findMany({
      where: { numberId },
      orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }],
      take,
    });
  }
}
