import { Injectable, Logger } from '@nestjs/common';
import { type Caller, canAccessNumber, confinedTenantId } from '@bsp/auth';
import type {
  CreateNumberRequest,
  DesiredState,
  HealthStatus,
  NumberDetailResponse,
  NumberResponse,
  NumberState,
  ObservedPodSetResponse,
  Page,
} from '@bsp/contracts';
import { decodeCursor, isUniqueViolation, pageOf, type PhoneNumber, PrismaService } from '@bsp/db';
import { AuditService } from '@bsp/domain-audit';
import { ReconcileStatusStore } from '@bsp/domain-provisioning';
import { ReconcileRequests, type ReconcileReason } from '@bsp/queue';
import { TenantsService } from '@bsp/domain-tenants';
import { DomainError, NotFoundError } from '@bsp/errors';
import { countryOf, parseE164 } from './e164';
import { NumbersRepository } from './numbers.repository';

export function toNumberResponse(n: PhoneNumber): NumberResponse {
  return {
    id: n.id,
    tenantId: n.tenantId,
    phoneNumber: n.phoneNumber,
    country: countryOf(n.phoneNumber),
    displayName: n.displayName,
    region: n.region,
    mode: n.mode,
    state: n.state,
    desiredState: n.desiredState,
    stateReason: n.stateReason,
    fencingEpoch: Number(n.fencingEpoch),
    healthStatus: n.healthStatus,
    healthChangedAt: n.healthChangedAt?.toISOString() ?? null,
    createdAt: n.createdAt.toISOString(),
    updatedAt: n.updatedAt.toISOString(),
  };
}

const TRANSITIONS_SHOWN = 20;

@Injectable()
export class NumbersService {
  private readonly logger = new Logger(NumbersService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly numbers: NumbersRepository,
    private readonly tenants: TenantsService,
    private readonly audit: AuditService,
    private readonly reconciles: ReconcileRequests,
    private readonly reconcileStatus: ReconcileStatusStore,
  ) {}

  async create(caller: Caller, tenantId: string, request: CreateNumberRequest): Promise<NumberResponse> {
    const tenant = await this.tenants.getAccessible(caller, tenantId);
    if (caller.principal.kind === 'api_key' && caller.principal.numberIds.length > 0) {
      throw new DomainError('insufficient_scope', 'A key bound to specific numbers cannot add numbers');
    }
    const { e164 } = parseE164(request.phoneNumber);
    if (tenant.state !== 'active') throw new DomainError('tenant_suspended', 'The tenant is suspended');
    try {
      const created = await this.prisma.$transaction(async (tx) => {
        const number = await this.numbers.create(tx, {
          tenantId,
          phoneNumber: e164,
          displayName: request.displayName?.trim() || null,
          region: request.region ?? tenant.dataRegion,
          mode: request.mode ?? 'single',
        });
        await this.audit.record(tx, caller, {
          action: 'number.create',
          targetType: 'number',
          targetId: number.id,
          tenantId,
          after: toNumberResponse(number),
        });
        return number;
      });
      await this.requestReconcile(created.id, 'desired-change');
      return toNumberResponse(created);
    } catch (error) {
      // The unique index decides races: whichever insert commits first wins, the rest get 409.
      if (isUniqueViolation(error, 'phone_number') || isUniqueViolation(error, 'phoneNumber')) {
        throw new DomainError('number_taken', 'This phone number is already registered');
      }
      throw error;
    }
  }

  async list(
    caller: Caller,
    tenantId: string,
    query: { cursor?: string; limit: number; state?: NumberState; region?: string; health?: HealthStatus },
  ): Promise<Page<NumberResponse>> {
    await this.tenants.getAccessible(caller, tenantId);
    const p = caller.principal;
    const rows = await this.numbers.listForTenant({
      tenantId,
      onlyIds: p.kind === 'api_key' && p.numberIds.length > 0 ? p.numberIds : null,
      state: query.state,
      region: query.region,
      health: query.health,
      after: decodeCursor(query.cursor),
      take: query.limit + 1,
    });
    return pageOf(rows, query.limit, toNumberResponse);
  }

  async get(caller: Caller, id: string): Promise<NumberDetailResponse> {
    const number = await this.getAccessible(caller, id);
    const [placements, transitions, lastReconcile] = await Promise.all([
      this.numbers.livePlacements(number.id, number.tenantId),
      this.numbers.latestTransitions(number.id, number.tenantId, TRANSITIONS_SHOWN),
      this.reconcileStatus.last(number.id),
    ]);
    return {
      ...toNumberResponse(number),
      placements: placements.map((p) => ({
        id: p.id,
        role: p.role,
        state: p.state,
        active: p.activeNumberId === number.id,
        epoch: Number(p.epoch),
        cluster: p.cluster,
        namespace: p.namespace,
        stateReason: p.stateReason,
        observed: p.observed as ObservedPodSetResponse | null,
        observedAt: p.observedAt?.toISOString() ?? null,
        createdAt: p.createdAt.toISOString(),
      })),
      lastReconcile,
      transitions: transitions.map((t) => ({
        fromState: t.fromState,
        toState: t.toState,
        reason: t.reason,
        at: t.occurredAt.toISOString(),
      })),
    };
  }

  /** Suspend (CoreApp and WebApp scaled to zero, placements kept) or resume a number. */
  async setDesiredState(
    caller: Caller,
    id: string,
    desired: Exclude<DesiredState, 'deleted'>,
  ): Promise<NumberResponse> {
    const before = await this.getAccessible(caller, id);
    if (before.desiredState === 'deleted' || before.state === 'deleted') {
      throw new DomainError('invalid_state', 'The number is being deprovisioned');
    }
    if (before.desiredState === desired) return toNumberResponse(before);
    return this.changeDesired(caller, before, desired === 'suspended' ? 'number.suspend' : 'number.resume', {
      desiredState: desired,
    });
  }

  /** Staff: reconcile now (the same job a change or the resync would run), audited. */
  async requestManualReconcile(caller: Caller, id: string): Promise<NumberResponse> {
    const number = await this.getAccessible(caller, id);
    if (number.state === 'deleted') throw new DomainError('invalid_state', 'The number is deleted');
    await this.prisma.$transaction((tx) =>
      this.audit.record(tx, caller, {
        action: 'number.reconcile',
        targetType: 'number',
        targetId: id,
        tenantId: number.tenantId,
      }),
    );
    await this.reconciles.request(id, 'manual');
    return toNumberResponse(number);
  }

  /**
   * After the change has committed. Should Redis be unreachable, the change stands (it is the
   * truth) and the periodic resync picks the number up.
   */
  private async requestReconcile(numberId: string, reason: ReconcileReason): Promise<void> {
    try {
      await this.reconciles.request(numberId, reason);
    } catch (error) {
      this.logger.warn(
        { numberId, error: (error as Error).message },
        'reconcile not queued; the resync will run it',
      );
    }
  }

  async getAccessible(caller: Caller, id: string): Promise<PhoneNumber> {
    const number = await this.numbers.findById(id, confinedTenantId(caller.principal));
    if (!number || !canAccessNumber(caller.principal, number)) throw new NotFoundError('Number');
    return number;
  }

  /** Marks the number for deprovisioning; the worker does the work. Asking twice changes nothing. */
  async requestDeletion(caller: Caller, id: string): Promise<NumberResponse> {
    const before = await this.getAccessible(caller, id);
    if (before.desiredState === 'deleted') return toNumberResponse(before);
    return this.changeDesired(caller, before, 'number.delete', {
      desiredState: 'deleted',
      state: 'deprovisioning',
      stateReason: null,
    });
  }

  /** A change of what the number should be: written with its audit row, then handed to the worker. */
  private async changeDesired(
    caller: Caller,
    before: PhoneNumber,
    action: string,
    data: Parameters<NumbersRepository['update']>[2],
  ): Promise<NumberResponse> {
    const after = await this.prisma.$transaction(async (tx) => {
      const updated = await this.numbers.update(tx, before.id, data);
      await this.audit.record(tx, caller, {
        action,
        targetType: 'number',
        targetId: before.id,
        tenantId: before.tenantId,
        before: toNumberResponse(before),
        after: toNumberResponse(updated),
      });
      return updated;
    });
    await this.requestReconcile(before.id, 'desired-change');
    return toNumberResponse(after);
  }

  /** Whether every id is a number of the tenant (for binding API keys to numbers). */
  async allInTenant(tenantId: string, ids: readonly string[]): Promise<boolean> {
    const unique = [...new Set(ids)];
    return unique.length === 0 || (await this.numbers.countInTenant(tenantId, unique)) === unique.length;
  }
}
