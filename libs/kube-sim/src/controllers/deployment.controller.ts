import { type ChangeType, type ClusterApi } from './cluster-api';
import { Controller, keyOf, splitKey, type ReconcileResult } from './controller';
import {
  clone,
  isOwnedBy,
  nowIso,
  ownerRef,
  resolveIntOrPercent,
  safeHash,
  setCondition,
} from './controller-utils';
import { type EventRecorder } from './event-recorder';
import {
  controllerOf,
  isPodReady,
  isTerminating,
  type Deployment,
  type Obj,
  type Pod,
  type ReplicaSet,
} from './k8s-types';

const REVISION = 'deployment.kubernetes.io/revision';
const HASH = 'pod-template-hash';

/** Deployment → ReplicaSets, with the RollingUpdate and Recreate strategies and the real status fields. */
export class DeploymentController extends Controller {
  readonly name = 'deployment-controller';

  constructor(
    api: ClusterApi,
    private readonly events: EventRecorder,
  ) {
    super(api);
  }

  keysFor(_type: ChangeType, resource: string, obj: Obj): string[] {
    if (resource === 'deployments') return [keyOf(obj)];
    if (resource === 'replicasets') {
      const owner = controllerOf(obj);
      if (owner?.kind === 'Deployment') return [`${obj.metadata.namespace}/${owner.name}`];
    }
    return [];
  }

  async allKeys(): Promise<string[]> {
    return (await this.api.scan<Deployment>('deployments')).map(keyOf);
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const [ns, name] = splitKey(key);
    const d = await this.api.get<Deployment>('deployments', ns, name);
    if (!d || isTerminating(d)) return;
    const all = (await this.api.list<ReplicaSet>('replicasets', ns)).filter((rs) => isOwnedBy(rs, d));
    const hash = safeHash(d.spec.template);
    let newRs = all.find((rs) => rs.metadata.labels?.[HASH] === hash);
    const olds = all.filter((rs) => rs !== newRs);
    const replicas = d.spec.replicas ?? 1;
    const maxRevision = Math.max(0, ...all.map((rs) => Number(rs.metadata.annotations?.[REVISION] ?? 0)));
    let progressed = false;

    if (!newRs) {
      if (d.spec.paused) return this.writeStatus(d, all, undefined, false);
      const oldPods = olds.some((rs) => (rs.spec.replicas ?? 0) > 0 || (rs.status?.replicas ?? 0) > 0);
      newRs = await this.api.create<ReplicaSet>(
        'replicasets',
        this.replicaSetFor(d, hash, maxRevision + 1, oldPods ? 0 : replicas),
      );
      await this.events.record(
        d,
        'Normal',
        'ScalingReplicaSet',
        `Scaled up replica set ${newRs.metadata.name} from 0 to ${newRs.spec.replicas ?? 0}`,
      );
      progressed = true;
    } else if (Number(newRs.metadata.annotations?.[REVISION] ?? 0) < maxRevision) {
      // Rolled back to an older template: it becomes the newest revision again.
      const next = clone(newRs);
      next.metadata.annotations = { ...next.metadata.annotations, [REVISION]: String(maxRevision + 1) };
      newRs = await this.api.update('replicasets', next);
    }
    if (d.spec.paused) return this.writeStatus(d, all, newRs, false);

    let pollMs: number | undefined;
    const pods = (await this.api.scan<Pod>('pods', ns)).filter(
      (p) => olds.some((o) => isOwnedBy(p, o)) || isOwnedBy(p, newRs),
    );
    if (d.spec.strategy?.type === 'Recreate') {
      for (const old of olds)
        if ((old.spec.replicas ?? 0) > 0) progressed = (await this.scale(d, old, 0)) || progressed;
      // Terminating old pods still count: new pods start only once every old pod object is gone.
      const oldPodsLeft = pods.some((p) => olds.some((o) => isOwnedBy(p, o)));
      if (oldPodsLeft) pollMs = 50;
      else if ((newRs.spec.replicas ?? 0) !== replicas)
        progressed = (await this.scale(d, newRs, replicas)) || progressed;
    } else {
      const maxSurge = resolveIntOrPercent(d.spec.strategy?.rollingUpdate?.maxSurge, replicas, true, '25%');
      let maxUnavailable = resolveIntOrPercent(
        d.spec.strategy?.rollingUpdate?.maxUnavailable,
        replicas,
        false,
        '25%',
      );
      if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
      const total = () => [newRs, ...olds].reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
      // Scale up the new ReplicaSet within the surge budget.
      const newCount = newRs.spec.replicas ?? 0;
      if (newCount > replicas) {
        progressed = (await this.scale(d, newRs, replicas)) || progressed;
      } else if (newCount < replicas) {
        const room = replicas + maxSurge - total();
        if (room > 0)
          progressed = (await this.scale(d, newRs, Math.min(replicas, newCount + room))) || progressed;
      }
      // Availability from the pods themselves (ReplicaSet status may lag one step behind), and
      // never more than a ReplicaSet is scaled to: pods above that are about to go.
      const minReadyMs = (d.spec.minReadySeconds ?? 0) * 1000;
      const available = (rs: ReplicaSet) =>
        Math.min(
          rs.spec.replicas ?? 0,
          pods.filter(
            (p) => isOwnedBy(p, rs) && !isTerminating(p) && isPodReady(p) && readyForMs(p) >= minReadyMs,
          ).length,
        );
      const minAvailable = replicas - maxUnavailable;
      const availableNow = [newRs, ...olds].reduce((n, rs) => n + available(rs), 0);
      let budget = availableNow - minAvailable;
      for (const old of [...olds].sort((a, b) => rev(a) - rev(b))) {
        const cur = old.spec.replicas ?? 0;
        if (cur === 0) continue;
        const unhealthy = Math.max(0, cur - available(old));
        let cut = Math.min(cur, unhealthy + Math.max(0, budget));
        if (newRs.spec.replicas === replicas && available(newRs) >= replicas) cut = cur;
        if (cut <= 0) continue;
        budget -= Math.max(0, cut - unhealthy);
        progressed = (await this.scale(d, old, cur - cut)) || progressed;
      }
      if (minReadyMs > 0 && olds.some((o) => (o.spec.replicas ?? 0) > 0)) pollMs = Math.min(1000, minReadyMs);
    }
    await this.cleanupHistory(d, olds);
    const result = await this.writeStatus(d, await this.owned(d), newRs, progressed);
    if (pollMs === undefined) return result;
    return { requeueAfterMs: Math.min(pollMs, result?.requeueAfterMs ?? Infinity) };
  }

  private async owned(d: Deployment): Promise<ReplicaSet[]> {
    return (await this.api.list<ReplicaSet>('replicasets', d.metadata.namespace)).filter((rs) =>
      isOwnedBy(rs, d),
    );
  }

  private async scale(d: Deployment, rs: ReplicaSet, to: number): Promise<boolean> {
    const from = rs.spec.replicas ?? 0;
    if (from === to) return false;
    const next = clone(rs);
    next.spec.replicas = to;
    next.metadata.annotations = {
      ...next.metadata.annotations,
      'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas ?? 1),
    };
    const saved = await this.api.update('replicasets', next);
    Object.assign(rs, saved);
    await this.events.record(
      d,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${to > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${to}`,
    );
    return true;
  }

  private replicaSetFor(d: Deployment, hash: string, revision: number, replicas: number): ReplicaSet {
    const template = clone(d.spec.template);
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [HASH]: hash } };
    const selector = clone(d.spec.selector);
    selector.matchLabels = { ...selector.matchLabels, [HASH]: hash };
    return {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        uid: '',
        labels: { ...d.spec.template.metadata?.labels, [HASH]: hash },
        annotations: {
          [REVISION]: String(revision),
          'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas ?? 1),
          'deployment.kubernetes.io/max-replicas': String((d.spec.replicas ?? 1) + 1),
        },
        ownerReferences: [ownerRef(d)],
      },
      spec: {
        replicas,
        minReadySeconds: d.spec.minReadySeconds,
        selector,
        template,
      },
    };
  }

  private async cleanupHistory(d: Deployment, olds: ReplicaSet[]): Promise<void> {
    const limit = d.spec.revisionHistoryLimit ?? 10;
    const idle = olds.filter((rs) => (rs.spec.replicas ?? 0) === 0 && (rs.status?.replicas ?? 0) === 0);
    const excess = idle.sort((a, b) => rev(a) - rev(b)).slice(0, Math.max(0, idle.length - limit));
    for (const rs of excess)
      await this.api.delete('replicasets', rs.metadata.namespace, rs.metadata.name, { uid: rs.metadata.uid });
  }

  private async writeStatus(
    d: Deployment,
    all: ReplicaSet[],
    newRs: ReplicaSet | undefined,
    progressed: boolean,
  ): Promise<ReconcileResult | void> {
    const replicas = d.spec.replicas ?? 1;
    const sum = (f: (rs: ReplicaSet) => number | undefined) => all.reduce((n, rs) => n + (f(rs) ?? 0), 0);
    const fresh = newRs ? (all.find((rs) => rs.metadata.uid === newRs.metadata.uid) ?? newRs) : undefined;
    const status: NonNullable<Deployment['status']> = {
      observedGeneration: d.metadata.generation ?? 1,
      replicas: sum((rs) => rs.status?.replicas),
      updatedReplicas: fresh?.status?.replicas ?? 0,
      readyReplicas: sum((rs) => rs.status?.readyReplicas),
      availableReplicas: sum((rs) => rs.status?.availableReplicas),
      conditions: d.status?.conditions,
    };
    status.unavailableReplicas = Math.max(0, replicas - (status.availableReplicas ?? 0));
    let maxUnavailable = 0;
    if (d.spec.strategy?.type !== 'Recreate') {
      maxUnavailable = resolveIntOrPercent(
        d.spec.strategy?.rollingUpdate?.maxUnavailable,
        replicas,
        false,
        '25%',
      );
      const surge = resolveIntOrPercent(d.spec.strategy?.rollingUpdate?.maxSurge, replicas, true, '25%');
      if (surge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    }
    const available = (status.availableReplicas ?? 0) >= replicas - maxUnavailable;
    status.conditions = setCondition(
      status.conditions,
      available
        ? {
            type: 'Available',
            status: 'True',
            reason: 'MinimumReplicasAvailable',
            message: 'Deployment has minimum availability.',
          }
        : {
            type: 'Available',
            status: 'False',
            reason: 'MinimumReplicasUnavailable',
            message: 'Deployment does not have minimum availability.',
          },
      true,
    );
    const complete =
      fresh !== undefined &&
      status.updatedReplicas === replicas &&
      status.replicas === replicas &&
      (status.availableReplicas ?? 0) >= replicas;
    const prevProgress = d.status?.conditions?.find((c) => c.type === 'Progressing');
    let requeue: number | undefined;
    if (d.spec.paused) {
      status.conditions = setCondition(
        status.conditions,
        {
          type: 'Progressing',
          status: 'Unknown',
          reason: 'DeploymentPaused',
          message: 'Deployment is paused',
        },
        true,
      );
    } else if (complete && fresh) {
      status.conditions = setCondition(
        status.conditions,
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${fresh.metadata.name}" has successfully progressed.`,
        },
        true,
      );
    } else if (fresh) {
      const deadlineMs = (d.spec.progressDeadlineSeconds ?? 600) * 1000;
      const changed =
        progressed ||
        !d.status ||
        d.status.updatedReplicas !== status.updatedReplicas ||
        d.status.availableReplicas !== status.availableReplicas ||
        d.status.readyReplicas !== status.readyReplicas ||
        d.status.observedGeneration !== status.observedGeneration;
      const since = prevProgress?.lastUpdateTime ? Date.parse(prevProgress.lastUpdateTime) : Date.now();
      if (!changed && prevProgress?.reason !== 'NewReplicaSetAvailable' && Date.now() - since > deadlineMs) {
        status.conditions = setCondition(
          status.conditions,
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: `ReplicaSet "${fresh.metadata.name}" has timed out progressing.`,
          },
          true,
        );
      } else if (changed || prevProgress?.reason === 'NewReplicaSetAvailable' || !prevProgress) {
        const reason =
          progressed && fresh.status === undefined ? 'NewReplicaSetCreated' : 'ReplicaSetUpdated';
        const message =
          reason === 'NewReplicaSetCreated'
            ? `Created new replica set "${fresh.metadata.name}"`
            : `ReplicaSet "${fresh.metadata.name}" is progressing.`;
        const next = setCondition(
          status.conditions,
          { type: 'Progressing', status: 'True', reason, message },
          true,
        );
        // Progress refreshes lastUpdateTime even when the message is unchanged.
        const p = next.find((c) => c.type === 'Progressing');
        if (p && changed) p.lastUpdateTime = nowIso();
        status.conditions = next;
        requeue = deadlineMs + 1000;
      } else {
        requeue = Math.max(1000, deadlineMs - (Date.now() - since) + 1000);
      }
    }
    status.conditions = orderConditions(status.conditions);
    const prev = d.status ?? {};
    if (JSON.stringify(normalise(prev)) !== JSON.stringify(normalise(status))) {
      const next = clone(d);
      next.status = status;
      await this.api.updateStatus('deployments', next);
    }
    return requeue !== undefined ? { requeueAfterMs: requeue } : undefined;
  }
}

function readyForMs(pod: Pod): number {
  const c = pod.status?.conditions?.find((x) => x.type === 'Ready');
  return c?.lastTransitionTime ? Date.now() - Date.parse(c.lastTransitionTime) : 0;
}

function rev(rs: ReplicaSet): number {
  return Number(rs.metadata.annotations?.[REVISION] ?? 0);
}

function orderConditions(
  conditions: NonNullable<Deployment['status']>['conditions'],
): NonNullable<Deployment['status']>['conditions'] {
  const order = ['Available', 'Progressing', 'ReplicaFailure'];
  return [...(conditions ?? [])].sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
}

function normalise(s: NonNullable<Deployment['status']>): unknown {
  return {
    ...s,
    replicas: s.replicas ?? 0,
    updatedReplicas: s.updatedReplicas ?? 0,
    readyReplicas: s.readyReplicas ?? 0,
    availableReplicas: s.availableReplicas ?? 0,
    unavailableReplicas: s.unavailableReplicas ?? 0,
    conditions: (s.conditions ?? []).map((c) => ({
      t: c.type,
      s: c.status,
      r: c.reason,
      m: c.message,
      u: c.lastUpdateTime,
    })),
  };
}
