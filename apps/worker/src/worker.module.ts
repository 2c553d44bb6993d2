import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ConfigModule } from '@bsp/config';
import { DbModule } from '@bsp/db';
import { SessionsModule } from '@bsp/domain-users';
import { ProblemFilter } from '@bsp/errors';
import { HealthModule } from '@bsp/health';
import { ObservabilityModule, type ObservabilityOptions } from '@bsp/observability';
import { FailoverModule } from '@bsp/domain-failover';
import { ProvisioningModule } from '@bsp/domain-provisioning';
import { QueueModule, QueueName, ReconcileRequestsModule } from '@bsp/queue';
import { RedisModule } from '@bsp/redis';
import { HealthWorkerModule } from './health/health-worker.module';
import { FailoverTriggersModule } from './failover/failover-triggers.module';
import { FailoverMetrics } from './failover/failover.metrics';
import { LeaseWatchdog } from './failover/lease-watchdog.service';
import { FailoverProcessor } from './failover/failover.processor';
import { MaintenanceScheduleService } from './maintenance-schedule.service';
import { MaintenanceProcessor } from './maintenance.processor';
import { ClusterEventsService } from './provisioning/cluster-events.service';
import { ProvisioningInfraModule } from './provisioning/provisioning-infra.module';
import { ReconcileMetrics } from './provisioning/reconcile.metrics';
import { ReconcileProcessor } from './provisioning/reconcile.processor';
import { ResyncService } from './provisioning/resync.service';

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
        ReconcileRequestsModule,
        ProvisioningInfraModule,
        ProvisioningModule,
        HealthWorkerModule,
        FailoverModule,
        FailoverTriggersModule,
      ],
      providers: [
        MaintenanceProcessor,
        MaintenanceScheduleService,
        ReconcileProcessor,
        ReconcileMetrics,
        ClusterEventsService,
        ResyncService,
        FailoverProcessor,
        FailoverMetrics,
        LeaseWatchdog,
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }
}
