import { type SimTimings } from '../cluster/sim-timings';
import { type ChangeType, type ClusterApi } from './cluster-api';
import { Controller, type ReconcileResult } from './controller';
import { clone, nowIso, setCondition } from './controller-utils';
import { type EventRecorder } from './event-recorder';
import { isTerminating, type Node, type Obj, type Pod } from './k8s-types';
import { type NodeHealth } from './node-health';

const UNREACHABLE = 'node.kubernetes.io/unreachable';

/**
 * node-lifecycle-controller: a node whose kubelet went silent turns NotReady (Unknown) after the
 * grace period, gets the unreachable taints, and its pods are marked not ready; after the eviction
 * timeout they are marked for deletion but stay Terminating, because no kubelet confirms it.
 */
export class NodeLifecycleController extends Controller {
  readonly name = 'node-lifecycle-controller';
  private readonly unsubscribe: () => void;

  constructor(
    api: ClusterApi,
    private readonly events: EventRecorder,
    private readonly health: NodeHealth,
    private readonly timings: SimTimings,
    private readonly ownsNode: (node: string) => boolean,
  ) {
    super(api);
    this.unsubscribe = health.onChange((node) => this.enqueue(node));
  }

  override stop(): void {
    super.stop();
    this.unsubscribe();
  }

  keysFor(_type: ChangeType, resource: string, obj: Obj): string[] {
    if (resource === 'nodes' && this.ownsNode(obj.metadata.name)) return [obj.metadata.name];
    if (resource === 'pods') {
      const node = (obj as Pod).spec.nodeName;
      if (node && this.health.isDown(node)) return [node];
    }
    return [];
  }

  async allKeys(): Promise<string[]> {
    return (await this.api.scan<Node>('nodes')).map((n) => n.metadata.name).filter(this.ownsNode);
  }

  async reconcile(name: string): Promise<ReconcileResult | void> {
    const node = await this.api.get<Node>('nodes', undefined, name);
    if (!node) return;
    const since = this.health.downSince(name);
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    if (since === undefined) {
      if (ready?.status !== 'True') {
        await this.setNode(node, true);
        await this.events.record(node, 'Normal', 'NodeReady', `Node ${name} status is now: NodeReady`);
      }
      return;
    }
    const elapsed = Date.now() - since;
    if (elapsed < this.timings.nodeMonitorGraceMs)
      return { requeueAfterMs: this.timings.nodeMonitorGraceMs - elapsed };
    if (ready?.status === 'True') {
      await this.setNode(node, false);
      await this.events.record(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
    }
    const pods = (await this.api.scan<Pod>('pods')).filter((p) => p.spec.nodeName === name);
    for (const pod of pods) {
      const podReady = pod.status?.conditions?.find((c) => c.type === 'Ready');
      if (podReady?.status !== 'False' || podReady.reason !== 'NodeNotReady') {
        const next = clone(pod);
        let conditions = setCondition(next.status?.conditions, {
          type: 'Ready',
          status: 'False',
          reason: 'NodeNotReady',
          message: 'Node is not ready',
          lastProbeTime: null,
        });
        conditions = setCondition(conditions, {
          type: 'ContainersReady',
          status: 'False',
          reason: 'NodeNotReady',
          message: 'Node is not ready',
          lastProbeTime: null,
        });
        next.status = {
          ...next.status,
          conditions,
          containerStatuses: next.status?.containerStatuses?.map((c) => ({ ...c, ready: false })),
        };
        await this.api.updateStatus('pods', next);
        await this.events.record(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
      }
    }
    const evictAfter = this.timings.nodeMonitorGraceMs + this.timings.podEvictionMs;
    if (elapsed < evictAfter) return { requeueAfterMs: evictAfter - elapsed };
    for (const pod of pods) {
      if (isTerminating(pod)) continue;
      await this.api.delete('pods', pod.metadata.namespace, pod.metadata.name, { uid: pod.metadata.uid });
      await this.events.record(
        pod,
        'Normal',
        'TaintManagerEviction',
        `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}`,
      );
    }
  }

  private async setNode(node: Node, up: boolean): Promise<void> {
    const next = clone(node);
    const now = nowIso();
    const conditions = (next.status?.conditions ?? []).map((c) => {
      if (up) {
        return c.type === 'Ready'
          ? {
              ...c,
              status: 'True' as const,
              reason: 'KubeletReady',
              message: 'kubelet is posting ready status',
              lastHeartbeatTime: now,
              lastTransitionTime: now,
            }
          : {
              ...c,
              status: 'False' as const,
              reason: `KubeletHas${c.type === 'MemoryPressure' ? 'SufficientMemory' : c.type === 'DiskPressure' ? 'NoDiskPressure' : 'SufficientPID'}`,
              lastHeartbeatTime: now,
              lastTransitionTime: now,
            };
      }
      return {
        ...c,
        status: 'Unknown' as const,
        reason: 'NodeStatusUnknown',
        message: 'Kubelet stopped posting node status.',
        lastTransitionTime: now,
      };
    });
    next.status = { ...next.status, conditions };
    await this.api.updateStatus('nodes', next);
    const fresh = await this.api.get<Node>('nodes', undefined, node.metadata.name);
    if (!fresh) return;
    const withTaints = clone(fresh);
    const others = (withTaints.spec?.taints ?? []).filter((t) => t.key !== UNREACHABLE);
    const taints = up
      ? others
      : [
          ...others,
          { key: UNREACHABLE, effect: 'NoSchedule', timeAdded: now },
          { key: UNREACHABLE, effect: 'NoExecute', timeAdded: now },
        ];
    withTaints.spec = { ...withTaints.spec, taints: taints.length ? taints : undefined };
    if (!taints.length) delete withTaints.spec.taints;
    await this.api.update('nodes', withTaints);
  }
}
