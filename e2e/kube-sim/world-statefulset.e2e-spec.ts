import { startSimulation, type SimCluster, type Simulation } from '@bsp/kube-sim';

const NS = 'wa-4930000000002';
const NUMBER = '+4930000000002';

const until = async (what: string, check: () => boolean, timeoutMs = 10_000) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('StatefulSet identity: at most one pod and one WhatsApp connection per identity', () => {
  let sim: Simulation;
  let cluster: SimCluster;
  let maxPods = 0;
  let maxConnections = 0;
  const uids = new Set<string>();
  let stopWatch: () => void;

  const current = () => cluster.pod(NS, 'coreapp-0');
  const isReady = () =>
    current()?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
  const readyAndConnected = () => isReady() && sim.network.holder(NUMBER)?.podUid === current()?.metadata.uid;

  beforeAll(async () => {
    sim = await startSimulation({
      clusters: [{ name: 'de-1', region: 'eu-central', zones: ['a', 'b'], nodesPerZone: 1 }],
      timings: { nodeMonitorGraceMs: 50, podEvictionMs: 200, connectionDropMs: 200, shutdownMs: 50 },
    });
    cluster = sim.cluster('de-1');
    const observe = () => {
      const pods = cluster.store
        .list('pods', { namespace: NS })
        .items.filter((p) => p.metadata?.name === 'coreapp-0');
      maxPods = Math.max(maxPods, pods.length);
      for (const p of pods) uids.add(p.metadata!.uid!);
      maxConnections = Math.max(
        maxConnections,
        sim.network.connections().filter((c) => c.number === NUMBER).length,
      );
    };
    const w = cluster.store.watch('pods', { namespace: NS }, observe);
    sim.network.on('change', observe);
    stopWatch = () => {
      w.stop();
      sim.network.off('change', observe);
    };
    cluster.store.create('namespaces', { metadata: { name: NS } });
    cluster.store.create('statefulsets', {
      metadata: { name: 'coreapp', namespace: NS },
      spec: {
        replicas: 1,
        serviceName: 'coreapp',
        selector: { matchLabels: { app: 'coreapp' } },
        template: {
          metadata: { labels: { app: 'coreapp' } },
          spec: {
            terminationGracePeriodSeconds: 10,
            containers: [
              {
                name: 'coreapp',
                image: 'whatsapp/coreapp:v1',
                env: [{ name: 'WA_PHONE_NUMBER', value: NUMBER }],
              },
            ],
          },
        },
      },
    });
    await until('first pod ready and connected', readyAndConnected);
  });

  afterAll(async () => {
    stopWatch?.();
    await sim?.stop();
  });

  it('survives deletes', async () => {
    for (let i = 0; i < 3; i++) {
      const uid = current()!.metadata.uid;
      cluster.store.delete('pods', NS, 'coreapp-0');
      await until('replaced', () => current()?.metadata.uid !== uid && readyAndConnected());
    }
  });

  it('survives rollouts', async () => {
    for (const tag of ['v2', 'v3']) {
      cluster.store.patch('statefulsets', NS, 'coreapp', 'strategic', {
        spec: { template: { spec: { containers: [{ name: 'coreapp', image: `whatsapp/coreapp:${tag}` }] } } },
      });
      await until(
        `rolled to ${tag}`,
        () => current()?.spec.containers[0]?.image === `whatsapp/coreapp:${tag}` && readyAndConnected(),
      );
      const sts = cluster.store.get('statefulsets', NS, 'coreapp') as any;
      await until('status caught up', () => {
        const s = (cluster.store.get('statefulsets', NS, 'coreapp') as any).status;
        return s.currentRevision === s.updateRevision && s.updatedReplicas === 1 && s.readyReplicas === 1;
      });
      expect(sts.metadata.generation).toBeGreaterThan(1);
    }
  });

  it('survives node failure: no replacement while the old pod object exists', async () => {
    const pod = current()!;
    cluster.failNode(pod.spec.nodeName!);
    await until('evicted (Terminating)', () => current()?.metadata.deletionTimestamp !== undefined);
    await new Promise((r) => setTimeout(r, 400));
    expect(current()?.metadata.uid).toBe(pod.metadata.uid);
    // What an operator (or the control plane, after fencing) does: force-delete the lost pod.
    cluster.store.delete('pods', NS, 'coreapp-0', { gracePeriodSeconds: 0 });
    await until(
      'replaced on the other node',
      () => current()?.metadata.uid !== pod.metadata.uid && readyAndConnected(),
    );
    expect(current()!.spec.nodeName).not.toBe(pod.spec.nodeName);
    cluster.recoverNode(pod.spec.nodeName!);
    await new Promise((r) => setTimeout(r, 300));
    expect(readyAndConnected()).toBe(true);
  });

  it('never had two pods or two connections for the identity', () => {
    expect(maxPods).toBe(1);
    expect(maxConnections).toBe(1);
    expect(uids.size).toBeGreaterThanOrEqual(6);
    expect(sim.network.violationCount()).toBe(0);
  });
});
