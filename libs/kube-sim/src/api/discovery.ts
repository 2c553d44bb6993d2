import type { ResourceDefinition } from '../resources/resource-definition';
import type { ResourceRegistry } from '../resources/resource-registry';

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface SubresourceInfo {
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
}

const subresources: Record<string, SubresourceInfo> = {
  status: { kind: '', verbs: ['get', 'patch', 'update'] },
  scale: { kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
  log: { kind: 'Pod', verbs: ['get'] },
  eviction: { kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
  binding: { kind: 'Binding', verbs: ['create'] },
  ephemeralcontainers: { kind: 'Pod', verbs: ['get', 'patch', 'update'] },
  finalize: { kind: 'Namespace', verbs: ['update'] },
  proxy: { kind: '', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
};

function proxyKind(def: ResourceDefinition): string {
  return `${def.kind}ProxyOptions`;
}

/** `/api` */
export function apiVersions(serverAddress: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry(group: string, versions: string[]) {
  const vs = versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions: vs, preferredVersion: vs[0] };
}

/** `/apis` */
export function apiGroupList(registry: ResourceRegistry): unknown {
  const groups = new Map<string, string[]>();
  for (const gv of registry.groupVersions()) {
    if (!gv.group) continue;
    groups.set(gv.group, [...(groups.get(gv.group) ?? []), gv.version]);
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups.entries()].map(([g, vs]) => groupEntry(g, vs)),
  };
}

/** `/apis/{group}` */
export function apiGroup(registry: ResourceRegistry, group: string): unknown {
  const versions = registry
    .groupVersions()
    .filter((gv) => gv.group === group)
    .map((gv) => gv.version);
  if (versions.length === 0) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group, versions) };
}

/** `/api/v1` and `/apis/{group}/{version}` */
export function apiResourceList(registry: ResourceRegistry, group: string, version: string): unknown {
  const defs = registry.all.filter((d) => d.group === group && d.version === version);
  if (defs.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const d of defs) {
    const entry: Record<string, unknown> = {
      name: d.plural,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: d.review
        ? ['create']
        : d.plural === 'namespaces'
          ? allVerbs.filter((v) => v !== 'deletecollection')
          : allVerbs,
    };
    if (d.shortNames.length) entry['shortNames'] = d.shortNames;
    if (d.categories.length) entry['categories'] = d.categories;
    resources.push(entry);
    for (const sub of d.subresources) {
      const info = subresources[sub];
      if (!info) continue;
      const s: Record<string, unknown> = {
        name: `${d.plural}/${sub}`,
        singularName: '',
        namespaced: d.namespaced,
      };
      if (info.group !== undefined) {
        s['group'] = info.group;
        s['version'] = info.version;
      }
      s['kind'] = sub === 'proxy' ? proxyKind(d) : info.kind || d.kind;
      s['verbs'] = info.verbs;
      resources.push(s);
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}
