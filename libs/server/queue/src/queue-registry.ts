import type { DefaultJobOptions } from 'bullmq';

/** Every queue the control plane uses. */
export const QueueName = {
  Maintenance: 'maintenance',
  /** Reconciles of numbers towards their desired state: provisioning, rollouts, drift repair, deprovisioning. */
  Provisioning: 'provisioning',
  /** Health sweeps: one job scheduler per shard of the numbers. */
  Health: 'health',
  /** Failovers, one job per number at a time; rate-limited so a lost cluster cannot starve the rest. */
  Failover: 'failover',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const JobName = {
  PruneSessions: 'prune-sessions',
  Reconcile: 'reconcile',
  /** Periodic: asks for a reconcile of every number that is not deleted. */
  Resync: 'resync',
  /** Periodic, per shard: checks every active number of the shard once. */
  HealthSweep: 'health-sweep',
  /** Drives one failover through its steps (fence, promote, confirm, restore). */
  Failover: 'failover',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

/** The payload of each job, by name: producers and processors share this one map. */
export interface JobPayloads {
  [JobName.PruneSessions]: { olderThanSeconds: number };
  [JobName.Reconcile]: {
    numberId: string;
    reason: ReconcileReason;
    /** How many times this job has waited for the cluster in a row (its requeue backs off). */
    waits?: number;
  };
  [JobName.Resync]: Record<string, never>;
  [JobName.HealthSweep]: { shard: number; shards: number };
  [JobName.Failover]: { failoverId: string; numberId: string };
}

/** Why a reconcile was asked for: kept on the job for operators, never changes what it does. */
export type ReconcileReason =
  'desired-change' | 'resync' | 'cluster-event' | 'manual' | 'requeue' | 'failover';

/** Which queue each job runs on. */
export const QUEUE_OF: { readonly [J in JobName]: QueueName } = {
  [JobName.PruneSessions]: QueueName.Maintenance,
  [JobName.Reconcile]: QueueName.Provisioning,
  [JobName.Resync]: QueueName.Maintenance,
  [JobName.HealthSweep]: QueueName.Health,
  [JobName.Failover]: QueueName.Failover,
};

/** Retries with exponential backoff; bounded retention so Redis never grows without limit. */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};
