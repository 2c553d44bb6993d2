// Provisioning benchmark: N numbers through the real API, a real worker, PostgreSQL, Redis and the
// emulator with instant pod stages, each its own process as in production (the emulator blocking
// the API's event loop would measure the emulator). Prints one JSON document.
//
//   node tools/testing/run-ts.cjs bench/provision/provision.bench.ts [--numbers 1000] [--concurrency 25] [--profile]
//
// --profile writes a CPU profile of the worker to .tmp-profile/ (open it in Chrome DevTools).
//
// Kubernetes API requests are the worker's own count (`bsp_kube_api_requests_total` on its
// /metrics): applies, reads, deletes, and its watch caches' lists and watches.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { parse as parseYaml } from 'yaml';
import { applyMigrations } from '../../libs/server/db/src/migration-runner';
import { PgTenantDatabaseProvisioner } from '../../libs/server/tenant-db/src/index';

const ROOT = resolve(__dirname, '../..');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const NUMBERS = arg('numbers', 1000);
const CONCURRENCY = arg('concurrency', 25);
const PG = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const WRITE_VERBS = new Set(['apply', 'delete']);

interface Child {
  process: ChildProcess;
  log: string[];
}

/** Starts a process and waits until its output contains `ready`. */
async function startChild(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<Child & { match: RegExpMatchArray }> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  child.stdout.on('data', (d: Buffer) => log.push(d.toString()));
  child.stderr.on('data', (d: Buffer) => log.push(d.toString()));
  for (let i = 0; i < 1200; i++) {
    const match = ready.exec(log.join(''));
    if (match) return { process: child, log, match };
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  throw new Error(`${args.join(' ')} did not start:\n${log.join('').slice(-3000)}`);
}

async function stopChild(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((r) => child.process.once('exit', r));
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Reconciles the worker ran, by outcome, from its Prometheus metrics. */
async function reconciles(metricsUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^bsp_reconcile_total\{outcome="([^"]+)"\} (\d+)/gm))
    out[m[1]!] = Number(m[2]);
  return out;
}

/** The worker's Kubernetes request counts by verb, from its Prometheus metrics. */
async function kubeRequests(metricsUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  const byVerb: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^bsp_kube_api_requests_total\{([^}]*)\} (\d+)/.exec(line);
    if (!m) continue;
    const verb = /verb="([^"]+)"/.exec(m[1]!)?.[1] ?? '?';
    byVerb[verb] = (byVerb[verb] ?? 0) + Number(m[2]);
  }
  return byVerb;
}

const sum = (byVerb: Record<string, number>, only?: Set<string>) =>
  Object.entries(byVerb).reduce((n, [verb, count]) => (only && !only.has(verb) ? n : n + count), 0);

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function admin<T>(fn: (c: Client) => Promise<T>, db = 'postgres'): Promise<T> {
  const c = new Client({ connectionString: `${PG}/${db}` });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds of every PostgreSQL process (the server is shared: run the bench on a quiet machine). */
function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.split(') ')[1]!.split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // The process ended while we looked.
    }
  }
  return total;
}

function peakRssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return Math.round(Number(line?.split(/\s+/)[1] ?? 0) / 1024);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  const stamp = Date.now().toString(36);
  const dbName = `bsp_bench_${stamp}`;
  const prefix = `bspbench${stamp}`;
  await admin((c) => c.query(`CREATE DATABASE "${dbName}"`));
  const databaseUrl = `${PG}/${dbName}`;
  await applyMigrations({ databaseUrl, migrationsDir: resolve(ROOT, 'prisma/migrations') });

  const adminEmail = 'bench@bsp.local';
  const adminPassword = `bench-${randomBytes(9).toString('hex')}`;
  const env: Record<string, string> = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_MAX: '20',
    REDIS_URL: REDIS,
    REDIS_KEY_PREFIX: prefix,
    JWT_SECRET: randomBytes(32).toString('hex'),
    API_KEY_PEPPER: randomBytes(32).toString('hex'),
    SECRETS_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    PASSWORD_SCRYPT_COST: '4096',
    BSP_ADMIN_EMAIL: adminEmail,
    BSP_ADMIN_PASSWORD: adminPassword,
    TENANT_DATABASE_CIDRS: '127.0.0.1/32',
    RECONCILE_CONCURRENCY: '16',
    // The bench triggers its own full resync; the scheduler's would blur the figures.
    RESYNC_INTERVAL_SECONDS: '86400',
    // Health probes are Kubernetes requests too (services/proxy); keep them out of the counts.
    HEALTH_CHECK_INTERVAL_SECONDS: '3600',
    WORKER_HTTP_PORT: '0',
  };
  Object.assign(process.env, env);

  const simDir = mkdtempSync(join(tmpdir(), 'bench-sim-'));
  const kubeconfig = join(simDir, 'kubeconfig');
  const sim = await startChild(
    [
      '--import',
      'tsx',
      'apps/kube-sim/src/main.ts',
      '--cluster',
      'name=eu-central-1,region=eu-central,zones=eu-central-1a,eu-central-1b,nodes=10',
      '--cluster',
      'name=eu-central-2,region=eu-central,zones=eu-central-2a,nodes=20',
      '--timings',
      'instant',
      '--kubeconfig',
      kubeconfig,
    ],
    {},
    /kubeconfig: /,
  );
  const kc = parseYaml(readFileSync(kubeconfig, 'utf8')) as {
    clusters: { name: string; cluster: { server: string } }[];
  };
  const clusters = [
    { name: 'eu-central-1', zone: 'eu-central-1a' },
    { name: 'eu-central-2', zone: 'eu-central-2a' },
  ].map((c) => ({ ...c, url: kc.clusters.find((k) => k.name === c.name)!.cluster.server }));

  const api = await startChild(
    [resolve(ROOT, 'tools/testing/run-ts.cjs'), 'apps/api/src/main.ts'],
    { ...env, API_PORT: String(await freePort()) },
    /API listening on (http:\S+)/,
  );
  const url = api.match[1]!.replace('[::1]', '127.0.0.1');
  const call = async (method: string, path: string, token: string | null, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json().catch(() => ({}))) as any;
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const token = (await call('POST', '/v1/auth/login', null, { email: adminEmail, password: adminPassword }))
    .accessToken as string;
  for (const c of clusters) {
    await call('POST', '/v1/clusters', token, {
      name: c.name,
      region: 'eu-central',
      zone: c.zone,
      apiServerUrl: c.url,
      credentialsRef: `kubeconfig:${kubeconfig}#${c.name}`,
      capacity: NUMBERS * 2,
    });
  }
  const tenant = await call('POST', '/v1/tenants', token, { name: 'Bench Retail', dataRegion: 'eu-central' });

  const worker = await startChild(
    [
      ...(process.argv.includes('--profile') ? ['--cpu-prof', '--cpu-prof-dir=.tmp-profile'] : []),
      resolve(ROOT, 'tools/testing/run-ts.cjs'),
      'apps/worker/src/main.ts',
    ],
    env,
    /worker running; probes and metrics on (http:\S+)/,
  );
  const metricsUrl = worker.match[1]!.replace('[::1]', '127.0.0.1');
  await sleep(1000); // watch caches list their clusters
  const pid = worker.process.pid!;
  const cpuBefore = cpuSeconds(pid);
  const otherCpuBefore = {
    api: cpuSeconds(api.process.pid!),
    emulator: cpuSeconds(sim.process.pid!),
    postgres: postgresCpuSeconds(),
  };
  const requestsBefore = await kubeRequests(metricsUrl);

  // Provision.
  const started = Date.now();
  let next = 0;
  const createLatencies: number[] = [];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < NUMBERS) {
        const i = next++;
        const t0 = performance.now();
        await call('POST', `/v1/tenants/${tenant.id}/numbers`, token, {
          phoneNumber: `+4915${String(100_000_000 + i).padStart(9, '0')}`,
          mode: 'single',
        });
        createLatencies.push(performance.now() - t0);
      }
    }),
  );
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  const deadline = Date.now() + 15 * 60_000;
  let active = 0;
  while (Date.now() < deadline) {
    active = Number(
      (await pg.query("SELECT count(*) FROM phone_numbers WHERE state = 'active'")).rows[0].count,
    );
    if (active >= NUMBERS) break;
    await sleep(100);
  }
  const { rows: latencyRows } = await pg.query<{ ms: string }>(`
    SELECT extract(epoch FROM t.occurred_at - n.created_at) * 1000 AS ms
    FROM number_state_transitions t JOIN phone_numbers n ON n.id = t.number_id
    WHERE t.to_state = 'active'`);
  const lastActive = Number(
    (
      await pg.query(
        "SELECT extract(epoch FROM max(occurred_at)) * 1000 AS t FROM number_state_transitions WHERE to_state = 'active'",
      )
    ).rows[0].t,
  );
  const cpuProvision = cpuSeconds(pid) - cpuBefore;
  const otherCpu = {
    api: cpuSeconds(api.process.pid!) - otherCpuBefore.api,
    emulator: cpuSeconds(sim.process.pid!) - otherCpuBefore.emulator,
    postgres: postgresCpuSeconds() - otherCpuBefore.postgres,
  };
  const provisionSeconds = (lastActive - started) / 1000;
  const requestsAfter = await kubeRequests(metricsUrl);
  const reconcileOutcomes = await reconciles(metricsUrl);
  const byVerb = Object.fromEntries(
    Object.entries(requestsAfter).map(([v, n]) => [v, n - (requestsBefore[v] ?? 0)]),
  );
  const provisionRequests = { total: sum(byVerb), writes: sum(byVerb, WRITE_VERBS), byVerb };
  const latencies = latencyRows.map((r) => Number(r.ms)).sort((a, b) => a - b);

  // A full resync with nothing to change.
  await sleep(3000);
  const dbWrites = async () => {
    // Backends report row counts to pg_stat when a transaction ends at least a second after their
    // last report, or after 10 s idle: wait for every pooled connection's report.
    await sleep(11_500);
    const { rows } = await pg.query(
      `SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) AS w FROM pg_stat_user_tables WHERE relname <> '_prisma_migrations'`,
    );
    return Number(rows[0].w);
  };
  const kubeBefore = await kubeRequests(metricsUrl);
  const writesBefore = { kube: sum(kubeBefore, WRITE_VERBS), db: await dbWrites(), total: sum(kubeBefore) };
  const queueOpts = {
    connection: { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null },
    prefix: `${prefix}:bull`,
  };
  const maintenance = new Queue('maintenance', queueOpts);
  const provisioning = new Queue('provisioning', queueOpts);
  const resyncStarted = Date.now();
  await maintenance.add('resync', {}, { removeOnComplete: true });
  await sleep(500);
  for (;;) {
    const m = await maintenance.getJobCounts('waiting', 'active');
    const p = await provisioning.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (
      (m.waiting ?? 0) +
        (m.active ?? 0) +
        (p.waiting ?? 0) +
        (p.active ?? 0) +
        (p.delayed ?? 0) +
        (p.prioritized ?? 0) ===
      0
    )
      break;
    await sleep(100);
  }
  const resyncSeconds = (Date.now() - resyncStarted) / 1000;
  const kubeAfter = await kubeRequests(metricsUrl);
  const resync = {
    kubeWrites: sum(kubeAfter, WRITE_VERBS) - writesBefore.kube,
    kubeRequests: sum(kubeAfter) - writesBefore.total,
    dbRowWrites: (await dbWrites()) - writesBefore.db,
  };

  const result = {
    benchmark: 'provision',
    numbers: NUMBERS,
    active,
    clientConcurrency: CONCURRENCY,
    workerConcurrency: Number(env.RECONCILE_CONCURRENCY),
    timings: 'instant',
    numbersPerSecond: Math.round((active / provisionSeconds) * 10) / 10,
    provisionSeconds: Math.round(provisionSeconds * 10) / 10,
    requestToActiveMs: {
      p50: Math.round(percentile(latencies, 50)),
      p99: Math.round(percentile(latencies, 99)),
      max: Math.round(latencies.at(-1) ?? NaN),
    },
    createRequestMs: {
      p50: Math.round(
        percentile(
          createLatencies.sort((a, b) => a - b),
          50,
        ),
      ),
      p99: Math.round(percentile(createLatencies, 99)),
    },
    reconcilesPerNumber: Math.round((sum(reconcileOutcomes) / NUMBERS) * 10) / 10,
    reconcileOutcomes,
    kubeApiRequestsPerNumber: Math.round((provisionRequests.total / NUMBERS) * 10) / 10,
    kubeApiWritesPerNumber: Math.round((provisionRequests.writes / NUMBERS) * 10) / 10,
    kubeApiRequestsByVerb: provisionRequests.byVerb,
    fullResync: { seconds: Math.round(resyncSeconds * 10) / 10, ...resync },
    worker: {
      cpuSeconds: Math.round(cpuProvision * 10) / 10,
      cpuCoresAverage: Math.round((cpuProvision / provisionSeconds) * 100) / 100,
      peakRssMiB: peakRssMiB(pid),
    },
    otherProcessesCpuSeconds: {
      api: Math.round(otherCpu.api * 10) / 10,
      emulator: Math.round(otherCpu.emulator * 10) / 10,
      postgres: Math.round(otherCpu.postgres * 10) / 10,
    },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);

  // Clean up: worker, API, emulator, queues, the numbers' databases, the bench database.
  await maintenance.obliterate({ force: true }).catch(() => undefined);
  await provisioning.obliterate({ force: true }).catch(() => undefined);
  await maintenance.close();
  await provisioning.close();
  await stopChild(worker);
  await stopChild(api);
  await stopChild(sim);
  rmSync(simDir, { recursive: true, force: true });
  const { rows: ids } = await pg.query<{ id: string }>('SELECT id FROM phone_numbers');
  await pg.end();
  const tenantDbs = new PgTenantDatabaseProvisioner({ adminUrl: `${PG}/postgres`, poolMax: 6 });
  let i = 0;
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      while (i < ids.length) {
        const { id } = ids[i++]!;
        await tenantDbs.remove(`wa_${id.replaceAll('-', '')}`, 'drop');
      }
    }),
  );
  await tenantDbs.close();
  await admin((c) => c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`));
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
