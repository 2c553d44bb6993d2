import type { KubernetesManifest } from '@bsp/domain-provisioning';

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

export interface KubeResponse {
  status: number;
  body: any;
}

export function manifestPath(m: KubernetesManifest): string {
  const plural = PLURALS[m.kind];
  if (!plural) throw new Error(`no plural for ${m.kind}`);
  const base = m.apiVersion.includes('/') ? `/apis/${m.apiVersion}` : `/api/${m.apiVersion}`;
  const ns = m.metadata.namespace ? `/namespaces/${m.metadata.namespace}` : '';
  return `${base}${ns}/${plural}/${m.metadata.name}`;
}

/** `kubectl create -f` with strict field validation: unknown or duplicate fields are errors. */
export async function strictCreate(serverUrl: string, m: KubernetesManifest): Promise<KubeResponse> {
  const collection = manifestPath(m).replace(/\/[^/]+$/, '');
  const res = await fetch(`${serverUrl}${collection}?fieldManager=bsp-test&fieldValidation=Strict`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(m),
  });
  return { status: res.status, body: await res.json() };
}

/** Server-side apply as the reconciler will send it. */
export async function serverSideApply(serverUrl: string, m: KubernetesManifest): Promise<KubeResponse> {
  const res = await fetch(`${serverUrl}${manifestPath(m)}?fieldManager=bsp-control-plane&force=true`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/apply-patch+yaml', Accept: 'application/json' },
    body: JSON.stringify(m),
  });
  return { status: res.status, body: await res.json() };
}
