export interface QueueCountsResponse {
  name: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  paused: boolean;
}

export interface FailedJobResponse {
  queue: string;
  id: string;
  name: string;
  /** The job's payload (ids only: jobs never carry secrets). */
  data: Record<string, unknown>;
  failedReason: string;
  attemptsMade: number;
  timestamp: string;
  finishedAt: string | null;
}
