import { Injectable } from '@nestjs/common';
import { type AuditEvent, type Db, Prisma, PrismaService } from '@bsp/db';

export interface AuditQuery {
  /** Null: every tenant (staff). */
  tenantId: string | null;
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
  /** Return events with a smaller id than this (newest first). */
  beforeId?: bigint;
  limit: number;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  async insert(db: Db, data: Prisma.AuditEventUncheckedCreateInput): Promise<void> {
    await db.auditEvent.create({ data, select: { id: true } });
  }

  find(query: AuditQuery): Promise<AuditEvent[]> {
    const where: Prisma.AuditEventWhereInput = {
      ...(query.tenantId !== null && { tenantId: query.tenantId }),
      ...(query.actorId && { actorId: query.actorId }),
      ...(query.action && { action: query.action }),
      ...(query.targetType && { targetType: query.targetType }),
      ...(query.targetId && { targetId: query.targetId }),
      ...((query.from || query.to) && { occurredAt: { gte: query.from, lt: query.to } }),
      ...(query.beforeId !== undefined && { id: { lt: query.beforeId } }),
    };
    return this.prisma.auditEvent.findMany({ where, orderBy: { id: 'desc' }, take: query.limit });
  }
}
