import { Module } from '@nestjs/common';
import { QueueModule } from './queue.module';
import { QueueName } from './queue-registry';
import { ReconcileRequests } from './reconcile-requests.service';

const provisioningQueue = QueueModule.queues(QueueName.Provisioning);

/** The producer side of reconciles, for the API (desired-state changes) and the worker (events, resync). */
@Module({
  imports: [provisioningQueue],
  providers: [ReconcileRequests],
  exports: [ReconcileRequests, provisioningQueue],
})
export class ReconcileRequestsModule {}
