import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@bsp/config';
import { DomainError } from '@bsp/errors';
import { hitFixedWindow, peekFixedWindow, RedisService } from '@bsp/redis';

/**
 * Failed logins are counted per account and per client address in Redis (shared by every API
 * replica). Past either limit, login answers 429 until the window ends — even with the right password.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {}

  async assertAllowed(email: string, ip: string): Promise<void> {
    const [account, address] = await Promise.all([
      peekFixedWindow(this.redis.client, this.accountKey(email), this.config.get('LOGIN_MAX_ATTEMPTS_PER_ACCOUNT')),
      peekFixedWindow(this.redis.client, this.ipKey(ip), this.config.get('LOGIN_MAX_ATTEMPTS_PER_IP')),
    ]);
    const blocked = [account, address].filter((r) => !r.allowed);
    if (blocked.length > 0) {
      const retryAfter = Math.max(...blocked.map((r) => r.retryAfterSeconds));
      throw new DomainError('too_many_attempts', 'Too many failed logins; try again later', {
        headers: { 'Retry-After': String(retryAfter) },
      });
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const window = this.config.get('LOGIN_WINDOW_SECONDS');
    await Promise.all([
      hitFixedWindow(this.redis.client, this.accountKey(email), this.config.get('LOGIN_MAX_ATTEMPTS_PER_ACCOUNT'), window),
      hitFixedWindow(this.redis.client, this.ipKey(ip), this.config.get('LOGIN_MAX_ATTEMPTS_PER_IP'), window),
    ]);
  }

  async recordSuccess(email: string): Promise<void> {
    await this.redis.client.del(this.accountKey(email));
  }

  // Hashed so that Redis never holds the list of email addresses people tried.
  private accountKey(email: string): string {
    return `login:acct:${createHash('sha256').update(email).digest('hex').slice(0, 32)}`;
  }

  private ipKey(ip: string): string {
    return `login:ip:${ip}`;
  }
}
