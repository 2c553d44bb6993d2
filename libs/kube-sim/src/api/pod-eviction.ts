import { at, isObject, objects, str } from '../resources/json-path';
import type { KubeObject } from '../resources/resource-definition';
import { ApiError } from '../store/api-error';
import { LabelSelector } from '../store/label-selector';
import type { ObjectStore } from '../store/object-store';

function healthy(pod: KubeObject): boolean {
  return (
    !pod.metadata?.deletionTimestamp &&
    objects(pod, 'status.conditions').some((c) => c['type'] === 'Ready' && c['status'] === 'True')
  );
}

function scaled(v: unknown, total: number, roundUp: boolean): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string' || !v.endsWith('%')) return undefined;
  const n = (Number(v.slice(0, -1)) * total) / 100;
  return roundUp ? Math.ceil(n) : Math.floor(n);
}

/**
 * The eviction subresource: deletes a pod unless that would break its PodDisruptionBudget. With
 * no disruption controller in the emulator, the budget is computed from the live pods at the time
 * of the request (healthy = Ready and not terminating), then written to the PDB's status.
 */
export function evictPod(store: ObjectStore, namespace: string, name: string, eviction: KubeObject): void {
  const pod = store.get('pods', namespace, name, { raw: true });
  const grace = at(eviction, 'deleteOptions.gracePeriodSeconds');
  const del = () =>
    store.delete('pods', namespace, name, {
      gracePeriodSeconds: typeof grace === 'number' ? grace : undefined,
    });
  const phase = str(pod, 'status.phase');
  if (pod.metadata?.deletionTimestamp || phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending') {
    del();
    return;
  }
  const budgets = store.list('poddisruptionbudgets', { namespace, raw: true }).items.filter((pdb) => {
    const sel = at(pdb, 'spec.selector');
    return isObject(sel) && LabelSelector.fromObject(sel).matches(pod.metadata?.labels);
  });
  if (budgets.length > 1)
    throw new ApiError(
      500,
      'InternalError',
      'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
    );
  const pdb = budgets[0];
  if (!pdb) {
    del();
    return;
  }
  const selector = LabelSelector.fromObject(at(pdb, 'spec.selector') as object);
  const pods = store.list('pods', { namespace, labelSelector: selector, raw: true }).items;
  const expected = pods.filter((p) => !p.metadata?.deletionTimestamp).length;
  const currentHealthy = pods.filter(healthy).length;
  const min = scaled(at(pdb, 'spec.minAvailable'), expected, true);
  const maxUnavailable = scaled(at(pdb, 'spec.maxUnavailable'), expected, true);
  const desiredHealthy = min ?? (maxUnavailable !== undefined ? Math.max(0, expected - maxUnavailable) : 0);
  const allowed = Math.max(0, currentHealthy - desiredHealthy);
  const podIsHealthy = healthy(pod);
  const ok = podIsHealthy ? allowed > 0 : currentHealthy >= desiredHealthy;
  const status = {
    ...(isObject(pdb['status']) ? pdb['status'] : {}),
    observedGeneration: pdb.metadata?.generation,
    currentHealthy,
    desiredHealthy,
    expectedPods: expected,
    disruptionsAllowed: ok && podIsHealthy ? allowed - 1 : allowed,
  };
  store.update(
    'poddisruptionbudgets',
    { ...pdb, status },
    { subresource: 'status', fieldManager: 'kube-apiserver' },
  );
  if (!ok)
    throw new ApiError(
      429,
      'TooManyRequests',
      "Cannot evict pod as it would violate the pod's disruption budget.",
      {
        causes: [
          {
            reason: 'DisruptionBudget',
            message: `The disruption budget ${pdb.metadata?.name ?? ''} needs ${desiredHealthy} healthy pods and has ${currentHealthy} currently`,
          },
        ],
      },
    );
  del();
}
