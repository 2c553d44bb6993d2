import { type ChangeType, type ClusterApi } from './cluster-api';
import { Controller, keyOf, splitKey, type ReconcileResult } from './controller';
import { clone, setCondition } from './controller-utils';
import { type EventRecorder } from './event-recorder';
import {
  controllerOf,
  isTerminating,
  type Node,
  type Obj,
  type PersistentVolumeClaim,
  type Pod,
} from './k8s-types';

const ZONE = 'topology.kubernetes.io/zone';
const MAX_PODS = 110;

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

interface NodeAffinity {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: {
      nodeSelectorTerms?: { matchExpressions?: NodeSelectorRequirement[] }[];
    };
  };
}

/**
 * default-scheduler: binds pending pods to Ready nodes that satisfy nodeSelector, required node
 * affinity, taints and bound volumes; spreads a controller's pods across zones, then nodes.
 */
export class SchedulerController extends Controller {
  readonly name = 'default-scheduler';

  constructor(
    api: ClusterApi,
    private readonly events: EventRecorder,
    private readonly schedulingMs = 0,
  ) {
    super(api);
  }

  keysFor(_type: ChangeType, resource: string, obj: Obj): string[] {
    if (resource === 'pods') {
      const pod = obj as Pod;
      return !pod.spec.nodeName && !isTerminating(pod) ? [keyOf(obj)] : [];
    }
    return [];
  }

  async allKeys(): Promise<string[]> {
    return (await this.api.scan<Pod>('pods')).filter((p) => !p.spec.nodeName && !isTerminating(p)).map(keyOf);
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const [ns, name] = splitKey(key);
    const pod = await this.api.get<Pod>('pods', ns, name);
    if (!pod || pod.spec.nodeName || isTerminating(pod)) return;
    const age = Date.now() - Date.parse(pod.metadata.creationTimestamp ?? new Date().toISOString());
    if (age < this.schedulingMs) return { requeueAfterMs: this.schedulingMs - age };
    const schedulerName = (pod.spec as { schedulerName?: string }).schedulerName;
    if (schedulerName && schedulerName !== 'default-scheduler') return;
    const nodes = await this.api.scan<Node>('nodes');
    const pods = await this.api.scan<Pod>('pods');
    const load = new Map<string, number>();
    for (const p of pods)
      if (p.spec.nodeName) load.set(p.spec.nodeName, (load.get(p.spec.nodeName) ?? 0) + 1);
    const reasons = new Map<string, number>();
    const why = (r: string) => reasons.set(r, (reasons.get(r) ?? 0) + 1);

    const unbound = await this.unboundClaims(pod);
    if (unbound) {
      await this.unschedulable(
        pod,
        `0/${nodes.length} nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`,
      );
      return { requeueAfterMs: 200 };
    }

    const fits: Node[] = [];
    for (const node of nodes) {
      const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
      const taint = (node.spec?.taints ?? []).find(
        (t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(pod, t),
      );
      if (taint) why(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
      else if (!ready) why('node(s) were not ready');
      else if (node.spec?.unschedulable) why('node(s) were unschedulable');
      else if (!matchesNodeSelector(pod, node)) why("node(s) didn't match Pod's node affinity/selector");
      else if ((load.get(node.metadata.name) ?? 0) >= MAX_PODS) why('Too many pods');
      else fits.push(node);
    }
    if (fits.length === 0) {
      const detail = [...reasons.entries()]
        .map(([r, n]) => `${n} ${r}`)
        .sort()
        .join(', ');
      await this.unschedulable(
        pod,
        `0/${nodes.length} nodes are available: ${detail || 'no nodes available to schedule pods'}. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`,
      );
      return { requeueAfterMs: 500 };
    }

    const owner = controllerOf(pod)?.uid;
    const zoneOf = new Map(nodes.map((n) => [n.metadata.name, n.metadata.labels?.[ZONE] ?? '']));
    const siblingsInZone = new Map<string, number>();
    const siblingsOnNode = new Map<string, number>();
    if (owner !== undefined) {
      for (const p of pods) {
        const node = p.spec.nodeName;
        if (!node || p.metadata.uid === pod.metadata.uid || isTerminating(p)) continue;
        if (p.metadata.namespace !== pod.metadata.namespace || controllerOf(p)?.uid !== owner) continue;
        const zone = zoneOf.get(node) ?? '';
        siblingsInZone.set(zone, (siblingsInZone.get(zone) ?? 0) + 1);
        siblingsOnNode.set(node, (siblingsOnNode.get(node) ?? 0) + 1);
      }
    }
    const score = (n: Node) =>
      (siblingsInZone.get(zoneOf.get(n.metadata.name) ?? '') ?? 0) * 1_000_000 +
      (siblingsOnNode.get(n.metadata.name) ?? 0) * 1000 +
      (load.get(n.metadata.name) ?? 0);
    const chosen = [...fits].sort(
      (a, b) => score(a) - score(b) || a.metadata.name.localeCompare(b.metadata.name),
    )[0]!;
    await this.api.bind(ns ?? 'default', name, chosen.metadata.name);
    const bound = await this.api.get<Pod>('pods', ns, name);
    if (bound) {
      const next = clone(bound);
      next.status = {
        ...next.status,
        conditions: setCondition(next.status?.conditions, {
          type: 'PodScheduled',
          status: 'True',
          lastProbeTime: null,
        }),
      };
      await this.api.updateStatus('pods', next);
    }
    await this.events.record(
      pod,
      'Normal',
      'Scheduled',
      `Successfully assigned ${ns}/${name} to ${chosen.metadata.name}`,
    );
  }

  private async unboundClaims(pod: Pod): Promise<boolean> {
    for (const v of pod.spec.volumes ?? []) {
      const claim = v.persistentVolumeClaim?.claimName;
      if (!claim) continue;
      const pvc = await this.api.get<PersistentVolumeClaim>(
        'persistentvolumeclaims',
        pod.metadata.namespace,
        claim,
      );
      if (!pvc || pvc.status?.phase !== 'Bound') return true;
    }
    return false;
  }

  private async unschedulable(pod: Pod, message: string): Promise<void> {
    const prev = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (prev?.status === 'False' && prev.message === message) return;
    const next = clone(pod);
    next.status = {
      ...next.status,
      phase: 'Pending',
      conditions: setCondition(next.status?.conditions, {
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message,
        lastProbeTime: null,
      }),
    };
    await this.api.updateStatus('pods', next);
    await this.events.record(pod, 'Warning', 'FailedScheduling', message);
  }
}

function tolerates(pod: Pod, taint: { key: string; value?: string; effect: string }): boolean {
  const tolerations = (pod.spec.tolerations ?? []) as Toleration[];
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    // NoExecute tolerations with a time limit still keep new pods off the node in practice.
    if (taint.effect === 'NoExecute' && (t as { tolerationSeconds?: number }).tolerationSeconds !== undefined)
      return false;
    if (t.operator === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

function matchesNodeSelector(pod: Pod, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms = (pod.spec.affinity as NodeAffinity | undefined)?.nodeAffinity
    ?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms || terms.length === 0) return true;
  return terms.some((term) =>
    (term.matchExpressions ?? []).every((e) => {
      const has = Object.prototype.hasOwnProperty.call(labels, e.key);
      const v = labels[e.key] ?? '';
      switch (e.operator) {
        case 'In':
          return has && (e.values ?? []).includes(v);
        case 'NotIn':
          return !has || !(e.values ?? []).includes(v);
        case 'Exists':
          return has;
        case 'DoesNotExist':
          return !has;
        case 'Gt':
          return has && Number(v) > Number(e.values?.[0]);
        case 'Lt':
          return has && Number(v) < Number(e.values?.[0]);
      }
      return false;
    }),
  );
}
