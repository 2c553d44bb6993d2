import { typeSchemas } from './type-schemas.data';

export type ListType = 'atomic' | 'map' | 'set';

/** How a list field merges: server-side apply list type and strategic-merge key/strategy. */
export interface ListInfo {
  listType: ListType;
  keys: string[];
  /** Strategic merge patch: merge by `smpKey` (objects) or union (primitives); else replace. */
  smpMerge: boolean;
  smpKey?: string;
  retainKeys?: boolean;
}

function map(keys: string[], smpKey = keys[0], retainKeys = false): ListInfo {
  return { listType: 'map', keys, smpMerge: true, smpKey, retainKeys };
}

const set: ListInfo = { listType: 'set', keys: [], smpMerge: true };

const conditions = map(['type']);

// patchMergeKey / listMapKeys from the Kubernetes API types for the kinds served.
const lists: Record<string, ListInfo> = {
  'V1ObjectMeta.finalizers': set,
  'V1ObjectMeta.ownerReferences': map(['uid']),
  'V1PodSpec.containers': map(['name']),
  'V1PodSpec.initContainers': map(['name']),
  'V1PodSpec.ephemeralContainers': map(['name']),
  'V1PodSpec.volumes': map(['name'], 'name', true),
  'V1PodSpec.imagePullSecrets': map(['name']),
  'V1PodSpec.hostAliases': map(['ip']),
  'V1PodSpec.topologySpreadConstraints': map(['topologyKey', 'whenUnsatisfiable'], 'topologyKey'),
  'V1PodSpec.resourceClaims': map(['name'], 'name', true),
  'V1PodSpec.schedulingGates': map(['name']),
  'V1Container.ports': map(['containerPort', 'protocol'], 'containerPort'),
  'V1Container.env': map(['name']),
  'V1Container.volumeMounts': map(['mountPath']),
  'V1Container.volumeDevices': map(['devicePath']),
  'V1EphemeralContainer.ports': map(['containerPort', 'protocol'], 'containerPort'),
  'V1EphemeralContainer.env': map(['name']),
  'V1EphemeralContainer.volumeMounts': map(['mountPath']),
  'V1ResourceRequirements.claims': map(['name']),
  'V1ServiceSpec.ports': map(['port', 'protocol'], 'port'),
  'V1ServiceAccount.secrets': map(['name']),
  'V1PodStatus.conditions': conditions,
  'V1PodStatus.podIPs': map(['ip']),
  'V1PodStatus.hostIPs': map(['ip']),
  'V1PodStatus.resourceClaimStatuses': map(['name']),
  'V1DeploymentStatus.conditions': conditions,
  'V1ReplicaSetStatus.conditions': conditions,
  'V1StatefulSetStatus.conditions': conditions,
  'V1NodeStatus.conditions': conditions,
  'V1NodeStatus.addresses': map(['type']),
  'V1NodeSpec.podCIDRs': set,
  'V1NamespaceStatus.conditions': conditions,
  'V1PersistentVolumeClaimStatus.conditions': conditions,
  'V1PodDisruptionBudgetStatus.conditions': conditions,
  'V1ServiceStatus.conditions': conditions,
};

const atomic: ListInfo = { listType: 'atomic', keys: [], smpMerge: false };

const listTypes = new Set(Object.keys(lists).map((k) => k.slice(0, k.indexOf('.'))));

export function listInfo(typeName: string | undefined, field: string): ListInfo {
  if (!typeName || !listTypes.has(typeName)) return atomic;
  return lists[`${typeName}.${field}`] ?? atomic;
}

/** Structs whose strategic merge patch uses retainKeys (one-of style fields). */
export function retainKeys(typeName: string | undefined, field: string): boolean {
  return typeName === 'V1DeploymentSpec' && field === 'strategy';
}

export type FieldKind =
  | { kind: 'struct'; type: string }
  | { kind: 'map'; value: FieldKind }
  | { kind: 'list'; item: FieldKind }
  | { kind: 'scalar'; type: string };

function parse(ref: string): FieldKind {
  if (ref.startsWith('[]')) return { kind: 'list', item: parse(ref.slice(2)) };
  if (ref.startsWith('map[')) return { kind: 'map', value: parse(ref.slice(4, -1)) };
  if (typeSchemas[ref]) return { kind: 'struct', type: ref };
  return { kind: 'scalar', type: ref };
}

const cache = new Map<string, Map<string, FieldKind | null>>();

/** The kind of a field of a struct type; undefined when the type has no such field. */
export function fieldKind(typeName: string, field: string): FieldKind | undefined {
  let byField = cache.get(typeName);
  if (!byField) {
    byField = new Map();
    cache.set(typeName, byField);
  }
  let hit = byField.get(field);
  if (hit === undefined) {
    const ref = typeSchemas[typeName]?.[field];
    hit = ref === undefined ? null : parse(ref);
    byField.set(field, hit);
  }
  return hit ?? undefined;
}

export function structFields(typeName: string): Record<string, string> | undefined {
  return typeSchemas[typeName];
}
