import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '@bsp/config';

/** The process's Redis connection; every key it writes is under REDIS_KEY_PREFIX. */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  readonly client: Redis;
  readonly prefix: string;

  constructor(config: AppConfig) {
    this.prefix = `${config.get('REDIS_KEY_PREFIX')}:`;
    this.client = new Redis(config.get('REDIS_URL'), {
      keyPrefix: this.prefix,
      connectionName: config.get('REDIS_KEY_PREFIX'),
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      lazyConnect: false,
    });
    // Connection errors surface through /readyz and failing calls; an unhandled 'error' event would crash.
    this.client.on('error', () => undefined);
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  /** In the last shutdown phase, after in-flight jobs finished (see PrismaService). */
  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
