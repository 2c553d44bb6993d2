import { Module } from '@nestjs/common';
import { QueueModule } from './queue.module';
import { QueueAdminService } from './queue-admin.service';
import { QueueName } from './queue-registry';

@Module({
  imports: [
    QueueModule.queues(QueueName.Maintenance, QueueName.Provisioning, QueueName.Health, QueueName.Failover),
  ],
  providers: [QueueAdminService],
  exports: [QueueAdminService],
})
export class QueueAdminModule {}
