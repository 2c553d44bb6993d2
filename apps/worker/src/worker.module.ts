import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ConfigModule } from '@bsp/config';
import { DbModule } from '@bsp/db';
import { SessionsModule } from '@bsp/domain-users';
import { ProblemFilter } from '@bsp/errors';
import { HealthModule } from '@bsp/health';
import { ObservabilityModule, type ObservabilityOptions } from '@bsp/observability';
import { QueueModule, QueueName } from '@bsp/queue';
import { RedisModule } from '@bsp/redis';
import { MaintenanceScheduleService } from './maintenance-schedule.service';
import { MaintenanceProcessor } from './maintenance.processor';

@Module({})
export class WorkerModule {
  static forRoot(options: { logStream?: ObservabilityOptions['logStream'] } = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule,
        ObservabilityModule.forRoot({ service: 'worker', logStream: options.logStream }),
        DbModule,
        RedisModule,
        HealthModule,
        QueueModule.forRoot(),
        QueueModule.queues(QueueName.Maintenance),
        SessionsModule,
      ],
      providers: [
        MaintenanceProcessor,
        MaintenanceScheduleService,
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }
}
