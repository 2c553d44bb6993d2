import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectStore, startApiServer, writeKubeconfig, type RunningApiServer } from '@bsp/kube-sim';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const manifest = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: shop}
stringData: {password: s3cret}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: shop}
data: {mode: prod}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: shop}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web, tier: front}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{containerPort: 80}]
        env: [{name: MODE, valueFrom: {configMapKeyRef: {name: cfg, key: mode}}}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop, labels: {app: db, tier: back}}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: "postgres:16"}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop, labels: {tier: front}}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 5432}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: web}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: shop}
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects:
- {kind: ServiceAccount, name: default, namespace: shop}
`;

describe('kube-sim API server judged by real kubectl', () => {
  let dir: string;
  let store: ObjectStore;
  let server: RunningApiServer;

  function kubectl(args: string[], input?: string, kubeconfig = join(dir, 'kubeconfig')): Promise<Run> {
    return new Promise((resolve) => {
      const child = execFile(
        'kubectl',
        ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args],
        { timeout: 30_000 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
      if (input !== undefined) child.stdin!.end(input);
    });
  }

  function file(name: string, text: string): string {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  }

  const settle = async () => {
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kube-sim-kubectl-'));
    store = new ObjectStore();
    server = await startApiServer(store);
    writeKubeconfig(join(dir, 'kubeconfig'), [{ name: 'sim', server: server.url }]);
  });

  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies a multi-document manifest, then reports it unchanged', async () => {
    const path = file('app.yaml', manifest);
    const first = await kubectl(['apply', '-f', path]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout.trim().split('\n')).toEqual([
      'namespace/shop created',
      'secret/db created',
      'configmap/cfg created',
      'persistentvolumeclaim/data created',
      'deployment.apps/web created',
      'statefulset.apps/db created',
      'service/web created',
      'service/db created',
      'networkpolicy.networking.k8s.io/deny created',
      'poddisruptionbudget.policy/web created',
      'role.rbac.authorization.k8s.io/reader created',
      'rolebinding.rbac.authorization.k8s.io/reader created',
    ]);
    const second = await kubectl(['apply', '-f', path]);
    expect(second.code).toBe(0);
    for (const line of [
      'namespace/shop unchanged',
      'configmap/cfg unchanged',
      'persistentvolumeclaim/data unchanged',
      'deployment.apps/web unchanged',
      'service/web unchanged',
      'networkpolicy.networking.k8s.io/deny unchanged',
      'rolebinding.rbac.authorization.k8s.io/reader unchanged',
    ])
      expect(second.stdout).toContain(line);
    const stored = store.get('deployments', 'shop', 'web');
    expect(stored.metadata!.annotations!['kubectl.kubernetes.io/last-applied-configuration']).toContain(
      '"replicas":2',
    );
    expect(stored.metadata!.generation).toBe(1);
  });

  it('gets with label selectors and -o wide, yaml, json and jsonpath', async () => {
    const table = await kubectl(['get', 'deploy,svc', '-n', 'shop', '-l', 'tier=front']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      /NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\ndeployment\.apps\/web\s+0\/2\s+0\s+0\s+\d+s/,
    );
    expect(table.stdout).toMatch(/service\/web\s+ClusterIP\s+10\.96\.\d+\.\d+\s+<none>\s+80\/TCP/);
    expect(table.stdout).not.toContain('service/db');
    const notin = await kubectl(['get', 'sts,deploy', '-n', 'shop', '-l', 'tier notin (front),app']);
    expect(notin.stdout).toContain('statefulset.apps/db');
    expect(notin.stdout).not.toContain('deployment.apps/web');
    const wide = await kubectl(['get', 'deploy', 'web', '-n', 'shop', '-o', 'wide']);
    expect(wide.stdout).toMatch(
      /CONTAINERS\s+IMAGES\s+SELECTOR\nweb\s+0\/2\s+0\s+0\s+\S+\s+web\s+nginx:1\.27\s+app=web/,
    );
    const yaml = await kubectl(['get', 'deploy', 'web', '-n', 'shop', '-o', 'yaml']);
    expect(yaml.stdout).toContain('progressDeadlineSeconds: 600');
    expect(yaml.stdout).toContain('maxSurge: 25%');
    const json = JSON.parse((await kubectl(['get', 'secret', 'db', '-n', 'shop', '-o', 'json'])).stdout);
    expect(Buffer.from(json.data.password, 'base64').toString()).toBe('s3cret');
    const jp = await kubectl(['get', 'svc', '-n', 'shop', '-o', 'jsonpath={.items[*].metadata.name}']);
    expect(jp.stdout).toBe('db web');
    const pods = await kubectl(['get', 'pods', '-n', 'shop']);
    expect(pods.stderr).toContain('No resources found in shop namespace.');
  });

  it('watches a change with get -w', async () => {
    const child = spawn('kubectl', [
      '--kubeconfig',
      join(dir, 'kubeconfig'),
      '--cache-dir',
      join(dir, 'cache'),
      'get',
      'deploy',
      'web',
      '-n',
      'shop',
      '-w',
    ]);
    let out = '';
    const seen = (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${String(re)} in: ${out}`)), 15_000);
        const check = () => {
          if (re.test(out)) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          check();
        });
        check();
      });
    await seen(/web\s+0\/2/);
    // kubectl watches from resourceVersion=0 and skips the initial ADDED, so a change made before
    // its watch is open is never printed. Under load that moment is hard to observe from outside:
    // keep changing the object (an annotation each time) until the watch shows the new size.
    const shown = seen(/web\s+0\/4/);
    let nudges = 0;
    const nudge = setInterval(() => {
      store.patch('deployments', 'shop', 'web', 'merge', {
        metadata: { annotations: { 'test.bsp.io/nudge': String(nudges++) } },
        spec: { replicas: 4 },
      });
    }, 300);
    try {
      await shown;
    } finally {
      clearInterval(nudge);
    }
    child.kill();
    expect(out.split('\n')[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
  });

  it('describes a deployment and filters events by involvedObject', async () => {
    const web = store.get('deployments', 'shop', 'web');
    store.create(
      'events',
      {
        metadata: { name: 'web.1' },
        involvedObject: {
          kind: 'Deployment',
          namespace: 'shop',
          name: 'web',
          uid: web.metadata!.uid,
          apiVersion: 'apps/v1',
        },
        reason: 'ScalingReplicaSet',
        message: 'Scaled up replica set web-abc to 2',
        type: 'Normal',
        source: { component: 'deployment-controller' },
        firstTimestamp: web.metadata!.creationTimestamp,
        lastTimestamp: web.metadata!.creationTimestamp,
        count: 1,
      },
      { namespace: 'shop' },
    );
    const d = await kubectl(['describe', 'deployment', 'web', '-n', 'shop']);
    expect(d.code).toBe(0);
    expect(d.stdout).toMatch(/Name:\s+web/);
    expect(d.stdout).toMatch(/RollingUpdateStrategy:\s+25% max unavailable, 25% max surge/);
    expect(d.stdout).toMatch(
      /Normal\s+ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set web-abc to 2/,
    );
    const ev = await kubectl(['get', 'events', '-n', 'shop', '--field-selector', 'involvedObject.name=web']);
    expect(ev.stdout).toContain('ScalingReplicaSet');
  });

  it('prints pods with the real columns, wide included', async () => {
    store.create(
      'pods',
      {
        metadata: { name: 'web-1', labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'a', image: 'x' },
            { name: 'b', image: 'y' },
          ],
        },
      },
      { namespace: 'shop' },
    );
    store.patch('pods', 'shop', 'web-1', 'merge', { spec: { nodeName: 'node-a' } });
    store.patch(
      'pods',
      'shop',
      'web-1',
      'merge',
      {
        status: {
          phase: 'Running',
          podIP: '10.244.0.5',
          containerStatuses: [
            { name: 'a', ready: true, restartCount: 2, state: { running: {} } },
            { name: 'b', ready: false, restartCount: 0, state: { waiting: { reason: 'CrashLoopBackOff' } } },
          ],
        },
      },
      { subresource: 'status' },
    );
    const plain = await kubectl(['get', 'pods', '-n', 'shop']);
    expect(plain.stdout).toMatch(
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nweb-1\s+1\/2\s+CrashLoopBackOff\s+2\s+\d+s\n$/,
    );
    const wide = await kubectl([
      'get',
      'pods',
      '-n',
      'shop',
      '-o',
      'wide',
      '--field-selector',
      'spec.nodeName=node-a',
    ]);
    expect(wide.stdout).toMatch(
      /IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES\nweb-1\s+1\/2\s+CrashLoopBackOff\s+2\s+\d+s\s+10\.244\.0\.5\s+node-a\s+<none>\s+<none>/,
    );
    const running = await kubectl([
      'get',
      'pods',
      '-A',
      '--field-selector',
      'status.phase=Running',
      '-o',
      'name',
    ]);
    expect(running.stdout.trim()).toBe('pod/web-1');
    store.delete('pods', 'shop', 'web-1', { gracePeriodSeconds: 0 });
  });

  it('supports wait --for=condition, rollout status and logs through status writes and the log hook', async () => {
    const waiting = kubectl([
      'wait',
      '--for=condition=Available',
      'deployment/web',
      '-n',
      'shop',
      '--timeout=20s',
    ]);
    const rollout = kubectl(['rollout', 'status', 'deployment/web', '-n', 'shop', '--timeout=20s']);
    await new Promise((r) => setTimeout(r, 700));
    const d = store.get('deployments', 'shop', 'web');
    const replicas = (d['spec'] as { replicas: number }).replicas;
    const now = new Date().toISOString();
    store.update(
      'deployments',
      {
        ...d,
        status: {
          observedGeneration: d.metadata!.generation,
          replicas,
          updatedReplicas: replicas,
          readyReplicas: replicas,
          availableReplicas: replicas,
          conditions: [
            {
              type: 'Available',
              status: 'True',
              reason: 'MinimumReplicasAvailable',
              lastUpdateTime: now,
              lastTransitionTime: now,
            },
            {
              type: 'Progressing',
              status: 'True',
              reason: 'NewReplicaSetAvailable',
              lastUpdateTime: now,
              lastTransitionTime: now,
            },
          ],
        },
      },
      { subresource: 'status' },
    );
    const w = await waiting;
    expect(w.stdout.trim()).toBe('deployment.apps/web condition met');
    const r = await rollout;
    expect(r.stdout.trim()).toContain('deployment "web" successfully rolled out');
    store.create(
      'pods',
      { metadata: { name: 'logger' }, spec: { containers: [{ name: 'app', image: 'x' }] } },
      { namespace: 'shop' },
    );
    store.hooks.log = (t, res) => {
      res.writeHead(200);
      res.end(`hello from ${t.namespace}/${t.pod}/${t.container}\n`);
    };
    try {
      const logs = await kubectl(['logs', 'logger', '-n', 'shop']);
      expect(logs.stdout).toBe('hello from shop/logger/app\n');
    } finally {
      delete store.hooks.log;
      store.delete('pods', 'shop', 'logger');
    }
  });

  it('scales through the scale subresource', async () => {
    const r = await kubectl(['scale', 'deployment', 'web', '-n', 'shop', '--replicas=3']);
    expect(r.stdout.trim()).toBe('deployment.apps/web scaled');
    expect((store.get('deployments', 'shop', 'web')['spec'] as { replicas: number }).replicas).toBe(3);
  });

  it('server-side apply: conflict between field managers, then --force-conflicts', async () => {
    const doc = (replicas: number) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: "api:1"}]
`;
    const a = await kubectl([
      'apply',
      '--server-side',
      '--field-manager=alice',
      '-f',
      file('a.yaml', doc(2)),
    ]);
    expect(a.stdout.trim()).toBe('deployment.apps/api serverside-applied');
    const b = await kubectl(['apply', '--server-side', '--field-manager=bob', '-f', file('b.yaml', doc(3))]);
    expect(b.code).toBe(1);
    expect(b.stderr).toContain('Apply failed with 1 conflict: conflict with "alice": .spec.replicas');
    expect(b.stderr).toContain('--force-conflicts');
    const forced = await kubectl([
      'apply',
      '--server-side',
      '--field-manager=bob',
      '--force-conflicts',
      '-f',
      join(dir, 'b.yaml'),
    ]);
    expect(forced.code).toBe(0);
    const managers = (
      await kubectl([
        'get',
        'deploy',
        'api',
        '-n',
        'shop',
        '-o',
        'jsonpath={.metadata.managedFields[*].manager} {.spec.replicas}',
        '--show-managed-fields',
      ])
    ).stdout;
    expect(managers).toBe('alice bob 3');
  });

  it('rejects an invalid manifest and unknown fields under strict validation', async () => {
    const bad = await kubectl([
      'apply',
      '-f',
      file('bad.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name, namespace: shop}\n'),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /^The ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
    );
    const unknown = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: unk, namespace: shop}
spec:
  bogus: true
  selector: {matchLabels: {app: unk}}
  template:
    metadata: {labels: {app: unk}}
    spec:
      containers: [{name: a, image: x}]
`;
    const strict = await kubectl(['apply', '-f', file('unknown.yaml', unknown)]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain(
      'Error from server (BadRequest): error when creating "' +
        join(dir, 'unknown.yaml') +
        '": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.bogus"',
    );
    const typed = await kubectl([
      'apply',
      '-f',
      file('typed.yaml', unknown.replace('bogus: true', 'replicas: "two"')),
    ]);
    expect(typed.stderr).toContain(
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    );
    const ignored = await kubectl(['apply', '--validate=false', '-f', join(dir, 'unknown.yaml')]);
    expect(ignored.code).toBe(0);
  });

  it('creates configmaps, secrets and roles imperatively (protobuf), answers auth can-i, refuses other kinds with 415', async () => {
    const cm = await kubectl(['create', 'configmap', 'imperative', '-n', 'shop', '--from-literal=a=b']);
    expect(cm.stdout.trim()).toBe('configmap/imperative created');
    expect(store.get('configmaps', 'shop', 'imperative')['data']).toEqual({ a: 'b' });
    const secret = await kubectl([
      'create',
      'secret',
      'generic',
      'imperative',
      '-n',
      'shop',
      '--from-literal=p=hunter2',
    ]);
    expect(secret.stdout.trim()).toBe('secret/imperative created');
    expect(store.get('secrets', 'shop', 'imperative')['data']).toEqual({
      p: Buffer.from('hunter2').toString('base64'),
    });
    const deploy = await kubectl(['create', 'deployment', 'imperative', '-n', 'shop', '--image=x']);
    expect(deploy.code).toBe(1);
    expect(deploy.stderr).toContain(
      'decodes protobuf only for ConfigMap, Secret, Namespace, ServiceAccount and RBAC kinds',
    );
    const role = await kubectl([
      'create',
      'role',
      'imperative',
      '-n',
      'shop',
      '--verb=get,list',
      '--resource=pods',
    ]);
    expect(role.stdout.trim()).toBe('role.rbac.authorization.k8s.io/imperative created');
    expect(store.get('roles', 'shop', 'imperative')['rules']).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
    ]);
    const canI = await kubectl(['auth', 'can-i', 'delete', 'deployments', '-n', 'shop']);
    expect(canI.stdout.trim()).toBe('yes');
  });

  it('deletes with each propagation policy', async () => {
    const owner = (name: string) => {
      const d = store.get('deployments', 'shop', name);
      return [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name,
          uid: d.metadata!.uid!,
          controller: true,
          blockOwnerDeletion: true,
        },
      ];
    };
    const rs = (name: string, of: string) =>
      store.create(
        'replicasets',
        {
          metadata: { name, labels: { app: of }, ownerReferences: owner(of) },
          spec: {
            replicas: 1,
            selector: { matchLabels: { app: of } },
            template: {
              metadata: { labels: { app: of } },
              spec: { containers: [{ name: 'c', image: 'x' }] },
            },
          },
        },
        { namespace: 'shop' },
      );
    for (const n of ['bg', 'fg', 'orphan']) {
      store.create(
        'deployments',
        {
          metadata: { name: n },
          spec: {
            selector: { matchLabels: { app: n } },
            template: { metadata: { labels: { app: n } }, spec: { containers: [{ name: 'c', image: 'x' }] } },
          },
        },
        { namespace: 'shop' },
      );
      rs(`${n}-1`, n);
    }
    const bg = await kubectl(['delete', 'deployment', 'bg', '-n', 'shop', '--cascade=background']);
    expect(bg.stdout.trim()).toBe('deployment.apps "bg" deleted');
    const fg = await kubectl(['delete', 'deployment', 'fg', '-n', 'shop', '--cascade=foreground']);
    expect(fg.code).toBe(0);
    const orphan = await kubectl(['delete', 'deployment', 'orphan', '-n', 'shop', '--cascade=orphan']);
    expect(orphan.code).toBe(0);
    await settle();
    expect(store.find('replicasets', 'shop', 'bg-1')).toBeUndefined();
    expect(store.find('replicasets', 'shop', 'fg-1')).toBeUndefined();
    expect(store.find('deployments', 'shop', 'fg')).toBeUndefined();
    const orphaned = store.get('replicasets', 'shop', 'orphan-1');
    expect(orphaned.metadata!.ownerReferences).toBeUndefined();
    const rsList = await kubectl(['get', 'rs', '-n', 'shop', '-o', 'name']);
    expect(rsList.stdout.trim()).toBe('replicaset.apps/orphan-1');
  });

  it('waits for a deletion held by a finalizer', async () => {
    store.create(
      'configmaps',
      { metadata: { name: 'held', finalizers: ['example.com/hold'] } },
      { namespace: 'shop' },
    );
    const del = await kubectl(['delete', 'configmap', 'held', '-n', 'shop', '--wait=false']);
    expect(del.code).toBe(0);
    const waiting = kubectl(['wait', '--for=delete', 'configmap/held', '-n', 'shop', '--timeout=20s']);
    await new Promise((r) => setTimeout(r, 500));
    expect(store.get('configmaps', 'shop', 'held').metadata!.deletionTimestamp).toBeDefined();
    store.patch('configmaps', 'shop', 'held', 'merge', { metadata: { finalizers: null } });
    const done = await waiting;
    expect(done.code).toBe(0);
    expect(done.stdout.trim()).toBe('configmap/held condition met');
  });

  it('deleting the manifest with its namespace empties the namespace and removes it', async () => {
    const r = await kubectl(['delete', '-f', join(dir, 'app.yaml')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')[0]).toBe('namespace "shop" deleted');
    expect(r.stdout).toContain('deployment.apps "web" deleted');
    for (let i = 0; i < 100 && store.find('namespaces', undefined, 'shop'); i++)
      await new Promise((w) => setTimeout(w, 50));
    expect(store.list('configmaps', { namespace: 'shop' }).items).toEqual([]);
    expect(store.find('namespaces', undefined, 'shop')).toBeUndefined();
    const again = await kubectl(['get', 'namespace', 'shop']);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe('Error from server (NotFound): namespaces "shop" not found');
    const missing = await kubectl([
      'apply',
      '-f',
      file('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\n'),
    ]);
    expect(missing.stderr).toContain('namespaces "shop" not found');
  });

  it('serves TLS with a generated CA and bearer-token auth', async () => {
    const secure = await startApiServer(store, { tls: true, token: 'sekret' });
    try {
      const good = join(dir, 'tls-kubeconfig');
      writeKubeconfig(good, [{ name: 'tls', server: secure.url, caCert: secure.caCert, token: 'sekret' }]);
      const ok = await kubectl(['get', 'namespaces', '-o', 'name'], undefined, good);
      expect(ok.stdout).toContain('namespace/default');
      const wrong = join(dir, 'tls-wrong');
      writeKubeconfig(wrong, [{ name: 'tls', server: secure.url, caCert: secure.caCert, token: 'nope' }]);
      const denied = await kubectl(['get', 'namespaces'], undefined, wrong);
      expect(denied.code).toBe(1);
      expect(denied.stderr).toContain('Unauthorized');
    } finally {
      await secure.close();
    }
  });
});
