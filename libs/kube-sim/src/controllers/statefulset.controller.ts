import { type ChangeType, type ClusterApi } from './cluster-api';
import { Controller, keyOf, splitKey, type ReconcileResult } from './controller';
import { clone, isOwnedBy, ownerRef, safeHash } from './controller-utils';
import { type EventRecorder } from './event-recorder';
import {
  controllerOf,
  isPodReady,
  isTerminating,
  type Obj,
  type PersistentVolumeClaim,
  type Pod,
  type StatefulSet,
} from './k8s-types';

const REVISION_LABEL = 'controller-revision-hash';

/**
 * StatefulSet: one pod per ordinal with a stable name. A replacement is created only after the
 * previous pod object is gone from the store, which is what makes "at most one pod per identity"
 * hold across deletes, node loss and rollouts.
 */
export class StatefulSetController extends Controller {
  readonly name = 'statefulset-controller';

  constructor(
    api: ClusterApi,
    private readonly events: EventRecorder,
  ) {
    super(api);
  }

  keysFor(_type: ChangeType, resource: string, obj: Obj): string[] {
    if (resource === 'statefulsets') return [keyOf(obj)];
    if (resource === 'pods') {
      const owner = controllerOf(obj);
      if (owner?.kind === 'StatefulSet') return [`${obj.metadata.namespace}/${owner.name}`];
    }
    return [];
  }

  async allKeys(): Promise<string[]> {
    return (await this.api.scan<StatefulSet>('statefulsets')).map(keyOf);
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const [ns, name] = splitKey(key);
    const sts = await this.api.get<StatefulSet>('statefulsets', ns, name);
    if (!sts || isTerminating(sts)) return;
    const replicas = sts.spec.replicas ?? 1;
    const ordered = (sts.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
    const updateRevision = `${sts.metadata.name}-${safeHash(sts.spec.template)}`;
    const pods = (await this.api.scan<Pod>('pods', ns)).filter((p) => isOwnedBy(p, sts));
    const byOrdinal = new Map<number, Pod>();
    for (const p of pods) {
      const ord = ordinalOf(sts, p);
      if (ord !== undefined) byOrdinal.set(ord, p);
    }

    let blocked = false;
    for (let i = 0; i < replicas; i++) {
      const pod = byOrdinal.get(i);
      if (!pod) {
        if (blocked) break;
        await this.ensureClaims(sts, i);
        try {
          const created = await this.api.create<Pod>('pods', this.podFor(sts, i, updateRevision));
          byOrdinal.set(i, created);
          await this.events.record(
            sts,
            'Normal',
            'SuccessfulCreate',
            `create Pod ${created.metadata.name} in StatefulSet ${sts.metadata.name} successful`,
          );
        } catch (err) {
          if ((err as { code?: number }).code === 409) return { requeueAfterMs: 50 };
          await this.events.record(
            sts,
            'Warning',
            'FailedCreate',
            `create Pod ${sts.metadata.name}-${i} in StatefulSet ${sts.metadata.name} failed error: ${(err as Error).message}`,
          );
          return { requeueAfterMs: 1000 };
        }
        if (ordered) blocked = true;
        continue;
      }
      if (isTerminating(pod)) {
        // The old identity still exists: wait for the kubelet (or a force delete) to remove it.
        if (ordered) blocked = true;
        continue;
      }
      if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') {
        await this.api.delete('pods', ns, pod.metadata.name, { uid: pod.metadata.uid });
        await this.events.record(
          sts,
          'Warning',
          'RecreatingFailedPod',
          `StatefulSet ${ns}/${sts.metadata.name} is recreating failed Pod ${pod.metadata.name}`,
        );
        if (ordered) blocked = true;
        continue;
      }
      if (ordered && !isPodReady(pod)) blocked = true;
    }

    // Scale down, highest ordinal first, one at a time when ordered and only once the rest are healthy.
    const surplus = [...byOrdinal.entries()].filter(([i]) => i >= replicas).sort(([a], [b]) => b - a);
    for (const [, pod] of surplus) {
      if (isTerminating(pod)) {
        if (ordered) break;
        continue;
      }
      if (ordered && blocked) break;
      await this.api.delete('pods', ns, pod.metadata.name, { uid: pod.metadata.uid });
      await this.events.record(
        sts,
        'Normal',
        'SuccessfulDelete',
        `delete Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} successful`,
      );
      if (ordered) break;
    }

    // Rolling update: replace the highest outdated ordinal once every pod is running and ready.
    const strategy = sts.spec.updateStrategy?.type ?? 'RollingUpdate';
    const partition = sts.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    const inRange = [...byOrdinal.entries()].filter(([i]) => i < replicas);
    const allHealthy =
      inRange.length === replicas && inRange.every(([, p]) => !isTerminating(p) && isPodReady(p));
    if (strategy === 'RollingUpdate' && surplus.length === 0) {
      const outdated = inRange
        .filter(([i, p]) => i >= partition && p.metadata.labels?.[REVISION_LABEL] !== updateRevision)
        .sort(([a], [b]) => b - a);
      const first = outdated[0];
      const terminatingInRange = inRange.some(([, p]) => isTerminating(p));
      if (first && !terminatingInRange && (allHealthy || !ordered || !isPodReady(first[1]))) {
        const pod = first[1];
        await this.api.delete('pods', ns, pod.metadata.name, { uid: pod.metadata.uid });
        await this.events.record(
          sts,
          'Normal',
          'SuccessfulDelete',
          `delete Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} successful`,
        );
      }
    }

    return this.writeStatus(sts, [...byOrdinal.values()], updateRevision);
  }

  private async writeStatus(sts: StatefulSet, pods: Pod[], updateRevision: string): Promise<void> {
    const replicas = sts.spec.replicas ?? 1;
    const live = pods.filter((p) => !isTerminating(p));
    const updated = live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === updateRevision);
    const ready = live.filter(isPodReady);
    const prevCurrent = sts.status?.currentRevision ?? updateRevision;
    const done = updated.length === replicas && live.length === replicas && ready.length === replicas;
    const currentRevision = done ? updateRevision : prevCurrent;
    const status: NonNullable<StatefulSet['status']> = {
      observedGeneration: sts.metadata.generation ?? 1,
      replicas: live.length,
      readyReplicas: ready.length,
      currentReplicas: live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === currentRevision).length,
      updatedReplicas: updated.length,
      availableReplicas: ready.length,
      currentRevision,
      updateRevision,
      collisionCount: 0,
    };
    if (JSON.stringify(sts.status ?? {}) === JSON.stringify(status)) return;
    const next = clone(sts);
    next.status = status;
    await this.api.updateStatus('statefulsets', next);
  }

  private async ensureClaims(sts: StatefulSet, ordinal: number): Promise<void> {
    for (const t of sts.spec.volumeClaimTemplates ?? []) {
      const name = `${t.metadata.name}-${sts.metadata.name}-${ordinal}`;
      if (await this.api.get('persistentvolumeclaims', sts.metadata.namespace, name)) continue;
      const pvc: PersistentVolumeClaim = {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: {
          name,
          namespace: sts.metadata.namespace,
          uid: '',
          labels: { ...sts.spec.selector.matchLabels, ...t.metadata.labels },
        },
        spec: clone(t.spec),
      };
      try {
        await this.api.create('persistentvolumeclaims', pvc);
        await this.events.record(
          sts,
          'Normal',
          'SuccessfulCreate',
          `create Claim ${name} Pod ${sts.metadata.name}-${ordinal} in StatefulSet ${sts.metadata.name} success`,
        );
      } catch (err) {
        if ((err as { code?: number }).code !== 409) throw err;
      }
    }
  }

  private podFor(sts: StatefulSet, ordinal: number, revision: string): Pod {
    const t = clone(sts.spec.template);
    const name = `${sts.metadata.name}-${ordinal}`;
    const spec = t.spec;
    spec.hostname = name;
    if (sts.spec.serviceName) spec.subdomain = sts.spec.serviceName;
    const claims = new Set((sts.spec.volumeClaimTemplates ?? []).map((c) => c.metadata.name));
    const volumes = (spec.volumes ?? []).filter((v) => !claims.has(v.name));
    for (const c of claims) volumes.push({ name: c, persistentVolumeClaim: { claimName: `${c}-${name}` } });
    if (volumes.length > 0) spec.volumes = volumes;
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: sts.metadata.namespace,
        uid: '',
        labels: {
          ...t.metadata?.labels,
          [REVISION_LABEL]: revision,
          'statefulset.kubernetes.io/pod-name': name,
          'apps.kubernetes.io/pod-index': String(ordinal),
        },
        annotations: t.metadata?.annotations,
        ownerReferences: [ownerRef(sts)],
      },
      spec,
    };
  }
}

function ordinalOf(sts: StatefulSet, pod: Pod): number | undefined {
  const prefix = `${sts.metadata.name}-`;
  if (!pod.metadata.name.startsWith(prefix)) return undefined;
  const n = Number(pod.metadata.name.slice(prefix.length));
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}
