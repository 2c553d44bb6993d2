import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { type BeforeApplicationShutdown, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { AppConfig } from '@bsp/config';
import {
  PermanentReconcileError,
  type ReconcileOutcome,
  Reconciler,
  ReconcileStatusStore,
} from '@bsp/domain-provisioning';
import { ClusterCredentialsError, KubeApiError } from '@bsp/kube';
import { JobName, type JobPayloads, QueueName, ReconcileRequests } from '@bsp/queue';
import { ReconcileMetrics } from './reconcile.metrics';

type ReconcileJob = Job<JobPayloads[typeof JobName.Reconcile], ReconcileOutcome, typeof JobName.Reconcile>;

/** Waiting for pods backs off from the reconciler's hint up to this. */
const MAX_REQUEUE_MS = 30_000;

/**
 * Thin: runs one reconcile per job and maps its outcome to BullMQ. Waiting (pods starting, a
 * namespace going away) moves the same job back to delayed, so the number keeps one job id and a
 * cluster event can promote it; what retrying cannot fix fails the job without retries and marks
 * the number failed; anything else throws and is retried with backoff.
 */
@Processor(QueueName.Provisioning, { autorun: false })
export class ReconcileProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(ReconcileProcessor.name);

  constructor(
    private readonly reconciler: Reconciler,
    private readonly requests: ReconcileRequests,
    private readonly status: ReconcileStatusStore,
    private readonly metrics: ReconcileMetrics,
    private readonly config: AppConfig,
  ) {
    super();
  }

  /**
   * Started here rather than by the decorator, so its settings can come from configuration. The lock
   * is how long a job a dead worker held stays claimed before another worker takes it over.
   */
  onApplicationBootstrap(): void {
    const lockMs = this.config.get('RECONCILE_LOCK_MS');
    Object.assign(this.worker.opts, { lockDuration: lockMs, stalledInterval: lockMs });
    this.worker.concurrency = this.config.get('RECONCILE_CONCURRENCY');
    this.worker
      .run()
      .catch((error: Error) => this.logger.error({ error: error.message }, 'reconcile worker stopped'));
  }

  /**
   * SIGTERM: stop taking jobs and let the running ones finish while the database and Redis are
   * still open (they close in the next phase). A job that cannot finish in the grace period is
   * taken over by another worker once its lock expires.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  async process(job: ReconcileJob, token?: string): Promise<ReconcileOutcome> {
    const { numberId } = job.data;
    const started = performance.now();
    let outcome: ReconcileOutcome;
    try {
      outcome = await this.reconciler.reconcile(numberId);
    } catch (error) {
      const durationMs = performance.now() - started;
      const permanent = permanentReason(error);
      this.metrics.observe(permanent ? 'failed' : 'error', durationMs);
      await this.status.record(numberId, {
        at: new Date().toISOString(),
        outcome: permanent ? 'failed' : 'error',
        applied: 0,
        durationMs: Math.round(durationMs),
        jobId: job.id ?? null,
        detail: permanent ?? errorText(error),
      });
      if (permanent) {
        await this.reconciler.markFailed(numberId, permanent);
        throw new UnrecoverableError(permanent);
      }
      throw error;
    }
    const durationMs = performance.now() - started;
    this.metrics.observe(outcome.kind, durationMs);
    await this.status.record(numberId, {
      at: new Date().toISOString(),
      outcome: outcome.kind,
      applied: 'applied' in outcome ? outcome.applied : 0,
      durationMs: Math.round(durationMs),
      jobId: job.id ?? null,
      detail: 'reason' in outcome ? outcome.reason : null,
    });
    const again = await this.requests.takeDirty(numberId);
    const delay = again ? 0 : requeueDelay(outcome, job.data.waits ?? 0);
    if (delay !== undefined) {
      await job.updateData({ ...job.data, waits: again ? 0 : (job.data.waits ?? 0) + 1 });
      await job.moveToDelayed(Date.now() + delay, token);
      throw new DelayedError();
    }
    return outcome;
  }

  @OnWorkerEvent('failed')
  onFailed(job: ReconcileJob | undefined, error: Error): void {
    if (!job) return;
    this.logger.warn(
      { jobId: job.id, numberId: job.data.numberId, attempt: job.attemptsMade, error: error.message },
      'reconcile failed',
    );
  }
}

/** When the same job should run again: waiting for the cluster backs off; no capacity waits long. */
function requeueDelay(outcome: ReconcileOutcome, waits: number): number | undefined {
  switch (outcome.kind) {
    case 'waiting':
      return Math.min(MAX_REQUEUE_MS, outcome.requeueAfterMs * 2 ** Math.min(waits, 4));
    case 'failed':
      return outcome.retryAfterMs;
    case 'converged':
    case 'superseded':
    case 'gone':
      return undefined;
  }
}

function permanentReason(error: unknown): string | undefined {
  if (error instanceof PermanentReconcileError || error instanceof ClusterCredentialsError)
    return error.message;
  if (error instanceof KubeApiError && !error.retryable && error.status !== 0) {
    return `cluster ${error.cluster} refused the pod set (${error.status} ${error.reason ?? ''}): ${error.message}`;
  }
  if (error instanceof Error && error.name === 'InvalidPodSetInputError') return error.message;
  return undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
