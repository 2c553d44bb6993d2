import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@bsp/config';
import { DomainError } from '@bsp/errors';
import { hitFixedWindow, type LimitResult, releaseFixedWindow, RedisService } from '@bsp/redis';

/**
 * Failed logins are counted per account and per client address in Redis (shared by every API
 * replica). Past either limit, login answers 429 until the window ends — even with the right password.
 *
 * Each attempt takes its place in both counters (an atomic INCR) before the password is checked,
 * so concurrent guesses cannot all slip past a check made before any of them was counted. A
 * failure keeps its place, a success gives it back, a refused attempt takes back what it took.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {}

  async acquire(email: string, ip: string): Promise<void> {
    const window = this.config.get('LOGIN_WINDOW_SECONDS');
    const accountKey = this.accountKey(email);
    const account = await hitFixedWindow(
      this.redis.client,
      accountKey,
      this.config.get('LOGIN_MAX_ATTEMPTS_PER_ACCOUNT'),
      window,
    );
    if (!account.allowed) {
      await releaseFixedWindow(this.redis.client, accountKey);
      this.refuse(account);
    }
    // The address is counted only for attempts the account allows, so hammering one account
    // spends that account's budget, not every other account's from the same address.
    const ipKey = this.ipKey(ip);
    const address = await hitFixedWindow(
      this.redis.client,
      ipKey,
      this.config.get('LOGIN_MAX_ATTEMPTS_PER_IP'),
      window,
    );
    if (!address.allowed) {
      await Promise.all([
        releaseFixedWindow(this.redis.client, ipKey),
        releaseFixedWindow(this.redis.client, accountKey),
      ]);
      this.refuse(address);
    }
  }

  /** A successful login clears the account's failures and does not count against the address. */
  async recordSuccess(email: string, ip: string): Promise<void> {
    await Promise.all([
      this.redis.client.del(this.accountKey(email)),
      releaseFixedWindow(this.redis.client, this.ipKey(ip)),
    ]);
  }

  private refuse(limit: LimitResult): never {
    throw new DomainError('too_many_attempts', 'Too many failed logins; try again later', {
      headers: { 'Retry-After': String(limit.retryAfterSeconds) },
    });
  }

  // Hashed so that Redis never holds the list of email addresses people tried.
  private accountKey(email: string): string {
    return `login:acct:${createHash('sha256').update(email).digest('hex').slice(0, 32)}`;
  }

  private ipKey(ip: string): string {
    return `login:ip:${ip}`;
  }
}
