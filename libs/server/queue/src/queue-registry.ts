import type { DefaultJobOptions } from 'bullmq';

/** Every queue the control plane uses. Later issues add provisioning, health, failover, deprovisioning. */
export const QueueName = {
  Maintenance: 'maintenance',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const JobName = {
  PruneSessions: 'prune-sessions',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

/** The payload of each job, by name: producers and processors share this one map. */
export interface JobPayloads {
  [JobName.PruneSessions]: { olderThanSeconds: number };
}

/** Which queue each job runs on. */
export const QUEUE_OF: { readonly [J in JobName]: QueueName } = {
  [JobName.PruneSessions]: QueueName.Maintenance,
};

/** Retries with exponential backoff; bounded retention so Redis never grows without limit. */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};
