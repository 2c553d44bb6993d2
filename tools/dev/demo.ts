/**
 * `npm run demo`: the whole product on one machine. PostgreSQL (DATABASE_URL or an embedded one),
 * Redis (REDIS_URL or a local redis-server), the Kubernetes emulator with three clusters (or the
 * clusters of a given kubeconfig), the API and the worker from dist/, a seeded admin and a sample
 * tenant whose HA number gets provisioned. Prints how to look around and writes the same to
 * `<data-dir>/demo.json` once the number is active. Ctrl-C stops everything. See docs/demo.md.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { type Simulation, startSimulation } from '@bsp/kube-sim';
import { applyMigrations } from '../../libs/server/db/src/migration-runner';
import {
  ChildSupervisor,
  choosePort,
  ensureDatabase,
  ensureRedis,
  errorMessage,
  isPortFree,
  loadSecrets,
  postgresAnswers,
  randomSecret,
  ROOT,
  say,
  sleep,
  type SupervisedChild,
  waitReady,
} from './dev-services';
import { startEmbeddedPostgres } from './embedded-postgres';
import { type DemoCluster, kubeconfigClusters } from './kubeconfig-clusters';

const USAGE = `usage: npm run demo -- [options]

  --data-dir <dir>          where data, logs, secrets and demo.json live (default .data/)
  --kubeconfig <path>       register this kubeconfig's contexts instead of starting the emulator
  --cluster-region <context>=<region>
                            with --kubeconfig: a context's region (repeatable; default "default")
  --timings <t>             the emulator's timings: instant, fast (default) or realistic
  --sample-mode <m>         the sample number's mode: ha (default; a standby in a second cluster) or single
  --api-port <port>         the API's port (default API_PORT or 3000)
  --worker-port <port>      the worker's probe port (default WORKER_HTTP_PORT or 3001)
  --timeout <seconds>       how long the sample number may take to become active (default 300)
  -h, --help                this text

Environment: DATABASE_URL (default: embedded PostgreSQL under <data-dir>/postgres), REDIS_URL
(default redis://127.0.0.1:6379, started with redis-server when nothing answers), REDIS_KEY_PREFIX
(default bspdemo).`;

const ADMIN_EMAIL = 'admin@bsp.local';
const SAMPLE = { tenant: 'Acme Retail', slug: 'acme', region: 'eu-central', phone: '+4915123456789' };
const EMULATED_CLUSTERS = [
  { name: 'eu-central-1', region: 'eu-central', zones: ['eu-central-1a', 'eu-central-1b'] },
  { name: 'eu-central-2', region: 'eu-central', zones: ['eu-central-2a'] },
  { name: 'us-east-1', region: 'us-east', zones: ['us-east-1a', 'us-east-1b'] },
];
const EMBEDDED_PG_PORT = 54329;

interface Options {
  dataDir: string;
  kubeconfig?: string;
  regions: Record<string, string>;
  timings: 'instant' | 'fast' | 'realistic';
  sampleMode: 'single' | 'ha';
  apiPort: number;
  apiPortExplicit: boolean;
  workerPort: number;
  workerPortExplicit: boolean;
  timeoutMs: number;
}

function parseOptions(argv: string[]): Options | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      kubeconfig: { type: 'string' },
      'cluster-region': { type: 'string', multiple: true },
      timings: { type: 'string' },
      'sample-mode': { type: 'string' },
      'api-port': { type: 'string' },
      'worker-port': { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  const port = (flag: string | undefined, env: string | undefined, fallback: number, name: string) => {
    const raw = flag ?? env;
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name} must be a port number`);
    return { port: n, explicit: raw !== undefined };
  };
  const api = port(values['api-port'], process.env.API_PORT, 3000, '--api-port / API_PORT');
  const worker = port(
    values['worker-port'],
    process.env.WORKER_HTTP_PORT,
    3001,
    '--worker-port / WORKER_HTTP_PORT',
  );
  const regions: Record<string, string> = {};
  for (const pair of values['cluster-region'] ?? []) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new Error(`--cluster-region ${pair}: expected <context>=<region>`);
    regions[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const timeout = Number(values.timeout ?? 300);
  if (!(timeout > 0)) throw new Error('--timeout must be a positive number of seconds');
  const timings = values.timings ?? 'fast';
  if (timings !== 'instant' && timings !== 'fast' && timings !== 'realistic')
    throw new Error('--timings must be instant, fast or realistic');
  const sampleMode = values['sample-mode'] ?? 'ha';
  if (sampleMode !== 'single' && sampleMode !== 'ha') throw new Error('--sample-mode must be single or ha');
  return {
    dataDir: values['data-dir'] ? resolve(values['data-dir']) : resolve(ROOT, '.data'),
    kubeconfig: values.kubeconfig && resolve(values.kubeconfig),
    regions,
    timings,
    sampleMode,
    apiPort: api.port,
    apiPortExplicit: api.explicit,
    workerPort: worker.port,
    workerPortExplicit: worker.explicit,
    timeoutMs: timeout * 1000,
  };
}

/** Cleanup steps, run newest first; a step registered while stopping runs at once. */
class Shutdown {
  private readonly steps: { name: string; run: () => Promise<void> }[] = [];
  private stopping?: Promise<void>;

  add(name: string, run: () => Promise<void>): void {
    this.steps.push({ name, run });
  }

  get started(): boolean {
    return this.stopping !== undefined;
  }

  run(): Promise<void> {
    this.stopping ??= (async () => {
      for (const step of this.steps.splice(0).reverse()) {
        try {
          await step.run();
        } catch (error) {
          process.stderr.write(`stopping ${step.name}: ${errorMessage(error)}\n`);
        }
      }
    })();
    return this.stopping;
  }
}

const shutdown = new Shutdown();
let supervisor: ChildSupervisor;

async function exit(code: number): Promise<never> {
  await shutdown.run();
  say('stopped');
  process.exit(code);
}

function fail(message: string): Promise<never> {
  if (shutdown.started) return new Promise<never>(() => undefined);
  process.stderr.write(`\n${message}\n`);
  return exit(1);
}

function installSignalHandlers(): void {
  let first = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    // One Ctrl-C can arrive twice (from the terminal and relayed by npm/tsx): only a later one counts.
    if (first && Date.now() - first > 1500) {
      say('stopping at once');
      supervisor.killAll();
      process.exit(1);
    }
    if (first) return;
    first = Date.now();
    say(`\n${signal === 'SIGINT' ? '' : `${signal}: `}stopping (press Ctrl-C again to kill at once)`);
    void exit(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** The control plane's database: DATABASE_URL, or an embedded server under the data directory. */
async function database(
  options: Options,
  secrets: Record<string, string>,
): Promise<{ url: string; tenantAdminUrl?: string; embedded: boolean }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, embedded: false };
  let adminUrl: string;
  try {
    const pg = await startEmbeddedPostgres({
      dataDir: resolve(options.dataDir, 'postgres'),
      port: (await isPortFree(EMBEDDED_PG_PORT))
        ? EMBEDDED_PG_PORT
        : await choosePort(EMBEDDED_PG_PORT, 'embedded PostgreSQL', false),
      password: secrets.POSTGRES_PASSWORD!,
      supervisor,
    });
    shutdown.add('PostgreSQL', () => supervisor.stop(['postgres'], 20_000));
    adminUrl = pg.adminUrl;
  } catch (error) {
    const local = 'postgresql://postgres@127.0.0.1:5432/postgres';
    if (!(await postgresAnswers(local)))
      throw new Error(
        `the embedded PostgreSQL did not start (${errorMessage(error)}), and none answers on 127.0.0.1:5432; ` +
          'set DATABASE_URL to a PostgreSQL 14+ server',
      );
    say(`the embedded PostgreSQL did not start (${errorMessage(error)})`);
    say('using the PostgreSQL on 127.0.0.1:5432 instead (set DATABASE_URL to choose another)');
    adminUrl = local;
  }
  const url = new URL(adminUrl);
  url.pathname = '/bsp_demo';
  return { url: url.toString(), tenantAdminUrl: adminUrl, embedded: true };
}

/** The ports the emulated clusters had last time (in the kubeconfig), so that their URLs stay put. */
function previousClusterPorts(kubeconfig: string): Record<string, number> {
  try {
    const config = parseYaml(readFileSync(kubeconfig, 'utf8')) as {
      clusters?: { name: string; cluster?: { server?: string } }[];
    };
    return Object.fromEntries(
      (config.clusters ?? []).map((c) => [c.name, Number(new URL(c.cluster?.server ?? '').port)]),
    );
  } catch {
    return {};
  }
}

async function emulator(options: Options): Promise<{ clusters: DemoCluster[]; kubeconfig: string }> {
  const kubeconfig = resolve(options.dataDir, 'kubeconfig');
  const ports = previousClusterPorts(kubeconfig);
  const specs = await Promise.all(
    EMULATED_CLUSTERS.map(async (c) => {
      const port = ports[c.name];
      return { ...c, port: port && (await isPortFree(port)) ? port : 0 };
    }),
  );
  say('starting the Kubernetes emulator');
  const sim: Simulation = await startSimulation({
    clusters: specs,
    timings: options.timings,
    kubeconfigPath: kubeconfig,
  });
  shutdown.add('the emulator', () => sim.stop());
  return {
    kubeconfig,
    clusters: sim.clusters.map((c) => ({
      name: c.name,
      region: c.region,
      zone: c.zones[0]!,
      server: c.url,
      context: c.name,
    })),
  };
}

/** A small JSON client of the API as the admin. */
class ApiClient {
  private token = '';

  constructor(readonly base: string) {}

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(this.token && { authorization: `Bearer ${this.token}` }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async expect<T = unknown>(
    method: string,
    path: string,
    body: unknown,
    ...statuses: number[]
  ): Promise<{ status: number; body: T }> {
    const res = await this.request<T>(method, path, body);
    if (!statuses.includes(res.status))
      throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res;
  }

  async login(email: string, password: string): Promise<void> {
    const res = await this.expect<{ accessToken: string }>(
      'POST',
      '/v1/auth/login',
      { email, password },
      200,
    );
    this.token = res.body.accessToken;
  }

  /** Every item of a paged list. */
  async all<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const page: { body: { items: T[]; nextCursor: string | null } } = await this.expect(
        'GET',
        `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        undefined,
        200,
      );
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    return items;
  }
}

async function registerClusters(api: ApiClient, clusters: DemoCluster[], kubeconfig: string): Promise<void> {
  for (const c of clusters) {
    const res = await api.expect<{ code?: string }>(
      'POST',
      '/v1/clusters',
      {
        name: c.name,
        region: c.region,
        zone: c.zone,
        apiServerUrl: c.server,
        credentialsRef: `kubeconfig:${kubeconfig}#${c.context}`,
        capacity: 100,
      },
      201,
      409,
    );
    if (res.status === 409 && res.body.code !== 'cluster_name_taken')
      throw new Error(`registering cluster ${c.name}: ${JSON.stringify(res.body)}`);
    say(
      `cluster ${c.name} (${c.region}, ${c.zone}) ${res.status === 201 ? 'registered' : 'already registered'}`,
    );
  }
}

interface NumberDetail {
  id: string;
  mode: string;
  state: string;
  stateReason: string | null;
  placements: {
    role: string;
    active: boolean;
    cluster: { name: string; zone: string };
    namespace: string;
    observed: { ready: boolean } | null;
    observedAt: string | null;
  }[];
  lastReconcile: { at: string; outcome: string; detail: string | null } | null;
}

/** The sample tenant and its number, created once and found again on later runs. */
async function sampleNumber(
  api: ApiClient,
  region: string,
  mode: 'single' | 'ha',
): Promise<{ tenantId: string; numberId: string }> {
  const created = await api.expect<{ id: string }>(
    'POST',
    '/v1/tenants',
    { name: SAMPLE.tenant, slug: SAMPLE.slug, dataRegion: region },
    201,
    409,
  );
  const tenantId =
    created.status === 201
      ? created.body.id
      : (await api.all<{ id: string; slug: string }>('/v1/tenants')).find((t) => t.slug === SAMPLE.slug)?.id;
  if (!tenantId) throw new Error(`tenant ${SAMPLE.tenant}: ${JSON.stringify(created.body)}`);
  say(`tenant ${SAMPLE.tenant} ${created.status === 201 ? 'created' : 'already there'}`);
  const number = await api.expect<{ id: string }>(
    'POST',
    `/v1/tenants/${tenantId}/numbers`,
    { phoneNumber: SAMPLE.phone, displayName: 'Acme support', mode },
    201,
    409,
  );
  const existing =
    number.status === 201
      ? { id: number.body.id, mode }
      : (
          await api.all<{ id: string; phoneNumber: string; mode: string }>(`/v1/tenants/${tenantId}/numbers`)
        ).find((n) => n.phoneNumber === SAMPLE.phone);
  if (!existing)
    throw new Error(
      `number ${SAMPLE.phone} is registered, but not to ${SAMPLE.tenant}: ${JSON.stringify(number.body)}`,
    );
  // An existing number keeps the mode it was created with.
  say(`number ${SAMPLE.phone} (${existing.mode}) ${number.status === 201 ? 'created' : 'already there'}`);
  return { tenantId, numberId: existing.id };
}

/**
 * Waits until the number is active with its active placement ready, as observed by this run's
 * worker (the emulator starts empty each time, so an older "active" does not count).
 */
async function waitActive(
  api: ApiClient,
  numberId: string,
  since: number,
  timeoutMs: number,
): Promise<NumberDetail> {
  // A number that was active last time needs its pod sets again in the new emulator.
  await api.expect('POST', `/v1/numbers/${numberId}/reconcile`, undefined, 202);
  const end = Date.now() + timeoutMs;
  let last = '';
  let n: NumberDetail | undefined;
  const after = (at: string | null | undefined) => !!at && Date.parse(at) >= since;
  while (Date.now() < end) {
    n = (await api.expect<NumberDetail>('GET', `/v1/numbers/${numberId}`, undefined, 200)).body;
    const primary = n.placements.find((p) => p.active);
    const line = `${n.state}${n.stateReason ? ` (${n.stateReason})` : ''}${
      primary
        ? `  primary ${primary.cluster.name}/${primary.cluster.zone} ${primary.observed?.ready ? 'ready' : 'not ready'}`
        : ''
    }`;
    if (line !== last) say(`  ${SAMPLE.phone}: ${line}`);
    last = line;
    const fresh =
      after(primary?.observedAt) || (after(n.lastReconcile?.at) && n.lastReconcile?.outcome === 'converged');
    if (n.state === 'active' && primary?.observed?.ready && fresh) return n;
    await sleep(500);
  }
  throw new Error(
    `the sample number did not become active within ${timeoutMs / 1000} s; last: ${last}; last reconcile: ${JSON.stringify(
      n?.lastReconcile,
    )}`,
  );
}

function writeJsonAtomically(file: string, value: unknown): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!options) return say(USAGE);
  const startedAt = Date.now();
  for (const script of ['dist/apps/api/src/main.js', 'dist/apps/worker/src/main.js'])
    if (!existsSync(resolve(ROOT, script))) throw new Error(`${script} is missing: run npm run build first`);
  const { dataDir } = options;
  const logDir = resolve(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const demoJson = resolve(dataDir, 'demo.json');
  // Present exactly while a demo runs and is ready (a stale one from a killed run goes now).
  rmSync(demoJson, { force: true });

  supervisor = new ChildSupervisor(logDir, (child: SupervisedChild, how: string) => {
    void fail(
      `${child.name} stopped unexpectedly (${how}); last lines of ${child.logFile}:\n  ${child.lastLines().join('\n  ')}`,
    );
  });
  shutdown.add('child processes', () => supervisor.stop());
  installSignalHandlers();

  const secrets = loadSecrets(resolve(dataDir, 'demo-secrets.json'), {
    JWT_SECRET: () => randomSecret(),
    API_KEY_PEPPER: () => randomSecret(),
    SECRETS_ENCRYPTION_KEYS: () => `k1:${randomBytes(32).toString('base64')}`,
    BSP_ADMIN_PASSWORD: () => randomSecret(15),
    POSTGRES_PASSWORD: () => randomSecret(18),
  });

  const apiPort = await choosePort(options.apiPort, 'API', options.apiPortExplicit);
  const workerPort = await choosePort(options.workerPort, 'worker', options.workerPortExplicit);

  const db = await database(options, secrets);
  await ensureDatabase(db.url);
  const migrationsDir = resolve(ROOT, 'prisma/migrations');
  const migrated = await applyMigrations({ databaseUrl: db.url, migrationsDir });
  say(`migrations: ${migrated.applied.length} applied, ${migrated.alreadyApplied.length} already applied`);

  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = await ensureRedis(redisUrl, supervisor, { dir: resolve(dataDir, 'redis') });
  if (redis) shutdown.add('redis-server', () => supervisor.stop(['redis']));

  const { clusters, kubeconfig } = options.kubeconfig
    ? {
        kubeconfig: options.kubeconfig,
        clusters: await kubeconfigClusters(options.kubeconfig, options.regions),
      }
    : await emulator(options);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV === 'production' ? 'production' : 'development',
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    WORKER_HTTP_PORT: String(workerPort),
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: process.env.REDIS_KEY_PREFIX ?? 'bspdemo',
    JWT_SECRET: secrets.JWT_SECRET,
    API_KEY_PEPPER: secrets.API_KEY_PEPPER,
    SECRETS_ENCRYPTION_KEYS: secrets.SECRETS_ENCRYPTION_KEYS,
    BSP_ADMIN_EMAIL: ADMIN_EMAIL,
    BSP_ADMIN_PASSWORD: secrets.BSP_ADMIN_PASSWORD,
    MIGRATIONS_DIR: migrationsDir,
    DASHBOARD_DIR: process.env.DASHBOARD_DIR ?? resolve(ROOT, 'dist/apps/dashboard'),
    TENANT_DATABASE_CIDRS: process.env.TENANT_DATABASE_CIDRS ?? '127.0.0.1/32',
    // The emulated API servers listen on loopback; the pod sets' egress policy must allow them.
    // Their fencing agents renew activation leases at this API, as pods reach it.
    ...(!options.kubeconfig && {
      KUBE_API_SERVER_CIDRS: process.env.KUBE_API_SERVER_CIDRS ?? '127.0.0.1/32',
      FENCING_LEASE_URL:
        process.env.FENCING_LEASE_URL ?? `http://127.0.0.1:${apiPort}/internal/v1/leases/renew`,
    }),
    ...((db.tenantAdminUrl ?? process.env.TENANT_DATABASE_ADMIN_URL) && {
      TENANT_DATABASE_ADMIN_URL: db.tenantAdminUrl ?? process.env.TENANT_DATABASE_ADMIN_URL,
    }),
  };
  say('starting the API and the worker');
  const workerStartedAt = Date.now();
  const node = (name: string, script: string) =>
    supervisor.start({ name, command: process.execPath, args: [resolve(ROOT, script)], env });
  const api = node('api', 'dist/apps/api/src/main.js');
  const worker = node('worker', 'dist/apps/worker/src/main.js');
  // Stopped first (steps run newest first): then the emulator, Redis and PostgreSQL they use.
  shutdown.add('the API and the worker', () => supervisor.stop(['api', 'worker']));
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  await Promise.all([
    waitReady(`${apiUrl}/readyz`, api, 120_000),
    waitReady(`http://127.0.0.1:${workerPort}/readyz`, worker, 120_000),
  ]);

  const client = new ApiClient(apiUrl);
  await client.login(ADMIN_EMAIL, secrets.BSP_ADMIN_PASSWORD!);
  await registerClusters(client, clusters, kubeconfig);
  const region = clusters.some((c) => c.region === SAMPLE.region) ? SAMPLE.region : clusters[0]!.region;
  const { numberId } = await sampleNumber(client, region, options.sampleMode);
  say(`waiting for ${SAMPLE.phone} to be provisioned`);
  const number = await waitActive(client, numberId, workerStartedAt - 1000, options.timeoutMs);

  const summary = {
    apiUrl,
    docsUrl: `${apiUrl}/docs`,
    dashboardUrl: `${apiUrl}/`,
    adminEmail: ADMIN_EMAIL,
    adminPassword: secrets.BSP_ADMIN_PASSWORD,
    kubeconfig,
    clusters: clusters.map((c) => ({ name: c.name, region: c.region, server: c.server })),
    sample: {
      tenant: SAMPLE.tenant,
      phoneNumber: SAMPLE.phone,
      numberId,
      namespaces: number.placements.map((p) => p.namespace),
    },
    database: db.embedded ? 'embedded' : 'DATABASE_URL',
    logs: logDir,
  };
  say('');
  say(`BSP control plane demo is ready (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
  say(`  API:        ${apiUrl}/v1`);
  say(`  API docs:   ${summary.docsUrl}`);
  say(`  dashboard:  ${summary.dashboardUrl}`);
  say(
    `  admin:      ${ADMIN_EMAIL} / ${secrets.BSP_ADMIN_PASSWORD}   (kept in ${dataDir}/demo-secrets.json)`,
  );
  say(`  clusters:   ${clusters.map((c) => `${c.name} (${c.region}) ${c.server}`).join('\n              ')}`);
  say(`  kubeconfig: ${kubeconfig}`);
  say(`              kubectl --kubeconfig ${kubeconfig} get pods -A`);
  say(
    `  sample:     ${SAMPLE.tenant}, ${SAMPLE.phone} (${number.mode}) active in ${number.placements.map((p) => `${p.cluster.name} as ${p.role}`).join(', ')}`,
  );
  say(`  logs:       ${logDir}/`);
  say(`  (the same as JSON in ${demoJson})`);
  say('Press Ctrl-C to stop.');
  // Removed first when stopping (steps run newest first).
  shutdown.add('demo.json', () => Promise.resolve(rmSync(demoJson, { force: true })));
  writeJsonAtomically(demoJson, summary);
}

main().catch(async (error: unknown) => {
  await fail(errorMessage(error));
});
