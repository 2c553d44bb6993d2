import { Injectable } from '@nestjs/common';
import { type Cluster, type Db, type Prisma, PrismaService } from '@bsp/db';

@Injectable()
export class ClustersRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(db: Db, data: Prisma.ClusterUncheckedCreateInput): Promise<Cluster> {
    return db.cluster.create({ data });
  }

  findById(id: string, db: Db = this.prisma): Promise<Cluster | null> {
    return db.cluster.findUnique({ where: { id } });
  }

  update(db: Db, id: string, data: Prisma.ClusterUncheckedUpdateInput): Promise<Cluster> {
    return db.cluster.update({ where: { id }, data });
  }

  countLivePlacements(db: Db, clusterId: string): Promise<number> {
    return db.placement.count({ where: { clusterId, state: { not: 'released' } } });
  }

  list(filter: { region?: string }): Promise<Cluster[]> {
    return this.prisma.cluster.findMany({
      where: filter.region ? { region: filter.region } : {},
      orderBy: { name: 'asc' },
    });
  }
}
