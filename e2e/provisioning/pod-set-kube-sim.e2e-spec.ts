import { renderPodSet, type KubernetesManifest } from '@bsp/domain-provisioning';
import { ObjectStore, startApiServer, type RunningApiServer } from '@bsp/kube-sim';
import {
  haStandbyInput,
  singlePrimaryInput,
} from '../../libs/domain/provisioning/src/pod-set/pod-set.fixtures';

const PLURALS: Record<string, string> = {
  Namespace: 'namespaces',
  ServiceAccount: 'serviceaccounts',
  ResourceQuota: 'resourcequotas',
  LimitRange: 'limitranges',
  NetworkPolicy: 'networkpolicies',
  Secret: 'secrets',
  PersistentVolumeClaim: 'persistentvolumeclaims',
  Service: 'services',
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  PodDisruptionBudget: 'poddisruptionbudgets',
};

function pathOf(m: KubernetesManifest): string {
  const plural = PLURALS[m.kind];
  if (!plural) throw new Error(`no plural for ${m.kind}`);
  const base = m.apiVersion.includes('/') ? `/apis/${m.apiVersion}` : `/api/${m.apiVersion}`;
  const ns = m.metadata.namespace ? `/namespaces/${m.metadata.namespace}` : '';
  return `${base}${ns}/${plural}/${m.metadata.name}`;
}

/** `kubectl create -f` with strict field validation: unknown or duplicate fields are errors. */
async function create(server: RunningApiServer, m: KubernetesManifest) {
  const path = pathOf(m).replace(/\/[^/]+$/, '');
  const res = await fetch(`${server.url}${path}?fieldManager=bsp-test&fieldValidation=Strict`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(m),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** Server-side apply as the reconciler will send it. */
async function apply(server: RunningApiServer, m: KubernetesManifest) {
  const res = await fetch(
    `${server.url}${pathOf(m)}?fieldManager=bsp-control-plane&force=true&fieldValidation=Strict`,
    {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/apply-patch+yaml', Accept: 'application/json' },
      body: JSON.stringify(m),
    },
  );
  return { status: res.status, body: (await res.json()) as any };
}

describe('rendered pod sets on the kube-sim API server', () => {
  let server: RunningApiServer;
  let strictServer: RunningApiServer;

  beforeAll(async () => {
    server = await startApiServer(new ObjectStore());
    strictServer = await startApiServer(new ObjectStore());
  });

  afterAll(async () => {
    await server.close();
    await strictServer.close();
  });

  it('rejects unknown fields (so the checks below are real)', async () => {
    const [ns] = renderPodSet(singlePrimaryInput());
    const bogus = { ...ns!, metadata: { name: 'strict-probe' }, spec: { bogus: true } };
    const created = await create(strictServer, bogus);
    expect(created.status).toBe(400);
    expect(created.body.message).toMatch(/strict decoding error: unknown field "spec.bogus"/);
    const applied = await apply(server, bogus);
    expect(applied.status).toBe(400);
    expect(applied.body.message).toMatch(/field not declared in schema/);
  });

  it.each([
    ['single primary', singlePrimaryInput],
    ['HA standby', haStandbyInput],
  ])('creates every object of the %s pod set under strict field validation', async (_name, input) => {
    const refused: string[] = [];
    for (const m of renderPodSet(input())) {
      const res = await create(strictServer, m);
      if (res.status !== 201) refused.push(`${m.kind}/${m.metadata.name}: ${res.status} ${res.body.message}`);
    }
    expect(refused).toEqual([]);
  });

  it.each([
    ['single primary', singlePrimaryInput],
    ['HA standby', haStandbyInput],
  ])('server-side applies the %s pod set, and re-applying changes nothing', async (_name, input) => {
    const manifests = renderPodSet(input());
    const versions: string[] = [];
    const refused: string[] = [];
    for (const m of manifests) {
      const res = await apply(server, m);
      if (res.status !== 200 && res.status !== 201)
        refused.push(`${m.kind}/${m.metadata.name}: ${res.status} ${res.body.message}`);
      versions.push(res.body.metadata?.resourceVersion);
    }
    expect(refused).toEqual([]);
    const secret = manifests.find((m) => m.kind === 'Secret')!;
    const stored = (await apply(server, secret)).body;
    expect(stored.stringData).toBeUndefined();
    expect(Buffer.from(stored.data['db-password'], 'base64').toString()).toBe(input().credentials.dbPassword);

    const again: string[] = [];
    for (const m of manifests) again.push((await apply(server, m)).body.metadata.resourceVersion);
    expect(again).toEqual(versions);
  });
});
