import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AccessTokenService, type Caller, PasswordHasher, systemCaller } from '@bsp/auth';
import { AppConfig } from '@bsp/config';
import type { TokenResponse } from '@bsp/contracts';
import { PrismaService, type User } from '@bsp/db';
import { AuditService } from '@bsp/domain-audit';
import { DomainError } from '@bsp/errors';
import { LoginThrottle } from './login-throttle';
import { RefreshTokenRepository } from './refresh-token.repository';
import { UsersRepository } from './users.repository';
import { normalizeEmail, toUserPrincipal } from './users.service';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const INVALID_REFRESH = 'The refresh token is invalid or expired';

/**
 * People's sessions: a short-lived access JWT and an opaque, single-use refresh token. Refresh
 * tokens rotate on every use; presenting a used one revokes its whole family (token theft).
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly users: UsersRepository,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly hasher: PasswordHasher,
    private readonly accessTokens: AccessTokenService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async login(
    email: string,
    password: string,
    context: { ip: string; requestId?: string },
  ): Promise<TokenResponse> {
    const normalized = normalizeEmail(email);
    await this.throttle.acquire(normalized, context.ip);
    const user = await this.users.findByEmail(normalized);
    const ok = user
      ? await this.hasher.verify(password, user.passwordHash)
      : await this.hasher.verifyDummy(password);
    if (!user || !ok || user.disabledAt) {
      await this.audit.record(
        this.prisma,
        { ...systemCaller('auth'), ...context },
        {
          action: 'auth.login_failed',
          targetType: 'user',
          targetId: user?.id ?? null,
          tenantId: user?.tenantId ?? null,
          metadata: {
            email: normalized,
            reason: !user ? 'unknown_user' : user.disabledAt ? 'disabled' : 'bad_password',
          },
        },
      );
      throw new DomainError('invalid_credentials', 'Email or password is wrong');
    }
    await this.throttle.recordSuccess(normalized, context.ip);
    const now = new Date();
    await this.users.touchLastLogin(user.id, now);
    const caller: Caller = { principal: toUserPrincipal(user), ...context };
    await this.audit.record(this.prisma, caller, {
      action: 'auth.login',
      targetType: 'user',
      targetId: user.id,
      tenantId: user.tenantId,
    });
    return this.issue(user, randomUUID());
  }

  async refresh(refreshToken: string, context: { ip: string; requestId?: string }): Promise<TokenResponse> {
    const now = new Date();
    const stored = await this.refreshTokens.findByHash(hashToken(refreshToken));
    if (!stored || stored.revokedAt || stored.expiresAt <= now) {
      throw new DomainError('invalid_refresh_token', INVALID_REFRESH);
    }
    if (stored.usedAt || !(await this.refreshTokens.markUsed(stored.id, now))) {
      await this.refreshTokens.revokeFamily(stored.familyId, now);
      await this.audit.record(
        this.prisma,
        { ...systemCaller('auth'), ...context },
        {
          action: 'auth.refresh_reuse_detected',
          targetType: 'user',
          targetId: stored.userId,
          tenantId: null,
          metadata: { familyId: stored.familyId },
        },
      );
      throw new DomainError('invalid_refresh_token', INVALID_REFRESH);
    }
    const user = await this.users.findById(stored.userId);
    if (!user || user.disabledAt) throw new DomainError('invalid_refresh_token', INVALID_REFRESH);
    return this.issue(user, stored.familyId);
  }

  /** Ends the session the refresh token belongs to; unknown tokens are ignored (idempotent). */
  async logout(refreshToken: string): Promise<void> {
    const stored = await this.refreshTokens.findByHash(hashToken(refreshToken));
    if (stored) await this.refreshTokens.revokeFamily(stored.familyId, new Date());
  }

  /** Housekeeping: refresh tokens long dead serve no purpose (reuse detection needs only recent ones). */
  pruneDeadTokens(olderThanSeconds: number): Promise<number> {
    return this.refreshTokens.deleteDeadBefore(new Date(Date.now() - olderThanSeconds * 1000));
  }

  private async issue(user: User, familyId: string): Promise<TokenResponse> {
    const refreshToken = randomBytes(32).toString('base64url');
    await this.refreshTokens.create({
      userId: user.id,
      familyId,
      tokenHash: hashToken(refreshToken),
      expiresAt: new Date(Date.now() + this.config.get('JWT_REFRESH_TTL_SECONDS') * 1000),
    });
    return {
      accessToken: await this.accessTokens.sign(toUserPrincipal(user)),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.accessTokens.ttlSeconds,
    };
  }
}
