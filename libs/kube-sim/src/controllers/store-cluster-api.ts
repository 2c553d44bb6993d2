import { type KubeObject } from '../resources/resource-definition';
import { type ObjectStore, type Watch } from '../store/object-store';
import { type ChangeType, type ClusterApi, type DeleteOptions } from './cluster-api';
import { type LabelSelector, type Obj } from './k8s-types';
import { selectorMatches } from './label-match';

/** Resources whose changes the controllers react to. */
export const WATCHED_RESOURCES = [
  'pods',
  'replicasets',
  'deployments',
  'statefulsets',
  'services',
  'persistentvolumeclaims',
  'nodes',
  'resourcequotas',
  'secrets',
  'configmaps',
];

/** The controllers' view of the in-process object store. */
export class StoreClusterApi implements ClusterApi {
  constructor(
    readonly store: ObjectStore,
    private readonly fieldManager: string,
  ) {}

  get<T extends Obj>(resource: string, namespace: string | undefined, name: string): Promise<T | undefined> {
    return Promise.resolve(this.store.find(resource, namespace, name) as unknown as T | undefined);
  }

  list<T extends Obj>(resource: string, namespace?: string, selector?: LabelSelector): Promise<T[]> {
    const items = this.store.list(resource, { namespace }).items as unknown as T[];
    return Promise.resolve(
      selector ? items.filter((o) => selectorMatches(selector, o.metadata.labels)) : items,
    );
  }

  scan<T extends Obj>(resource: string, namespace?: string): Promise<readonly T[]> {
    return Promise.resolve(this.store.list(resource, { namespace, raw: true }).items as unknown as T[]);
  }

  create<T extends Obj>(resource: string, obj: T): Promise<T> {
    return Promise.resolve(
      this.store.create(resource, strip(obj), {
        namespace: obj.metadata.namespace,
        fieldManager: this.fieldManager,
      }) as unknown as T,
    );
  }

  update<T extends Obj>(resource: string, obj: T): Promise<T> {
    return Promise.resolve(
      this.store.update(resource, strip(obj), { fieldManager: this.fieldManager }) as unknown as T,
    );
  }

  updateStatus<T extends Obj>(resource: string, obj: T): Promise<T> {
    return Promise.resolve(
      this.store.update(resource, strip(obj), {
        fieldManager: this.fieldManager,
        subresource: 'status',
      }) as unknown as T,
    );
  }

  delete(
    resource: string,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): Promise<void> {
    this.store.delete(resource, namespace, name, {
      gracePeriodSeconds: options.gracePeriodSeconds,
      propagationPolicy: options.propagationPolicy,
      preconditions: options.uid ? { uid: options.uid } : undefined,
    });
    return Promise.resolve();
  }

  bind(namespace: string, pod: string, node: string): Promise<void> {
    const current = this.store.get('pods', namespace, pod) as { spec?: Record<string, unknown> };
    current.spec = { ...current.spec, nodeName: node };
    this.store.update('pods', current, { fieldManager: 'default-scheduler' });
    return Promise.resolve();
  }

  onChange(listener: (type: ChangeType, resource: string, obj: Obj) => void): () => void {
    const watches: Watch[] = WATCHED_RESOURCES.map((resource) =>
      this.store.watch(resource, { resourceVersion: this.store.resourceVersion(), raw: true }, (ev) => {
        if (ev.type === 'ADDED' || ev.type === 'MODIFIED' || ev.type === 'DELETED') {
          listener(ev.type, resource, ev.object as unknown as Obj);
        }
      }),
    );
    return () => {
      for (const w of watches) w.stop();
    };
  }
}

function strip(obj: Obj): KubeObject {
  const o = obj as unknown as KubeObject;
  if (o.metadata && o.metadata.uid === '') {
    const { uid: _uid, ...meta } = o.metadata;
    return { ...o, metadata: meta };
  }
  return o;
}
