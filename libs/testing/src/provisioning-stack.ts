import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import { type SimTimings, type Simulation, startSimulation, type TimingPreset } from '@bsp/kube-sim';
import { Client } from 'pg';
import { createNumber, createTenant, expectStatus } from './api-fixtures';
import { appFactory } from './app-factories';
import { startTestApi, type TestApi } from './test-api';
import { TEST_PG_ADMIN_URL } from './test-env';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../../..');

/** Two clusters in eu-central (three zones between them) and one in us-east. */
export const STACK_CLUSTERS = [
  { name: 'eu-central-1', region: 'eu-central', zones: ['eu-central-1a', 'eu-central-1b'], capacity: 500 },
  { name: 'eu-central-2', region: 'eu-central', zones: ['eu-central-2a'], capacity: 500 },
  { name: 'us-east-1', region: 'us-east', zones: ['us-east-1a'], capacity: 500 },
] as const;

export interface WorkerHandle {
  kind: 'in-process' | 'process';
  /** Process workers: the child (SIGKILL it to test crashes). */
  child?: ChildProcess;
  app?: INestApplication;
  logs: string[];
  stop(): Promise<void>;
}

export interface ProvisioningStack {
  sim: Simulation;
  api: TestApi;
  adminToken: string;
  clusterIds: Record<string, string>;
  workers: WorkerHandle[];
  /** Another worker: in this process (default) or as a separate OS process running from source. */
  startWorker(options?: { process?: boolean; env?: Record<string, string> }): Promise<WorkerHandle>;
  tenant(dataRegion?: string): Promise<{ id: string }>;
  number(
    tenantId: string,
    body?: { mode?: 'single' | 'ha'; region?: string; phoneNumber?: string },
  ): Promise<any>;
  get(numberId: string): Promise<any>;
  /** Polls the API until the number satisfies `done`; fails with its last state. */
  waitFor(numberId: string, done: (n: any) => boolean, ms?: number): Promise<any>;
  kubectl(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The whole product for e2e tests: the emulator with STACK_CLUSTERS, the real API (fresh database,
 * own Redis prefix) with the clusters registered through it, and workers. Workers started as
 * processes get the same environment, so every part shares the database and queues.
 */
export async function startProvisioningStack(
  options: {
    timings?: TimingPreset | Partial<SimTimings>;
    workers?: number;
    processWorkers?: boolean;
    env?: Record<string, string>;
    /** Pod sets renew activation leases at this API (FENCING_LEASE_URL for the workers). */
    leaseFencing?: boolean;
  } = {},
): Promise<ProvisioningStack> {
  const sim = await startSimulation({
    clusters: STACK_CLUSTERS.map((c) => ({
      name: c.name,
      region: c.region,
      zones: [...c.zones],
      nodesPerZone: 2,
    })),
    timings: options.timings ?? 'instant',
  });
  const api = await startTestApi({
    TENANT_DATABASE_CIDRS: '127.0.0.1/32',
    RECONCILE_CONCURRENCY: '8',
    ...options.env,
  });
  // Workers read their configuration from this process's environment when they start.
  if (options.leaseFencing) process.env['FENCING_LEASE_URL'] = `${api.url}/internal/v1/leases/renew`;
  else delete process.env['FENCING_LEASE_URL'];
  const adminToken = await api.login(api.adminEmail, api.adminPassword);
  const clusterIds: Record<string, string> = {};
  for (const c of STACK_CLUSTERS) {
    const url = sim.clusters.find((s) => s.name === c.name)?.url ?? '';
    const res = await api.request('POST', '/v1/clusters', {
      token: adminToken,
      body: {
        name: c.name,
        region: c.region,
        zone: c.zones[0],
        apiServerUrl: url,
        credentialsRef: `kubeconfig:${sim.kubeconfigPath}#${c.name}`,
        capacity: c.capacity,
      },
    });
    expectStatus(res, 201);
    clusterIds[c.name] = (res.body as { id: string }).id;
  }

  const workers: WorkerHandle[] = [];
  const startWorker = async (
    o: { process?: boolean; env?: Record<string, string> } = {},
  ): Promise<WorkerHandle> => {
    const handle = o.process ? await startProcessWorker(o.env ?? {}) : await startInProcessWorker();
    workers.push(handle);
    return handle;
  };
  for (let i = 0; i < (options.workers ?? 1); i++) await startWorker({ process: options.processWorkers });

  const get = async (numberId: string) => {
    const res = await api.request('GET', `/v1/numbers/${numberId}`, { token: adminToken });
    expectStatus(res, 200);
    return res.body;
  };

  return {
    sim,
    api,
    adminToken,
    clusterIds,
    workers,
    startWorker,
    tenant: async (dataRegion = 'eu-central') => createTenant(api, adminToken, { dataRegion }),
    number: async (tenantId, body = {}) => createNumber(api, { token: adminToken }, tenantId, body),
    get,
    waitFor: async (numberId, done, ms = 30_000) => {
      const end = Date.now() + ms;
      let last: any;
      while (Date.now() < end) {
        last = await get(numberId);
        if (done(last)) return last;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(
        `number ${numberId} did not get there in ${ms} ms; last: ${JSON.stringify({
          state: last?.state,
          stateReason: last?.stateReason,
          lastReconcile: last?.lastReconcile,
          placements: last?.placements?.map((p: any) => ({
            role: p.role,
            state: p.state,
            ready: p.observed?.ready,
          })),
        })}\nworker logs (last lines):\n${workers.flatMap((w) => w.logs.slice(-10)).join('\n')}`,
      );
    },
    kubectl: async (...args) => {
      const { stdout } = await run('kubectl', ['--kubeconfig', sim.kubeconfigPath, ...args], {
        maxBuffer: 64 << 20,
      });
      return stdout;
    },
    stop: async () => {
      for (const w of workers.splice(0)) await w.stop();
      await dropTenantDatabases(api.db.url);
      await api.close();
      await sim.stop();
    },
  };
}

/** The numbers' own roles and databases live on the shared test server: remove this run's. */
async function dropTenantDatabases(databaseUrl: string): Promise<void> {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  const { rows } = await pg.query<{ id: string }>('SELECT id FROM phone_numbers').finally(() => pg.end());
  const admin = new Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  try {
    for (const { id } of rows) {
      const role = `wa_${id.replaceAll('-', '')}`;
      const owned = await admin.query<{ datname: string }>(
        'SELECT d.datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE r.rolname = $1',
        [role],
      );
      for (const { datname } of owned.rows)
        await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      await admin.query(`DROP ROLE IF EXISTS "${role}"`);
    }
  } finally {
    await admin.end();
  }
}

async function startInProcessWorker(): Promise<WorkerHandle> {
  const logs: string[] = [];
  const app = await appFactory('worker')({ logStream: { write: (line: string) => void logs.push(line) } });
  await app.init();
  return { kind: 'in-process', app, logs, stop: () => app.close() };
}

async function startProcessWorker(env: Record<string, string>): Promise<WorkerHandle> {
  const logs: string[] = [];
  const child = spawn(
    process.execPath,
    [resolve(ROOT, 'tools/testing/run-ts.cjs'), 'apps/worker/src/main.ts'],
    {
      cwd: ROOT,
      env: { ...process.env, WORKER_HTTP_PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const collect = (chunk: Buffer) => logs.push(...chunk.toString().split('\n').filter(Boolean));
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`worker did not start: ${logs.slice(-20).join('\n')}`)),
      60_000,
    );
    const check = () => {
      if (logs.some((l) => l.includes('worker running'))) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`worker exited (${code}) before it was ready: ${logs.slice(-20).join('\n')}`));
    });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  return { kind: 'process', child, logs, stop };
}
