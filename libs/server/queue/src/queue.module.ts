import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@bsp/config';
import { DEFAULT_JOB_OPTIONS, type QueueName } from './queue-registry';

/** BullMQ on the configured Redis, under REDIS_KEY_PREFIX, with the default job options. */
@Module({})
export class QueueModule {
  static forRoot(): DynamicModule {
    return BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const url = new URL(config.get('REDIS_URL'));
        return {
          prefix: `${config.get('REDIS_KEY_PREFIX')}:bull`,
          connection: {
            host: url.hostname,
            port: Number(url.port || 6379),
            username: url.username || undefined,
            password: url.password ? decodeURIComponent(url.password) : undefined,
            db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
            tls: url.protocol === 'rediss:' ? {} : undefined,
            maxRetriesPerRequest: null,
            // Operators see which control plane a connection belongs to (CLIENT LIST).
            connectionName: config.get('REDIS_KEY_PREFIX'),
          },
          defaultJobOptions: DEFAULT_JOB_OPTIONS,
        };
      },
    });
  }

  static queues(...names: QueueName[]): DynamicModule {
    return BullModule.registerQueue(...names.map((name) => ({ name })));
  }
}
