import { Injectable } from '@nestjs/common';
import { type Cluster, type Db, type Prisma, PrismaService } from '@bsp/db';

@Injectable()
export class ClustersRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(db: Db, data: Prisma.ClusterUncheckedCreateInput): Promise<Cluster> {
    return db.cluster.create({ data });
  }

  list(filter: { region?: string }): Promise<Cluster[]> {
    return this.prisma.cluster.findMany({
      where: filter.region ? { region: filter.region } : {},
      orderBy: { name: 'asc' },
    });
  }
}
