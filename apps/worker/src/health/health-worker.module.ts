import { Module } from '@nestjs/common';
import { HEALTH_OBSERVER, HealthChecksModule } from '@bsp/domain-health';
import { QueueModule, QueueName } from '@bsp/queue';
import { HealthScheduleService } from './health-schedule.service';
import { HealthMetrics } from './health.metrics';
import { HealthSweepProcessor } from './health-sweep.processor';

/**
 * The health sweeps: schedulers, processor and metrics. KUBE_GATEWAY comes from the global
 * provisioning infrastructure; a global HEALTH_VERDICT_LISTENER (the failover side) is picked up.
 */
@Module({
  imports: [
    QueueModule.queues(QueueName.Health),
    HealthChecksModule.forRoot({
      providers: [HealthMetrics, { provide: HEALTH_OBSERVER, useExisting: HealthMetrics }],
    }),
  ],
  providers: [HealthSweepProcessor, HealthScheduleService],
  exports: [HealthChecksModule],
})
export class HealthWorkerModule {}
