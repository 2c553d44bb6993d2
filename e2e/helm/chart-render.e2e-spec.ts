import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SENSITIVE_KEYS } from '@bsp/config';
import { README_PATH, readmeWithTable } from '../../tools/helm/values-table';
import { CHART_DIR, find, one, render, tryRender, type KubeObject } from './chart';
import { releaseName, VARIANTS } from './variants';

interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string } }[];
  ports?: { name: string; containerPort: number }[];
  livenessProbe?: { httpGet: { path: string; port: string } };
  readinessProbe?: { httpGet: { path: string; port: string } };
  startupProbe?: { httpGet: { path: string; port: string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
}

interface PodSpec {
  containers: Container[];
  securityContext?: Record<string, unknown>;
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  topologySpreadConstraints?: { topologyKey: string }[];
}

function podSpec(o: KubeObject): PodSpec {
  return (o as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
}

function spec<T>(o: KubeObject): T {
  return (o as unknown as { spec: T }).spec;
}

const rendered = new Map(VARIANTS.map((v) => [v.name, render({ values: v.values, name: releaseName(v) })]));
const objectsOf = (name: string): KubeObject[] => rendered.get(name)!.objects;

describe('helm chart rendered by tools/helm-render', () => {
  it.each(VARIANTS.map((v) => v.name))('%s: every object is labelled and named after the release', (name) => {
    const objects = objectsOf(name);
    expect(objects.length).toBeGreaterThan(10);
    for (const o of objects) {
      expect(o.metadata.name).toMatch(new RegExp(`^cp-${name}-bsp-control-plane|^bsp-prod|^pg-`));
      expect(o.metadata.name.length).toBeLessThanOrEqual(63);
      expect(o.metadata.labels).toMatchObject({
        'app.kubernetes.io/name': 'bsp-control-plane',
        'app.kubernetes.io/instance': `cp-${name}`,
        'app.kubernetes.io/managed-by': 'Helm',
      });
    }
  });

  it.each(VARIANTS.map((v) => v.name))(
    '%s: restricted pods with pinned images, resources, probes on /healthz and /readyz',
    (name) => {
      const objects = objectsOf(name);
      const workloads = [...find(objects, 'Deployment'), ...find(objects, 'Job')];
      expect(
        workloads.map((w) => w.metadata.name.replace(`cp-${name}-bsp-control-plane-`, '')).sort(),
      ).toEqual(['api', 'migrations', 'worker']);
      for (const w of workloads) {
        const pod = podSpec(w);
        expect(pod.securityContext).toMatchObject({
          runAsNonRoot: true,
          seccompProfile: { type: 'RuntimeDefault' },
        });
        for (const c of pod.containers) {
          expect(c.image).toMatch(
            /^registry\.example\.com\/bsp\/bsp-control-plane-(api|worker):\d+\.\d+\.\d+$/,
          );
          expect(c.securityContext).toMatchObject({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ['ALL'] },
          });
          expect(c.resources?.requests).toBeDefined();
          expect(c.resources?.limits?.memory).toBeDefined();
        }
      }
      for (const [component, port] of [
        ['api', 3000],
        ['worker', 3001],
      ] as const) {
        const pod = podSpec(one(objects, 'Deployment', `-${component}`));
        const c = pod.containers[0]!;
        expect(c.ports).toEqual([{ name: 'http', containerPort: port, protocol: 'TCP' }]);
        expect(c.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
        expect(c.startupProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
        expect(c.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
        expect(c.env).toContainEqual({ name: 'API_HOST', value: '0.0.0.0' });
        expect(pod.topologySpreadConstraints?.map((t) => t.topologyKey)).toEqual([
          'topology.kubernetes.io/zone',
          'kubernetes.io/hostname',
        ]);
      }
      // Only the worker talks to Kubernetes.
      expect(podSpec(one(objects, 'Deployment', '-api')).automountServiceAccountToken).toBe(false);
      expect(podSpec(one(objects, 'Deployment', '-worker')).serviceAccountName).toBe(
        `cp-${name}-bsp-control-plane-worker`,
      );
    },
  );

  it.each(VARIANTS.map((v) => v.name))('%s: the migrations Job is a pre-install/pre-upgrade hook', (name) => {
    const job = one(objectsOf(name), 'Job', '-migrations');
    expect(job.metadata.annotations).toMatchObject({
      'helm.sh/hook': 'pre-install,pre-upgrade',
      'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
    });
    const c = podSpec(job).containers[0]!;
    expect(c.command).toEqual(['node', 'dist/libs/server/db/src/migrate.cli.js']);
    // A hook runs before the release's ConfigMap exists: it must not need it.
    expect(c.envFrom).toBeUndefined();
    expect(c.env?.map((e) => e.name)).toContain('DATABASE_URL');
  });

  it.each(VARIANTS.map((v) => v.name))('%s: no secret variable or value in a ConfigMap', (name) => {
    const variant = VARIANTS.find((v) => v.name === name)!;
    const inline = Object.values(
      (variant.values['secrets'] as { inline?: Record<string, string> } | undefined)?.inline ?? {},
    );
    for (const cm of find(objectsOf(name), 'ConfigMap')) {
      const data = (cm as unknown as { data: Record<string, string> }).data;
      for (const key of SENSITIVE_KEYS) expect(Object.keys(data)).not.toContain(key);
      const text = JSON.stringify(data);
      for (const value of inline) expect(text).not.toContain(value);
      expect(text).not.toMatch(/postgres(ql)?:\/\/|rediss?:\/\//);
    }
    for (const d of find(objectsOf(name), 'Deployment')) {
      for (const c of podSpec(d).containers) {
        for (const e of c.env ?? []) {
          if ((SENSITIVE_KEYS as readonly string[]).includes(e.name)) {
            expect(e.value, `${e.name} is a plain value`).toBeUndefined();
            expect(e.valueFrom?.secretKeyRef).toBeDefined();
          }
        }
      }
    }
  });

  it('default: secrets come from <fullname>-secrets, no Secret, Ingress, HPA or ServiceMonitor is rendered', () => {
    const objects = objectsOf('default');
    expect(find(objects, 'Secret')).toEqual([]);
    expect(find(objects, 'Ingress')).toEqual([]);
    expect(find(objects, 'HorizontalPodAutoscaler')).toEqual([]);
    expect(find(objects, 'ServiceMonitor')).toEqual([]);
    expect(find(objects, 'Role')).toEqual([]);
    const env = podSpec(one(objects, 'Deployment', '-worker')).containers[0]!.env!;
    expect(env.find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual({
      name: 'cp-default-bsp-control-plane-secrets',
      key: 'DATABASE_URL',
    });
    expect(env.find((e) => e.name === 'TENANT_DATABASE_ADMIN_URL')?.valueFrom?.secretKeyRef).toMatchObject({
      optional: true,
    });
    const apiEnv = podSpec(one(objects, 'Deployment', '-api')).containers[0]!.env!.map((e) => e.name);
    expect(apiEnv).not.toContain('SECRETS_ENCRYPTION_KEYS');
    expect(apiEnv).not.toContain('BSP_ADMIN_EMAIL');
    const cm = one(objects, 'ConfigMap', '-config') as unknown as { data: Record<string, string> };
    expect(cm.data).toMatchObject({
      NODE_ENV: 'production',
      CONTROL_PLANE_NAMESPACE_LABELS: 'kubernetes.io/metadata.name=bsp-control-plane',
      RESYNC_INTERVAL_SECONDS: '300',
      FENCING_LEASE_URL:
        'http://cp-default-bsp-control-plane-api.bsp-control-plane.svc.cluster.local:3000/internal/v1/leases/renew',
      LEASE_DURATION_MS: '12000',
      LEASE_RENEW_INTERVAL_MS: '4000',
      LEASE_CLOCK_SKEW_MARGIN_MS: '2000',
      HEALTH_CHECK_INTERVAL_SECONDS: '10',
      FAILOVER_CONFIRM_TIMEOUT_SECONDS: '300',
    });
    expect(spec<{ replicas: number }>(one(objects, 'Deployment', '-api')).replicas).toBe(2);
    expect(find(objects, 'PodDisruptionBudget')).toHaveLength(2);
    expect(find(objects, 'NetworkPolicy')).toHaveLength(3);
  });

  it('ingress-tls: an Ingress with TLS to the API service and the first admin on the API only', () => {
    const objects = objectsOf('ingress-tls');
    const ingress = one(objects, 'Ingress');
    expect(ingress.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt' });
    expect(spec(ingress)).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['bsp.example.com'], secretName: 'bsp-example-com-tls' }],
      rules: [
        {
          host: 'bsp.example.com',
          http: {
            paths: [
              {
                // The fencing agents' lease endpoint never goes through the public Ingress.
                path: '/internal',
                pathType: 'Prefix',
                backend: {
                  service: { name: 'cp-ingress-tls-bsp-control-plane-blocked', port: { name: 'none' } },
                },
              },
              {
                path: '/',
                pathType: 'Prefix',
                backend: {
                  service: { name: 'cp-ingress-tls-bsp-control-plane-api', port: { name: 'http' } },
                },
              },
            ],
          },
        },
      ],
    });
    const apiEnv = podSpec(one(objects, 'Deployment', '-api')).containers[0]!.env!;
    expect(apiEnv).toContainEqual({ name: 'BSP_ADMIN_EMAIL', value: 'admin@bsp.example' });
    expect(apiEnv.map((e) => e.name)).toContain('BSP_ADMIN_PASSWORD');
    const workerEnv = podSpec(one(objects, 'Deployment', '-worker')).containers[0]!.env!.map((e) => e.name);
    expect(workerEnv).not.toContain('BSP_ADMIN_PASSWORD');
  });

  it('existing-secrets: per-key references win over existingSecret; the chart creates no Secret', () => {
    const objects = objectsOf('existing-secrets');
    expect(find(objects, 'Secret')).toEqual([]);
    const env = podSpec(one(objects, 'Deployment', '-worker')).containers[0]!.env!;
    const ref = (key: string) => env.find((e) => e.name === key)?.valueFrom?.secretKeyRef;
    expect(ref('DATABASE_URL')).toEqual({ name: 'pg-app', key: 'uri' });
    expect(ref('TENANT_DATABASE_ADMIN_URL')).toEqual({ name: 'pg-admin', key: 'uri', optional: true });
    expect(ref('REDIS_URL')).toEqual({ name: 'bsp-prod', key: 'REDIS_URL' });
    const job = podSpec(one(objects, 'Job')).containers[0]!;
    expect(job.env?.find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual({
      name: 'pg-app',
      key: 'uri',
    });
    expect(job.image).toBe('registry.example.com/bsp/bsp-control-plane-api:1.4.2');
  });

  it('ha-worker: HPAs for both Deployments (which then leave replicas to them), the Lease Role', () => {
    const objects = objectsOf('ha-worker');
    const hpas = find(objects, 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => spec<{ scaleTargetRef: { name: string } }>(h).scaleTargetRef.name).sort()).toEqual(
      ['cp-ha-worker-bsp-control-plane-api', 'cp-ha-worker-bsp-control-plane-worker'],
    );
    expect(spec(one(objects, 'HorizontalPodAutoscaler', '-worker'))).toMatchObject({
      minReplicas: 3,
      maxReplicas: 6,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
    });
    for (const d of find(objects, 'Deployment'))
      expect(spec<{ replicas?: number }>(d).replicas).toBeUndefined();
    const role = one(objects, 'Role', '-worker-lease');
    expect((role as unknown as { rules: unknown[] }).rules).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        resourceNames: ['bsp-control-plane-worker'],
        verbs: ['get', 'update', 'patch'],
      },
    ]);
    expect(one(objects, 'RoleBinding', '-worker-lease')).toBeDefined();
    const profile = one(objects, 'ConfigMap', '-runtime-profile') as unknown as {
      data: Record<string, string>;
    };
    expect(JSON.parse(profile.data['runtime-profile.json']!)).toEqual({ webapp: { replicas: 1 } });
    expect(podSpec(one(objects, 'Deployment', '-worker')).containers[0]!.env).toContainEqual({
      name: 'RUNTIME_PROFILE_FILE',
      value: '/etc/bsp/runtime-profile.json',
    });
  });

  it('service-monitor: one ServiceMonitor per process on its http port', () => {
    // The emulator has no CRDs, so this variant's ServiceMonitors are checked for shape only.
    const monitors = find(objectsOf('service-monitor'), 'ServiceMonitor');
    expect(monitors).toHaveLength(2);
    for (const m of monitors) {
      expect(m.apiVersion).toBe('monitoring.coreos.com/v1');
      expect(m.metadata.labels?.['release']).toBe('prometheus');
      const s = spec<{ selector: { matchLabels: Record<string, string> }; endpoints: unknown[] }>(m);
      expect(s.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s' }]);
      const component = s.selector.matchLabels['app.kubernetes.io/component'];
      const service = one(objectsOf('service-monitor'), 'Service', `-${component}`);
      expect(spec<{ ports: { name: string }[] }>(service).ports.map((p) => p.name)).toContain('http');
    }
  });

  it('inline-secrets: a hook Secret marked not for production holds the values', () => {
    const secret = one(objectsOf('inline-secrets'), 'Secret', '-inline');
    expect(secret.metadata.annotations).toMatchObject({
      'helm.sh/hook': 'pre-install,pre-upgrade',
      'helm.sh/hook-weight': '-10',
      'bsp.io/not-for-production': expect.any(String),
    });
    expect(Object.keys((secret as unknown as { stringData: object }).stringData).sort()).toEqual([
      'API_KEY_PEPPER',
      'DATABASE_URL',
      'JWT_SECRET',
      'REDIS_URL',
      'SECRETS_ENCRYPTION_KEYS',
    ]);
  });

  it('refuses `latest`, a missing inline secret and an ingress without host', () => {
    expect(tryRender({ set: ['image.tag=latest'] })).toMatchObject({
      ok: false,
      error: expect.stringContaining('latest'),
    });
    expect(tryRender({ values: { secrets: { inline: { REDIS_URL: 'redis://r:6379' } } } })).toMatchObject({
      ok: false,
      error: expect.stringContaining('secrets.inline has no DATABASE_URL'),
    });
    expect(tryRender({ set: ['ingress.enabled=true', 'ingress.host='] })).toMatchObject({
      ok: false,
      error: expect.stringContaining('ingress.host is required'),
    });
  });

  it('--set overrides values files and reaches the objects', () => {
    const objects = render({
      values: { worker: { replicaCount: 2 }, config: { JWT_REFRESH_TTL_SECONDS: 2592000 } },
      set: [
        'worker.replicaCount=5',
        'config.LOG_LEVEL=debug',
        'rbac.create=false',
        'networkPolicy.enabled=false',
      ],
    }).objects;
    expect(spec<{ replicas: number }>(one(objects, 'Deployment', '-worker')).replicas).toBe(5);
    expect((one(objects, 'ConfigMap') as unknown as { data: Record<string, string> }).data['LOG_LEVEL']).toBe(
      'debug',
    );
    // helm gives value-file numbers as float64; the ConfigMap still prints them as integers.
    expect(
      (one(objects, 'ConfigMap') as unknown as { data: Record<string, string> }).data[
        'JWT_REFRESH_TTL_SECONDS'
      ],
    ).toBe('2592000');
    expect(find(objects, 'ClusterRole')).toEqual([]);
    expect(find(objects, 'NetworkPolicy')).toEqual([]);
  });

  it('the values table in the chart README is generated from values.yaml', async () => {
    const readme = readFileSync(README_PATH, 'utf8');
    const expected = await readmeWithTable(
      readme,
      readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8'),
      README_PATH,
    );
    expect(readme, 'run: npx tsx tools/helm/values-table.ts').toBe(expected);
    expect(readme).toMatch(/\| `secrets\.existingSecret` +\|/);
  });
});
