import type { ObservedObjectResponse, ObservedPodResponse, ObservedPodSetResponse } from '@bsp/contracts';
import { POD_SET_NAMES } from '../pod-set/pod-set.names';
import type { KubernetesManifest } from '../pod-set/pod-set.types';

/** What a placement's pod set looks like in its cluster; stored as JSON on the placement and shown by the API as is. */
export type ObservedPodSet = ObservedPodSetResponse;
export type ObservedPod = ObservedPodResponse;
export type ObservedObject = ObservedObjectResponse;

interface AnyObject {
  kind: string;
  metadata: {
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
  };
  spec?: unknown;
  status?: unknown;
}

/**
 * Reads a pod set's state from its live objects (the watch cache): which rendered objects exist,
 * how many WebApp and CoreApp replicas are ready, and every pod. Pure, so a reconcile can tell
 * whether anything changed since it last wrote the placement's observed state.
 */
export function observePodSet(
  desired: readonly KubernetesManifest[],
  namespace: AnyObject | undefined,
  live: readonly AnyObject[],
): ObservedPodSet {
  const byKey = new Map(live.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
  const objects = desired
    .filter((m) => m.kind !== 'Namespace')
    .map((m) => ({
      kind: m.kind,
      name: m.metadata.name,
      present: byKey.has(`${m.kind}/${m.metadata.name}`),
    }));
  const desiredReplicas = (kind: string, name: string): number => {
    const spec = desired.find((m) => m.kind === kind && m.metadata.name === name)?.spec as
      { replicas?: number } | undefined;
    return spec?.replicas ?? 0;
  };
  const deployment = byKey.get(`Deployment/${POD_SET_NAMES.webapp}`);
  const statefulSet = byKey.get(`StatefulSet/${POD_SET_NAMES.coreapp}`);
  const deploymentStatus = record(deployment?.status);
  const statefulSetStatus = record(statefulSet?.status);
  const webapp = {
    desired: desiredReplicas('Deployment', POD_SET_NAMES.webapp),
    ready: num(deploymentStatus.readyReplicas),
    available: num(deploymentStatus.availableReplicas),
  };
  const coreapp = {
    desired: desiredReplicas('StatefulSet', POD_SET_NAMES.coreapp),
    ready: num(statefulSetStatus.readyReplicas),
    epoch: statefulSet?.metadata.annotations?.['bsp.io/fencing-epoch'] ?? null,
  };
  const pods = live
    .filter((o) => o.kind === 'Pod')
    .map(observePod)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const coreappPods = pods.filter((p) => p.component === 'coreapp');
  const namespaceState = !namespace
    ? 'missing'
    : namespace.metadata.deletionTimestamp
      ? 'terminating'
      : 'active';
  const ready =
    namespaceState === 'active' &&
    objects.every((o) => o.present) &&
    webapp.available >= webapp.desired &&
    coreapp.ready === coreapp.desired &&
    // Scaled to zero means no CoreApp pod at all, not merely none ready.
    (coreapp.desired > 0 || coreappPods.length === 0);
  return { namespace: namespaceState, objects, webapp, coreapp, pods, ready };
}

function observePod(pod: AnyObject): ObservedPod {
  const status = record(pod.status);
  const spec = record(pod.spec);
  const conditions = Array.isArray(status.conditions) ? (status.conditions as Record<string, unknown>[]) : [];
  const containers = Array.isArray(status.containerStatuses)
    ? (status.containerStatuses as Record<string, unknown>[])
    : [];
  return {
    name: pod.metadata.name,
    component: pod.metadata.labels?.['app.kubernetes.io/component'] ?? 'unknown',
    phase: pod.metadata.deletionTimestamp
      ? 'Terminating'
      : typeof status.phase === 'string'
        ? status.phase
        : 'Pending',
    ready: conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
    restarts: containers.reduce((sum, c) => sum + num(c.restartCount), 0),
    node: typeof spec.nodeName === 'string' ? spec.nodeName : null,
  };
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}
