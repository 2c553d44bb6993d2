export { QueueModule } from './queue.module';
export { DEFAULT_JOB_OPTIONS, JobName, QUEUE_OF, QueueName, type JobPayloads, type ReconcileReason } from './queue-registry';
