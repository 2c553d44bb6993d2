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
