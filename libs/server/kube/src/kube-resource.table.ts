import type { ObjectRef } from './kube-gateway';

/** One kind the gateway can read and write: enough to build its REST path without discovery. */
export interface KubeResource {
  /** `v1` for the core group, else `<group>/<version>`. */
  apiVersion: string;
  kind: string;
  /** '' for the core group. */
  group: string;
  version: string;
  /** The plural resource name used in paths and RBAC rules. */
  resource: string;
  namespaced: boolean;
  /** Held by the managed-object cache (one cluster-wide list+watch per cluster). */
  cached: boolean;
}

function kind(
  apiVersion: string,
  kindName: string,
  resource: string,
  namespaced: boolean,
  cached = true,
): KubeResource {
  const slash = apiVersion.indexOf('/');
  return {
    apiVersion,
    kind: kindName,
    group: slash < 0 ? '' : apiVersion.slice(0, slash),
    version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1),
    resource,
    namespaced,
    cached,
  };
}

/**
 * Every kind a pod set is made of, plus its Pods and the fencing Lease. Static on purpose: no
 * discovery requests, and the Helm chart's ClusterRole is derived from this list
 * (`kubeGatewayPermissions`), so a kind the gateway may touch is a kind the chart grants.
 */
export const KUBE_RESOURCES: readonly KubeResource[] = [
  kind('v1', 'Namespace', 'namespaces', false),
  kind('v1', 'ServiceAccount', 'serviceaccounts', true),
  kind('v1', 'ResourceQuota', 'resourcequotas', true),
  kind('v1', 'LimitRange', 'limitranges', true),
  kind('networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies', true),
  kind('v1', 'Secret', 'secrets', true),
  kind('v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true),
  kind('v1', 'Service', 'services', true),
  kind('apps/v1', 'Deployment', 'deployments', true),
  kind('apps/v1', 'StatefulSet', 'statefulsets', true),
  kind('policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true),
  kind('v1', 'Pod', 'pods', true),
  kind('coordination.k8s.io/v1', 'Lease', 'leases', true, false),
];

const byKind = new Map(KUBE_RESOURCES.map((r) => [`${r.apiVersion}/${r.kind}`, r]));

/** The kinds the managed-object cache lists and watches. */
export const CACHED_RESOURCES: readonly KubeResource[] = KUBE_RESOURCES.filter((r) => r.cached);

export class UnsupportedKindError extends Error {
  constructor(apiVersion: string, kindName: string) {
    super(`the Kubernetes gateway does not handle ${apiVersion} ${kindName} (see KUBE_RESOURCES)`);
    this.name = 'UnsupportedKindError';
  }
}

export function resourceFor(apiVersion: string, kindName: string): KubeResource {
  const r = byKind.get(`${apiVersion}/${kindName}`);
  if (!r) throw new UnsupportedKindError(apiVersion, kindName);
  return r;
}

/** `/api/v1` or `/apis/<group>/<version>`. */
export function groupVersionPath(r: KubeResource): string {
  return r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
}

/** The collection path across all namespaces (what the cache lists and watches). */
export function collectionPath(r: KubeResource): string {
  return `${groupVersionPath(r)}/${r.resource}`;
}

/** The path of one object; a namespaced kind needs a namespace, a cluster-scoped one ignores it. */
export function objectPath(r: KubeResource, ref: Pick<ObjectRef, 'namespace' | 'name'>): string {
  if (!ref.name) throw new Error(`${r.kind}: metadata.name is required`);
  const name = encodeURIComponent(ref.name);
  if (!r.namespaced) return `${groupVersionPath(r)}/${r.resource}/${name}`;
  if (!ref.namespace) throw new Error(`${r.kind} ${ref.name}: metadata.namespace is required`);
  return `${groupVersionPath(r)}/namespaces/${encodeURIComponent(ref.namespace)}/${r.resource}/${name}`;
}

export interface KubePermission {
  /** '' for the core group. */
  group: string;
  resource: string;
  verbs: string[];
}

/**
 * What the gateway does to each resource, as RBAC rules: apply (create + patch), get, delete on
 * every kind, list + watch on the cached ones, and GET through `services/proxy` (the health
 * checks' WebApp probe). `secret:` credential references additionally read Secrets in the control
 * plane's own cluster, which `get` on secrets already covers.
 */
export function kubeGatewayPermissions(): KubePermission[] {
  return [
    ...KUBE_RESOURCES.map((r) => ({
      group: r.group,
      resource: r.resource,
      verbs: r.cached
        ? ['get', 'list', 'watch', 'create', 'patch', 'delete']
        : ['get', 'create', 'patch', 'delete'],
    })),
    { group: '', resource: 'services/proxy', verbs: ['get'] },
  ];
}
