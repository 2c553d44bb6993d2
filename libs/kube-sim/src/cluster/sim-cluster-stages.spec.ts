import { SimCluster } from './sim-cluster';

const until = async (what: string, check: () => boolean, timeoutMs = 5000) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

const podSpec = (extra: Record<string, unknown> = {}, container: Record<string, unknown> = {}) => ({
  terminationGracePeriodSeconds: 1,
  ...extra,
  containers: [{ name: 'main', image: 'busybox:1', ...container }],
});

describe('SimCluster pod stages and rollout strategies', () => {
  let cluster: SimCluster;
  beforeEach(async () => {
    cluster = new SimCluster({
      name: 'c1',
      region: 'eu',
      zones: ['a', 'b'],
      nodesPerZone: 1,
      timings: { resyncMs: 60_000 },
    });
    await cluster.start();
  });
  afterEach(() => cluster.stop());

  const pods = (selector?: string) =>
    cluster.store.list('pods', { namespace: 'default', labelSelector: selector }).items as any[];
  const events = (name: string) =>
    (cluster.store.list('events', { namespace: 'default' }).items as any[]).filter(
      (e) => e.involvedObject.name === name,
    );

  it('reports ContainerCreating, then Running and Ready, with kubelet events', async () => {
    cluster.store.create('pods', { metadata: { name: 'p' }, spec: podSpec() });
    await until(
      'creating',
      () =>
        (cluster.pod('default', 'p')?.status?.containerStatuses?.[0]?.state.waiting?.reason ?? '') ===
        'ContainerCreating',
    );
    expect(cluster.pod('default', 'p')?.status?.phase).toBe('Pending');
    await until(
      'ready',
      () =>
        cluster.pod('default', 'p')?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True',
    );
    expect(cluster.pod('default', 'p')?.status?.phase).toBe('Running');
    expect(events('p').map((e) => e.reason)).toEqual(['Scheduled', 'Pulled', 'Created', 'Started']);
  });

  it('fails container config when a referenced secret is missing, and starts once it exists', async () => {
    cluster.store.create('pods', {
      metadata: { name: 'cfg' },
      spec: podSpec({}, { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'nope', key: 'k' } } }] }),
    });
    await until(
      'config error',
      () =>
        cluster.pod('default', 'cfg')?.status?.containerStatuses?.[0]?.state.waiting?.reason ===
        'CreateContainerConfigError',
    );
    expect(
      events('cfg').some((e) => e.reason === 'Failed' && e.message === 'Error: secret "nope" not found'),
    ).toBe(true);
    cluster.store.create('secrets', { metadata: { name: 'nope' }, stringData: { k: 'v' } });
    await until('running', () => cluster.pod('default', 'cfg')?.status?.phase === 'Running');
  });

  it('restarts on liveness failure and marks restartPolicy Never pods Failed on crash', async () => {
    cluster.store.create('pods', {
      metadata: { name: 'live' },
      spec: podSpec(
        {},
        {
          image: 'whatsapp/web:1',
          livenessProbe: { httpGet: { path: '/v1/health', port: 443 }, failureThreshold: 1 },
        },
      ),
    });
    await until('running', () => cluster.pod('default', 'live')?.status?.phase === 'Running');
    cluster.setFaults('default', 'live', { health: { mode: 'failing', scope: 'health' } });
    await until(
      'restarted',
      () => (cluster.pod('default', 'live')?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1,
    );
    expect(
      events('live').some((e) => e.reason === 'Killing' && e.message.includes('failed liveness probe')),
    ).toBe(true);

    cluster.store.create('pods', { metadata: { name: 'once' }, spec: podSpec({ restartPolicy: 'Never' }) });
    await until('running', () => cluster.pod('default', 'once')?.status?.phase === 'Running');
    cluster.crash('default', 'once');
    await until('failed', () => cluster.pod('default', 'once')?.status?.phase === 'Failed');
    expect(cluster.pod('default', 'once')?.status?.containerStatuses?.[0]?.state.terminated?.exitCode).toBe(
      1,
    );
  });

  it('leaves pods Pending with FailedScheduling when every node is down', async () => {
    for (const n of cluster.nodeNames) cluster.failNode(n);
    await until('nodes NotReady', () =>
      (cluster.store.list('nodes').items as any[]).every(
        (n) => n.status.conditions.find((c: any) => c.type === 'Ready').status !== 'True',
      ),
    );
    cluster.store.create('pods', { metadata: { name: 'stuck' }, spec: podSpec() });
    await until(
      'unschedulable',
      () =>
        cluster.pod('default', 'stuck')?.status?.conditions?.find((c) => c.type === 'PodScheduled')
          ?.reason === 'Unschedulable',
    );
    const msg =
      cluster.pod('default', 'stuck')?.status?.conditions?.find((c) => c.type === 'PodScheduled')?.message ??
      '';
    expect(msg).toMatch(
      /^0\/2 nodes are available: 2 node\(s\) had untolerated taint \{node.kubernetes.io\/unreachable: \}/,
    );
    cluster.recoverNode(cluster.nodeNames[0]!);
    await until('scheduled after recovery', () => !!cluster.pod('default', 'stuck')?.spec.nodeName);
  });

  it('Recreate starts new pods only after every old pod is gone', async () => {
    cluster.store.create('deployments', {
      metadata: { name: 'rc' },
      spec: {
        replicas: 2,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { app: 'rc' } },
        template: {
          metadata: { labels: { app: 'rc' } },
          spec: podSpec({ terminationGracePeriodSeconds: 30 }),
        },
      },
    });
    await until(
      'available',
      () => (cluster.store.get('deployments', 'default', 'rc') as any).status?.availableReplicas === 2,
    );
    let mixed = false;
    const w = cluster.store.watch('pods', { namespace: 'default', labelSelector: 'app=rc' }, () => {
      const images = new Set(pods('app=rc').map((p) => p.spec.containers[0].image));
      if (images.size > 1) mixed = true;
    });
    cluster.store.patch('deployments', 'default', 'rc', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'main', image: 'busybox:2' }] } } },
    });
    await until('rolled', () => {
      const s = (cluster.store.get('deployments', 'default', 'rc') as any).status;
      return (
        s.observedGeneration === 2 && s.updatedReplicas === 2 && s.availableReplicas === 2 && s.replicas === 2
      );
    });
    w.stop();
    expect(mixed).toBe(false);
  });

  it('RollingUpdate with maxUnavailable 0 never drops below the desired available count', async () => {
    cluster.store.create('deployments', {
      metadata: { name: 'ru' },
      spec: {
        replicas: 3,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        selector: { matchLabels: { app: 'ru' } },
        template: { metadata: { labels: { app: 'ru' } }, spec: podSpec() },
      },
    });
    const ready = () =>
      pods('app=ru').filter(
        (p) =>
          !p.metadata.deletionTimestamp &&
          p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'),
      ).length;
    await until(
      'available',
      () => (cluster.store.get('deployments', 'default', 'ru') as any).status?.availableReplicas === 3,
    );
    let minReady = 3;
    let maxPods = 0;
    const w = cluster.store.watch('pods', { namespace: 'default', labelSelector: 'app=ru' }, () => {
      minReady = Math.min(minReady, ready());
      maxPods = Math.max(maxPods, pods('app=ru').filter((p) => !p.metadata.deletionTimestamp).length);
    });
    cluster.store.patch('deployments', 'default', 'ru', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'main', image: 'busybox:2' }] } } },
    });
    await until('rolled', () => {
      const s = (cluster.store.get('deployments', 'default', 'ru') as any).status;
      return (
        s.observedGeneration === 2 && s.updatedReplicas === 3 && s.availableReplicas === 3 && s.replicas === 3
      );
    });
    w.stop();
    expect(minReady).toBe(3);
    expect(maxPods).toBeLessThanOrEqual(4);
  });

  it('keeps endpoints of ready pods and binds claims', async () => {
    cluster.store.create('persistentvolumeclaims', {
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } },
    });
    cluster.store.create('services', {
      metadata: { name: 's' },
      spec: { selector: { app: 's' }, ports: [{ port: 80 }] },
    });
    cluster.store.create('pods', {
      metadata: { name: 's1', labels: { app: 's' } },
      spec: { ...podSpec(), volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] },
    });
    await until(
      'bound',
      () => (cluster.store.get('persistentvolumeclaims', 'default', 'data') as any).status?.phase === 'Bound',
    );
    expect((cluster.store.get('persistentvolumeclaims', 'default', 'data') as any).status.capacity).toEqual({
      storage: '2Gi',
    });
    await until(
      'endpoint',
      () => (cluster.store.find('endpoints', 'default', 's') as any)?.subsets?.[0]?.addresses?.length === 1,
    );
    const ep = cluster.store.get('endpoints', 'default', 's') as any;
    expect(ep.subsets[0].addresses[0].targetRef.name).toBe('s1');
    expect(ep.subsets[0].ports).toEqual([{ port: 80, protocol: 'TCP' }]);
  });
});

describe('SimCluster node loss with a Deployment', () => {
  it('replaces evicted pods elsewhere while the lost ones stay Terminating until the node returns', async () => {
    const cluster = new SimCluster({
      name: 'c2',
      region: 'eu',
      zones: ['a', 'b'],
      nodesPerZone: 1,
      timings: { nodeMonitorGraceMs: 50, podEvictionMs: 100 },
    });
    await cluster.start();
    try {
      cluster.store.create('deployments', {
        metadata: { name: 'web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: podSpec() },
        },
      });
      const deploy = () => cluster.store.get('deployments', 'default', 'web') as any;
      await until('available', () => deploy().status?.availableReplicas === 2);
      const lost = cluster.nodeNames[0]!;
      const onLost = (cluster.store.list('pods', { namespace: 'default' }).items as any[]).filter(
        (p) => p.spec.nodeName === lost,
      );
      expect(onLost).toHaveLength(1);
      cluster.failNode(lost);
      await until('unavailable', () => deploy().status?.availableReplicas === 1);
      await until('replacement ready', () => deploy().status?.availableReplicas === 2);
      const all = cluster.store.list('pods', { namespace: 'default' }).items as any[];
      expect(all).toHaveLength(3);
      expect(
        all.find((p) => p.metadata.uid === onLost[0].metadata.uid)?.metadata.deletionTimestamp,
      ).toBeDefined();
      cluster.recoverNode(lost);
      await until(
        'lost pod finalized',
        () => (cluster.store.list('pods', { namespace: 'default' }).items as any[]).length === 2,
      );
    } finally {
      cluster.stop();
    }
  });
});

describe('SimCluster node reboot', () => {
  it('restarts containers and their probes when a lost node comes back before eviction', async () => {
    const cluster = new SimCluster({
      name: 'c3',
      region: 'eu',
      zones: ['a'],
      nodesPerZone: 1,
      timings: { nodeMonitorGraceMs: 50 },
    });
    await cluster.start();
    try {
      cluster.store.create('pods', {
        metadata: { name: 'web' },
        spec: podSpec(
          {},
          { image: 'whatsapp/web:1', readinessProbe: { httpGet: { path: '/v1/health', port: 443 } } },
        ),
      });
      const readyStatus = () =>
        cluster.pod('default', 'web')?.status?.conditions?.find((c) => c.type === 'Ready');
      await until('ready', () => readyStatus()?.status === 'True');
      cluster.failNode(cluster.nodeNames[0]!);
      await until(
        'not ready',
        () => readyStatus()?.status === 'False' && readyStatus()?.reason === 'NodeNotReady',
      );
      cluster.recoverNode(cluster.nodeNames[0]!);
      await until('ready again', () => readyStatus()?.status === 'True');
      expect(cluster.pod('default', 'web')?.status?.containerStatuses?.[0]?.restartCount).toBe(1);
    } finally {
      cluster.stop();
    }
  });
});

describe('SimCluster graceful termination', () => {
  it('a CoreApp that ignores SIGTERM holds its number until SIGKILL at the end of the grace period', async () => {
    const cluster = new SimCluster({
      name: 'c4',
      region: 'eu',
      zones: ['a'],
      nodesPerZone: 1,
      timings: { timeScale: 0.1 },
    });
    await cluster.start();
    try {
      cluster.store.create('pods', {
        metadata: { name: 'core' },
        spec: podSpec(
          { terminationGracePeriodSeconds: 3 },
          { image: 'whatsapp/coreapp:1', env: [{ name: 'WA_PHONE_NUMBER', value: '+1' }] },
        ),
      });
      await until('connected', () => cluster.network.holder('+1') !== undefined);
      cluster.setFaults('default', 'core', { ignoreSigterm: true });
      const t0 = Date.now();
      cluster.store.delete('pods', 'default', 'core');
      await new Promise((r) => setTimeout(r, 150));
      expect(cluster.network.holder('+1')?.pod).toBe('core');
      await until('pod gone', () => cluster.pod('default', 'core') === undefined);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
      expect(cluster.network.connections()).toEqual([]);
    } finally {
      cluster.stop();
    }
  });
});
