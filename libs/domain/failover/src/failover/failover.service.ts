import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { type Caller, canAccessNumber } from '@bsp/auth';
import type { FailoverResponse } from '@bsp/contracts';
import { type Failover, type FailoverTrigger, Prisma } from '@bsp/db';
import { AuditService } from '@bsp/domain-audit';
import { isRetiring, ProvisioningRepository } from '@bsp/domain-provisioning';
import { DomainError, NotFoundError } from '@bsp/errors';
import { JobName, type JobPayloads, QueueName } from '@bsp/queue';
import { FailoverRepository } from './failover.repository';
import { toFailoverResponse } from './failover.view';

/** Lower runs first: an operator's request before a lost instance before a merely unhealthy one. */
const PRIORITY: Record<FailoverTrigger, number> = {
  manual: 1,
  instance_lost: 2,
  cluster_unreachable: 3,
  unhealthy: 4,
};

export interface FailoverRequest {
  trigger: FailoverTrigger;
  reason: string;
  /** A verdict about one instance: refused when that instance is no longer the active one. */
  expectedPlacementId?: string;
}

/** Starts failovers (for staff, clients and the health checks) and lists a number's history. */
@Injectable()
export class FailoverService {
  private readonly logger = new Logger(FailoverService.name);

  constructor(
    private readonly failovers: FailoverRepository,
    private readonly provisioning: ProvisioningRepository,
    private readonly audit: AuditService,
    @InjectQueue(QueueName.Failover) private readonly queue: Queue,
  ) {}

  /** Staff or a client asks for a failover of a number it may change. */
  async requestFor(caller: Caller, numberId: string, reason: string): Promise<FailoverResponse> {
    const number = await this.provisioning.prisma.phoneNumber.findUnique({
      where: { id: numberId },
      select: { tenantId: true },
    });
    if (!number || !canAccessNumber(caller.principal, { id: numberId, tenantId: number.tenantId }))
      throw new NotFoundError('Number');
    return toFailoverResponse(await this.request(caller, numberId, { trigger: 'manual', reason }));
  }

  /**
   * Opens a failover of the number's active instance and queues it. At most one is open per number
   * (the database's open slot); a second request gets the open one's conflict.
   */
  async request(caller: Caller, numberId: string, request: FailoverRequest): Promise<Failover> {
    const failover = await this.provisioning.prisma.$transaction(async (tx) => {
      await this.provisioning.lockNumber(tx, numberId);
      const number = await this.provisioning.findNumber(numberId, tx);
      if (!number) throw new NotFoundError('Number');
      const open = await this.failovers.findOpen(numberId, tx);
      if (open)
        throw new DomainError('failover_in_progress', `Failover ${open.id} of this number is still running`);
      if (number.desiredState !== 'active' || !['active', 'provisioning', 'failed'].includes(number.state)) {
        throw new DomainError(
          'failover_not_possible',
          number.desiredState === 'active'
            ? `The number is ${number.state}: only a provisioned number can fail over`
            : `The number is ${number.desiredState === 'suspended' ? 'suspended' : 'being deleted'}: there is no instance to fail over`,
        );
      }
      const active = number.placements.find((p) => p.activeNumberId === number.id && !isRetiring(p));
      if (!active)
        throw new DomainError('failover_not_possible', 'The number has no active instance to fail over');
      const actor = actorOf(caller);
      let created: Failover;
      try {
        created = await this.failovers.create(tx, {
          numberId,
          tenantId: number.tenantId,
          openNumberId: numberId,
          trigger: request.trigger,
          reason: request.reason.slice(0, 1000),
          requestedByType: actor.type,
          requestedById: actor.id,
          fromPlacementId: active.id,
          fromEpoch: number.fencingEpoch,
        });
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
          throw new DomainError('failover_in_progress', 'A failover of this number is already running');
        }
        throw error;
      }
      await this.audit.record(tx, caller, {
        action: 'number.failover_requested',
        targetType: 'number',
        targetId: numberId,
        tenantId: number.tenantId,
        metadata: {
          failoverId: created.id,
          trigger: request.trigger,
          reason: request.reason,
          from: {
            placementId: active.id,
            cluster: active.cluster.name,
            epoch: number.fencingEpoch.toString(),
          },
        },
      });
      return created;
    });
    await this.enqueue(failover);
    this.logger.log({ failoverId: failover.id, numberId, trigger: request.trigger }, 'failover requested');
    return failover;
  }

  /** (Re)queues an open failover's job; the job id is the failover's, so this is idempotent. */
  async enqueue(failover: Pick<Failover, 'id' | 'numberId' | 'trigger'>): Promise<void> {
    const data: JobPayloads[typeof JobName.Failover] = {
      failoverId: failover.id,
      numberId: failover.numberId,
    };
    await this.queue.add(JobName.Failover, data, {
      jobId: `failover.${failover.id}`,
      priority: PRIORITY[failover.trigger],
      attempts: 20,
      backoff: { type: 'exponential', delay: 1000 },
    });
  }

  async history(caller: Caller, numberId: string): Promise<FailoverResponse[]> {
    const number = await this.provisioning.prisma.phoneNumber.findUnique({
      where: { id: numberId },
      select: { tenantId: true },
    });
    if (!number || !canAccessNumber(caller.principal, { id: numberId, tenantId: number.tenantId }))
      throw new NotFoundError('Number');
    return (await this.failovers.listForNumber(numberId, 50)).map(toFailoverResponse);
  }
}

function actorOf(caller: Caller): { type: 'user' | 'api_key' | 'system'; id: string | null } {
  const p = caller.principal;
  if (p.kind === 'user') return { type: 'user', id: p.userId };
  if (p.kind === 'api_key') return { type: 'api_key', id: p.keyId };
  return { type: 'system', id: p.name };
}
