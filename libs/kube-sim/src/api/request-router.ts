import type { ResourceDefinition } from '../resources/resource-definition';
import type { ResourceRegistry } from '../resources/resource-registry';

export interface ResourceRoute {
  def: ResourceDefinition;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Decoded remainder after the subresource (the proxied path), as Go's url.Path has it. */
  rest: string;
  watchPrefix: boolean;
}

/** Maps `/api/v1/namespaces/ns/pods/name/log` style paths onto a resource and its parts. */
export function routeResource(registry: ResourceRegistry, rawPath: string): ResourceRoute | undefined {
  const raw = rawPath.split('/').filter((s) => s !== '');
  const seg = raw.map((s) => decodeURIComponent(s));
  let group: string;
  let version: string;
  let i: number;
  if (seg[0] === 'api' && seg.length >= 2) {
    group = '';
    version = seg[1]!;
    i = 2;
  } else if (seg[0] === 'apis' && seg.length >= 3) {
    group = seg[1]!;
    version = seg[2]!;
    i = 3;
  } else return undefined;
  let watchPrefix = false;
  if (seg[i] === 'watch') {
    watchPrefix = true;
    i++;
  }
  let namespace: string | undefined;
  if (seg[i] === 'namespaces' && seg.length > i + 2) {
    const candidate = registry.route(group, version, seg[i + 2]!);
    if (candidate?.namespaced) {
      namespace = seg[i + 1];
      i += 2;
    }
  }
  const plural = seg[i];
  if (!plural) return undefined;
  const def = registry.route(group, version, plural);
  if (!def) return undefined;
  return {
    def,
    namespace,
    name: seg[i + 1],
    subresource: seg[i + 2],
    rest:
      raw.length > i + 3
        ? '/' + seg.slice(i + 3).join('/') + (rawPath.endsWith('/') ? '/' : '')
        : rawPath.endsWith('/') && raw.length === i + 3
          ? '/'
          : '',
    watchPrefix,
  };
}
