import { type ChangeType, type ClusterApi } from './cluster-api';
import { Controller, keyOf, splitKey, type ReconcileResult } from './controller';
import { clone, isOwnedBy, ownerRef, randomSuffix } from './controller-utils';
import { type EventRecorder } from './event-recorder';
import { controllerOf, isPodReady, isTerminating, type Obj, type Pod, type ReplicaSet } from './k8s-types';

/** Keeps `spec.replicas` pods of a ReplicaSet's template; reports counts for the Deployment controller. */
export class ReplicaSetController extends Controller {
  readonly name = 'replicaset-controller';

  constructor(
    api: ClusterApi,
    private readonly events: EventRecorder,
  ) {
    super(api);
  }

  keysFor(_type: ChangeType, resource: string, obj: Obj): string[] {
    if (resource === 'replicasets') return [keyOf(obj)];
    if (resource === 'pods') {
      const owner = controllerOf(obj);
      if (owner?.kind === 'ReplicaSet') return [`${obj.metadata.namespace}/${owner.name}`];
    }
    return [];
  }

  async allKeys(): Promise<string[]> {
    return (await this.api.scan<ReplicaSet>('replicasets')).map(keyOf);
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const [ns, name] = splitKey(key);
    const rs = await this.api.get<ReplicaSet>('replicasets', ns, name);
    if (!rs || isTerminating(rs)) return;
    const pods = (await this.api.scan<Pod>('pods', ns)).filter((p) => isOwnedBy(p, rs));
    const active = pods.filter(
      (p) => !isTerminating(p) && p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded',
    );
    const want = rs.spec.replicas ?? 1;
    let requeue: number | undefined;
    if (active.length < want) {
      for (let i = active.length; i < want; i++) {
        try {
          const pod = await this.api.create<Pod>('pods', this.podFor(rs));
          active.push(pod);
          await this.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
        } catch (err) {
          await this.events.record(
            rs,
            'Warning',
            'FailedCreate',
            `Error creating: ${(err as Error).message}`,
          );
          requeue = 1000;
          break;
        }
      }
    } else if (active.length > want) {
      for (const pod of pickForDeletion(active, active.length - want)) {
        await this.api.delete('pods', ns, pod.metadata.name, { uid: pod.metadata.uid });
        await this.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
      }
    }
    for (const pod of pods) {
      if (pod.status?.phase === 'Failed' && !isTerminating(pod)) {
        await this.api.delete('pods', ns, pod.metadata.name, { uid: pod.metadata.uid });
      }
    }
    const current = active;
    const minReadyMs = (rs.spec.minReadySeconds ?? 0) * 1000;
    const ready = current.filter(isPodReady);
    const available = ready.filter((p) => readySinceMs(p) >= minReadyMs);
    if (ready.length > available.length) requeue = Math.min(requeue ?? Infinity, minReadyMs);
    const status = {
      replicas: current.length,
      fullyLabeledReplicas: current.length,
      readyReplicas: ready.length,
      availableReplicas: available.length,
      observedGeneration: rs.metadata.generation ?? 1,
    };
    const prev = rs.status;
    if (
      !prev ||
      prev.replicas !== status.replicas ||
      (prev.readyReplicas ?? 0) !== status.readyReplicas ||
      (prev.availableReplicas ?? 0) !== status.availableReplicas ||
      (prev.fullyLabeledReplicas ?? 0) !== status.fullyLabeledReplicas ||
      prev.observedGeneration !== status.observedGeneration
    ) {
      const next = clone(rs);
      next.status = status;
      await this.api.updateStatus('replicasets', next);
    }
    return requeue !== undefined ? { requeueAfterMs: requeue } : undefined;
  }

  private podFor(rs: ReplicaSet): Pod {
    const t = clone(rs.spec.template);
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${rs.metadata.name}-${randomSuffix()}`,
        generateName: `${rs.metadata.name}-`,
        namespace: rs.metadata.namespace,
        uid: '',
        labels: t.metadata?.labels,
        annotations: t.metadata?.annotations,
        ownerReferences: [ownerRef(rs)],
      },
      spec: t.spec,
    };
  }
}

/** Deletion order of the real controller, simplified: unscheduled, then not ready, then newest. */
function pickForDeletion(pods: Pod[], n: number): Pod[] {
  const rank = (p: Pod) =>
    !p.spec.nodeName ? 0 : p.status?.phase === 'Pending' ? 1 : !isPodReady(p) ? 2 : 3;
  return [...pods]
    .sort((a, b) => {
      const r = rank(a) - rank(b);
      if (r !== 0) return r;
      return (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '');
    })
    .slice(0, n);
}

function readySinceMs(pod: Pod): number {
  const c = pod.status?.conditions?.find((x) => x.type === 'Ready');
  return c?.lastTransitionTime ? Date.now() - Date.parse(c.lastTransitionTime) : 0;
}
