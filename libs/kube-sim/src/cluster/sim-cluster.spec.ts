import { SimCluster } from './sim-cluster';

const until = async (what: string, check: () => boolean, timeoutMs = 5000) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

const deployment = (image = 'nginx:1.27', replicas = 2) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
  },
});

describe('SimCluster controllers', () => {
  let cluster: SimCluster;
  beforeEach(async () => {
    cluster = new SimCluster({ name: 'c1', region: 'eu', zones: ['a', 'b'], timings: 'instant' });
    await cluster.start();
  });
  afterEach(() => cluster.stop());

  const pods = () => cluster.store.list('pods', { namespace: 'default' }).items as any[];
  const deploy = () => cluster.store.get('deployments', 'default', 'web') as any;

  it('rolls a deployment out to Available and spreads pods across zones', async () => {
    cluster.store.create('deployments', deployment());
    await until(
      'available',
      () => deploy().status?.availableReplicas === 2 && deploy().status?.updatedReplicas === 2,
    );
    const d = deploy();
    expect(d.status.observedGeneration).toBe(1);
    expect(d.status.conditions.map((c: any) => [c.type, c.status, c.reason])).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable'],
      ['Progressing', 'True', 'NewReplicaSetAvailable'],
    ]);
    const zones = pods().map((p) => cluster.zoneOf(p.spec.nodeName));
    expect(new Set(zones)).toEqual(new Set(['a', 'b']));
    expect(pods().every((p) => p.status.phase === 'Running' && p.status.podIP)).toBe(true);

    cluster.store.patch('deployments', 'default', 'web', 'merge', {
      spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } },
    });
    await until('rolled', () => {
      const s = deploy().status;
      return (
        s.observedGeneration === 2 && s.updatedReplicas === 2 && s.replicas === 2 && s.availableReplicas === 2
      );
    });
    await until('old pods gone', () => pods().length === 2);
    expect(pods().every((p) => p.spec.containers[0].image === 'nginx:1.28')).toBe(true);
    const rs = cluster.store.list('replicasets', { namespace: 'default' }).items as any[];
    expect(rs).toHaveLength(2);
    expect(rs.map((r) => r.metadata.annotations['deployment.kubernetes.io/revision']).sort()).toEqual([
      '1',
      '2',
    ]);
  });

  it('keeps at most one pod per StatefulSet identity across deletes and node failure', async () => {
    cluster.store.create('statefulsets', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'core', namespace: 'default' },
      spec: {
        replicas: 1,
        serviceName: 'core',
        selector: { matchLabels: { app: 'core' } },
        template: {
          metadata: { labels: { app: 'core' } },
          spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox' }] },
        },
      },
    });
    let maxSeen = 0;
    const uids = new Set<string>();
    const w = cluster.store.watch('pods', { namespace: 'default' }, () => {
      const live = pods().filter((p) => p.metadata.name === 'core-0');
      maxSeen = Math.max(maxSeen, live.length);
      for (const p of live) uids.add(p.metadata.uid);
    });
    await until(
      'ready',
      () => (cluster.store.get('statefulsets', 'default', 'core') as any).status?.readyReplicas === 1,
    );
    const first = cluster.pod('default', 'core-0')!;
    cluster.store.delete('pods', 'default', 'core-0');
    await until('replaced', () => {
      const p = cluster.pod('default', 'core-0');
      return (
        !!p &&
        p.metadata.uid !== first.metadata.uid &&
        p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true
      );
    });
    const second = cluster.pod('default', 'core-0')!;
    cluster.failNode(second.spec.nodeName!);
    await until(
      'not ready',
      () =>
        cluster.pod('default', 'core-0')?.status?.conditions?.find((c) => c.type === 'Ready')?.status ===
        'False',
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(cluster.pod('default', 'core-0')?.metadata.uid).toBe(second.metadata.uid);
    cluster.recoverNode(second.spec.nodeName!);
    await until(
      'ready again',
      () =>
        cluster.pod('default', 'core-0')?.status?.conditions?.find((c) => c.type === 'Ready')?.status ===
        'True',
    );
    expect(cluster.pod('default', 'core-0')?.status?.containerStatuses?.[0]?.restartCount).toBe(1);
    w.stop();
    expect(maxSeen).toBe(1);
    expect(uids.size).toBe(2);
  });
});
