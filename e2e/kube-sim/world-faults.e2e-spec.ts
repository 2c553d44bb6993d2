import { startSimulation, type Simulation, type SimCluster } from '@bsp/kube-sim';

const NS = 'wa-4915100000001';
const NUMBER = '+4915100000001';

const until = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000) => {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

function podSet(
  cluster: SimCluster,
  opts: { number?: string; secret?: boolean; replicas?: number; image?: string } = {},
) {
  const s = cluster.store;
  if (!s.find('namespaces', undefined, NS)) s.create('namespaces', { metadata: { name: NS } });
  s.create('secrets', {
    metadata: { name: 'wa-config', namespace: NS },
    stringData: { phoneNumber: opts.number ?? NUMBER },
  });
  s.create('deployments', {
    metadata: { name: 'webapp', namespace: NS },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'webapp' } },
      template: {
        metadata: { labels: { app: 'webapp' } },
        spec: {
          containers: [
            {
              name: 'webapp',
              image: 'docker.whatsapp.biz/web:v2.53',
              ports: [{ name: 'https', containerPort: 443 }],
              readinessProbe: {
                httpGet: { path: '/v1/health', port: 443 },
                periodSeconds: 1,
                failureThreshold: 1,
              },
            },
          ],
        },
      },
    },
  });
  s.create('services', {
    metadata: { name: 'webapp', namespace: NS },
    spec: { selector: { app: 'webapp' }, ports: [{ name: 'https', port: 443, targetPort: 'https' }] },
  });
  s.create('statefulsets', {
    metadata: { name: 'coreapp', namespace: NS },
    spec: {
      replicas: opts.replicas ?? 1,
      serviceName: 'coreapp',
      selector: { matchLabels: { app: 'coreapp' } },
      template: {
        metadata: { labels: { app: 'coreapp' } },
        spec: {
          terminationGracePeriodSeconds: 5,
          containers: [
            {
              name: 'coreapp',
              image: opts.image ?? 'docker.whatsapp.biz/coreapp:v2.53',
              env: [
                {
                  name: 'WA_PHONE_NUMBER',
                  valueFrom: { secretKeyRef: { name: 'wa-config', key: 'phoneNumber' } },
                },
              ],
              readinessProbe: { httpGet: { path: '/v1/health', port: 6250 }, periodSeconds: 1 },
            },
          ],
        },
      },
    },
  });
}

const ready = (cluster: SimCluster, name: string) =>
  cluster.pod(NS, name)?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

describe('kube-sim simulated world and fault API', () => {
  let sim: Simulation;
  let eu1: SimCluster;
  let eu2: SimCluster;
  const url = (cluster: string) => sim.clusters.find((c) => c.name === cluster)!.url;
  const post = (cluster: string, path: string, body?: unknown) =>
    fetch(`${url(cluster)}${path}`, {
      method: 'POST',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const del = (cluster: string, path: string) => fetch(`${url(cluster)}${path}`, { method: 'DELETE' });
  const health = async (cluster: string) => {
    const res = await fetch(`${url(cluster)}/api/v1/namespaces/${NS}/services/webapp:https/proxy/v1/health`);
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    sim = await startSimulation({
      clusters: [
        { name: 'eu-1', region: 'eu-central', zones: ['a', 'b'], nodesPerZone: 1 },
        { name: 'eu-2', region: 'eu-central', zones: ['c'], nodesPerZone: 2 },
      ],
      timings: { nodeMonitorGraceMs: 100, podEvictionMs: 400, connectionDropMs: 300 },
      proxyTimeoutMs: 1000,
    });
    eu1 = sim.cluster('eu-1');
    eu2 = sim.cluster('eu-2');
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('runs a pod set: coreapp reads its number from a secret and the webapp reports it connected', async () => {
    podSet(eu1);
    await until(
      'coreapp connected',
      async () => (await health('eu-1')).body?.health?.gateway_status === 'connected',
    );
    const connections = (await (await fetch(`${url('eu-2')}/sim/v1/whatsapp/connections`)).json()) as any;
    expect(connections.connections).toEqual([
      expect.objectContaining({
        number: NUMBER,
        cluster: 'eu-1',
        namespace: NS,
        pod: 'coreapp-0',
        state: 'connected',
      }),
    ]);
    expect(sim.network.violationCount()).toBe(0);
  });

  it('records a violation when a second cluster runs the same number, and the first is kicked', async () => {
    podSet(eu2);
    await until('eu-2 holds the number', () => sim.network.holder(NUMBER)?.cluster === 'eu-2');
    await until(
      'eu-1 reports disconnected',
      async () => (await health('eu-1')).body?.health?.gateway_status === 'disconnected',
    );
    const v = (await (await fetch(`${url('eu-1')}/sim/v1/whatsapp/violations`)).json()) as any;
    expect(v.violations).toHaveLength(1);
    expect(v.violations[0]).toMatchObject({ number: NUMBER, clusters: ['eu-1', 'eu-2'], end: null });
    expect(v.violations[0].pods).toEqual([`eu-1/${NS}/coreapp-0`, `eu-2/${NS}/coreapp-0`]);
    const other = (await (
      await fetch(`${url('eu-2')}/sim/v1/whatsapp/violations?number=%2B1`)
    ).json()) as any;
    expect(other).toEqual({ violations: [], count: 0 });
    eu2.store.patch(
      'statefulsets',
      NS,
      'coreapp',
      'merge',
      { spec: { replicas: 0 } },
      { subresource: 'scale' },
    );
    await until('violation closed', () => sim.network.violations()[0]?.end !== null);
    expect(sim.network.violations()).toHaveLength(1);
  });

  it('crash restarts the container with the restart policy and keeps the previous log', async () => {
    const before = eu1.pod(NS, 'coreapp-0')!;
    const res = await post('eu-1', `/sim/v1/namespaces/${NS}/pods/coreapp-0/crash`);
    expect(res.status).toBe(200);
    await until('restarted and connected', () => {
      const p = eu1.pod(NS, 'coreapp-0');
      return (
        p?.status?.containerStatuses?.[0]?.restartCount === 1 &&
        ready(eu1, 'coreapp-0') &&
        sim.network.holder(NUMBER)?.cluster === 'eu-1'
      );
    });
    const after = eu1.pod(NS, 'coreapp-0')!;
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.status?.containerStatuses?.[0]?.lastState.terminated?.exitCode).toBe(1);
    const prev = await fetch(`${url('eu-1')}/api/v1/namespaces/${NS}/pods/coreapp-0/log?previous=true`);
    expect(await prev.text()).toContain('fatal: process crashed');
    expect((await post('eu-1', `/sim/v1/namespaces/${NS}/pods/nope/crash`)).status).toBe(404);
  });

  it('makes a container unhealthy (gateway disconnected, failing, hanging) and recovers', async () => {
    expect(
      (await post('eu-1', `/sim/v1/namespaces/${NS}/pods/coreapp-0/faults`, { gatewayDisconnected: true }))
        .status,
    ).toBe(200);
    await until(
      'gateway disconnected',
      async () => (await health('eu-1')).body?.health?.gateway_status === 'disconnected',
    );
    expect(sim.network.holder(NUMBER)).toBeUndefined();
    const state = (await (
      await fetch(`${url('eu-1')}/sim/v1/namespaces/${NS}/pods/coreapp-0`)
    ).json()) as any;
    expect(state.containers[0]).toMatchObject({
      name: 'coreapp',
      kind: 'coreapp',
      running: true,
      faults: { gatewayDisconnected: true },
      number: NUMBER,
      gatewayStatus: 'disconnected',
    });
    expect((await del('eu-1', `/sim/v1/namespaces/${NS}/pods/coreapp-0/faults`)).status).toBe(200);
    await until(
      'reconnected',
      async () => (await health('eu-1')).body?.health?.gateway_status === 'connected',
    );

    const web = (eu1.store.list('pods', { namespace: NS, labelSelector: 'app=webapp' }).items[0] as any)
      .metadata.name as string;
    await post('eu-1', `/sim/v1/namespaces/${NS}/pods/${web}/faults`, { health: 'failing' });
    await until('webapp not ready, no endpoints', async () => (await health('eu-1')).status === 503);
    expect((await health('eu-1')).body.message).toBe('no endpoints available for service "webapp"');
    await post('eu-1', `/sim/v1/namespaces/${NS}/pods/${web}/faults`, { health: 'hanging' });
    const hung = await fetch(`${url('eu-1')}/api/v1/namespaces/${NS}/pods/${web}:443/proxy/v1/health`);
    expect(hung.status).toBe(504);
    await del('eu-1', `/sim/v1/namespaces/${NS}/pods/${web}/faults`);
    await until('webapp ready again', async () => (await health('eu-1')).status === 200);
  });

  it('fails and recovers a node: pods turn unready and unreachable but are not deleted or replaced', async () => {
    const pod = eu1.pod(NS, 'coreapp-0')!;
    const node = pod.spec.nodeName!;
    expect((await post('eu-1', `/sim/v1/nodes/${node}/fail`)).status).toBe(200);
    await until('node NotReady', () => {
      const n = eu1.store.get('nodes', undefined, node) as any;
      return n.status.conditions.find((c: any) => c.type === 'Ready').status === 'Unknown';
    });
    await until('pod unready', () => !ready(eu1, 'coreapp-0'));
    const proxied = await fetch(`${url('eu-1')}/api/v1/namespaces/${NS}/pods/coreapp-0/proxy/v1/health`);
    expect(proxied.status).toBe(503);
    expect(((await proxied.json()) as any).message).toContain('no route to host');
    await until('whatsapp dropped the dead connection', () => sim.network.holder(NUMBER) === undefined);
    await until(
      'evicted pod stays Terminating',
      () => eu1.pod(NS, 'coreapp-0')?.metadata.deletionTimestamp !== undefined,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(eu1.pod(NS, 'coreapp-0')?.metadata.uid).toBe(pod.metadata.uid);
    expect((await post('eu-1', `/sim/v1/nodes/${node}/recover`)).status).toBe(200);
    await until('replaced after the old object is gone', () => {
      const p = eu1.pod(NS, 'coreapp-0');
      return !!p && p.metadata.uid !== pod.metadata.uid && ready(eu1, 'coreapp-0');
    });
    await until('connected again', () => sim.network.holder(NUMBER)?.cluster === 'eu-1');
    expect(sim.network.violationCount()).toBe(1);
  });

  it('fails and recovers a zone', async () => {
    const res = await post('eu-2', '/sim/v1/zones/c/fail');
    expect(await res.json()).toEqual({
      zone: 'c',
      nodes: ['eu-2-c-1', 'eu-2-c-2'],
      down: true,
      mode: 'down',
    });
    await until('all NotReady', () =>
      (eu2.store.list('nodes').items as any[]).every(
        (n) => n.status.conditions.find((c: any) => c.type === 'Ready').status === 'Unknown',
      ),
    );
    expect((await post('eu-2', '/sim/v1/zones/c/recover')).status).toBe(200);
    await until('all Ready', () =>
      (eu2.store.list('nodes').items as any[]).every(
        (n) => n.status.conditions.find((c: any) => c.type === 'Ready').status === 'True',
      ),
    );
    expect((await post('eu-2', '/sim/v1/zones/zz/fail')).status).toBe(404);
  });

  it('partitions a cluster: clients outside are cut off, its pods lose WhatsApp, healing restores both', async () => {
    expect((await post('eu-1', '/sim/v1/partition')).status).toBe(200);
    await expect(fetch(`${url('eu-1')}/api/v1/namespaces`)).rejects.toThrow();
    await expect(health('eu-1')).rejects.toThrow();
    const info = (await (await fetch(`${url('eu-1')}/sim/v1/cluster`)).json()) as any;
    expect(info.partitioned).toBe(true);
    await until('connection dropped by WhatsApp', () => sim.network.holder(NUMBER) === undefined);
    expect((await fetch(`${url('eu-2')}/api/v1/namespaces`)).status).toBe(200);
    expect((await del('eu-1', '/sim/v1/partition')).status).toBe(200);
    expect((await fetch(`${url('eu-1')}/api/v1/namespaces`)).status).toBe(200);
    await until(
      'reconnected after heal',
      async () => (await health('eu-1')).body?.health?.gateway_status === 'connected',
    );
  });

  it('injects API errors and latency per verb and resource', async () => {
    const rule = (await (
      await post('eu-2', '/sim/v1/api-faults', { verb: 'list', resource: 'pods', errors: [500] })
    ).json()) as any;
    const failed = await fetch(`${url('eu-2')}/api/v1/pods`);
    expect(failed.status).toBe(500);
    expect(((await failed.json()) as any).reason).toBe('InternalError');
    expect((await fetch(`${url('eu-2')}/api/v1/namespaces`)).status).toBe(200);
    await del('eu-2', `/sim/v1/api-faults/${rule.id}`);
    expect((await fetch(`${url('eu-2')}/api/v1/pods`)).status).toBe(200);

    await post('eu-2', '/sim/v1/api-faults', { resource: 'namespaces', errors: [429], count: 1 });
    const limited = await fetch(`${url('eu-2')}/api/v1/namespaces`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect((await fetch(`${url('eu-2')}/api/v1/namespaces`)).status).toBe(200);

    await post('eu-2', '/sim/v1/api-faults', { verb: 'get', errors: [409], errorRate: 1 });
    expect((await fetch(`${url('eu-2')}/api/v1/namespaces/default`)).status).toBe(409);
    await del('eu-2', '/sim/v1/api-faults');

    await post('eu-2', '/sim/v1/api-faults', { latencyMs: 300 });
    const t0 = Date.now();
    expect((await fetch(`${url('eu-2')}/api/v1/namespaces`)).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    await del('eu-2', '/sim/v1/api-faults');
  });
});
