import { type ClusterApi } from './cluster-api';
import { type Obj } from './k8s-types';

export type EventType = 'Normal' | 'Warning';

interface CoreEvent extends Obj {
  count?: number;
  lastTimestamp?: string;
}

/** Writes core/v1 Events as the controllers and kubelet do; repeats of one event bump its count. */
export class EventRecorder {
  private static seq = 0;
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly api: ClusterApi,
    private readonly component: string,
  ) {}

  async record(obj: Obj, type: EventType, reason: string, message: string, host?: string): Promise<void> {
    const ns = obj.metadata.namespace ?? 'default';
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const dedupe = `${obj.metadata.uid}|${reason}|${message}`;
    const existing = this.seen.get(dedupe);
    try {
      if (existing) {
        const ev = await this.api.get<CoreEvent>('events', ns, existing);
        if (ev) {
          ev.count = (ev.count ?? 1) + 1;
          ev.lastTimestamp = now;
          await this.api.update('events', ev);
          return;
        }
      }
      // Real event names end in the creation time in hex, so listing by name lists in order.
      const name = `${obj.metadata.name}.${(BigInt(Date.now()) * 1_000_000n + BigInt(EventRecorder.seq++ % 1_000_000)).toString(16)}`;
      await this.api.create('events', {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: ns, uid: '' },
        involvedObject: {
          apiVersion: obj.apiVersion,
          kind: obj.kind,
          name: obj.metadata.name,
          namespace: obj.metadata.namespace,
          uid: obj.metadata.uid,
          resourceVersion: obj.metadata.resourceVersion,
        },
        reason,
        message,
        type,
        source: host ? { component: this.component, host } : { component: this.component },
        reportingComponent: this.component,
        reportingInstance: host ?? '',
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      } as Obj);
      this.seen.set(dedupe, name);
      if (this.seen.size > 10_000) this.seen.delete(this.seen.keys().next().value as string);
    } catch {
      // Events are best effort, as in Kubernetes (a terminating namespace refuses them, for one).
    }
  }
}
