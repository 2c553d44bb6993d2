/**
 * The activation-lease path through the chart: the fencing agent in every active number's CoreApp
 * pod renews its lease at `POST /internal/v1/leases/renew` on the API (docs/failover.md). The
 * chart's ConfigMap is read by the real configuration parser, the real pod-set renderer builds a
 * pod set from it, and both sides' NetworkPolicies must let the renewal through: the pod set's
 * `allow-lease-egress` (to the control plane's namespace on the URL's port) and the API's ingress
 * (from namespaces labelled as pod sets, on the API's pod port).
 */
import { AppConfig } from '@bsp/config';
import {
  DEFAULT_RUNTIME_PROFILE,
  podSetNamespace,
  ProvisioningSettings,
  renderPodSet,
  type KubernetesManifest,
} from '@bsp/domain-provisioning';
import { find, one, render, tryRender, type KubeObject } from './chart';

interface PolicyPeer {
  namespaceSelector?: { matchLabels?: Record<string, string> };
  podSelector?: { matchLabels?: Record<string, string> };
  ipBlock?: { cidr: string };
}
interface PolicyRule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: { protocol: string; port: number }[];
}
interface ServicePort {
  name: string;
  port: number;
  targetPort: string | number;
}

const RELEASE = 'cp-lease';
const NAMESPACE = 'bsp-system';

function configMapData(objects: KubeObject[]): Record<string, string> {
  return (one(objects, 'ConfigMap', '-config') as unknown as { data: Record<string, string> }).data;
}

function spec<T>(o: KubeObject | KubernetesManifest): T {
  return (o as unknown as { spec: T }).spec;
}

function apiContainerPort(objects: KubeObject[]): number {
  const pod = spec<{
    template: { spec: { containers: { ports: { name: string; containerPort: number }[] }[] } };
  }>(one(objects, 'Deployment', '-api')).template.spec;
  return pod.containers[0]!.ports.find((p) => p.name === 'http')!.containerPort;
}

/** What the processes would read: the ConfigMap plus the Secret's variables (placeholders here). */
function processConfig(objects: KubeObject[]): AppConfig {
  return AppConfig.fromEnv({
    ...configMapData(objects),
    DATABASE_URL: 'postgresql://bsp:placeholder@pg.internal:5432/bsp',
    REDIS_URL: 'redis://redis.internal:6379',
    JWT_SECRET: 'j'.repeat(40),
    API_KEY_PEPPER: 'p'.repeat(40),
  });
}

/** A pod set exactly as the worker would render it with the chart's configuration. */
function podSetFrom(objects: KubeObject[]): KubernetesManifest[] {
  const settings = new ProvisioningSettings(processConfig(objects));
  const numberId = '3f2a9c1e-7b4d-4e8a-9f60-1c2d3e4f5a6b';
  const placementId = 'a1b2c3d4-e5f6-4789-8abc-def012345678';
  return renderPodSet({
    number: {
      id: numberId,
      tenantId: '8d7c6b5a-4e3f-4a1b-8c9d-0e1f2a3b4c5d',
      phoneNumber: '+4915123456789',
      region: 'eu-central',
      mode: 'single',
      desiredState: 'active',
      fencingEpoch: 1n,
    },
    placement: {
      id: placementId,
      clusterName: 'eu-central-1',
      zone: 'eu-central-1a',
      role: 'primary',
      namespace: podSetNamespace(numberId, placementId),
    },
    profile: DEFAULT_RUNTIME_PROFILE,
    settings: settings.controlPlane,
    credentials: {
      dbPassword: 'fake-db-password-0000000000000000',
      webappAdminPassword: 'Fake-Admin-Password-1!',
      healthApiKey: 'fake-health-api-key-00000000000000000000',
      encryptionSecret: 'fake-encryption-secret-000000000000000000',
    },
  });
}

const subsetOf = (selector: Record<string, string> | undefined, labels: Record<string, string>): boolean =>
  selector !== undefined && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** The API NetworkPolicy's ingress rules that admit a pod in a namespace with these labels on this port. */
function apiAdmits(
  objects: KubeObject[],
  namespaceLabels: Record<string, string>,
  port: number,
): PolicyRule[] {
  const policy = one(objects, 'NetworkPolicy', '-api');
  return spec<{ ingress: PolicyRule[] }>(policy).ingress.filter(
    (rule) =>
      (rule.ports ?? []).some((p) => p.protocol === 'TCP' && p.port === port) &&
      (rule.from ?? []).some(
        (peer) =>
          peer.podSelector === undefined && subsetOf(peer.namespaceSelector?.matchLabels, namespaceLabels),
      ),
  );
}

describe('activation leases through the chart', () => {
  const objects = render({ name: RELEASE, namespace: NAMESPACE }).objects;

  it('FENCING_LEASE_URL defaults to the API Service in this cluster, on the API pod port', () => {
    expect(configMapData(objects)['FENCING_LEASE_URL']).toBe(
      'http://cp-lease-bsp-control-plane-api.bsp-system.svc.cluster.local:3000/internal/v1/leases/renew',
    );
    const custom = render({
      name: RELEASE,
      namespace: 'cp',
      values: { api: { port: 8080 }, config: { CLUSTER_DOMAIN: 'k8s.example' } },
    }).objects;
    expect(configMapData(custom)['FENCING_LEASE_URL']).toBe(
      'http://cp-lease-bsp-control-plane-api.cp.svc.k8s.example:8080/internal/v1/leases/renew',
    );
    const given = 'http://10.20.0.50:3000/internal/v1/leases/renew';
    expect(configMapData(render({ values: { config: { FENCING_LEASE_URL: given } } }).objects)).toMatchObject(
      {
        FENCING_LEASE_URL: given,
      },
    );
  });

  it("the URL's host and port name the API Service, and that port reaches the API pods' own port", () => {
    const url = new URL(configMapData(objects)['FENCING_LEASE_URL']!);
    const service = one(objects, 'Service', '-api');
    expect(url.hostname.split('.').slice(0, 2)).toEqual([service.metadata.name, NAMESPACE]);
    const ports = spec<{ ports: ServicePort[] }>(service).ports;
    const port = ports.find((p) => p.port === Number(url.port))!;
    expect(port, `the API Service has no port ${url.port}`).toBeDefined();
    expect(port.targetPort).toBe('http');
    // A NetworkPolicy sees the pod's port behind a Service: the URL must name the same number.
    expect(Number(url.port)).toBe(apiContainerPort(objects));
    expect(ports.map((p) => p.name)).toEqual(['http', 'lease']);
    // No duplicate when the Service port already is the pod port.
    const same = render({ values: { api: { service: { port: 3000 } } } }).objects;
    expect(spec<{ ports: ServicePort[] }>(one(same, 'Service', '-api')).ports).toEqual([
      { name: 'http', port: 3000, targetPort: 'http', protocol: 'TCP' },
    ]);
  });

  it("the API NetworkPolicy admits renewals from the pod sets' namespaces on the API port", () => {
    const port = apiContainerPort(objects);
    const rules = apiAdmits(objects, { 'app.kubernetes.io/managed-by': 'bsp-control-plane' }, port);
    expect(rules).toHaveLength(1);
    expect(rules[0]!.ports).toEqual([{ protocol: 'TCP', port }]);
    // A namespace that is not a pod set's gets nothing new.
    expect(apiAdmits(objects, { 'kubernetes.io/metadata.name': 'tenant-sandbox' }, port)).toEqual([]);
    // Workload clusters elsewhere: their source addresses, by value.
    const remote = render({ values: { networkPolicy: { leaseSourceCidrs: ['10.60.0.0/16'] } } }).objects;
    expect(
      apiAdmits(remote, { 'app.kubernetes.io/managed-by': 'bsp-control-plane' }, 3000)[0]!.from,
    ).toContainEqual({ ipBlock: { cidr: '10.60.0.0/16' } });
  });

  it("a pod set rendered from the chart's ConfigMap can reach the API, and the API admits it", () => {
    const podSet = podSetFrom(objects);
    const agent = spec<{
      template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } };
    }>(podSet.find((m) => m.kind === 'StatefulSet')!).template.spec.containers.flatMap((c) => c.env ?? []);
    expect(agent).toContainEqual({
      name: 'FENCE_LEASE_URL',
      value: configMapData(objects)['FENCING_LEASE_URL'],
    });

    const port = apiContainerPort(objects);
    // Pod-set side: egress to the control plane's namespace (labels of the release namespace) on that port.
    const egress = spec<{ egress: PolicyRule[] }>(
      podSet.find((m) => m.metadata.name === 'allow-lease-egress')!,
    ).egress;
    const releaseNamespaceLabels = { 'kubernetes.io/metadata.name': NAMESPACE };
    expect(
      egress.some(
        (rule) =>
          (rule.ports ?? []).some((p) => p.port === port) &&
          (rule.to ?? []).some((peer) =>
            subsetOf(peer.namespaceSelector?.matchLabels, releaseNamespaceLabels),
          ),
      ),
    ).toBe(true);
    // API side: the pod set's namespace, with the labels the renderer gives it, is admitted.
    const namespace = podSet.find((m) => m.kind === 'Namespace')!;
    expect(apiAdmits(objects, namespace.metadata.labels!, port)).toHaveLength(1);
  });

  it('refuses a renew interval above half the lease, like the processes do', () => {
    const bad = { config: { LEASE_DURATION_MS: 12000, LEASE_RENEW_INTERVAL_MS: 7000 } };
    expect(tryRender({ values: bad })).toMatchObject({
      ok: false,
      error: expect.stringContaining('LEASE_RENEW_INTERVAL_MS (7000) must be at most half of'),
    });
    const ok = render({ values: { config: { LEASE_DURATION_MS: 30000, LEASE_RENEW_INTERVAL_MS: 10000 } } });
    expect(configMapData(ok.objects)).toMatchObject({
      LEASE_DURATION_MS: '30000',
      LEASE_RENEW_INTERVAL_MS: '10000',
    });
    // The defaults pass the processes' own check.
    expect(processConfig(objects).get('LEASE_RENEW_INTERVAL_MS')).toBe(4000);
    expect(processConfig(objects).get('FENCING_LEASE_URL')).toMatch(/\/internal\/v1\/leases\/renew$/);
  });

  it('the Ingress sends /internal to a Service without endpoints, unless told otherwise', () => {
    const withIngress = render({ values: { ingress: { enabled: true } } }).objects;
    const paths = spec<{
      rules: { http: { paths: { path: string; backend: { service: { name: string } } }[] } }[];
    }>(one(withIngress, 'Ingress')).rules[0]!.http.paths;
    const internal = paths.find((p) => p.path === '/internal')!;
    expect(internal.backend.service.name).toBe('bsp-control-plane-blocked');
    const blocked = spec<{ selector?: unknown; clusterIP: string }>(one(withIngress, 'Service', '-blocked'));
    expect(blocked.selector).toBeUndefined();
    expect(blocked.clusterIP).toBe('None');
    expect(paths.find((p) => p.path === '/')!.backend.service.name).toBe('bsp-control-plane-api');

    const open = render({ values: { ingress: { enabled: true, blockInternal: false } } }).objects;
    expect(find(open, 'Service', '-blocked')).toEqual([]);
    expect(
      spec<{ rules: { http: { paths: { path: string }[] } }[] }>(
        one(open, 'Ingress'),
      ).rules[0]!.http.paths.map((p) => p.path),
    ).toEqual(['/']);
  });
});
