import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@bsp/config';
import { ApiKeysRepository } from './api-keys.repository';

/**
 * Last-used times are kept in memory and written in one batched statement per interval, so an
 * authenticated request never costs a database write.
 */
@Injectable()
export class ApiKeyUsageTracker implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ApiKeyUsageTracker.name);
  private pending = new Map<string, Date>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.config.get('API_KEY_LAST_USED_FLUSH_MS'));
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  touch(keyId: string, at = new Date()): void {
    this.pending.set(keyId, at);
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.keys.recordLastUsed([...batch].map(([id, at]) => ({ id, at })));
    } catch (error) {
      this.logger.warn({ err: error }, 'could not record API key last-used times; will retry');
      for (const [id, at] of batch) if (!this.pending.has(id)) this.pending.set(id, at);
    }
  }
}
