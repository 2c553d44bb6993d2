import {
  ApiException,
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  type V1ConfigMap,
  type V1Deployment,
} from '@kubernetes/client-node';
import { ObjectStore, startApiServer, type RunningApiServer } from '@bsp/kube-sim';

async function failure(p: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiException) {
      const err = e as ApiException<unknown>;
      return { code: err.code, body: JSON.parse(String(err.body)) as Record<string, unknown> };
    }
    throw e;
  }
  throw new Error('expected the call to fail');
}

async function eventually(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function deployment(name: string, replicas: number): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'conf' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27', env: [{ name: 'A', value: '1' }] }] },
      },
    },
  };
}

describe('kube-sim API server with @kubernetes/client-node 1.4.0', () => {
  let store: ObjectStore;
  let server: RunningApiServer;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let apps: AppsV1Api;

  beforeAll(async () => {
    store = new ObjectStore({ historyLimit: 50 });
    server = await startApiServer(store, { tls: true, token: 't0ken', watchTimeoutSeconds: 1 });
    kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'sim', server: server.url, caData: Buffer.from(server.caCert!).toString('base64') }],
      users: [{ name: 'sim', token: 't0ken' }],
      contexts: [{ name: 'sim', cluster: 'sim', user: 'sim' }],
      currentContext: 'sim',
    });
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: 'conf' } } });
  });

  afterAll(async () => {
    await server.close();
  });

  it('typed API: create, read, list by label, 404/409 Status bodies', async () => {
    const created = await core.createNamespacedConfigMap({
      namespace: 'conf',
      body: { metadata: { name: 'a', labels: { team: 'x' } }, data: { k: 'v' } },
    });
    expect(created.metadata?.uid).toBeDefined();
    await core.createNamespacedConfigMap({
      namespace: 'conf',
      body: { metadata: { name: 'b', labels: { team: 'y' } } },
    });
    const read = await core.readNamespacedConfigMap({ name: 'a', namespace: 'conf' });
    expect(read.data).toEqual({ k: 'v' });
    const list = await core.listNamespacedConfigMap({ namespace: 'conf', labelSelector: 'team in (x)' });
    expect(list.items.map((c) => c.metadata?.name)).toEqual(['a']);
    const missing = await failure(core.readNamespacedConfigMap({ name: 'zz', namespace: 'conf' }));
    expect(missing).toEqual({
      code: 404,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'configmaps "zz" not found',
        reason: 'NotFound',
        details: { name: 'zz', kind: 'configmaps' },
        code: 404,
      },
    });
    const dup = await failure(
      core.createNamespacedConfigMap({ namespace: 'conf', body: { metadata: { name: 'a' } } }),
    );
    expect(dup.code).toBe(409);
    expect(dup.body['reason']).toBe('AlreadyExists');
  });

  it('rejects a stale resourceVersion with 409 Conflict', async () => {
    const cm = await core.readNamespacedConfigMap({ name: 'a', namespace: 'conf' });
    const fresh = await core.replaceNamespacedConfigMap({
      name: 'a',
      namespace: 'conf',
      body: { ...cm, data: { k: 'v2' } },
    });
    expect(Number(fresh.metadata!.resourceVersion)).toBeGreaterThan(Number(cm.metadata!.resourceVersion));
    const stale = await failure(
      core.replaceNamespacedConfigMap({ name: 'a', namespace: 'conf', body: { ...cm, data: { k: 'v3' } } }),
    );
    expect(stale.code).toBe(409);
    expect(stale.body['message']).toBe(
      'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('server-side apply through the typed and the object API', async () => {
    const applied = await apps.patchNamespacedDeployment(
      { name: 'web', namespace: 'conf', body: deployment('web', 2), fieldManager: 'reconciler', force: true },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    );
    expect(applied.spec?.replicas).toBe(2);
    expect(applied.spec?.strategy?.rollingUpdate?.maxSurge).toBe('25%');
    expect(applied.metadata?.managedFields?.[0]).toMatchObject({ manager: 'reconciler', operation: 'Apply' });

    const objects = KubernetesObjectApi.makeApiClient(kc);
    const conflict = await failure(
      objects.patch(
        deployment('web', 5),
        undefined,
        undefined,
        'other',
        false,
        PatchStrategy.ServerSideApply,
      ),
    );
    expect(conflict.code).toBe(409);
    expect(conflict.body['details']).toMatchObject({
      name: 'web',
      group: 'apps',
      kind: 'deployments',
      causes: [
        { reason: 'FieldManagerConflict', message: 'conflict with "reconciler"', field: '.spec.replicas' },
      ],
    });
    const same = await objects.patch(
      deployment('web', 2),
      undefined,
      undefined,
      'reconciler',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect(same.metadata?.resourceVersion).toBe(applied.metadata?.resourceVersion);
    const env = deployment('web', 2);
    env.spec!.template.spec!.containers[0]!.env = [];
    const dropped = await objects.patch<V1Deployment>(
      env,
      undefined,
      undefined,
      'reconciler',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect(dropped.spec?.template.spec?.containers[0]?.env).toBeUndefined();
    expect(dropped.metadata?.generation).toBe(2);
    const read = await objects.read<V1Deployment>({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'conf' },
    });
    expect(read.spec?.replicas).toBe(2);
    const listed = await objects.list('apps/v1', 'Deployment', 'conf');
    expect(listed.items.map((d) => d.metadata?.name)).toEqual(['web']);
    const dry = await objects.patch(
      deployment('web', 9),
      undefined,
      'All',
      'reconciler',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect(dry.spec?.replicas).toBe(9);
    expect((await apps.readNamespacedDeployment({ name: 'web', namespace: 'conf' })).spec?.replicas).toBe(2);
  });

  it('informer relists after its watch resourceVersion expires (410)', async () => {
    let lists = 0;
    const informer = makeInformer<V1ConfigMap>(kc, '/api/v1/namespaces/conf/configmaps', () => {
      lists++;
      return core.listNamespacedConfigMap({ namespace: 'conf' });
    });
    const errors: unknown[] = [];
    informer.on('error', (e) => errors.push(e));
    await informer.start();
    await eventually(() => informer.list().length === 2, 'initial list');
    await core.createNamespacedConfigMap({
      namespace: 'conf',
      body: { metadata: { name: 'seen-by-watch' } },
    });
    await eventually(() => informer.list().some((c) => c.metadata?.name === 'seen-by-watch'), 'watch event');
    // Other resources churn past the history window while this one is quiet; the informer's
    // next watch (the server closes watches after 1 s here) asks for a compacted version.
    for (let i = 0; i < 60; i++)
      store.create('configmaps', { metadata: { name: `churn-${i}` } }, { namespace: 'default' });
    await eventually(() => lists >= 2, 'a relist after 410');
    store.create('configmaps', { metadata: { name: 'after-expiry' } }, { namespace: 'conf' });
    await eventually(
      () => informer.list().some((c) => c.metadata?.name === 'after-expiry'),
      'object after relist',
    );
    expect(errors).toEqual([]);
    await informer.stop();
  });

  it('lease compare-and-set: one create wins, updates need the current resourceVersion', async () => {
    const leases = kc.makeApiClient(CoordinationV1Api);
    const body = (holder: string) => ({
      metadata: { name: 'number-1' },
      spec: { holderIdentity: holder, leaseDurationSeconds: 15, renewTime: new Date() as unknown as never },
    });
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        leases.createNamespacedLease({ namespace: 'conf', body: body(`p${i}`) }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect((r.reason as ApiException<unknown>).code).toBe(409);
    const current = await leases.readNamespacedLease({ name: 'number-1', namespace: 'conf' });
    expect(JSON.stringify(store.get('leases', 'conf', 'number-1')['spec'])).toMatch(
      /"renewTime":"[^"]+\.\d{6}Z"/,
    );
    const noVersion = await failure(
      leases.replaceNamespacedLease({
        name: 'number-1',
        namespace: 'conf',
        body: { ...current, metadata: { ...current.metadata, resourceVersion: undefined } },
      }),
    );
    expect(noVersion.code).toBe(422);
    expect(noVersion.body['message']).toContain(
      'metadata.resourceVersion: Invalid value: "0x0": must be specified for an update',
    );
    const renewed = await leases.replaceNamespacedLease({
      name: 'number-1',
      namespace: 'conf',
      body: { ...current, spec: { ...current.spec, holderIdentity: 'winner' } },
    });
    expect(renewed.spec?.holderIdentity).toBe('winner');
    const stale = await failure(
      leases.replaceNamespacedLease({ name: 'number-1', namespace: 'conf', body: current }),
    );
    expect(stale.code).toBe(409);
  });

  it('garbage-collects dependents by owner uid, not by name', async () => {
    const owner = await core.createNamespacedConfigMap({
      namespace: 'conf',
      body: { metadata: { name: 'owner' } },
    });
    const ref = (uid: string) => [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid }];
    await core.createNamespacedConfigMap({
      namespace: 'conf',
      body: { metadata: { name: 'dep', ownerReferences: ref(owner.metadata!.uid!) } },
    });
    await core.deleteNamespacedConfigMap({
      name: 'owner',
      namespace: 'conf',
      propagationPolicy: 'Background',
    });
    const reborn = await core.createNamespacedConfigMap({
      namespace: 'conf',
      body: { metadata: { name: 'owner' } },
    });
    expect(reborn.metadata?.uid).not.toBe(owner.metadata?.uid);
    await eventually(async () => {
      const names = (await core.listNamespacedConfigMap({ namespace: 'conf' })).items.map(
        (c) => c.metadata?.name,
      );
      return !names.includes('dep') && names.includes('owner');
    }, 'dependent of the old uid collected');
    await core.createNamespacedConfigMap({
      namespace: 'conf',
      body: { metadata: { name: 'dep2', ownerReferences: ref(reborn.metadata!.uid!) } },
    });
    await core.deleteNamespacedConfigMap({
      name: 'owner',
      namespace: 'conf',
      propagationPolicy: 'Foreground',
    });
    await eventually(async () => {
      const names = (await core.listNamespacedConfigMap({ namespace: 'conf' })).items.map(
        (c) => c.metadata?.name,
      );
      return !names.includes('dep2') && !names.includes('owner');
    }, 'foreground deletion');
  });

  it('routes pod logs, proxies, evictions and bindings through the store', async () => {
    store.hooks.log = (t, res) => {
      res.writeHead(200);
      res.end(`log of ${t.pod}/${t.container} tail=${String(t.tailLines)}\n`);
    };
    store.hooks.proxy = (t, req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ ...t, method: req.method }));
    };
    try {
      const pod = (name: string) => ({
        metadata: { name, labels: { app: 'p' } },
        spec: { containers: [{ name: 'c', image: 'x' }] },
      });
      await core.createNamespacedPod({ namespace: 'conf', body: pod('p') });
      expect(await core.readNamespacedPodLog({ name: 'p', namespace: 'conf', tailLines: 5 })).toBe(
        'log of p/c tail=5\n',
      );
      await core.createNamespacedService({
        namespace: 'conf',
        body: { metadata: { name: 'svc' }, spec: { ports: [{ name: 'http', port: 80 }] } },
      });
      // client-node decodes a JSON answer although the method is typed as returning a string.
      const raw: unknown = await core.connectGetNamespacedServiceProxyWithPath({
        name: 'svc:http',
        namespace: 'conf',
        path: 'v1/health',
      });
      const proxied = typeof raw === 'string' ? JSON.parse(raw) : raw;
      expect(proxied).toEqual({
        resource: 'services',
        namespace: 'conf',
        name: 'svc',
        port: 'http',
        path: '/v1/health',
        method: 'GET',
      });
      store.create(
        'poddisruptionbudgets',
        { metadata: { name: 'pdb' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'p' } } } },
        { namespace: 'conf' },
      );
      const ready = (name: string) =>
        store.patch(
          'pods',
          'conf',
          name,
          'merge',
          { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } },
          { subresource: 'status' },
        );
      ready('p');
      const eviction = { metadata: { name: 'p', namespace: 'conf' } };
      const refused = await failure(
        core.createNamespacedPodEviction({ name: 'p', namespace: 'conf', body: eviction }),
      );
      expect(refused.code).toBe(429);
      expect(refused.body['message']).toBe(
        "Cannot evict pod as it would violate the pod's disruption budget.",
      );
      expect(refused.body['details']).toEqual({
        causes: [
          {
            reason: 'DisruptionBudget',
            message: 'The disruption budget pdb needs 1 healthy pods and has 1 currently',
          },
        ],
      });
      await core.createNamespacedPod({ namespace: 'conf', body: pod('p2') });
      ready('p2');
      await core.createNamespacedPodEviction({ name: 'p', namespace: 'conf', body: eviction });
      expect(store.get('poddisruptionbudgets', 'conf', 'pdb')['status']).toMatchObject({
        currentHealthy: 2,
        desiredHealthy: 1,
        expectedPods: 2,
        disruptionsAllowed: 0,
      });
      expect(store.find('pods', 'conf', 'p')).toBeUndefined();
      await core.createNamespacedPod({ namespace: 'conf', body: pod('q') });
      await core.createNamespacedPodBinding({
        name: 'q',
        namespace: 'conf',
        body: { metadata: { name: 'q' }, target: { kind: 'Node', name: 'node-1' } },
      });
      expect((await core.readNamespacedPod({ name: 'q', namespace: 'conf' })).spec?.nodeName).toBe('node-1');
    } finally {
      delete store.hooks.log;
      delete store.hooks.proxy;
    }
  });

  it('serves the scale subresource as autoscaling/v1 Scale', async () => {
    const scale = await apps.readNamespacedDeploymentScale({ name: 'web', namespace: 'conf' });
    expect(scale).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 2 },
      status: { selector: 'app=web' },
    });
    const patched = await apps.patchNamespacedDeploymentScale(
      { name: 'web', namespace: 'conf', body: { spec: { replicas: 4 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(patched.spec?.replicas).toBe(4);
    const status = await apps.replaceNamespacedDeploymentStatus({
      name: 'web',
      namespace: 'conf',
      body: {
        ...(await apps.readNamespacedDeployment({ name: 'web', namespace: 'conf' })),
        status: { replicas: 4, observedGeneration: 3 },
      },
    });
    expect(status.status).toEqual({ replicas: 4, observedGeneration: 3 });
    expect(status.metadata?.generation).toBe(3);
  });
});
