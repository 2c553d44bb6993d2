import { ApiError } from './api-error';
import { ObjectStore, type WatchEvent } from './object-store';
import { at } from '../resources/json-path';
import type { KubeObject } from '../resources/resource-definition';

const tick = () => new Promise((r) => setImmediate(r));

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
}

function deployment(name: string, replicas = 1): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
      },
    },
  };
}

function err(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

describe('ObjectStore', () => {
  let store: ObjectStore;
  beforeEach(() => {
    store = new ObjectStore({ namespaceDeletionDelayMs: 0 });
  });

  it('creates with defaults, one global resourceVersion and generation 1', () => {
    const a = store.create('deployments', deployment('web'), { namespace: 'default' });
    const b = store.create(
      'configmaps',
      { metadata: { name: 'c' }, data: { a: '1' } },
      { namespace: 'default' },
    );
    expect(Number(b.metadata!.resourceVersion)).toBe(Number(a.metadata!.resourceVersion) + 1);
    expect(a.metadata!.generation).toBe(1);
    expect(a['spec']).toMatchObject({
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        spec: { restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30 },
      },
    });
    expect(store.get('namespaces', undefined, 'default').metadata!.labels).toEqual({
      'kubernetes.io/metadata.name': 'default',
    });
  });

  it('refuses invalid names, missing namespaces and duplicates with the real Status shapes', () => {
    const invalid = err(() =>
      store.create('configmaps', { metadata: { name: 'Bad_Name' } }, { namespace: 'default' }),
    );
    expect(invalid.code).toBe(422);
    expect(invalid.message).toMatch(
      /^ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123/,
    );
    const missing = err(() => store.create('configmaps', { metadata: { name: 'x' } }, { namespace: 'nope' }));
    expect(missing.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'namespaces "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', kind: 'namespaces' },
      code: 404,
    });
    store.create('deployments', deployment('web'), { namespace: 'default' });
    const dup = err(() => store.create('deployments', deployment('web'), { namespace: 'default' }));
    expect(dup.message).toBe('deployments.apps "web" already exists');
    expect(dup.code).toBe(409);
  });

  it('updates with optimistic concurrency, bumps generation on spec only, splits status', () => {
    const d = store.create('deployments', deployment('web'), { namespace: 'default' });
    const stale = structuredClone(d);
    (d['spec'] as { replicas: number }).replicas = 3;
    d['status'] = { replicas: 99 };
    const u = store.update('deployments', d);
    expect(u.metadata!.generation).toBe(2);
    expect(u['status']).toEqual({});
    expect(err(() => store.update('deployments', stale)).reason).toBe('Conflict');
    u['status'] = { replicas: 3, observedGeneration: 2 };
    const s = store.update('deployments', u, { subresource: 'status' });
    expect(s.metadata!.generation).toBe(2);
    expect(s['status']).toEqual({ replicas: 3, observedGeneration: 2 });
    const l = u.metadata!.labels!;
    l['x'] = 'y';
    const again = store.update('deployments', { ...s, metadata: { ...s.metadata, labels: l } });
    expect(again.metadata!.generation).toBe(2);
  });

  it('enforces immutable fields and lease resourceVersion', () => {
    const d = store.create('deployments', deployment('web'), { namespace: 'default' });
    const e = err(() =>
      store.patch('deployments', 'default', 'web', 'merge', {
        spec: { selector: { matchLabels: { app: 'x' } } },
      }),
    );
    expect(e.code).toBe(422);
    expect(e.message).toBe(
      'Deployment.apps "web" is invalid: [spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`, spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable]',
    );
    expect(d).toBeDefined();
    store.create(
      'leases',
      { metadata: { name: 'l' }, spec: { holderIdentity: 'a' } },
      { namespace: 'default' },
    );
    const le = err(() => store.update('leases', { metadata: { name: 'l', namespace: 'default' }, spec: {} }));
    expect(le.code).toBe(422);
    expect(le.message).toContain(
      'metadata.resourceVersion: Invalid value: "0x0": must be specified for an update',
    );
  });

  it('lists with label and field selectors and paginates', () => {
    for (let i = 0; i < 5; i++)
      store.create(
        'pods',
        {
          metadata: { name: `p${i}`, labels: { app: i % 2 ? 'odd' : 'even', tier: String(i) } },
          spec: { containers: [{ name: 'c', image: 'x' }], nodeName: i < 2 ? 'n1' : undefined },
        },
        { namespace: 'default' },
      );
    const names = (sel: string, field?: string) =>
      store
        .list('pods', { namespace: 'default', labelSelector: sel, fieldSelector: field })
        .items.map((p) => p.metadata!.name);
    expect(names('app=odd')).toEqual(['p1', 'p3']);
    expect(names('app!=odd')).toEqual(['p0', 'p2', 'p4']);
    expect(names('tier in (1,2),app')).toEqual(['p1', 'p2']);
    expect(names('tier notin (1,2),!missing')).toEqual(['p0', 'p3', 'p4']);
    expect(names('', 'spec.nodeName=n1')).toEqual(['p0', 'p1']);
    expect(names('', 'status.phase=Pending,metadata.name!=p0')).toEqual(['p1', 'p2', 'p3', 'p4']);
    const page1 = store.list('pods', { namespace: 'default', limit: 2 });
    expect(page1.items).toHaveLength(2);
    expect(page1.metadata.remainingItemCount).toBe(3);
    const page2 = store.list('pods', { namespace: 'default', limit: 2, continue: page1.metadata.continue });
    expect(page2.items.map((p) => p.metadata!.name)).toEqual(['p2', 'p3']);
    expect(err(() => store.list('pods', { fieldSelector: 'spec.bogus=1' })).code).toBe(400);
  });

  it('watches from a resourceVersion with history, selector transitions and 410 when compacted', async () => {
    const small = new ObjectStore({ historyLimit: 5 });
    const start = small.resourceVersion();
    small.create('configmaps', { metadata: { name: 'a', labels: { on: 'yes' } } }, { namespace: 'default' });
    const events: WatchEvent[] = [];
    const w = small.watch(
      'configmaps',
      { namespace: 'default', labelSelector: 'on=yes', resourceVersion: start },
      (e) => events.push(e),
    );
    small.patch('configmaps', 'default', 'a', 'merge', { metadata: { labels: { on: 'no' } } });
    small.patch('configmaps', 'default', 'a', 'merge', { metadata: { labels: { on: 'yes' } } });
    small.delete('configmaps', 'default', 'a');
    await tick();
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'DELETED', 'ADDED', 'DELETED']);
    w.stop();
    for (let i = 0; i < 10; i++)
      small.create('configmaps', { metadata: { name: `x${i}` } }, { namespace: 'default' });
    const expired = err(() => small.watch('configmaps', { resourceVersion: start }, () => undefined));
    expect(expired.code).toBe(410);
    expect(expired.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  it('garbage collects by owner uid with background, foreground and orphan propagation', async () => {
    const mk = (name: string, owner?: KubeObject) =>
      store.create(
        'configmaps',
        {
          metadata: {
            name,
            ownerReferences: owner
              ? [
                  {
                    apiVersion: 'v1',
                    kind: 'ConfigMap',
                    name: owner.metadata!.name!,
                    uid: owner.metadata!.uid!,
                    blockOwnerDeletion: true,
                  },
                ]
              : undefined,
          },
        },
        { namespace: 'default' },
      );
    const settle = async () => {
      for (let i = 0; i < 10; i++) await tick();
    };
    const a = mk('a');
    mk('a-child', a);
    store.delete('configmaps', 'default', 'a');
    await settle();
    expect(store.find('configmaps', 'default', 'a-child')).toBeUndefined();

    const b = mk('b');
    mk('b-child', b);
    const deleting = store.delete('configmaps', 'default', 'b', { propagationPolicy: 'Foreground' });
    expect(deleting.metadata!.finalizers).toEqual(['foregroundDeletion']);
    expect(deleting.metadata!.deletionTimestamp).toBeDefined();
    await settle();
    expect(store.find('configmaps', 'default', 'b-child')).toBeUndefined();
    expect(store.find('configmaps', 'default', 'b')).toBeUndefined();

    store.create(
      'configmaps',
      {
        metadata: {
          name: 'dangling',
          ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'gone', uid: 'no-such-uid' }],
        },
      },
      { namespace: 'default' },
    );
    await settle();
    expect(store.find('configmaps', 'default', 'dangling')).toBeUndefined();

    const c = mk('c');
    mk('c-child', c);
    store.delete('configmaps', 'default', 'c', { propagationPolicy: 'Orphan' });
    await settle();
    expect(store.find('configmaps', 'default', 'c')).toBeUndefined();
    expect(store.get('configmaps', 'default', 'c-child').metadata!.ownerReferences).toBeUndefined();
  });

  it('terminates a namespace: refuses new content, empties it, then removes it', async () => {
    store.create('namespaces', { metadata: { name: 'team' } });
    await tick();
    expect(store.find('serviceaccounts', 'team', 'default')).toBeDefined();
    store.create(
      'configmaps',
      { metadata: { name: 'c', finalizers: ['example.com/hold'] } },
      { namespace: 'team' },
    );
    const ns = store.delete('namespaces', undefined, 'team');
    expect(ns['status']).toEqual({ phase: 'Terminating' });
    const refused = err(() => store.create('configmaps', { metadata: { name: 'd' } }, { namespace: 'team' }));
    expect(refused.code).toBe(403);
    expect(refused.message).toBe(
      'configmaps "d" is forbidden: unable to create new content in namespace team because it is being terminated',
    );
    await until(() => store.find('configmaps', 'team', 'c')?.metadata?.deletionTimestamp !== undefined);
    expect(store.find('namespaces', undefined, 'team')).toBeDefined();
    store.patch('configmaps', 'team', 'c', 'merge', { metadata: { finalizers: null } });
    await until(() => store.find('namespaces', undefined, 'team') === undefined);
    expect(store.find('configmaps', 'team', 'c')).toBeUndefined();
    expect(store.find('namespaces', undefined, 'team')).toBeUndefined();
  });

  it('deletes scheduled pods gracefully', () => {
    store.create('pods', {
      metadata: { name: 'p' },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] },
    });
    const p = store.delete('pods', 'default', 'p');
    expect(p.metadata!.deletionGracePeriodSeconds).toBe(30);
    expect(store.find('pods', 'default', 'p')).toBeDefined();
    store.delete('pods', 'default', 'p', { gracePeriodSeconds: 0 });
    expect(store.find('pods', 'default', 'p')).toBeUndefined();
  });

  it('server-side apply: ownership, conflicts, force and removal of dropped fields', () => {
    const base = deployment('web', 2);
    store.patch('deployments', 'default', 'web', 'apply', base, { fieldManager: 'alice' });
    const withLabel = deployment('web', 2);
    withLabel.metadata!.labels!['extra'] = 'x';
    store.patch('deployments', 'default', 'web', 'apply', withLabel, { fieldManager: 'alice' });
    const bob = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 5 },
    };
    const conflict = err(() =>
      store.patch('deployments', 'default', 'web', 'apply', bob, { fieldManager: 'bob' }),
    );
    expect(conflict.code).toBe(409);
    expect(conflict.message).toBe('Apply failed with 1 conflict: conflict with "alice": .spec.replicas');
    expect(conflict.details?.causes).toEqual([
      { reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.spec.replicas' },
    ]);
    const forced = store.patch('deployments', 'default', 'web', 'apply', bob, {
      fieldManager: 'bob',
      force: true,
    });
    expect((forced['spec'] as { replicas: number }).replicas).toBe(5);
    expect(forced.metadata!.managedFields!.map((m) => m.manager)).toEqual(['alice', 'bob']);
    const again = deployment('web');
    delete (again['spec'] as { replicas?: number }).replicas;
    const dropped = store.patch('deployments', 'default', 'web', 'apply', again, { fieldManager: 'alice' });
    expect(dropped.metadata!.labels).toEqual({ app: 'web' });
    expect((dropped['spec'] as { replicas: number }).replicas).toBe(5);
  });

  it('server-side apply takes metadata.resourceVersion as a precondition', () => {
    const created = store.patch('deployments', 'default', 'web', 'apply', deployment('web', 1), {
      fieldManager: 'a',
    });
    const rv = created.metadata!.resourceVersion!;
    store.patch('deployments', 'default', 'web', 'apply', deployment('web', 2), { fieldManager: 'a' });
    const stale = deployment('web', 3);
    stale.metadata!.resourceVersion = rv;
    const conflict = err(() =>
      store.patch('deployments', 'default', 'web', 'apply', stale, { fieldManager: 'a', force: true }),
    );
    expect(conflict.code).toBe(409);
    expect(conflict.reason).toBe('Conflict');
    const current = deployment('web', 3);
    current.metadata!.resourceVersion = store.get('deployments', 'default', 'web').metadata!.resourceVersion;
    const applied = store.patch('deployments', 'default', 'web', 'apply', current, { fieldManager: 'a' });
    expect((applied['spec'] as { replicas: number }).replicas).toBe(3);
  });

  it('server-side apply merges associative lists by key', () => {
    const d = deployment('web');
    store.patch('deployments', 'default', 'web', 'apply', d, { fieldManager: 'a' });
    const sidecar = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { template: { spec: { containers: [{ name: 'side', image: 'busybox' }] } } },
    };
    const out = store.patch('deployments', 'default', 'web', 'apply', sidecar, { fieldManager: 'b' });
    const containers = (out['spec'] as { template: { spec: { containers: { name: string }[] } } }).template
      .spec.containers;
    expect(containers.map((c) => c.name)).toEqual(['web', 'side']);
  });

  it('strategic merge patches lists by merge key with directives', () => {
    const d = deployment('web');
    store.create('deployments', d, { namespace: 'default' });
    const out = store.patch('deployments', 'default', 'web', 'strategic', {
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'web', image: 'nginx:1.28', env: [{ name: 'A', value: '1' }] },
              { name: 'side', image: 'busybox' },
            ],
          },
        },
      },
    });
    const c = (out['spec'] as { template: { spec: { containers: KubeObject[] } } }).template.spec.containers;
    expect(c.map((x) => [x['name'], x['image']])).toEqual([
      ['web', 'nginx:1.28'],
      ['side', 'busybox'],
    ]);
    const out2 = store.patch('deployments', 'default', 'web', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } } },
    });
    expect(
      (out2['spec'] as { template: { spec: { containers: unknown[] } } }).template.spec.containers,
    ).toHaveLength(1);
  });

  it('converts secret stringData and allocates service cluster IPs', () => {
    const s = store.create(
      'secrets',
      { metadata: { name: 's' }, stringData: { k: 'v' } },
      { namespace: 'default' },
    );
    expect(s['data']).toEqual({ k: 'dg==' });
    expect(s['type']).toBe('Opaque');
    const svc = store.create(
      'services',
      { metadata: { name: 'svc' }, spec: { ports: [{ port: 80 }] } },
      { namespace: 'default' },
    );
    expect(svc['spec']).toMatchObject({
      type: 'ClusterIP',
      clusterIP: expect.stringMatching(/^10\.96\./),
      ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }],
    });
    const headless = store.create(
      'services',
      { metadata: { name: 'h' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } },
      { namespace: 'default' },
    );
    expect((headless['spec'] as { clusterIP: string }).clusterIP).toBe('None');
    expect(
      err(() => store.patch('services', 'default', 'svc', 'merge', { spec: { clusterIP: '10.96.9.9' } }))
        .code,
    ).toBe(422);
  });

  it('dry run writes nothing', () => {
    const rv = store.resourceVersion();
    store.create('configmaps', { metadata: { name: 'dry' } }, { namespace: 'default', dryRun: true });
    expect(store.find('configmaps', 'default', 'dry')).toBeUndefined();
    expect(store.resourceVersion()).toBe(rv);
  });
});

describe('pod updates', () => {
  it('allow status and image changes of a bound pod, refuse other spec changes', () => {
    const store = new ObjectStore();
    store.create('pods', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x:1' }] } });
    store.patch('pods', 'default', 'p', 'merge', { spec: { nodeName: 'n1' } });
    store.patch('pods', 'default', 'p', 'merge', { status: { phase: 'Running' } }, { subresource: 'status' });
    const img = store.patch('pods', 'default', 'p', 'strategic', {
      spec: { containers: [{ name: 'c', image: 'x:2' }] },
    });
    expect(img['status']).toMatchObject({ phase: 'Running' });
    expect(() => store.patch('pods', 'default', 'p', 'merge', { spec: { nodeName: 'n2' } })).toThrow(
      /pod updates may not change fields/,
    );
    expect(() => store.patch('pods', 'default', 'p', 'merge', { spec: { hostname: 'h' } })).toThrow(
      /pod updates may not change fields/,
    );
  });
});

describe('managedFields', () => {
  it('records updates per manager and accepts a client rewriting managedFields', () => {
    const store = new ObjectStore();
    store.create(
      'configmaps',
      { metadata: { name: 'c', labels: { a: '1' } }, data: { k: 'v' } },
      { fieldManager: 'csa' },
    );
    const before = store.get('configmaps', 'default', 'c');
    expect(before.metadata!.managedFields).toEqual([
      expect.objectContaining({
        manager: 'csa',
        operation: 'Update',
        fieldsV1: { 'f:data': { 'f:k': {} }, 'f:metadata': { 'f:labels': { 'f:a': {} } } },
      }),
    ]);
    const rewritten = [
      { ...before.metadata!.managedFields![0]!, manager: 'kubectl', operation: 'Apply' as const },
    ];
    const after = store.patch(
      'configmaps',
      'default',
      'c',
      'json',
      [{ op: 'replace', path: '/metadata/managedFields', value: rewritten }],
      { fieldManager: 'kubectl' },
    );
    expect(after.metadata!.managedFields!.map((m) => `${m.manager}/${m.operation}`)).toEqual([
      'kubectl/Apply',
    ]);
    expect(after.metadata!.resourceVersion).not.toBe(before.metadata!.resourceVersion);
  });
});

describe('admission and protected namespaces', () => {
  it('lets admission hooks refuse with a Status and protects default namespaces', () => {
    const store = new ObjectStore();
    store.hooks.admission.push((req) => {
      if (req.operation === 'CREATE' && req.resource.plural === 'pods')
        throw ApiError.forbidden(
          { group: '', resource: 'pods' },
          req.name,
          'exceeded quota: q, requested: pods=1, used: pods=0, limited: pods=0',
        );
    });
    const e = err(() =>
      store.create('pods', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x' }] } }),
    );
    expect(e.code).toBe(403);
    expect(e.message).toBe(
      'pods "p" is forbidden: exceeded quota: q, requested: pods=1, used: pods=0, limited: pods=0',
    );
    expect(err(() => store.delete('namespaces', undefined, 'default')).message).toBe(
      'namespaces "default" is forbidden: this namespace may not be deleted',
    );
    expect(
      err(() => store.create('configmaps', { metadata: { name: 'c' }, data: { 'bad key': 'x' } })).message,
    ).toContain('data[bad key]: Invalid value: "bad key": a valid config key');
  });
});

describe('server-side apply is idempotent', () => {
  it('writes nothing when the same configuration is applied again', () => {
    const store = new ObjectStore();
    const docs: [string, KubeObject][] = [
      [
        'services',
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 's' },
          spec: { selector: { a: 'b' }, ports: [{ port: 80 }] },
        },
      ],
      ['secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' }, stringData: { token: 't' } }],
      [
        'persistentvolumeclaims',
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'p' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
        },
      ],
      [
        'statefulsets',
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: { name: 'db' },
          spec: {
            serviceName: 'db',
            selector: { matchLabels: { app: 'db' } },
            template: {
              metadata: { labels: { app: 'db' } },
              spec: { containers: [{ name: 'db', image: 'pg:16', ports: [{ containerPort: 5432 }] }] },
            },
            volumeClaimTemplates: [
              {
                metadata: { name: 'data' },
                spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
              },
            ],
          },
        },
      ],
    ];
    for (const [resource, doc] of docs) {
      const first = store.patch(resource, 'default', doc.metadata!.name!, 'apply', doc, {
        fieldManager: 'reconciler',
      });
      const rv = store.resourceVersion();
      const again = store.patch(resource, 'default', doc.metadata!.name!, 'apply', doc, {
        fieldManager: 'reconciler',
      });
      expect(store.resourceVersion()).toBe(rv);
      expect(again.metadata!.resourceVersion).toBe(first.metadata!.resourceVersion);
    }
  });
});

describe('validation details', () => {
  it('checks owner references, ports, lease durations and namespace finalizers', () => {
    const store = new ObjectStore();
    const owner = err(() =>
      store.create('configmaps', {
        metadata: {
          name: 'c',
          ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: '' }],
        },
      }),
    );
    expect(owner.message).toBe(
      'ConfigMap "c" is invalid: metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
    );
    const port = err(() =>
      store.create('services', { metadata: { name: 's' }, spec: { ports: [{ port: 70000 }] } }),
    );
    expect(port.message).toBe(
      'Service "s" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
    );
    const lease = err(() =>
      store.create('leases', { metadata: { name: 'l' }, spec: { leaseDurationSeconds: 0 } }),
    );
    expect(lease.message).toBe(
      'Lease.coordination.k8s.io "l" is invalid: spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    );
    store.create('namespaces', { metadata: { name: 'n' } });
    const updated = store.patch('namespaces', undefined, 'n', 'merge', { spec: { finalizers: [] } });
    expect(updated['spec']).toEqual({ finalizers: ['kubernetes'] });
    const finalized = store.update(
      'namespaces',
      { ...updated, spec: { finalizers: [] } },
      { subresource: 'finalize' },
    );
    expect(finalized['spec']).toEqual({ finalizers: [] });
  });
});

describe('LimitRanger', () => {
  it('defaults container resources and refuses pods beyond the maximum', () => {
    const store = new ObjectStore();
    store.create('limitranges', {
      metadata: { name: 'lr' },
      spec: {
        limits: [
          { type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '100m' }, max: { cpu: '1' } },
        ],
      },
    });
    const pod = store.create('pods', {
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'x' }] },
    });
    expect(at(pod, 'spec.containers')).toEqual([
      expect.objectContaining({ resources: { limits: { cpu: '500m' }, requests: { cpu: '100m' } } }),
    ]);
    expect(pod.metadata!.annotations!['kubernetes.io/limit-ranger']).toBe(
      'LimitRanger plugin set: cpu limit for container c; cpu request for container c',
    );
    const big = err(() =>
      store.create('pods', {
        metadata: { name: 'big' },
        spec: { containers: [{ name: 'c', image: 'x', resources: { limits: { cpu: '2' } } }] },
      }),
    );
    expect(big.code).toBe(403);
    expect(big.message).toBe(
      'pods "big" is forbidden: [maximum cpu usage per Container is 1, but limit is 2]',
    );
  });
});

describe('create on update', () => {
  it('creates a missing lease on PUT, but not a missing configmap', () => {
    const store = new ObjectStore();
    const lease = store.update('leases', {
      metadata: { name: 'l', namespace: 'default' },
      spec: { holderIdentity: 'a' },
    });
    expect(lease.metadata!.uid).toBeDefined();
    expect(() => store.update('configmaps', { metadata: { name: 'c', namespace: 'default' } })).toThrow(
      'configmaps "c" not found',
    );
  });
});
