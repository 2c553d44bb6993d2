import { Injectable, Logger } from '@nestjs/common';
import {
  type Caller,
  canAccessTenant,
  confinedTenantId,
  PasswordHasher,
  type UserPrincipal,
  type UserPrincipalLoader,
} from '@bsp/auth';
import { type CreateUserRequest, isStaffRole, type UserResponse } from '@bsp/contracts';
import { isUniqueViolation, PrismaService, type User } from '@bsp/db';
import { AuditService } from '@bsp/domain-audit';
import { DomainError } from '@bsp/errors';
import { UsersRepository } from './users.repository';

export function toUserResponse(u: User): UserResponse {
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    role: u.role,
    tenantId: u.tenantId,
    disabled: u.disabledAt !== null,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
  };
}

export function toUserPrincipal(u: User): UserPrincipal {
  return {
    kind: 'user',
    userId: u.id,
    email: u.email,
    displayName: u.displayName,
    role: u.role,
    tenantId: u.tenantId,
  };
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

@Injectable()
export class UsersService implements UserPrincipalLoader {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
  ) {}

  async loadUserPrincipal(userId: string): Promise<UserPrincipal | null> {
    const user = await this.users.findById(userId);
    return user && !user.disabledAt ? toUserPrincipal(user) : null;
  }

  async create(caller: Caller, request: CreateUserRequest): Promise<UserResponse> {
    this.assertMayCreate(caller, request);
    const passwordHash = await this.hasher.hash(request.password);
    const email = normalizeEmail(request.email);
    try {
      const user = await this.prisma.$transaction(async (tx) => {
        if (
          request.tenantId &&
          !(await tx.tenant.findUnique({ where: { id: request.tenantId }, select: { id: true } }))
        ) {
          throw new DomainError('not_found', 'Tenant not found');
        }
        const created = await this.users.create(tx, {
          email,
          passwordHash,
          role: request.role,
          tenantId: request.tenantId ?? null,
          displayName: request.displayName ?? null,
        });
        await this.audit.record(tx, caller, {
          action: 'user.create',
          targetType: 'user',
          targetId: created.id,
          tenantId: created.tenantId,
          after: toUserResponse(created),
        });
        return created;
      });
      return toUserResponse(user);
    } catch (error) {
      if (isUniqueViolation(error, 'email'))
        throw new DomainError('email_taken', 'A user with this email exists');
      throw error;
    }
  }

  async list(caller: Caller, tenantId?: string): Promise<UserResponse[]> {
    const confined = confinedTenantId(caller.principal);
    if (confined !== null && tenantId !== undefined && tenantId !== confined) {
      throw new DomainError('not_found', 'Tenant not found');
    }
    return (await this.users.list(confined ?? tenantId ?? null)).map(toUserResponse);
  }

  /** Creates the first platform admin from configuration when no user has that email yet. */
  async ensureAdmin(caller: Caller, email: string, password: string): Promise<'created' | 'exists'> {
    if (await this.users.findByEmail(normalizeEmail(email))) return 'exists';
    try {
      await this.create(caller, { email, password, role: 'platform_admin', displayName: 'Platform admin' });
      this.logger.log(`created the first platform admin ${normalizeEmail(email)}`);
      return 'created';
    } catch (error) {
      // Another replica seeded it at the same moment.
      if (error instanceof DomainError && error.code === 'email_taken') return 'exists';
      throw error;
    }
  }

  private assertMayCreate(caller: Caller, request: CreateUserRequest): void {
    const staffRole = isStaffRole(request.role);
    if (staffRole && request.tenantId) {
      throw new DomainError('validation_failed', 'BSP staff roles have no tenant', {
        errors: [{ field: 'tenantId', code: 'forbiddenForRole', message: 'must be absent for staff roles' }],
      });
    }
    if (!staffRole && !request.tenantId) {
      throw new DomainError('validation_failed', 'Tenant roles need a tenant', {
        errors: [{ field: 'tenantId', code: 'requiredForRole', message: 'is required for tenant roles' }],
      });
    }
    const p = caller.principal;
    if (p.kind === 'system' || (p.kind === 'user' && p.role === 'platform_admin')) return;
    if (staffRole) throw new DomainError('forbidden', 'Only a platform admin can create staff users');
    if (!canAccessTenant(p, request.tenantId!)) throw new DomainError('not_found', 'Tenant not found');
  }
}
