import { leaseToken } from './lease-token';
import { stringify } from 'yaml';
import { InvalidPodSetInputError } from './pod-set.errors';
import { haStandbyInput, singlePrimaryInput } from './pod-set.fixtures';
import { isDns1123Label, phoneNumberHash, podSetNamespace } from './pod-set.names';
import { renderPodSet } from './pod-set.renderer';
import type { KubernetesManifest, PodSetInput } from './pod-set.types';

const byKind = (manifests: KubernetesManifest[], kind: string, name?: string) => {
  const found = manifests.find((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  if (!found) throw new Error(`no ${kind} ${name ?? ''}`);
  return found as any;
};

const podSpecs = (manifests: KubernetesManifest[]): any[] =>
  manifests
    .filter((m) => m.kind === 'Deployment' || m.kind === 'StatefulSet')
    .map((m) => (m as any).spec.template.spec);

function withNumber(input: PodSetInput, patch: Partial<PodSetInput['number']>): PodSetInput {
  return { ...input, number: { ...input.number, ...patch } };
}

function withRole(input: PodSetInput, role: 'primary' | 'standby'): PodSetInput {
  return { ...input, placement: { ...input.placement, role } };
}

describe('renderPodSet', () => {
  describe('CoreApp replicas', () => {
    it.each([
      ['primary', 'active', 1],
      ['primary', 'suspended', 0],
      ['primary', 'deleted', 0],
      ['standby', 'active', 0],
      ['standby', 'suspended', 0],
    ] as const)('%s placement, desired %s → %i', (role, desiredState, replicas) => {
      const input = withRole(withNumber(singlePrimaryInput(), { desiredState }), role);
      expect(byKind(renderPodSet(input), 'StatefulSet').spec.replicas).toBe(replicas);
    });

    it('keeps a warm WebApp on a standby and none for a suspended number', () => {
      expect(byKind(renderPodSet(haStandbyInput()), 'Deployment').spec.replicas).toBe(2);
      const suspended = withNumber(singlePrimaryInput(), { desiredState: 'suspended' });
      expect(byKind(renderPodSet(suspended), 'Deployment').spec.replicas).toBe(0);
    });
  });

  it('emits the objects in apply order, all but the namespace inside it', () => {
    const manifests = renderPodSet(singlePrimaryInput());
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      `Namespace/${singlePrimaryInput().placement.namespace}`,
      'ServiceAccount/wa-runtime',
      'ResourceQuota/pod-set-quota',
      'LimitRange/pod-set-limits',
      'NetworkPolicy/default-deny',
      'NetworkPolicy/allow-same-namespace',
      'NetworkPolicy/allow-webapp-ingress',
      'NetworkPolicy/allow-dns-egress',
      'NetworkPolicy/allow-database-egress',
      'NetworkPolicy/allow-https-egress',
      'NetworkPolicy/allow-lease-egress',
      'Secret/wa-credentials',
      'PersistentVolumeClaim/wa-media',
      'Service/webapp',
      'Deployment/webapp',
      'Service/coreapp',
      'StatefulSet/coreapp',
      'PodDisruptionBudget/webapp',
      'PodDisruptionBudget/coreapp',
    ]);
    for (const m of manifests.slice(1)) expect(m.metadata.namespace).toBe(manifests[0]!.metadata.name);
  });

  it('labels and annotates the namespace for operators', () => {
    const input = haStandbyInput();
    const ns = byKind(renderPodSet(input), 'Namespace');
    expect(ns.metadata.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'bsp-control-plane',
      'bsp.io/tenant-id': input.number.tenantId,
      'bsp.io/number-id': input.number.id,
      'bsp.io/phone-hash': phoneNumberHash(input.number.phoneNumber),
      'bsp.io/region': 'eu-central',
      'bsp.io/role': 'standby',
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
    expect(ns.metadata.annotations).toMatchObject({
      'bsp.io/fencing-epoch': '7',
      'bsp.io/placement-id': input.placement.id,
      'bsp.io/control-plane-version': '0.1.0',
    });
  });

  it('never puts the phone number (or its digits) into a label', () => {
    const input = singlePrimaryInput();
    const digits = input.number.phoneNumber.slice(1);
    const hash = phoneNumberHash(input.number.phoneNumber);
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    for (const m of renderPodSet(input)) {
      const labelMaps = [m.metadata.labels ?? {}, (m as any).spec?.template?.metadata?.labels ?? {}];
      for (const labels of labelMaps) {
        for (const [key, value] of Object.entries(labels as Record<string, string>)) {
          expect(`${key}=${value}`).not.toContain(digits);
        }
      }
    }
  });

  it('writes the phone number in one place only: the CoreApp environment', () => {
    const input = haStandbyInput();
    const yaml = renderPodSet(input)
      .map((m) => stringify(m))
      .join('---\n');
    expect(yaml.split(input.number.phoneNumber.slice(1))).toHaveLength(2);
    expect(yaml).toContain(`value: "${input.number.phoneNumber}"`);
  });

  it('carries the fencing epoch on the StatefulSet, its pods and the CoreApp environment', () => {
    const sts = byKind(renderPodSet(haStandbyInput()), 'StatefulSet');
    expect(sts.metadata.annotations['bsp.io/fencing-epoch']).toBe('7');
    expect(sts.spec.template.metadata.annotations['bsp.io/fencing-epoch']).toBe('7');
    const env = sts.spec.template.spec.containers[0].env as { name: string; value?: string }[];
    expect(env).toContainEqual({ name: 'BSP_FENCING_EPOCH', value: '7' });
    expect(env).toContainEqual({ name: 'WA_PHONE_NUMBER', value: '+4915123456789' });
    expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
  });

  it('takes the database password from the Secret, never inline', () => {
    const manifests = renderPodSet(singlePrimaryInput());
    for (const spec of podSpecs(manifests)) {
      for (const c of spec.containers) {
        for (const e of c.env as { name: string; value?: string }[]) {
          expect(e.value ?? '').not.toContain('fake-');
        }
      }
    }
    const coreEnv = byKind(manifests, 'StatefulSet').spec.template.spec.containers[0].env;
    expect(coreEnv).toContainEqual({
      name: 'WA_DB_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'wa-credentials', key: 'db-password' } },
    });
    expect(Object.keys(byKind(manifests, 'Secret').stringData).sort()).toEqual([
      'db-password',
      'encryption-secret',
      'health-api-key',
      'lease-token',
      'webapp-admin-password',
    ]);
  });

  it('gives the fencing agent its lease endpoint and a token of its own pod set, from the Secret', () => {
    const input = singlePrimaryInput();
    const manifests = renderPodSet(input);
    const agent = byKind(manifests, 'StatefulSet').spec.template.spec.containers[1];
    expect(agent.env).toContainEqual({ name: 'FENCE_LEASE_URL', value: input.settings.leaseUrl });
    expect(agent.env).toContainEqual({
      name: 'FENCE_LEASE_TOKEN',
      valueFrom: { secretKeyRef: { name: 'wa-credentials', key: 'lease-token' } },
    });
    const token = byKind(manifests, 'Secret').stringData['lease-token'];
    expect(token).toBe(leaseToken(input.credentials.encryptionSecret, input.placement.id));
    const standby = haStandbyInput();
    expect(byKind(renderPodSet(standby), 'Secret').stringData['lease-token']).not.toBe(token);
    const egress = manifests.find((m) => m.metadata.name === 'allow-lease-egress')!;
    expect(egress.spec).toMatchObject({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'coreapp' } },
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: input.settings.namespaceLabels } }],
          ports: [{ protocol: 'TCP', port: 3000 }],
        },
      ],
    });
    const local = renderPodSet({
      ...input,
      settings: { ...input.settings, leaseUrl: 'http://127.0.0.1:4100/internal/v1/leases/renew' },
    }).find((m) => m.metadata.name === 'allow-lease-egress')!;
    expect((local.spec as { egress: { to: unknown[] }[] }).egress[0]!.to).toContainEqual({
      ipBlock: { cidr: '127.0.0.1/32' },
    });
  });

  it('renders no lease parts when lease fencing is off', () => {
    const input = singlePrimaryInput();
    const manifests = renderPodSet({ ...input, settings: { ...input.settings, leaseUrl: null } });
    expect(manifests.some((m) => m.metadata.name === 'allow-lease-egress')).toBe(false);
    expect(byKind(manifests, 'Secret').stringData['lease-token']).toBeUndefined();
    const agent = byKind(manifests, 'StatefulSet').spec.template.spec.containers[1];
    expect(agent.env.map((e: { name: string }) => e.name)).not.toContain('FENCE_LEASE_URL');
  });

  it('runs no CoreApp on a primary that a failover is fencing', () => {
    const input = singlePrimaryInput();
    expect(byKind(renderPodSet(input), 'StatefulSet').spec.replicas).toBe(1);
    const fenced = renderPodSet({ ...input, placement: { ...input.placement, fenced: true } });
    expect(byKind(fenced, 'StatefulSet').spec.replicas).toBe(0);
  });

  it('runs every container restricted: non-root, no escalation, no capabilities, RuntimeDefault seccomp', () => {
    const specs = podSpecs(renderPodSet(singlePrimaryInput()));
    expect(specs).toHaveLength(2);
    for (const spec of specs) {
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(spec.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        expect(c.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          runAsNonRoot: true,
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(c.securityContext.capabilities.add).toBeUndefined();
        expect(c.resources.limits).toBeDefined();
      }
    }
    expect(byKind(renderPodSet(singlePrimaryInput()), 'ServiceAccount').automountServiceAccountToken).toBe(
      false,
    );
  });

  it('uses DNS-1123 names of at most 63 characters', () => {
    for (const input of [singlePrimaryInput(), haStandbyInput()]) {
      for (const m of renderPodSet(input)) {
        expect(isDns1123Label(m.metadata.name), m.metadata.name).toBe(true);
        if (m.metadata.namespace) expect(isDns1123Label(m.metadata.namespace)).toBe(true);
      }
    }
  });

  it('derives one stable namespace per placement', () => {
    const input = singlePrimaryInput();
    const ns = podSetNamespace(input.number.id, input.placement.id);
    expect(ns).toBe('wa-3f2a9c1e7b4d4e8a9f601c2d3e4f5a6b-a1b2c3d4');
    expect(ns).toHaveLength(44);
    expect(podSetNamespace(input.number.id, input.placement.id)).toBe(ns);
    expect(podSetNamespace(input.number.id, haStandbyInput().placement.id)).not.toBe(ns);
    expect(() => podSetNamespace('not-a-uuid', input.placement.id)).toThrow(/UUID/);
  });

  it('is deterministic: the same input gives byte-identical YAML', () => {
    const render = () =>
      renderPodSet(singlePrimaryInput())
        .map((m) => stringify(m))
        .join('---\n');
    expect(render()).toBe(render());
  });

  it('pins CoreApp and WebApp to the placement zone', () => {
    for (const spec of podSpecs(renderPodSet(haStandbyInput()))) {
      expect(spec.nodeSelector).toEqual({ 'topology.kubernetes.io/zone': 'eu-central-1b' });
    }
  });

  it('gives the CoreApp a disruption budget that lets drains proceed', () => {
    const pdb = byKind(renderPodSet(singlePrimaryInput()), 'PodDisruptionBudget', 'coreapp');
    expect(pdb.spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'coreapp' } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });

  it('sizes the quota for every pod set pod plus one WebApp surge pod', () => {
    const quota = byKind(renderPodSet(singlePrimaryInput()), 'ResourceQuota');
    // 2 WebApps + 1 surge + 1 CoreApp; requests 3 × 250m + 500m + 10m.
    expect(quota.spec.hard).toMatchObject({ pods: '4', 'requests.cpu': '1260m', 'services.nodeports': '0' });
  });

  it.each([
    [
      'a namespace that is not DNS-1123',
      (i: PodSetInput) => ({ ...i, placement: { ...i.placement, namespace: 'WA_bad' } }),
    ],
    ['a number that is not E.164', (i: PodSetInput) => withNumber(i, { phoneNumber: '015123456789' })],
    ['a negative epoch', (i: PodSetInput) => withNumber(i, { fencingEpoch: -1n })],
    [
      'a root user',
      (i: PodSetInput) => ({ ...i, profile: { ...i.profile, user: { ...i.profile.user, runAsUser: 0 } } }),
    ],
  ])('refuses %s', (_name, mutate) => {
    expect(() => renderPodSet(mutate(singlePrimaryInput()))).toThrow(InvalidPodSetInputError);
  });
});
