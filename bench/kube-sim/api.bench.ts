// Benchmark of the kube-sim API server. Run: npx tsx bench/kube-sim/api.bench.ts
// The server runs in a child process (its own core); this process drives it over loopback HTTP
// with keep-alive connections and prints one JSON document.
import { fork } from 'node:child_process';
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ObjectStore, startApiServer } from '../../libs/kube-sim/src/index';

const OBJECTS = 1000;
const CONCURRENCY = 16;
const WATCHERS = 50;
const PODS = 10_000;

async function serve(): Promise<void> {
  const store = new ObjectStore({ historyLimit: 20_000 });
  store.create('namespaces', { metadata: { name: 'bench' } });
  const server = await startApiServer(store);
  process.send?.({ url: server.url });
  process.on('message', (m) => {
    if (m === 'memory') process.send?.({ memory: process.memoryUsage() });
  });
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<number> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = httpRequest(
      `${base}${path}`,
      {
        method,
        agent,
        headers: {
          Accept: 'application/json',
          ...(data ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(data) } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function rate(
  count: number,
  op: (i: number) => Promise<number>,
  ok: (code: number) => boolean,
): Promise<number> {
  let next = 0;
  const start = process.hrtime.bigint();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const code = await op(i);
      if (!ok(code)) throw new Error(`request ${i} failed with ${code}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return Math.round(count / seconds);
}

function deployment(i: number, replicas = 1): Record<string, unknown> {
  const name = `web-${i}`;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'bench', labels: { app: name, shard: `s${i % 10}` } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.27',
              ports: [{ containerPort: 80 }],
              env: [{ name: 'N', value: String(i) }],
              resources: { requests: { cpu: '100m', memory: '64Mi' } },
            },
          ],
        },
      },
    },
  };
}

function getJson(base: string, path: string): Promise<{ metadata: { resourceVersion: string } }> {
  return new Promise((resolve, reject) => {
    httpRequest(`${base}${path}`, { agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve(JSON.parse(text) as { metadata: { resourceVersion: string } }));
    })
      .on('error', reject)
      .end();
  });
}

/** Opens `n` watches, makes `updates` changes, and measures events delivered per second to all. */
async function fanOut(base: string, n: number, updates: number): Promise<number> {
  const rv = (await getJson(base, '/apis/apps/v1/namespaces/bench/deployments?limit=1')).metadata
    .resourceVersion;
  let received = 0;
  let finish: () => void = () => undefined;
  const all = new Promise<void>((r) => (finish = r));
  const streams = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<IncomingMessage>((resolve, reject) => {
          httpRequest(
            `${base}/apis/apps/v1/namespaces/bench/deployments?watch=true&resourceVersion=${rv}`,
            { agent: false },
            (res) => {
              res.setEncoding('utf8');
              res.on('data', (chunk: string) => {
                for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) received++;
                if (received >= n * updates) finish();
              });
              resolve(res);
            },
          )
            .on('error', reject)
            .end();
        }),
    ),
  );
  const start = process.hrtime.bigint();
  await rate(
    updates,
    (i) =>
      call(
        base,
        'PATCH',
        `/apis/apps/v1/namespaces/bench/deployments/web-${i}`,
        { metadata: { annotations: { t: String(i) } } },
        'application/merge-patch+json',
      ),
    (c) => c === 200,
  );
  await all;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  for (const s of streams) s.destroy();
  return Math.round(received / seconds);
}

function memoryWithPods(): {
  heapUsedMiB: number;
  rssMiB: number;
  heapDeltaMiB: number;
  rssDeltaMiB: number;
} {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const before = process.memoryUsage();
  const store = new ObjectStore();
  store.create('namespaces', { metadata: { name: 'mem' } });
  for (let i = 0; i < PODS; i++) {
    store.create(
      'pods',
      {
        metadata: {
          name: `pod-${i}`,
          labels: { app: `app-${i % 100}`, 'pod-template-hash': 'abc123' },
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'ReplicaSet',
              name: 'rs',
              uid: `uid-${i % 100}`,
              controller: true,
            },
          ],
        },
        spec: {
          nodeName: `node-${i % 20}`,
          containers: [
            {
              name: 'app',
              image: 'registry/app:1.0',
              ports: [{ containerPort: 8080 }],
              env: [{ name: 'X', value: 'y' }],
            },
          ],
        },
      },
      { namespace: 'mem', fieldManager: 'bench' },
    );
  }
  gc();
  const after = process.memoryUsage();
  const mib = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
  if (store.list('pods', { namespace: 'mem', limit: 1 }).items.length !== 1)
    throw new Error('store lost pods');
  return {
    heapUsedMiB: mib(after.heapUsed),
    rssMiB: mib(after.rss),
    heapDeltaMiB: mib(after.heapUsed - before.heapUsed),
    rssDeltaMiB: mib(after.rss - before.rss),
  };
}

async function main(): Promise<void> {
  const child = fork(__filename, ['--serve'], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const base = await new Promise<string>((resolve) =>
    child.once('message', (m: { url: string }) => resolve(m.url)),
  );
  const created = await rate(
    OBJECTS,
    (i) => call(base, 'POST', '/apis/apps/v1/namespaces/bench/deployments', deployment(i)),
    (c) => c === 201,
  );
  const get = await rate(
    5 * OBJECTS,
    (i) => call(base, 'GET', `/apis/apps/v1/namespaces/bench/deployments/web-${i % OBJECTS}`),
    (c) => c === 200,
  );
  const listSelector = await rate(
    OBJECTS,
    (i) => call(base, 'GET', `/apis/apps/v1/namespaces/bench/deployments?labelSelector=shard%3Ds${i % 10}`),
    (c) => c === 200,
  );
  const applyPath = (i: number) =>
    `/apis/apps/v1/namespaces/bench/deployments/apply-${i}?fieldManager=bench&force=true`;
  const applied = (i: number, replicas: number) => ({
    ...deployment(i, replicas),
    metadata: { name: `apply-${i}`, namespace: 'bench', labels: { app: `web-${i}` } },
  });
  const applyCreate = await rate(
    OBJECTS,
    (i) => call(base, 'PATCH', applyPath(i), applied(i, 1), 'application/apply-patch+yaml'),
    (c) => c === 201,
  );
  const applyChange = await rate(
    OBJECTS,
    (i) => call(base, 'PATCH', applyPath(i), applied(i, 2), 'application/apply-patch+yaml'),
    (c) => c === 200,
  );
  const applyUnchanged = await rate(
    OBJECTS,
    (i) => call(base, 'PATCH', applyPath(i), applied(i, 2), 'application/apply-patch+yaml'),
    (c) => c === 200,
  );
  const fanout = await fanOut(base, WATCHERS, OBJECTS);
  child.send('memory');
  const serverMemory = await new Promise<NodeJS.MemoryUsage>((resolve) =>
    child.once('message', (m: { memory: NodeJS.MemoryUsage }) => resolve(m.memory)),
  );
  child.kill();
  agent.destroy();
  const memory = memoryWithPods();
  console.log(
    JSON.stringify(
      {
        objects: OBJECTS,
        concurrency: CONCURRENCY,
        requestsPerSecond: {
          create: created,
          get,
          listWithSelector: listSelector,
          applyCreate,
          applyChange,
          applyUnchanged,
        },
        watchFanOut: { watchers: WATCHERS, updates: OBJECTS, eventsPerSecond: fanout },
        serverRssMiBAfterRun: Math.round(serverMemory.rss / 1024 / 1024),
        memoryWith10kPods: memory,
      },
      null,
      2,
    ),
  );
}

if (process.argv.includes('--serve')) void serve();
else
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
