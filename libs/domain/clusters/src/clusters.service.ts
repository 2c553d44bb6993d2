import { Injectable } from '@nestjs/common';
import type { Caller } from '@bsp/auth';
import type { ClusterResponse, CreateClusterRequest, UpdateClusterRequest } from '@bsp/contracts';
import { type Cluster, isUniqueViolation, PrismaService } from '@bsp/db';
import { AuditService } from '@bsp/domain-audit';
import { DomainError, NotFoundError } from '@bsp/errors';
import { ClustersRepository } from './clusters.repository';

export function toClusterResponse(c: Cluster): ClusterResponse {
  return {
    id: c.id,
    name: c.name,
    region: c.region,
    zone: c.zone,
    apiServerUrl: c.apiServerUrl,
    credentialsRef: c.credentialsRef,
    capacity: c.capacity,
    state: c.state,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** Registered Kubernetes clusters: where numbers' pod sets may be placed (platform staff only). */
@Injectable()
export class ClustersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly clusters: ClustersRepository,
    private readonly audit: AuditService,
  ) {}

  async register(caller: Caller, request: CreateClusterRequest): Promise<ClusterResponse> {
    try {
      const cluster = await this.prisma.$transaction(async (tx) => {
        const created = await this.clusters.create(tx, request);
        await this.audit.record(tx, caller, {
          action: 'cluster.create',
          targetType: 'cluster',
          targetId: created.id,
          tenantId: null,
          after: toClusterResponse(created),
        });
        return created;
      });
      return toClusterResponse(cluster);
    } catch (error) {
      if (isUniqueViolation(error, 'name'))
        throw new DomainError('cluster_name_taken', `A cluster named ${request.name} exists`);
      throw error;
    }
  }

  /** Cordoning stops new placements only; pod sets already there keep running until moved. */
  async update(caller: Caller, id: string, request: UpdateClusterRequest): Promise<ClusterResponse> {
    const updated = await this.prisma.$transaction(async (tx) => {
      const before = await this.clusters.findById(id, tx);
      if (!before) throw new NotFoundError('Cluster');
      if (request.state === 'retired' && before.state !== 'retired') {
        const live = await this.clusters.countLivePlacements(tx, id);
        if (live > 0) {
          throw new DomainError(
            'invalid_state',
            `The cluster still holds ${live} placement(s); move them first`,
          );
        }
      }
      const after = await this.clusters.update(tx, id, {
        ...(request.state !== undefined && { state: request.state }),
        ...(request.capacity !== undefined && { capacity: request.capacity }),
      });
      await this.audit.record(tx, caller, {
        action: 'cluster.update',
        targetType: 'cluster',
        targetId: id,
        tenantId: null,
        before: toClusterResponse(before),
        after: toClusterResponse(after),
      });
      return after;
    });
    return toClusterResponse(updated);
  }

  async list(filter: { region?: string }): Promise<ClusterResponse[]> {
    return (await this.clusters.list(filter)).map(toClusterResponse);
  }
}
