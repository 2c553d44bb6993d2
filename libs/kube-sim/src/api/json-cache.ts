import type { KubeObject } from '../resources/resource-definition';

// Stored objects are never mutated after commit, so their JSON can be reused by every response
// and every watcher (50 watchers of one change serialize it once).
const cache = new WeakMap<object, string>();

export function objectJson(obj: KubeObject): string {
  let s = cache.get(obj);
  if (s === undefined) {
    s = JSON.stringify(obj);
    cache.set(obj, s);
  }
  return s;
}

/** A List response assembled from cached item JSON. */
export function listJson(list: {
  apiVersion: string;
  kind: string;
  metadata: unknown;
  items: KubeObject[];
}): string {
  return `{"apiVersion":${JSON.stringify(list.apiVersion)},"kind":${JSON.stringify(list.kind)},"metadata":${JSON.stringify(
    list.metadata,
  )},"items":[${list.items.map(objectJson).join(',')}]}`;
}

export function watchEventJson(type: string, obj: KubeObject): string {
  return `{"type":"${type}","object":${objectJson(obj)}}\n`;
}
