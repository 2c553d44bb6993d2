import { Injectable } from '@nestjs/common';
import { type Caller, canAccessTenant, confinedTenantId, isStaff } from '@bsp/auth';
import type {
  CreateTenantRequest,
  Page,
  TenantResponse,
  TenantState,
  UpdateTenantRequest,
} from '@bsp/contracts';
import { decodeCursor, isUniqueViolation, pageOf, PrismaService, type Tenant } from '@bsp/db';
import { AuditService } from '@bsp/domain-audit';
import { DomainError, NotFoundError } from '@bsp/errors';
import { TenantsRepository } from './tenants.repository';

export function toTenantResponse(t: Tenant): TenantResponse {
  return {
    id: t.id,
    name: t.name,
    slug: t.slug,
    dataRegion: t.dataRegion,
    state: t.state,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

export function slugFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/g, '');
  return slug || 'tenant';
}

@Injectable()
export class TenantsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly tenants: TenantsRepository,
    private readonly audit: AuditService,
  ) {}

  async create(caller: Caller, request: CreateTenantRequest): Promise<TenantResponse> {
    const slug = request.slug ?? slugFromName(request.name);
    try {
      const tenant = await this.prisma.$transaction(async (tx) => {
        const created = await this.tenants.create(tx, {
          name: request.name.trim(),
          slug,
          dataRegion: request.dataRegion,
        });
        await this.audit.record(tx, caller, {
          action: 'tenant.create',
          targetType: 'tenant',
          targetId: created.id,
          tenantId: created.id,
          after: toTenantResponse(created),
        });
        return created;
      });
      return toTenantResponse(tenant);
    } catch (error) {
      if (isUniqueViolation(error, 'slug')) throw new DomainError('slug_taken', `The slug ${slug} is taken`);
      throw error;
    }
  }

  async list(
    caller: Caller,
    query: { cursor?: string; limit: number; state?: TenantState },
  ): Promise<Page<TenantResponse>> {
    const rows = await this.tenants.list({
      onlyId: confinedTenantId(caller.principal),
      state: query.state,
      after: decodeCursor(query.cursor),
      take: query.limit + 1,
    });
    return pageOf(rows, query.limit, toTenantResponse);
  }

  async get(caller: Caller, id: string): Promise<TenantResponse> {
    return toTenantResponse(await this.getAccessible(caller, id));
  }

  /** The tenant if the caller may see it; another tenant's id is "not found", never "forbidden". */
  async getAccessible(caller: Caller, id: string): Promise<Tenant> {
    const tenant = canAccessTenant(caller.principal, id) ? await this.tenants.findById(id) : null;
    if (!tenant) throw new NotFoundError('Tenant');
    return tenant;
  }

  async update(caller: Caller, id: string, request: UpdateTenantRequest): Promise<TenantResponse> {
    const before = await this.getAccessible(caller, id);
    const changed = (['name', 'slug', 'dataRegion', 'state'] as const).filter(
      (f) => request[f] !== undefined && (f === 'name' ? request.name!.trim() : request[f]) !== before[f],
    );
    if (!isStaff(caller.principal)) {
      // Refused even when the value would not change: tenant admins do not send these fields at all.
      const staffOnly = (['slug', 'dataRegion', 'state'] as const).filter((f) => request[f] !== undefined);
      if (staffOnly.length > 0) {
        throw new DomainError('forbidden', `Only BSP staff can change ${staffOnly.join(', ')}`);
      }
    }
    // Nothing to change writes nothing: no audit event, no new updatedAt.
    if (changed.length === 0) return toTenantResponse(before);
    try {
      const updated = await this.prisma.$transaction(async (tx) => {
        if (request.dataRegion !== undefined && request.dataRegion !== before.dataRegion) {
          // Data residency: numbers already placed in the old region would silently leave it.
          if ((await this.tenants.countLiveNumbers(tx, id)) > 0) {
            throw new DomainError(
              'tenant_has_numbers',
              'Cannot change the data region of a tenant that has numbers',
            );
          }
        }
        const after = await this.tenants.update(tx, id, {
          ...(request.name !== undefined && { name: request.name.trim() }),
          ...(request.slug !== undefined && { slug: request.slug }),
          ...(request.dataRegion !== undefined && { dataRegion: request.dataRegion }),
          ...(request.state !== undefined && { state: request.state }),
        });
        await this.audit.record(tx, caller, {
          action:
            request.state && request.state !== before.state
              ? `tenant.${request.state === 'suspended' ? 'suspend' : 'activate'}`
              : 'tenant.update',
          targetType: 'tenant',
          targetId: id,
          tenantId: id,
          before: toTenantResponse(before),
          after: toTenantResponse(after),
        });
        return after;
      });
      return toTenantResponse(updated);
    } catch (error) {
      if (isUniqueViolation(error, 'slug'))
        throw new DomainError('slug_taken', `The slug ${request.slug} is taken`);
      throw error;
    }
  }
}
