export { QueueModule } from './queue.module';
export {
  DEFAULT_JOB_OPTIONS,
  JobName,
  QUEUE_OF,
  QueueName,
  type JobPayloads,
  type ReconcileReason,
} from './queue-registry';
export { ReconcileRequestsModule } from './reconcile-requests.module';
export { RECONCILE_JOB_OPTIONS, ReconcileRequests, reconcileJobId } from './reconcile-requests.service';
export { QueueAdminModule } from './queue-admin.module';
export { QueueAdminService } from './queue-admin.service';
