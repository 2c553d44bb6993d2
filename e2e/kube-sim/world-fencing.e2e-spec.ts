import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { startSimulation, type SimCluster, type Simulation } from '@bsp/kube-sim';

const until = async (what: string, check: () => boolean, timeoutMs = 10_000) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** One number's CoreApp, optionally with a fencing sidecar watching lease `wa-lease`. */
function coreApp(cluster: SimCluster, ns: string, number: string, epoch: string, withAgent: boolean) {
  cluster.store.create('namespaces', { metadata: { name: ns } });
  const containers: Record<string, unknown>[] = [
    {
      name: 'coreapp',
      image: 'whatsapp/coreapp:v2',
      env: [
        { name: 'WA_PHONE_NUMBER', value: number },
        { name: 'WA_FENCING_EPOCH', value: epoch },
      ],
    },
  ];
  if (withAgent) {
    containers.push({
      name: 'fencing-agent',
      image: 'bsp/fencing-agent:v1',
      env: [
        { name: 'FENCE_LEASE_NAME', value: 'wa-lease' },
        { name: 'WA_FENCING_EPOCH', value: epoch },
      ],
    });
  }
  cluster.store.create('statefulsets', {
    metadata: { name: 'coreapp', namespace: ns },
    spec: {
      replicas: 1,
      serviceName: 'coreapp',
      selector: { matchLabels: { app: 'coreapp' } },
      template: { metadata: { labels: { app: 'coreapp' } }, spec: { containers } },
    },
  });
}

/** The control plane's lease endpoint as the agent sees it: grants while `granting`, records what it receives. */
async function leaseEndpoint(leaseDurationMs: number, renewIntervalMs: number) {
  const received: { at: number; authorization?: string; body: Record<string, unknown> }[] = [];
  const state = { granting: true, lastGrantAt: 0 };
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const at = Date.now();
      received.push({ at, authorization: req.headers.authorization, body: JSON.parse(text) });
      if (!state.granting) {
        res.writeHead(409, { 'content-type': 'application/problem+json' });
        res.end(JSON.stringify({ status: 409, code: 'lease_not_active' }));
        return;
      }
      state.lastGrantAt = at;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ granted: true, leaseDurationMs, renewIntervalMs }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/internal/v1/leases/renew`;
  const close = () => new Promise((r) => (server.closeAllConnections(), server.close(r)));
  return { url, received, state, close };
}

function renew(cluster: SimCluster, ns: string, epoch: string, durationSeconds = 1) {
  const lease = {
    metadata: { name: 'wa-lease', namespace: ns, annotations: { 'bsp.io/fencing-epoch': epoch } },
    spec: {
      holderIdentity: cluster.name,
      leaseDurationSeconds: durationSeconds,
      renewTime: new Date().toISOString().replace('Z', '000Z'),
    },
  };
  const current = cluster.store.find('leases', ns, 'wa-lease');
  if (current)
    cluster.store.update('leases', {
      ...lease,
      metadata: { ...lease.metadata, resourceVersion: current.metadata!.resourceVersion },
    });
  else cluster.store.create('leases', lease);
}

describe('partition and failover, judged by the WhatsApp network', () => {
  let sim: Simulation;
  let eu1: SimCluster;
  let eu2: SimCluster;

  beforeAll(async () => {
    sim = await startSimulation({
      clusters: [
        { name: 'eu-1', region: 'eu-central', zones: ['a'], nodesPerZone: 2 },
        { name: 'eu-2', region: 'eu-central', zones: ['b'], nodesPerZone: 1 },
      ],
      timings: { connectionDropMs: 200 },
    });
    eu1 = sim.cluster('eu-1');
    eu2 = sim.cluster('eu-2');
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('without fencing, a partitioned instance comes back and kicks the promoted one: a violation', async () => {
    const ns = 'wa-unfenced';
    const number = '+4911100000001';
    coreApp(eu1, ns, number, '1', false);
    await until('eu-1 connected', () => sim.network.holder(number)?.cluster === 'eu-1');
    sim.partition('eu-1', true);
    await until('dropped by WhatsApp', () => sim.network.holder(number) === undefined);
    coreApp(eu2, ns, number, '2', false);
    await until('eu-2 connected', () => sim.network.holder(number)?.cluster === 'eu-2');
    expect(sim.network.violations().filter((v) => v.number === number)).toHaveLength(0);
    sim.partition('eu-1', false);
    await until('eu-1 took the number back', () => sim.network.holder(number)?.cluster === 'eu-1');
    const [v] = sim.network.violations().filter((x) => x.number === number);
    expect(v?.clusters).toEqual(['eu-2', 'eu-1']);
    expect(v?.instances.map((i) => i.epoch)).toEqual(['2', '1']);
  });

  it('with a fencing agent and a lease the control plane stops renewing, failover is clean', async () => {
    const ns = 'wa-fenced';
    const number = '+4911100000002';
    coreApp(eu1, ns, number, '1', true);
    renew(eu1, ns, '1');
    const renewer = setInterval(() => renew(eu1, ns, '1'), 100);
    await until('eu-1 connected', () => sim.network.holder(number)?.cluster === 'eu-1');
    // The control plane loses eu-1: it can no longer renew the lease there.
    sim.partition('eu-1', true);
    clearInterval(renewer);
    const lostAt = Date.now();
    await until(
      'fenced inside eu-1',
      () => (sim.cluster('eu-1').process(ns, 'coreapp-0') as any)?.fenced !== undefined,
    );
    // Wait out lease duration plus WhatsApp's drop time before promoting elsewhere.
    await new Promise((r) => setTimeout(r, Math.max(0, 1000 + 200 + 100 - (Date.now() - lostAt))));
    expect(sim.network.holder(number)).toBeUndefined();
    coreApp(eu2, ns, number, '2', true);
    renew(eu2, ns, '2');
    const renewer2 = setInterval(() => renew(eu2, ns, '2'), 100);
    try {
      await until('eu-2 connected', () => sim.network.holder(number)?.cluster === 'eu-2');
      sim.partition('eu-1', false);
      await new Promise((r) => setTimeout(r, 300));
      expect(sim.network.holder(number)?.cluster).toBe('eu-2');
      expect(sim.network.violations().filter((v) => v.number === number)).toEqual([]);
      const log = await (
        await fetch(`${sim.clusters[0]!.url}/api/v1/namespaces/${ns}/pods/coreapp-0/log?container=coreapp`)
      ).text();
      expect(log).toMatch(/fenced: lease wa-fenced\/wa-lease expired at/);
    } finally {
      clearInterval(renewer2);
    }
  });

  it('an agent renewing with the control plane over HTTP fences its partitioned CoreApp after the lease duration', async () => {
    const ns = 'wa-cp-lease';
    const number = '+4911100000005';
    const placementId = '6f1d2c3b-4a59-4e8f-9b7a-0c1d2e3f4a5b';
    const token = 'pod-set-token-5f2e9a';
    const leaseMs = 600;
    const endpoint = await leaseEndpoint(leaseMs, 150);
    try {
      endpoint.state.granting = false;
      eu1.store.create('namespaces', { metadata: { name: ns } });
      eu1.store.create('secrets', {
        metadata: { name: 'fencing', namespace: ns },
        stringData: { token },
      });
      eu1.store.create('statefulsets', {
        metadata: { name: 'coreapp', namespace: ns },
        spec: {
          replicas: 1,
          serviceName: 'coreapp',
          selector: { matchLabels: { app: 'coreapp' } },
          template: {
            metadata: { labels: { app: 'coreapp' } },
            spec: {
              containers: [
                {
                  name: 'coreapp',
                  image: 'whatsapp/coreapp:v2',
                  env: [
                    { name: 'WA_PHONE_NUMBER', value: number },
                    { name: 'BSP_FENCING_EPOCH', value: '3' },
                  ],
                },
                {
                  name: 'fencing-agent',
                  image: 'bsp/fencing-agent:v1',
                  env: [
                    { name: 'FENCE_LEASE_URL', value: endpoint.url },
                    {
                      name: 'FENCE_LEASE_TOKEN',
                      valueFrom: { secretKeyRef: { name: 'fencing', key: 'token' } },
                    },
                    { name: 'BSP_PLACEMENT_ID', value: placementId },
                    { name: 'BSP_FENCING_EPOCH', value: '3' },
                    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                    { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                  ],
                },
              ],
            },
          },
        },
      });
      const core = () => eu1.process(ns, 'coreapp-0', 'coreapp') as { fenced?: string } | undefined;
      // Refused until the control plane activates the lease: the CoreApp must stay off WhatsApp.
      await until('refused twice', () => endpoint.received.length >= 2);
      expect(core()?.fenced).toMatch(/^(no lease granted yet|lease refused: lease_not_active)$/);
      expect(sim.network.holder(number)).toBeUndefined();
      endpoint.state.granting = true;
      await until('eu-1 connected', () => sim.network.holder(number)?.cluster === 'eu-1');
      expect(endpoint.received[0]).toMatchObject({
        authorization: `Bearer ${token}`,
        body: { placementId, epoch: '3', pod: 'coreapp-0', namespace: ns },
      });

      sim.partition('eu-1', true);
      const partitionedAt = Date.now();
      const lastGrant = endpoint.state.lastGrantAt;
      const heard = endpoint.received.length;
      await until('fenced after the lease', () => core()?.fenced !== undefined, 5000);
      expect(Date.now() - lastGrant).toBeGreaterThanOrEqual(leaseMs - 50);
      expect(core()?.fenced).toMatch(/^lease expired: could not renew since /);
      expect(endpoint.received.filter((r) => r.at > partitionedAt + 20)).toHaveLength(0);
      expect(endpoint.received.length - heard).toBeLessThanOrEqual(1);
      await new Promise((r) => setTimeout(r, 250));
      expect(sim.network.holder(number)).toBeUndefined();

      sim.partition('eu-1', false);
      await until('eu-1 reconnected after a grant', () => sim.network.holder(number)?.cluster === 'eu-1');
      expect(core()?.fenced).toBeUndefined();
      expect(sim.network.violations().filter((v) => v.number === number)).toEqual([]);
      const log = await (
        await fetch(
          `${sim.clusters[0]!.url}/api/v1/namespaces/${ns}/pods/coreapp-0/log?container=fencing-agent`,
        )
      ).text();
      expect(log).toMatch(/fencing: lease expired: could not renew since/);
      expect(log).toMatch(/lease renewal failed: network is unreachable/);
      expect(log.match(/lease granted \(valid \d+ ms\)/g)).toHaveLength(2);
      expect(log).not.toContain(token);
    } finally {
      await endpoint.close();
    }
  });

  it('an isolated node keeps running its CoreApp: force-deleting it without fencing gives a violation', async () => {
    const ns = 'wa-isolated-unfenced';
    const number = '+4911100000003';
    coreApp(eu1, ns, number, '1', false);
    await until('connected', () => sim.network.holder(number)?.cluster === 'eu-1');
    const old = eu1.pod(ns, 'coreapp-0')!;
    eu1.failNode(old.spec.nodeName!, 'isolated');
    await until(
      'pod not ready',
      () => eu1.pod(ns, 'coreapp-0')?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'False',
    );
    expect(sim.network.holder(number)?.podUid).toBe(old.metadata.uid);
    eu1.store.delete('pods', ns, 'coreapp-0', { gracePeriodSeconds: 0 });
    await until('replacement connected', () => {
      const h = sim.network.holder(number);
      return h !== undefined && h.podUid !== old.metadata.uid;
    });
    expect(sim.network.violations().filter((v) => v.number === number)).toHaveLength(1);
    eu1.recoverNode(old.spec.nodeName!);
    await until(
      'old process killed once the node is back',
      () => sim.network.connections().filter((c) => c.number === number).length === 1,
    );
  });

  it('an isolated node fences its CoreApp by the lease it can no longer read; then replacing it is clean', async () => {
    const ns = 'wa-isolated-fenced';
    const number = '+4911100000004';
    coreApp(eu1, ns, number, '5', true);
    renew(eu1, ns, '5');
    const renewer = setInterval(() => renew(eu1, ns, '5'), 100);
    try {
      await until('connected', () => sim.network.holder(number)?.cluster === 'eu-1');
      const old = eu1.pod(ns, 'coreapp-0')!;
      eu1.failNode(old.spec.nodeName!, 'isolated');
      // The control plane keeps renewing, but the isolated agent cannot see it and lets the lease lapse.
      await until(
        'fenced on the isolated node',
        () => (eu1.process(ns, 'coreapp-0') as any)?.fenced !== undefined,
        5000,
      );
      await new Promise((r) => setTimeout(r, 250));
      expect(sim.network.holder(number)).toBeUndefined();
      eu1.store.delete('pods', ns, 'coreapp-0', { gracePeriodSeconds: 0 });
      await until('replacement connected', () => {
        const h = sim.network.holder(number);
        return h !== undefined && h.podUid !== old.metadata.uid;
      });
      eu1.recoverNode(old.spec.nodeName!);
      await new Promise((r) => setTimeout(r, 200));
      expect(sim.network.violations().filter((v) => v.number === number)).toEqual([]);
    } finally {
      clearInterval(renewer);
    }
  });
});
