/**
 * `npm run demo` end to end: the real script (tsx tools/dev/demo.ts) with the built API and worker,
 * as a user runs it. Against the test PostgreSQL (DATABASE_URL), and once with the embedded
 * PostgreSQL (started twice on one data directory).
 */
import { type ChildProcess, exec, execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { PgTenantDatabaseProvisioner } from '@bsp/tenant-db';
import {
  createTestDatabase,
  deleteRedisPrefix,
  TEST_PG_ADMIN_URL,
  TEST_REDIS_URL,
  type TestDatabase,
  uniqueName,
} from '@bsp/testing';
import { isPortFree, sleep } from '../../tools/dev/dev-services';

const ROOT = resolve(__dirname, '../..');
const run = promisify(execFile);
const PHONE = '+4915123456789';

interface DemoJson {
  apiUrl: string;
  docsUrl: string;
  adminEmail: string;
  adminPassword: string;
  kubeconfig: string;
  clusters: { name: string; region: string; server: string }[];
}

interface Demo {
  child: ChildProcess;
  output: () => string;
  /** demo.json once it appears (the demo is ready). */
  ready(timeoutMs: number): Promise<DemoJson>;
  /** Ctrl-C as a terminal sends it (to the whole process group); resolves with the exit code. */
  interrupt(timeoutMs?: number): Promise<number | null>;
}

function startDemo(dataDir: string, env: Record<string, string | undefined>): Demo {
  const { NODE_ENV: _vitestSetsTest, ...inherited } = process.env;
  const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['tools/dev/demo.ts', '--data-dir', dataDir], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    output: () => output,
    ready: async (timeoutMs) => {
      const file = join(dataDir, 'demo.json');
      const end = Date.now() + timeoutMs;
      while (!existsSync(file)) {
        if (child.exitCode !== null) throw new Error(`the demo exited (${child.exitCode}):\n${output}`);
        if (Date.now() > end) throw new Error(`no demo.json after ${timeoutMs / 1000} s:\n${output}`);
        await sleep(250);
      }
      return JSON.parse(readFileSync(file, 'utf8')) as DemoJson;
    },
    interrupt: async (timeoutMs = 30_000) => {
      process.kill(-child.pid!, 'SIGINT');
      const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

const taken = new Set<number>();
/**
 * A free port below the kernel's ephemeral range (32768+), so that no other process's listen(0)
 * takes it between this check and the demo binding it (other engineers' tests share the machine).
 */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!taken.has(port) && (await isPortFree(port))) {
      taken.add(port);
      return port;
    }
  }
}

/** True when nothing accepts connections on the port any more. */
function portClosed(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(false);
    });
    socket.once('error', () => done(true));
  });
}

async function api<T = any>(base: string, path: string, token?: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.status, `${path}: ${text}`).toBeLessThan(300);
  return JSON.parse(text) as T;
}

/** Logs in as the printed admin and returns the sample number as the API shows it. */
async function sampleNumber(demo: DemoJson): Promise<any> {
  const { accessToken } = await api<{ accessToken: string }>(demo.apiUrl, '/v1/auth/login', undefined, {
    email: demo.adminEmail,
    password: demo.adminPassword,
  });
  const tenants = await api<{ items: { id: string; name: string }[] }>(
    demo.apiUrl,
    '/v1/tenants',
    accessToken,
  );
  const tenant = tenants.items.find((t) => t.name === 'Acme Retail');
  expect(tenant).toBeDefined();
  const numbers = await api<{ items: { id: string; phoneNumber: string }[] }>(
    demo.apiUrl,
    `/v1/tenants/${tenant!.id}/numbers`,
    accessToken,
  );
  const number = numbers.items.find((n) => n.phoneNumber === PHONE);
  expect(number).toBeDefined();
  return api(demo.apiUrl, `/v1/numbers/${number!.id}`, accessToken);
}

function expectDocumentedShape(demo: DemoJson): void {
  expect(demo).toMatchObject({
    apiUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    docsUrl: `${demo.apiUrl}/docs`,
    adminEmail: 'admin@bsp.local',
    adminPassword: expect.any(String),
    kubeconfig: expect.any(String),
  });
  expect(demo.clusters).toEqual([
    {
      name: 'eu-central-1',
      region: 'eu-central',
      server: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    },
    {
      name: 'eu-central-2',
      region: 'eu-central',
      server: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    },
    { name: 'us-east-1', region: 'us-east', server: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) },
  ]);
}

/** The demo runs the API and the worker from dist/: build them when they are missing (CI builds first). */
beforeAll(async () => {
  if (
    existsSync(join(ROOT, 'dist/apps/api/src/main.js')) &&
    existsSync(join(ROOT, 'dist/apps/worker/src/main.js'))
  )
    return;
  await promisify(exec)('npx tsc -p tsconfig.build.json && npx tsc-alias -p tsconfig.build.json', {
    cwd: ROOT,
    maxBuffer: 16 << 20,
  });
}, 600_000);

describe('npm run demo', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  test('with DATABASE_URL: ready, reachable, provisioned, stops cleanly on Ctrl-C', async () => {
    const db: TestDatabase = await createTestDatabase();
    const prefix = uniqueName('bspdemo');
    const dataDir = mkdtempSync(join(tmpdir(), 'bsp-demo-'));
    cleanups.push(async () => {
      rmSync(dataDir, { recursive: true, force: true });
      await dropTenantDatabases(db.url);
      await deleteRedisPrefix(prefix);
      await db.drop();
    });
    const [apiPort, workerPort] = [await freePort(), await freePort()];
    const demo = startDemo(dataDir, {
      DATABASE_URL: db.url,
      TENANT_DATABASE_ADMIN_URL: TEST_PG_ADMIN_URL,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      API_PORT: String(apiPort),
      WORKER_HTTP_PORT: String(workerPort),
    });
    cleanups.push(async () => {
      if (demo.child.exitCode === null) await demo.interrupt(15_000);
    });
    onTestFailed(() => console.log(`demo output:\n${demo.output()}`));

    const started = Date.now();
    const json = await demo.ready(150_000);
    const readyMs = Date.now() - started;
    expectDocumentedShape(json);
    expect(json.apiUrl).toBe(`http://127.0.0.1:${apiPort}`);
    expect(json.kubeconfig).toBe(join(dataDir, 'kubeconfig'));
    expect(demo.output()).toContain(json.adminPassword);
    expect(demo.output()).toContain(`kubectl --kubeconfig ${json.kubeconfig} get pods -A`);

    expect((await fetch(`${json.apiUrl}/healthz`)).status).toBe(200);
    expect((await fetch(json.docsUrl)).status).toBe(200);
    const number = await sampleNumber(json);
    expect(number).toMatchObject({ state: 'active', mode: 'ha', region: 'eu-central' });
    const primary = number.placements.find((p: any) => p.active);

    const { stdout } = await run('kubectl', [
      '--kubeconfig',
      json.kubeconfig,
      'get',
      'pods',
      '-A',
      '--no-headers',
    ]);
    expect(stdout).toMatch(new RegExp(`^${primary.namespace}\\s+coreapp-0\\s+2/2\\s+Running`, 'm'));

    // Each cluster answers through its context, and every placement's registered zone is a zone
    // label of that cluster's nodes (the pod set's nodeSelector could not be met otherwise).
    for (const cluster of json.clusters) {
      const { stdout: nodes } = await run('kubectl', [
        '--kubeconfig',
        json.kubeconfig,
        '--context',
        cluster.name,
        'get',
        'nodes',
        '-o',
        'jsonpath={range .items[*]}{.metadata.name} {.metadata.labels.topology\\.kubernetes\\.io/zone}{"\\n"}{end}',
      ]);
      const zones = nodes
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(' ')[1]);
      expect(zones.length, cluster.name).toBeGreaterThan(0);
      // Zones are named like cloud zones after their cluster (eu-central-1a), as registered.
      for (const zone of zones) expect(zone).toMatch(new RegExp(`^${cluster.name}[a-z]$`));
      for (const p of number.placements.filter((p: any) => p.cluster.name === cluster.name))
        expect(zones).toContain(p.cluster.zone);
    }
    expect(number.placements.map((p: any) => p.cluster.name).sort()).toEqual([
      'eu-central-1',
      'eu-central-2',
    ]);

    const stopping = Date.now();
    expect(await demo.interrupt()).toBe(0);
    const stopMs = Date.now() - stopping;
    expect(demo.output()).toContain('stopped');
    expect(existsSync(join(dataDir, 'demo.json'))).toBe(false);
    const ports = [apiPort, workerPort, ...json.clusters.map((c) => Number(new URL(c.server).port))];
    for (const port of ports) expect(await portClosed(port), `port ${port}`).toBe(true);
    console.log(`demo with DATABASE_URL: ready after ${readyMs} ms, stopped in ${stopMs} ms`);
  }, 240_000);

  test('with the embedded PostgreSQL: initialised once, reused on the next run', async () => {
    const prefix = uniqueName('bspdemo');
    // As root PostgreSQL runs as another user, who must be able to enter the data directory.
    const dataDir = mkdtempSync(join(tmpdir(), 'bsp-demo-pg-'));
    chmodSync(dataDir, 0o755);
    cleanups.push(async () => {
      rmSync(dataDir, { recursive: true, force: true });
      await deleteRedisPrefix(prefix);
    });
    const env = {
      DATABASE_URL: undefined,
      TENANT_DATABASE_ADMIN_URL: undefined,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
    };
    const runOnce = async () => {
      const [apiPort, workerPort] = [await freePort(), await freePort()];
      const demo = startDemo(dataDir, {
        ...env,
        API_PORT: String(apiPort),
        WORKER_HTTP_PORT: String(workerPort),
      });
      try {
        const started = Date.now();
        const json = await demo.ready(60_000);
        const readyMs = Date.now() - started;
        expectDocumentedShape(json);
        expect(await sampleNumber(json)).toMatchObject({ state: 'active' });
        expect(await demo.interrupt()).toBe(0);
        return { json, readyMs, output: demo.output() };
      } catch (error) {
        throw new Error(`${(error as Error).message}\ndemo output:\n${demo.output()}`, { cause: error });
      } finally {
        if (demo.child.exitCode === null) await demo.interrupt(15_000);
      }
    };

    const first = await runOnce();
    expect(first.output).toContain('initialising PostgreSQL');
    const pgVersion = statSync(join(dataDir, 'postgres/PG_VERSION'));
    if (process.getuid?.() === 0) expect(pgVersion.uid).not.toBe(0);
    expect(statSync(join(dataDir, 'demo-secrets.json')).mode & 0o777).toBe(0o600);

    const second = await runOnce();
    expect(second.output).not.toContain('initialising PostgreSQL');
    expect(second.output).toContain('tenant Acme Retail already there');
    expect(second.output).toContain(`number ${PHONE} (ha) already there`);
    expect(second.json.adminPassword).toBe(first.json.adminPassword);
    // The emulated clusters keep their addresses (the registered apiServerUrl stays true).
    expect(second.json.clusters).toEqual(first.json.clusters);
    const { stdout } = await run('ps', ['-eo', 'args']);
    expect(stdout).not.toContain(join(dataDir, 'postgres'));
    console.log(
      `demo with embedded PostgreSQL: ready after ${first.readyMs} ms, again after ${second.readyMs} ms`,
    );
  }, 240_000);
});

/** The number's own role and database live on the shared test server: remove this run's. */
async function dropTenantDatabases(databaseUrl: string): Promise<void> {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  const { rows } = await pg.query<{ id: string }>('SELECT id FROM phone_numbers').finally(() => pg.end());
  const provisioner = new PgTenantDatabaseProvisioner({ adminUrl: TEST_PG_ADMIN_URL, poolMax: 1 });
  try {
    for (const { id } of rows) await provisioner.remove(`wa_${id.replaceAll('-', '')}`, 'drop');
  } finally {
    await provisioner.close();
  }
}
