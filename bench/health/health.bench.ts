// Health-check benchmark: N numbers' pod sets on the emulator (its own process, instant timings),
// and this process as the worker side: the real HealthChecksModule (sweeps, probes through the
// service proxy, watch caches, Redis, PostgreSQL). Every shard is swept once per interval, as the
// job schedulers would (up to 8 shards at once, staggered), for a number of intervals. Prints one
// JSON document: sweep and round durations, probes per second, this process's CPU and peak memory.
//
//   node tools/testing/run-ts.cjs bench/health/health.bench.ts [--numbers 1000] [--intervals 6] [--interval 10] [--shards 32]
//
// The pod sets are minimal (WebApp Deployment and Service, CoreApp StatefulSet) and applied
// directly, not provisioned: this measures the checks, not provisioning (see bench/provision).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { parse as parseYaml } from 'yaml';
import { ConfigModule } from '../../libs/server/config/src/index';
import { applyMigrations } from '../../libs/server/db/src/migration-runner';
import { DbModule } from '../../libs/server/db/src/index';
import { RedisModule } from '../../libs/server/redis/src/index';
import { ClientNodeKubeGateway } from '../../libs/server/kube/src/index';
import { KUBE_GATEWAY } from '../../libs/domain/provisioning/src/reconcile/reconcile.tokens';
import { HealthChecksModule } from '../../libs/domain/health/src/health.module';
import {
  HealthSweepService,
  type SweepResult,
} from '../../libs/domain/health/src/sweep/health-sweep.service';

const ROOT = resolve(__dirname, '../..');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const NUMBERS = arg('numbers', 1000);
const INTERVALS = arg('intervals', 6);
const INTERVAL_S = arg('interval', 10);
const SHARDS = arg('shards', 32);
const SWEEPS_AT_ONCE = 8;
const PG = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const MANAGED = { 'app.kubernetes.io/managed-by': 'bsp-control-plane' };
const CLUSTER = 'bench-1';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: `${PG}/postgres` });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

async function startSim(kubeconfig: string, nodesPerZone: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'apps/kube-sim/src/main.ts',
      '--cluster',
      `name=${CLUSTER},region=eu,zones=a,b,nodes=${nodesPerZone}`,
      '--timings',
      'instant',
      '--kubeconfig',
      kubeconfig,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log: string[] = [];
  child.stdout.on('data', (d: Buffer) => log.push(d.toString()));
  child.stderr.on('data', (d: Buffer) => log.push(d.toString()));
  for (let i = 0; i < 600; i++) {
    if (log.join('').includes('kubeconfig: ')) return child;
    await sleep(100);
  }
  throw new Error(`kube-sim did not start: ${log.join('').slice(-2000)}`);
}

function podSet(ns: string, numberId: string, phone: string): Record<string, unknown>[] {
  const labels = (component: string) => ({
    ...MANAGED,
    'app.kubernetes.io/component': component,
    'bsp.io/number-id': numberId,
  });
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: MANAGED } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'webapp', namespace: ns, labels: labels('webapp') },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'webapp' } },
        template: {
          metadata: { labels: { app: 'webapp', ...labels('webapp') } },
          spec: {
            containers: [
              { name: 'webapp', image: 'whatsapp/web:v2', ports: [{ name: 'https', containerPort: 8443 }] },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'webapp', namespace: ns, labels: labels('webapp') },
      spec: { selector: { app: 'webapp' }, ports: [{ name: 'https', port: 443, targetPort: 'https' }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'coreapp', namespace: ns, labels: labels('coreapp') },
      spec: {
        replicas: 1,
        serviceName: 'coreapp',
        selector: { matchLabels: { app: 'coreapp' } },
        template: {
          metadata: { labels: { app: 'coreapp', ...labels('coreapp') } },
          spec: {
            containers: [
              {
                name: 'coreapp',
                image: 'whatsapp/coreapp:v2',
                env: [{ name: 'WA_PHONE_NUMBER', value: phone }],
              },
            ],
          },
        },
      },
    },
  ];
}

async function main(): Promise<void> {
  const stamp = Date.now().toString(36);
  const dbName = `bsp_bench_health_${stamp}`;
  await admin((c) => c.query(`CREATE DATABASE "${dbName}"`));
  const databaseUrl = `${PG}/${dbName}`;
  await applyMigrations({ databaseUrl, migrationsDir: resolve(ROOT, 'prisma/migrations') });
  Object.assign(process.env, {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_MAX: '10',
    REDIS_URL: REDIS,
    REDIS_KEY_PREFIX: `bspbench${stamp}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    API_KEY_PEPPER: randomBytes(32).toString('hex'),
    HEALTH_CHECK_INTERVAL_SECONDS: String(INTERVAL_S),
    HEALTH_SHARDS: String(SHARDS),
  });

  const dir = mkdtempSync(join(tmpdir(), 'bench-health-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const sim = await startSim(kubeconfig, Math.ceil((2 * NUMBERS) / 100 / 2) + 2);
  const kc = parseYaml(readFileSync(kubeconfig, 'utf8')) as {
    clusters: { name: string; cluster: { server: string } }[];
  };
  const server = kc.clusters.find((c) => c.name === CLUSTER)!.cluster.server;
  const target = { id: randomUUID(), name: CLUSTER, credentialsRef: `kubeconfig:${kubeconfig}#${CLUSTER}` };
  const gateway = new ClientNodeKubeGateway({ requestTimeoutMs: 10_000 });

  @Global()
  @Module({ providers: [{ provide: KUBE_GATEWAY, useValue: gateway }], exports: [KUBE_GATEWAY] })
  class BenchKubeModule {}
  @Module({ imports: [ConfigModule, DbModule, RedisModule, BenchKubeModule, HealthChecksModule.forRoot()] })
  class BenchModule {}

  try {
    // The database: a tenant, the cluster, N active numbers with their active placements.
    const numbers = Array.from({ length: NUMBERS }, (_, i) => ({
      id: randomUUID(),
      placementId: randomUUID(),
      phone: `+4915${String(100_000_000 + i)}`,
    }));
    const nsOf = (n: (typeof numbers)[number]) => `wa-${n.id.replaceAll('-', '')}`;
    const pg = new Client({ connectionString: databaseUrl });
    await pg.connect();
    const tenantId = randomUUID();
    await pg.query(
      `INSERT INTO tenants (id, slug, name, data_region, updated_at) VALUES ($1, 'bench', 'Bench', 'eu', now())`,
      [tenantId],
    );
    await pg.query(
      `INSERT INTO clusters (id, name, region, zone, api_server_url, credentials_ref, capacity, updated_at)
       VALUES ($1, $2, 'eu', 'a', $3, $4, 100000, now())`,
      [target.id, CLUSTER, server, target.credentialsRef],
    );
    await pg.query(
      `INSERT INTO phone_numbers (id, tenant_id, phone_number, region, state, desired_state, updated_at)
       SELECT unnest($1::uuid[]), $2, unnest($3::text[]), 'eu', 'active', 'active', now()`,
      [numbers.map((n) => n.id), tenantId, numbers.map((n) => n.phone)],
    );
    await pg.query(
      `INSERT INTO placements (id, number_id, cluster_id, role, namespace, state, epoch, active_number_id, updated_at)
       SELECT p, n, $3, 'primary', ns, 'ready', 1, n, now() FROM unnest($1::uuid[], $2::uuid[], $4::text[]) AS t(p, n, ns)`,
      [numbers.map((n) => n.placementId), numbers.map((n) => n.id), target.id, numbers.map(nsOf)],
    );

    // The pod sets, applied 32 at a time, then wait until every CoreApp pod is ready in the cache.
    const setupStarted = performance.now();
    for (let i = 0; i < numbers.length; i += 32) {
      await Promise.all(
        numbers.slice(i, i + 32).map(async (n) => {
          for (const m of podSet(nsOf(n), n.id, n.phone)) await gateway.apply(target, m as never);
        }),
      );
    }
    const cache = gateway.cache(target);
    await cache.synced();
    const readyPods = () =>
      cache
        .ofKind('v1', 'Pod')
        .filter(
          (p) =>
            p.metadata.labels?.['app.kubernetes.io/component'] === 'coreapp' &&
            (
              (p as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions ?? []
            ).some((c) => c.type === 'Ready' && c.status === 'True'),
        ).length;
    for (let i = 0; i < 1200 && readyPods() < NUMBERS; i++) await sleep(250);
    const setupSeconds = (performance.now() - setupStarted) / 1000;

    const app = await NestFactory.createApplicationContext(BenchModule, { logger: ['error', 'warn'] });
    // The watch cache of every pod set is most of the memory; it is the reconciler's anyway.
    global.gc?.();
    const rssBeforeSweeps = process.memoryUsage().rss;
    const sweeps = app.get(HealthSweepService);
    const results: SweepResult[] = [];
    const rounds: number[] = [];
    const rss: number[] = [];
    const memTimer = setInterval(() => rss.push(process.memoryUsage().rss), 200);
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    const intervalMs = INTERVAL_S * 1000;
    for (let round = 0; round < INTERVALS; round++) {
      const roundStart = performance.now();
      // Staggered as the schedulers' offsets would, at most SWEEPS_AT_ONCE at a time.
      const queue = Array.from({ length: SHARDS }, (_, s) => s);
      let active = 0;
      await new Promise<void>((done) => {
        const next = () => {
          if (queue.length === 0 && active === 0) return done();
          while (active < SWEEPS_AT_ONCE && queue.length > 0) {
            const shard = queue.shift()!;
            const due = roundStart + (shard * intervalMs) / SHARDS;
            active++;
            void sleep(Math.max(0, due - performance.now()))
              .then(() => sweeps.sweep(shard, SHARDS))
              .then((r) => results.push(r))
              .finally(() => {
                active--;
                next();
              });
          }
        };
        next();
      });
      rounds.push(performance.now() - roundStart);
      const rest = roundStart + intervalMs - performance.now();
      if (rest > 0 && round < INTERVALS - 1) await sleep(rest);
    }
    const wallSeconds = (performance.now() - wallStart) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    clearInterval(memTimer);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const statuses = await pg.query<{ health_status: string; count: string }>(
      'SELECT health_status, count(*) FROM phone_numbers GROUP BY 1',
    );
    const sweepMs = results.map((r) => r.durationMs);
    const checked = results.reduce((s, r) => s + r.checked, 0);
    console.log(
      JSON.stringify(
        {
          bench: 'health',
          date: new Date().toISOString(),
          numbers: NUMBERS,
          shards: SHARDS,
          intervalSeconds: INTERVAL_S,
          intervals: INTERVALS,
          setupSeconds: Math.round(setupSeconds),
          checks: checked,
          probesPerSecond: Math.round(checked / wallSeconds),
          sweepMs: { p50: percentile(sweepMs, 50), p99: percentile(sweepMs, 99), max: Math.max(...sweepMs) },
          // Time from the first shard's start to the last shard's end; under the interval means it keeps up.
          roundMs: { p50: Math.round(percentile(rounds, 50)), max: Math.round(Math.max(...rounds)) },
          keepsInterval: Math.max(...rounds) <= intervalMs + intervalMs / SHARDS,
          workerCpuSeconds: Math.round(cpuSeconds * 10) / 10,
          workerCpuCores: Math.round((cpuSeconds / wallSeconds) * 100) / 100,
          workerPeakRssMiB: Math.round(Math.max(...rss) / 2 ** 20),
          workerRssBeforeSweepsMiB: Math.round(rssBeforeSweeps / 2 ** 20),
          statuses: Object.fromEntries(
            statuses.rows.map((r) => [r.health_status ?? 'undecided', Number(r.count)]),
          ),
          kubeRequests: gateway.requestCounts({ resource: 'services/proxy' }),
        },
        null,
        2,
      ),
    );
    await app.close();
    await pg.end();
  } finally {
    await gateway.close();
    sim.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
    await admin((c) => c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`));
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
