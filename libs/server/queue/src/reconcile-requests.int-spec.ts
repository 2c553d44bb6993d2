import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { RedisService } from '@bsp/redis';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueName } from '@bsp/testing';
import { JobName, QueueName } from './queue-registry';
import { ReconcileRequests, reconcileJobId } from './reconcile-requests.service';

describe('ReconcileRequests: one pending reconcile per number', () => {
  const prefix = uniqueName('bsptest');
  const connection = {
    host: '127.0.0.1',
    port: Number(new URL(TEST_REDIS_URL).port || 6379),
    maxRetriesPerRequest: null,
  };
  let queue: Queue;
  let redis: Redis;
  let requests: ReconcileRequests;
  const numberId = '3f2a9c1e-7b4d-4e8a-9f60-1c2d3e4f5a6b';

  beforeAll(() => {
    queue = new Queue(QueueName.Provisioning, { connection, prefix: `${prefix}:bull` });
    redis = new Redis(TEST_REDIS_URL, { keyPrefix: `${prefix}:` });
    requests = new ReconcileRequests(queue as never, { client: redis } as unknown as RedisService);
  });

  afterEach(async () => {
    await queue.obliterate({ force: true });
  });

  afterAll(async () => {
    await queue.close();
    redis.disconnect();
    await deleteRedisPrefix(prefix);
  });

  it('asking many times while a job waits adds one job under the number\u2019s id', async () => {
    await Promise.all(Array.from({ length: 20 }, () => requests.request(numberId, 'desired-change')));
    expect(await queue.getJobCounts('waiting')).toMatchObject({ waiting: 1 });
    const [job] = await queue.getWaiting();
    expect(job?.id).toBe(reconcileJobId(numberId));
    expect(job?.name).toBe(JobName.Reconcile);
  });

  it('a delayed job (waiting for pods) is promoted to run now', async () => {
    await queue.add(
      JobName.Reconcile,
      { numberId, reason: 'requeue' },
      { jobId: reconcileJobId(numberId), delay: 60_000 },
    );
    await requests.request(numberId, 'cluster-event');
    expect(await queue.getJobCounts('waiting', 'delayed')).toMatchObject({ waiting: 1, delayed: 0 });
  });

  it('a failed job is replaced by a fresh one', async () => {
    await queue.add(
      JobName.Reconcile,
      { numberId, reason: 'desired-change' },
      { jobId: reconcileJobId(numberId) },
    );
    const worker = new Worker(
      QueueName.Provisioning,
      () => {
        throw new Error('boom');
      },
      { connection, prefix: `${prefix}:bull` },
    );
    await vi.waitFor(async () => expect(await queue.getJobCounts('failed')).toMatchObject({ failed: 1 }), {
      timeout: 5000,
    });
    await worker.close();
    await requests.request(numberId, 'manual');
    expect(await queue.getJobCounts('waiting', 'failed')).toMatchObject({ waiting: 1, failed: 0 });
    expect((await queue.getJob(reconcileJobId(numberId)))?.data).toMatchObject({ reason: 'manual' });
  });

  it('a request while the job runs marks the number dirty, once', async () => {
    let release!: () => void;
    const running = new Promise<void>((r) => (release = r));
    let started!: (job: Job) => void;
    const startedJob = new Promise<Job>((r) => (started = r));
    const worker = new Worker(
      QueueName.Provisioning,
      async (job) => {
        started(job);
        await running;
      },
      { connection, prefix: `${prefix}:bull` },
    );
    await requests.request(numberId, 'desired-change');
    await startedJob;
    await requests.request(numberId, 'desired-change');
    expect(await queue.getJobCounts('waiting')).toMatchObject({ waiting: 0 });
    expect(await requests.takeDirty(numberId)).toBe(true);
    expect(await requests.takeDirty(numberId)).toBe(false);
    release();
    await worker.close();
  });
});
