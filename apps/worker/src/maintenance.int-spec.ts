import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplication } from '@nestjs/common';
import { type Queue, QueueEvents } from 'bullmq';
import { Client } from 'pg';
import { JobName, QueueName } from '@bsp/queue';
import {
  applyTestEnvironment,
  appFactory,
  createTestDatabase,
  deleteRedisPrefix,
  type TestDatabase,
  uniqueName,
} from '@bsp/testing';

describe('worker: maintenance queue', () => {
  let db: TestDatabase;
  let prefix: string;
  let app: INestApplication;
  let pg: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    prefix = uniqueName('bsptest');
    applyTestEnvironment({ databaseUrl: db.url, redisPrefix: prefix });
    app = await appFactory('worker')({ logStream: { write: () => undefined } });
    await app.listen(0, '127.0.0.1');
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg.end();
    await app.close();
    await deleteRedisPrefix(prefix);
    await db.drop();
  });

  it('declares the prune-sessions and resync job schedulers once, however often it starts', async () => {
    const queue = app.get<Queue>(getQueueToken(QueueName.Maintenance));
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual([JobName.PruneSessions, JobName.Resync].sort());
    expect(schedulers.find((s) => s.key === JobName.PruneSessions)!.every).toBe(3_600_000);
    expect(schedulers.find((s) => s.key === JobName.Resync)!.every).toBe(300_000);
  });

  it('prunes refresh tokens that are long expired or revoked and keeps live ones', async () => {
    // Stop the scheduler's own runs so they cannot race this job for the same rows.
    const queue = app.get<Queue>(getQueueToken(QueueName.Maintenance));
    await queue.removeJobScheduler(JobName.PruneSessions);
    await queue.removeJobScheduler(JobName.Resync);
    await queue.drain(true);
    await vi.waitFor(
      async () => expect(await queue.getJobCountByTypes('active', 'waiting', 'delayed')).toBe(0),
      {
        timeout: 15_000,
        interval: 100,
      },
    );
    await pg.query(
      `INSERT INTO users (id, email, password_hash, role, updated_at) VALUES ('11111111-1111-4111-8111-111111111111', 'ops@bsp.test', 'x', 'operator', now())`,
    );
    const insert = (hash: string, expires: string, revoked: string | null) =>
      pg.query(
        `INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at, revoked_at)
         VALUES (gen_random_uuid(), '11111111-1111-4111-8111-111111111111', gen_random_uuid(), $1, now() + $2::interval, now() + $3::interval)`,
        [hash.padEnd(64, '0'), expires, revoked],
      );
    await insert('a', '-3 days', null); // expired long ago
    await insert('b', '10 days', '-2 days'); // revoked long ago
    await insert('c', '10 days', null); // live
    await insert('d', '-1 hour', null); // expired recently: kept for reuse detection

    const events = new QueueEvents(QueueName.Maintenance, {
      connection: queue.opts.connection,
      prefix: queue.opts.prefix,
    });
    await events.waitUntilReady();
    const job = await queue.add(JobName.PruneSessions, { olderThanSeconds: 24 * 3600 });
    const result = await job.waitUntilFinished(events, 10_000);
    await events.close();

    expect(result).toEqual({ deleted: 2 });
    const { rows } = await pg.query<{ token_hash: string }>(
      'SELECT token_hash FROM refresh_tokens ORDER BY token_hash',
    );
    expect(rows.map((r) => r.token_hash[0])).toEqual(['c', 'd']);
  });

  it('serves probes and metrics on its HTTP port', async () => {
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({
      status: 'ready',
      checks: { database: 'up', redis: 'up' },
    });
    expect(await (await fetch(`${url}/metrics`)).text()).toContain('process_cpu_seconds_total');
  });
});
