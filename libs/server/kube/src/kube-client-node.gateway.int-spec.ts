import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { getActiveResourcesInfo } from 'node:process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
// The emulator is this library's test double; @bsp/testing does not re-export it.
import {
  generateTlsMaterial,
  ObjectStore,
  startApiServer,
  startSimulation,
  type RunningApiServer,
  type Simulation,
  writeKubeconfig,
} from '@bsp/kube-sim';
import { ClientNodeKubeGateway } from './kube-client-node.gateway';
import type { KubeRequestCount } from './kube-request.recorder';
import {
  type CachedObjectEvent,
  ClusterCredentialsError,
  type ClusterTarget,
  KubeApiError,
  type KubeObject,
} from './kube-gateway';

const MANAGED = { 'app.kubernetes.io/managed-by': 'bsp-control-plane' };
const WATCH = { timeoutSeconds: 5, backoffInitialMs: 20, backoffMaxMs: 200 };

async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string | (() => string),
  ms = 10_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

function namespace(name: string, labels: Record<string, string> = MANAGED): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

function secret(ns: string, name: string, labels: Record<string, string> = MANAGED, value = 'a'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: ns, labels },
    type: 'Opaque',
    stringData: { value },
  };
}

function serviceAccount(ns: string, name: string, note = 'a'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace: ns, labels: MANAGED, annotations: { note } },
  };
}

function statefulSet(ns: string, name: string, replicas: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: ns, labels: MANAGED },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, ...MANAGED } },
        spec: { containers: [{ name: 'c', image: 'busybox:1' }] },
      },
    },
  };
}

describe('ClientNodeKubeGateway against kube-sim', () => {
  let sim: Simulation;
  let gateway: ClientNodeKubeGateway;
  let a: ClusterTarget;
  let b: ClusterTarget;

  beforeAll(async () => {
    sim = await startSimulation({
      clusters: [
        { name: 'kc-a', region: 'eu', zones: ['a'], nodesPerZone: 1 },
        { name: 'kc-b', region: 'eu', zones: ['b'], nodesPerZone: 1 },
      ],
      timings: 'instant',
    });
    a = { id: 'id-a', name: 'kc-a', credentialsRef: `kubeconfig:${sim.kubeconfigPath}#kc-a` };
    b = { id: 'id-b', name: 'kc-b', credentialsRef: `kubeconfig:${sim.kubeconfigPath}#kc-b` };
    gateway = new ClientNodeKubeGateway({ requestTimeoutMs: 2_000, watch: WATCH });
  });

  afterAll(async () => {
    await gateway?.close();
    await sim?.stop();
  });

  it('applies (create, then a no-op with the same resourceVersion), reads and deletes; counts exactly', async () => {
    const g = new ClientNodeKubeGateway({ requestTimeoutMs: 2_000 });
    try {
      expect(g.reachability('kc-a')).toBe('unknown');
      const ns = await g.apply(a, namespace('apply-1'));
      expect(ns.metadata.uid).toBeDefined();
      const first = await g.apply(a, serviceAccount('apply-1', 'core'));
      const again = await g.apply(a, serviceAccount('apply-1', 'core'));
      expect(again.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
      expect(again.metadata['managedFields']).toEqual([
        expect.objectContaining({ manager: 'bsp-control-plane', operation: 'Apply' }),
      ]);
      const read = await g.get(a, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        namespace: 'apply-1',
        name: 'core',
      });
      expect(read?.metadata.uid).toBe(first.metadata.uid);
      expect(
        await g.get(b, { apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'apply-1', name: 'core' }),
      ).toBeUndefined();
      const ref = { apiVersion: 'v1', kind: 'Secret', namespace: 'apply-1', name: 's' };
      await g.apply(a, secret('apply-1', 's'));
      expect(await g.delete(a, ref)).toBe('deleted');
      expect(await g.delete(a, ref)).toBe('absent');
      expect(await g.get(a, ref)).toBeUndefined();
      expect(g.reachability('kc-a')).toBe('reachable');
      expect(g.reachability('kc-b')).toBe('reachable');

      const sort = (c: KubeRequestCount[]) =>
        [...c].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
      expect(sort(g.requestCounts())).toEqual(
        sort([
          { cluster: 'kc-a', verb: 'apply', resource: 'namespaces', code: 201, count: 1 },
          { cluster: 'kc-a', verb: 'apply', resource: 'serviceaccounts', code: 201, count: 1 },
          { cluster: 'kc-a', verb: 'apply', resource: 'serviceaccounts', code: 200, count: 1 },
          { cluster: 'kc-a', verb: 'get', resource: 'serviceaccounts', code: 200, count: 1 },
          { cluster: 'kc-b', verb: 'get', resource: 'serviceaccounts', code: 404, count: 1 },
          { cluster: 'kc-a', verb: 'apply', resource: 'secrets', code: 201, count: 1 },
          { cluster: 'kc-a', verb: 'delete', resource: 'secrets', code: 200, count: 1 },
          { cluster: 'kc-a', verb: 'delete', resource: 'secrets', code: 404, count: 1 },
          { cluster: 'kc-a', verb: 'get', resource: 'secrets', code: 404, count: 1 },
        ]),
      );
      expect(g.totalRequests()).toBe(9);
      expect(g.totalRequests({ cluster: 'kc-a', verb: 'apply' })).toBe(4);
    } finally {
      await g.close();
    }
  });

  it('turns a stale metadata.resourceVersion into a retryable 409', async () => {
    await gateway.apply(a, namespace('cas-1'));
    const v1 = await gateway.apply(a, serviceAccount('cas-1', 'core', '1'));
    const v2 = await gateway.apply(a, serviceAccount('cas-1', 'core', '2'));
    expect(v2.metadata.resourceVersion).not.toBe(v1.metadata.resourceVersion);
    const stale = serviceAccount('cas-1', 'core', '3');
    stale.metadata.resourceVersion = v1.metadata.resourceVersion;
    const error = await failure(gateway.apply(a, stale));
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error).toMatchObject({ cluster: 'kc-a', status: 409, reason: 'Conflict', retryable: true });
    const current = serviceAccount('cas-1', 'core', '3');
    current.metadata.resourceVersion = v2.metadata.resourceVersion;
    const v3 = await gateway.apply(a, current);
    expect(v3.metadata.annotations).toEqual({ note: '3' });
  });

  it('maps API errors with their Status reason', async () => {
    const error = await failure(gateway.apply(a, secret('no-such-namespace', 's')));
    expect(error).toMatchObject({ status: 404, reason: 'NotFound', retryable: false });
    expect(error.message).toContain('cluster kc-a: apply Secret no-such-namespace/s: 404 NotFound');
    const invalid = await failure(gateway.apply(a, namespace('Not_A_Name')));
    expect(invalid).toMatchObject({ status: 422, reason: 'Invalid', retryable: false });
  });

  it('deletes a namespace until it is gone', async () => {
    await gateway.apply(a, namespace('doomed'));
    await gateway.apply(a, secret('doomed', 's'));
    const ref = { apiVersion: 'v1', kind: 'Namespace', name: 'doomed' };
    expect(await gateway.delete(a, ref)).toBe('deleted');
    await eventually(async () => (await gateway.get(a, ref)) === undefined, 'namespace gone');
    expect(await gateway.delete(a, ref)).toBe('absent');
  });

  it('caches managed objects only, and reports ADDED, MODIFIED and DELETED after the initial list', async () => {
    await gateway.apply(b, namespace('cached-1'));
    await gateway.apply(b, secret('cached-1', 'before'));
    const cache = gateway.cache(b);
    expect(gateway.cache(b)).toBe(cache);
    await cache.synced();
    expect(cache.isSynced()).toBe(true);
    expect(
      cache.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'cached-1', name: 'before' }),
    ).toBeDefined();
    expect(cache.get({ apiVersion: 'v1', kind: 'Namespace', name: 'cached-1' })?.kind).toBe('Namespace');

    const events: CachedObjectEvent[] = [];
    const unsubscribe = cache.onChange((e) => events.push(e));
    await gateway.apply(b, serviceAccount('cached-1', 'managed'));
    await gateway.apply(b, secret('cached-1', 'plain', { team: 'x' }));
    await gateway.apply(b, serviceAccount('cached-1', 'managed', 'b'));
    await gateway.delete(b, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      namespace: 'cached-1',
      name: 'managed',
    });
    const seen = (name: string) => events.filter((e) => e.object.metadata.name === name).map((e) => e.type);
    await eventually(
      () => seen('managed').length === 3,
      () => `three events, got ${JSON.stringify(events.map((e) => [e.type, e.object.metadata.name]))}`,
    );
    expect(seen('managed')).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(events.every((e) => e.cluster === 'kc-b')).toBe(true);
    expect(seen('plain')).toEqual([]);
    expect(
      cache.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'cached-1', name: 'plain' }),
    ).toBeUndefined();
    expect(
      cache.get({ apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'cached-1', name: 'managed' }),
    ).toBeUndefined();

    // Losing the label is leaving the selection.
    await gateway.apply(b, secret('cached-1', 'before', { team: 'x' }));
    await eventually(() => seen('before').includes('DELETED'), 'unlabelled object dropped');

    await gateway.apply(b, statefulSet('cached-1', 'core', 1));
    await eventually(
      () => cache.inNamespace('cached-1').some((o) => o.kind === 'Pod' && o.metadata.name === 'core-0'),
      'pod of the statefulset cached',
    );
    expect(
      cache
        .inNamespace('cached-1')
        .map((o) => `${o.kind}/${o.metadata.name}`)
        .sort(),
    ).toEqual(['Pod/core-0', 'StatefulSet/core']);
    expect(cache.ofKind('apps/v1', 'StatefulSet').map((o) => o.metadata.name)).toEqual(['core']);
    expect(cache.ofKind('v1', 'Secret').filter((o) => o.metadata.namespace === 'cached-1')).toEqual([]);
    unsubscribe();
  });

  it('recovers from a partition: requests fail fast with status 0, then the cache re-lists', async () => {
    await gateway.apply(a, namespace('part-1'));
    const cache = gateway.cache(a);
    await cache.synced();
    const events: CachedObjectEvent[] = [];
    cache.onChange((e) => events.push(e));

    sim.partition('kc-a', true);
    try {
      const started = Date.now();
      const error = await failure(gateway.apply(a, secret('part-1', 'p')));
      expect(error).toMatchObject({ cluster: 'kc-a', status: 0, reason: undefined, retryable: true });
      expect(Date.now() - started).toBeLessThan(2_500);
      expect(gateway.reachability('kc-a')).toBe('unreachable');
      await eventually(() => !cache.isSynced(), 'cache unsynced after the watches dropped');
      // Written inside the cluster while the control plane cannot see it.
      sim.cluster('kc-a').store.create('secrets', secret('part-1', 'during'), { namespace: 'part-1' });
    } finally {
      sim.partition('kc-a', false);
    }
    await cache.synced();
    expect(
      cache.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'part-1', name: 'during' }),
    ).toBeDefined();
    expect(events.some((e) => e.type === 'ADDED' && e.object.metadata.name === 'during')).toBe(true);
    expect(gateway.reachability('kc-a')).toBe('reachable');
    await gateway.apply(a, secret('part-1', 'after'));
    await eventually(
      () => cache.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'part-1', name: 'after' }),
      'watch events after recovery',
    );
  });

  it('re-lists after watches are refused by injected API errors', async () => {
    const cache = gateway.cache(b);
    await cache.synced();
    const lists = () => gateway.totalRequests({ cluster: 'kc-b', verb: 'list', resource: 'secrets' });
    const before = lists();
    // The server ends watches after timeoutSeconds; the next watch gets a 500 and so a re-list.
    const rule = sim.apiFaults('kc-b').add({ verb: 'watch', resource: 'secrets', errors: [500], count: 1 });
    await eventually(() => lists() > before, 'a re-list of secrets', 15_000);
    sim.apiFaults('kc-b').remove(rule.id);
    await cache.synced();
    expect(gateway.totalRequests({ cluster: 'kc-b', verb: 'watch', resource: 'secrets', code: 500 })).toBe(1);
  });

  it('times out a slow API server with status 0 within the request timeout', async () => {
    const g = new ClientNodeKubeGateway({ requestTimeoutMs: 300 });
    const rule = sim.apiFaults('kc-b').add({ verb: 'get', resource: 'secrets', latencyMs: 3_000 });
    try {
      const started = Date.now();
      const error = await failure(
        g.get(b, { apiVersion: 'v1', kind: 'Secret', namespace: 'default', name: 'x' }),
      );
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(error).toMatchObject({ status: 0, retryable: true });
      expect(error.message).toContain('no answer within 300 ms');
      expect(g.reachability('kc-b')).toBe('unreachable');
      // No answer is retried once (every gateway call is idempotent); both attempts are counted.
      expect(g.requestCounts()).toEqual([
        { cluster: 'kc-b', verb: 'get', resource: 'secrets', code: 0, count: 2 },
      ]);
    } finally {
      sim.apiFaults('kc-b').remove(rule.id);
      await g.close();
    }
  });

  it('proxies GET to a Service; a hanging container times out without making the cluster unreachable', async () => {
    const ns = 'proxy-1';
    await gateway.apply(a, namespace(ns));
    await gateway.apply(a, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'webapp', namespace: ns, labels: MANAGED },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'webapp' } },
        template: {
          metadata: { labels: { app: 'webapp', ...MANAGED } },
          spec: {
            containers: [
              {
                name: 'webapp',
                image: 'registry.local/whatsapp/web:v2',
                ports: [{ name: 'https', containerPort: 8443 }],
              },
            ],
          },
        },
      },
    });
    await gateway.apply(a, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'webapp', namespace: ns, labels: MANAGED },
      spec: { selector: { app: 'webapp' }, ports: [{ name: 'https', port: 443, targetPort: 'https' }] },
    });
    const target = {
      namespace: ns,
      service: 'webapp',
      port: 'https',
      scheme: 'https' as const,
      path: '/v1/health',
    };
    const answer = await eventually(async () => {
      const r = await gateway.proxyGet(a, target, { timeoutMs: 1_000 });
      return r.status === 200 && r;
    }, 'the WebApp answering through the service proxy');
    expect(answer.body).toMatchObject({ health: { gateway_status: 'uninitialized' } });
    const missing = await gateway.proxyGet(a, { ...target, service: 'nope' }, { timeoutMs: 1_000 });
    expect(missing.status).toBe(404);

    const pod = sim.cluster('kc-a').store.list('pods', { namespace: ns }).items[0] as unknown as KubeObject;
    expect(
      sim.cluster('kc-a').setFaults(ns, pod.metadata.name, { health: { mode: 'hanging', scope: 'health' } }),
    ).toBe(true);
    const proxied = () => gateway.totalRequests({ cluster: 'kc-a', resource: 'services/proxy', code: 0 });
    const before = proxied();
    for (let i = 0; i < 4; i++) {
      const started = Date.now();
      const error = await failure(gateway.proxyGet(a, target, { timeoutMs: 200 }));
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(error).toMatchObject({ cluster: 'kc-a', status: 0 });
      expect(error.message).toContain('no answer within 200 ms');
    }
    expect(proxied() - before).toBe(4);
    expect(gateway.reachability('kc-a')).toBe('reachable');

    sim.cluster('kc-a').setFaults(ns, pod.metadata.name, { health: { mode: 'failing', scope: 'health' } });
    expect((await gateway.proxyGet(a, target, { timeoutMs: 1_000 })).status).toBe(500);
    sim.cluster('kc-a').setFaults(ns, pod.metadata.name, {});

    sim.partition('kc-a', true);
    try {
      for (let i = 0; i < 3; i++)
        expect(await failure(gateway.proxyGet(a, target, { timeoutMs: 1_000 }))).toMatchObject({ status: 0 });
      expect(gateway.reachability('kc-a')).toBe('unreachable');
    } finally {
      sim.partition('kc-a', false);
    }
    expect((await gateway.proxyGet(a, target, { timeoutMs: 1_000 })).status).toBe(200);
    expect(gateway.reachability('kc-a')).toBe('reachable');
  });

  it('reports credential problems as ClusterCredentialsError without credentials', async () => {
    const target = (credentialsRef: string): ClusterTarget => ({
      id: `bad-${credentialsRef}`,
      name: 'bad',
      credentialsRef,
    });
    const ref = { apiVersion: 'v1', kind: 'Namespace', name: 'default' };
    const missingFile = await failure(gateway.get(target('kubeconfig:/nonexistent/kubeconfig#x'), ref));
    expect(missingFile).toBeInstanceOf(ClusterCredentialsError);
    expect(missingFile.message).toBe(
      'cluster bad: credentials reference "kubeconfig:/nonexistent/kubeconfig#x": cannot read the kubeconfig file (ENOENT)',
    );
    const missingContext = await failure(gateway.get(target(`kubeconfig:${sim.kubeconfigPath}#nope`), ref));
    expect(missingContext).toBeInstanceOf(ClusterCredentialsError);
    expect(missingContext.message).toContain(
      'context "nope" not found in the kubeconfig (contexts: kc-a, kc-b)',
    );
    expect(await failure(gateway.get(target('vault:x'), ref))).toBeInstanceOf(ClusterCredentialsError);
    const cache = gateway.cache(target(`kubeconfig:${sim.kubeconfigPath}#nope`));
    await expect(
      eventually(
        () =>
          cache.synced().then(
            () => 'synced',
            (e: Error) => e,
          ),
        'a rejection',
      ),
    ).resolves.toBeInstanceOf(ClusterCredentialsError);
    expect(gateway.reachability('bad')).toBe('unknown');
  });

  it('reads a kubeconfig from a Secret of the home cluster', async () => {
    const doc = parse(readFileSync(sim.kubeconfigPath, 'utf8')) as { 'current-context': string };
    doc['current-context'] = 'kc-b';
    const g = new ClientNodeKubeGateway({ requestTimeoutMs: 2_000, homeCluster: a });
    try {
      await g.apply(a, namespace('bsp-system'));
      await g.apply(a, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'cluster-b', namespace: 'bsp-system' },
        stringData: { kubeconfig: stringify(doc), other: stringify(doc) },
      });
      const viaSecret: ClusterTarget = {
        id: 'id-b2',
        name: 'kc-b',
        credentialsRef: 'secret:bsp-system/cluster-b',
      };
      await g.apply(viaSecret, namespace('from-secret'));
      expect(
        await gateway.get(b, { apiVersion: 'v1', kind: 'Namespace', name: 'from-secret' }),
      ).toBeDefined();
      const otherKey: ClusterTarget = {
        id: 'id-b3',
        name: 'kc-b',
        credentialsRef: 'secret:bsp-system/cluster-b#other',
      };
      expect(
        await g.get(otherKey, { apiVersion: 'v1', kind: 'Namespace', name: 'from-secret' }),
      ).toBeDefined();
      const noKey = await failure(
        g.get(
          { ...otherKey, id: 'id-b4', credentialsRef: 'secret:bsp-system/cluster-b#nokey' },
          { apiVersion: 'v1', kind: 'Namespace', name: 'x' },
        ),
      );
      expect(noKey).toBeInstanceOf(ClusterCredentialsError);
      expect(noKey.message).toContain('has no key "nokey" (keys: kubeconfig, other)');
      const noSecret = await failure(
        g.get(
          { ...otherKey, id: 'id-b5', credentialsRef: 'secret:bsp-system/missing' },
          { apiVersion: 'v1', kind: 'Namespace', name: 'x' },
        ),
      );
      expect(noSecret).toBeInstanceOf(ClusterCredentialsError);
      expect(noSecret.message).toContain('secret bsp-system/missing not found');
      expect(g.totalRequests({ cluster: 'kc-a', verb: 'get', resource: 'secrets' })).toBe(4);
    } finally {
      await g.close();
    }
  });
});

describe('ClientNodeKubeGateway across API server restarts', () => {
  let dir: string;
  let store: ObjectStore;
  let server: RunningApiServer;
  let port: number;
  let target: ClusterTarget;
  // One CA across restarts, as a real API server keeps its certificate.
  const tls = generateTlsMaterial();

  const start = async () => {
    server = await startApiServer(store, { port, tls, token: 't0ken', bookmarkIntervalMs: 200 });
    port = server.port;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kube-gateway-'));
    store = new ObjectStore({ historyLimit: 20 });
    port = 0;
    await start();
    writeKubeconfig(join(dir, 'kubeconfig'), [
      { name: 'solo', server: server.url, caCert: server.caCert, token: 't0ken' },
    ]);
    target = { id: 'solo', name: 'solo', credentialsRef: `kubeconfig:${join(dir, 'kubeconfig')}#solo` };
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('re-lists after a restart and sees what changed while it was down, over TLS with a token', async () => {
    const gateway = new ClientNodeKubeGateway({ requestTimeoutMs: 1_000, watch: WATCH });
    try {
      await gateway.apply(target, namespace('r-1'));
      const cache = gateway.cache(target);
      await cache.synced();
      const events: CachedObjectEvent[] = [];
      cache.onChange((e) => events.push(e));

      await server.close();
      await eventually(() => gateway.reachability('solo') === 'unreachable', 'unreachable while down');
      expect(cache.isSynced()).toBe(false);
      const down = await failure(gateway.get(target, { apiVersion: 'v1', kind: 'Namespace', name: 'r-1' }));
      expect(down).toMatchObject({ status: 0 });
      expect(down.message).toContain('ECONNREFUSED');
      // More writes than the history keeps: resuming the old watches would get 410 Gone.
      for (let i = 0; i < 30; i++) store.create('secrets', secret('r-1', `s-${i}`), { namespace: 'r-1' });
      store.delete('secrets', 'r-1', 's-0');

      await start();
      await cache.synced();
      expect(gateway.reachability('solo')).toBe('reachable');
      expect(cache.ofKind('v1', 'Secret')).toHaveLength(29);
      expect(events.filter((e) => e.type === 'ADDED')).toHaveLength(29);
      await gateway.apply(target, secret('r-1', 'after-restart'));
      await eventually(
        () => cache.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'r-1', name: 'after-restart' }),
        'watch after restart',
      );
    } finally {
      await gateway.close();
    }
  });

  it('re-lists when a resumed watch is refused with 410 Gone', async () => {
    const gateway = new ClientNodeKubeGateway({
      requestTimeoutMs: 1_000,
      watch: { ...WATCH, timeoutSeconds: 1 },
    });
    try {
      const cache = gateway.cache(target);
      await cache.synced();
      const lists = () => gateway.totalRequests({ verb: 'list', resource: 'services' });
      expect(lists()).toBe(1);
      // Services stay quiet while other kinds churn past the kept history.
      for (let i = 0; i < 30; i++)
        store.create('configmaps', { metadata: { name: `churn-${i}` } }, { namespace: 'default' });
      await eventually(() => lists() >= 2, 'a re-list of services after 410', 10_000);
      await cache.synced();
      store.create(
        'services',
        { metadata: { name: 'svc', labels: MANAGED }, spec: { ports: [{ port: 80 }] } },
        { namespace: 'r-1' },
      );
      await eventually(
        () => cache.get({ apiVersion: 'v1', kind: 'Service', namespace: 'r-1', name: 'svc' }),
        'service after the re-list',
      );
    } finally {
      await gateway.close();
    }
  });

  it('leaves no sockets or timers behind after close()', async () => {
    const sockets = () => getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const timers = () => getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const baseSockets = sockets();
    const baseTimers = timers();
    const gateway = new ClientNodeKubeGateway({ requestTimeoutMs: 1_000, watch: WATCH });
    const cache = gateway.cache(target);
    await cache.synced();
    await gateway.apply(target, secret('r-1', 'close-test'));
    expect(sockets()).toBeGreaterThan(baseSockets);
    await gateway.close();
    expect(cache.isSynced()).toBe(false);
    await eventually(
      () => sockets() <= baseSockets && timers() <= baseTimers,
      'sockets and timers released',
      3_000,
    );
  });
});
