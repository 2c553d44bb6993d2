import { type LabelSelector, type Obj } from './k8s-types';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  /** Delete only if the object still has this uid (a newer object of the same name is left alone). */
  uid?: string;
}

/**
 * What the controllers need from the object store. The controllers are written against this, not
 * against the store, so the same logic can later drive a real API server through client-node.
 */
export interface ClusterApi {
  get<T extends Obj>(resource: string, namespace: string | undefined, name: string): Promise<T | undefined>;
  list<T extends Obj>(resource: string, namespace?: string, selector?: LabelSelector): Promise<T[]>;
  /** Like list, but hands out the stored objects themselves: read them, never mutate them. */
  scan<T extends Obj>(resource: string, namespace?: string): Promise<readonly T[]>;
  create<T extends Obj>(resource: string, obj: T): Promise<T>;
  update<T extends Obj>(resource: string, obj: T): Promise<T>;
  updateStatus<T extends Obj>(resource: string, obj: T): Promise<T>;
  delete(
    resource: string,
    namespace: string | undefined,
    name: string,
    options?: DeleteOptions,
  ): Promise<void>;
  /** Sets spec.nodeName through the binding subresource. */
  bind(namespace: string, pod: string, node: string): Promise<void>;
  onChange(listener: (type: ChangeType, resource: string, obj: Obj) => void): () => void;
}
