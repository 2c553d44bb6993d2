import type { KubeObject, TableColumn } from './resource-definition';
import { arr, at, isObject, num, objects, str, text } from './json-path';

/** kubectl's HumanDuration: the AGE strings a real API server puts into Table cells. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 24 * 8) return h % 24 === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24)}d`;
  const y = Math.floor(h / 24 / 365);
  if (h < 24 * 365 * 8) return `${y}y${Math.floor(h / 24) % 365}d`;
  return `${y}y`;
}

function since(ts: unknown, now: number): string {
  if (typeof ts !== 'string') return '<unknown>';
  return humanDuration(now - Date.parse(ts));
}

const age: TableColumn = {
  name: 'Age',
  type: 'string',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
  priority: 0,
  cell: (o, now) => since(o.metadata?.creationTimestamp, now),
};

const createdAt: TableColumn = {
  name: 'Created At',
  type: 'date',
  description: age.description,
  priority: 0,
  cell: (o) => o.metadata?.creationTimestamp ?? '',
};

function col(
  name: string,
  cell: (o: KubeObject, now: number) => unknown,
  opts: Partial<Pick<TableColumn, 'type' | 'priority' | 'description'>> = {},
): TableColumn {
  return {
    name,
    type: opts.type ?? 'string',
    description: opts.description ?? name,
    priority: opts.priority ?? 0,
    cell,
  };
}

function containerNames(path: string) {
  return (o: KubeObject) =>
    objects(o, path)
      .map((c) => str(c, 'name'))
      .join(',');
}

function containerImages(path: string) {
  return (o: KubeObject) =>
    objects(o, path)
      .map((c) => str(c, 'image'))
      .join(',');
}

function selectorString(o: KubeObject): string {
  const sel = at(o, 'spec.selector');
  if (!isObject(sel)) return '<none>';
  const parts: string[] = [];
  const ml = sel['matchLabels'];
  if (isObject(ml)) for (const [k, v] of Object.entries(ml)) parts.push(`${k}=${text(v)}`);
  for (const e of objects(sel, 'matchExpressions')) {
    const key = str(e, 'key') ?? '';
    const values = arr(e, 'values').map(text).join(',');
    switch (str(e, 'operator')) {
      case 'In':
        parts.push(`${key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(key);
        break;
      case 'DoesNotExist':
        parts.push(`!${key}`);
        break;
      case undefined:
      default:
        break;
    }
  }
  return parts.length ? parts.join(',') : '<none>';
}

function mapSelector(o: KubeObject, path: string): string {
  const sel = at(o, path);
  if (!isObject(sel) || Object.keys(sel).length === 0) return '<none>';
  return Object.entries(sel)
    .map(([k, v]) => `${k}=${text(v)}`)
    .join(',');
}

function podStatus(o: KubeObject): string {
  let reason = str(o, 'status.reason') ?? str(o, 'status.phase') ?? '';
  let initializing = false;
  const inits = objects(o, 'status.initContainerStatuses');
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i]!;
    const term = at(c, 'state.terminated');
    if (isObject(term) && term['exitCode'] === 0) continue;
    if (isObject(term)) {
      reason = str(term, 'reason')
        ? `Init:${str(term, 'reason')}`
        : `Init:ExitCode:${text(term['exitCode'])}`;
    } else {
      const waiting = str(c, 'state.waiting.reason');
      reason = waiting && waiting !== 'PodInitializing' ? `Init:${waiting}` : `Init:${i}/${inits.length}`;
    }
    initializing = true;
    break;
  }
  if (!initializing) {
    let hasRunning = false;
    const cs = objects(o, 'status.containerStatuses');
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i]!;
      const waiting = str(c, 'state.waiting.reason');
      const term = at(c, 'state.terminated');
      if (waiting) reason = waiting;
      else if (isObject(term)) {
        reason =
          str(term, 'reason') ??
          (term['signal'] ? `Signal:${text(term['signal'])}` : `ExitCode:${text(term['exitCode'])}`);
      } else if (isObject(at(c, 'state.running')) && c['ready'] === true) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) {
      const ready = objects(o, 'status.conditions').some(
        (c) => c['type'] === 'Ready' && c['status'] === 'True',
      );
      reason = ready ? 'Running' : 'NotReady';
    }
  }
  if (o.metadata?.deletionTimestamp)
    reason = str(o, 'status.reason') === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

function podRestarts(o: KubeObject, now: number): string {
  let restarts = 0;
  let last = 0;
  for (const c of objects(o, 'status.containerStatuses')) {
    restarts += num(c, 'restartCount') ?? 0;
    const finished = str(c, 'lastState.terminated.finishedAt');
    if (finished) last = Math.max(last, Date.parse(finished));
  }
  return restarts > 0 && last > 0 ? `${restarts} (${humanDuration(now - last)} ago)` : String(restarts);
}

function servicePorts(o: KubeObject): string {
  const ports = objects(o, 'spec.ports').map((p) => {
    const np = num(p, 'nodePort');
    return `${text(p['port'])}${np ? `:${np}` : ''}/${str(p, 'protocol') ?? 'TCP'}`;
  });
  return ports.length ? ports.join(',') : '<none>';
}

function externalIp(o: KubeObject): string {
  const type = str(o, 'spec.type') ?? 'ClusterIP';
  const external = arr(o, 'spec.externalIPs').map(text);
  switch (type) {
    case 'ExternalName':
      return str(o, 'spec.externalName') ?? '<none>';
    case 'LoadBalancer': {
      const ing = objects(o, 'status.loadBalancer.ingress').map(
        (i) => str(i, 'ip') ?? str(i, 'hostname') ?? '',
      );
      const all = [...ing, ...external];
      return all.length ? all.join(',') : '<pending>';
    }
    default:
      return external.length ? external.join(',') : '<none>';
  }
}

function endpointsCell(o: KubeObject): string {
  const out: string[] = [];
  for (const s of objects(o, 'subsets')) {
    const ports = objects(s, 'ports');
    for (const a of objects(s, 'addresses')) {
      if (ports.length === 0) out.push(str(a, 'ip') ?? '');
      for (const p of ports) out.push(`${str(a, 'ip') ?? ''}:${text(p['port'])}`);
    }
  }
  if (out.length === 0) return '<none>';
  return out.length > 3 ? `${out.slice(0, 3).join(',')} + ${out.length - 3} more...` : out.join(',');
}

function nodeStatus(o: KubeObject): string {
  const ready = objects(o, 'status.conditions').find((c) => c['type'] === 'Ready');
  const parts = [ready?.['status'] === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown'];
  if (at(o, 'spec.unschedulable') === true) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function nodeRoles(o: KubeObject): string {
  const roles = Object.keys(o.metadata?.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length));
  return roles.length ? roles.sort().join(',') : '<none>';
}

function nodeAddress(type: string) {
  return (o: KubeObject) =>
    objects(o, 'status.addresses').find((a) => a['type'] === type)?.['address'] ?? '<none>';
}

function countKeys(...paths: string[]) {
  return (o: KubeObject) =>
    paths.reduce((n, p) => {
      const v = at(o, p);
      return n + (isObject(v) ? Object.keys(v).length : 0);
    }, 0);
}

function quantity(v: unknown): string {
  return v === undefined ? '' : text(v);
}

function quotaCell(prefix: 'requests' | 'limits') {
  return (o: KubeObject) => {
    const hard = at(o, 'status.hard');
    const used = at(o, 'status.used');
    if (!isObject(hard)) return '';
    return Object.keys(hard)
      .filter((k) => (prefix === 'limits' ? k.startsWith('limits.') : !k.startsWith('limits.')))
      .sort()
      .map((k) => `${k}: ${quantity(isObject(used) ? used[k] : undefined) || '0'}/${quantity(hard[k])}`)
      .join(', ');
  };
}

function subjects(kind: string) {
  return (o: KubeObject) =>
    objects(o, 'subjects')
      .filter((s) => s['kind'] === kind)
      .map((s) =>
        kind === 'ServiceAccount' ? `${str(s, 'namespace') ?? ''}/${str(s, 'name') ?? ''}` : str(s, 'name'),
      )
      .join(', ');
}

function orNone(v: unknown): unknown {
  return v === undefined || v === '' ? '<none>' : v;
}

function intOrString(v: unknown): string {
  return v === undefined ? 'N/A' : text(v);
}

function pvcAccessModes(o: KubeObject): string {
  const short: Record<string, string> = {
    ReadWriteOnce: 'RWO',
    ReadOnlyMany: 'ROX',
    ReadWriteMany: 'RWX',
    ReadWriteOncePod: 'RWOP',
  };
  return arr(o, 'status.accessModes')
    .map((m) => short[String(m)] ?? String(m))
    .join(',');
}

/** Table columns per kind, as kube-apiserver's printers define them (minus NAME). */
export const tableColumns: Record<string, TableColumn[]> = {
  Namespace: [col('Status', (o) => str(o, 'status.phase') ?? ''), age],
  Pod: [
    col('Ready', (o) => {
      const cs = objects(o, 'status.containerStatuses');
      const total = objects(o, 'spec.containers').length;
      return `${cs.filter((c) => c['ready'] === true).length}/${total}`;
    }),
    col('Status', (o) => podStatus(o)),
    col('Restarts', (o, now) => podRestarts(o, now)),
    age,
    col('IP', (o) => orNone(str(o, 'status.podIP')), { priority: 1 }),
    col('Node', (o) => orNone(str(o, 'spec.nodeName')), { priority: 1 }),
    col('Nominated Node', (o) => orNone(str(o, 'status.nominatedNodeName')), { priority: 1 }),
    col(
      'Readiness Gates',
      (o) => {
        const gates = objects(o, 'spec.readinessGates');
        if (gates.length === 0) return '<none>';
        const ok = gates.filter((g) =>
          objects(o, 'status.conditions').some(
            (c) => c['type'] === g['conditionType'] && c['status'] === 'True',
          ),
        );
        return `${ok.length}/${gates.length}`;
      },
      { priority: 1 },
    ),
  ],
  Service: [
    col('Type', (o) => str(o, 'spec.type') ?? 'ClusterIP'),
    col('Cluster-IP', (o) => orNone(str(o, 'spec.clusterIP'))),
    col('External-IP', externalIp),
    col('Port(s)', servicePorts),
    age,
    col('Selector', (o) => mapSelector(o, 'spec.selector'), { priority: 1 }),
  ],
  Endpoints: [col('Endpoints', endpointsCell), age],
  Secret: [
    col('Type', (o) => str(o, 'type') ?? ''),
    col('Data', countKeys('data'), { type: 'integer' }),
    age,
  ],
  ConfigMap: [col('Data', countKeys('data', 'binaryData'), { type: 'integer' }), age],
  ServiceAccount: [col('Secrets', (o) => arr(o, 'secrets').length, { type: 'integer' }), age],
  PersistentVolumeClaim: [
    col('Status', (o) => str(o, 'status.phase') ?? ''),
    col('Volume', (o) => str(o, 'spec.volumeName') ?? ''),
    col('Capacity', (o) => quantity(at(o, 'status.capacity.storage'))),
    col('Access Modes', pvcAccessModes),
    col('StorageClass', (o) => str(o, 'spec.storageClassName') ?? ''),
    col('VolumeAttributesClass', (o) => orNone(str(o, 'spec.volumeAttributesClassName'))),
    age,
    col('VolumeMode', (o) => str(o, 'spec.volumeMode') ?? '', { priority: 1 }),
  ],
  Event: [
    col('Last Seen', (o, now) => {
      const t = str(o, 'lastTimestamp') ?? str(o, 'eventTime') ?? o.metadata?.creationTimestamp;
      return since(t, now);
    }),
    col('Type', (o) => str(o, 'type') ?? ''),
    col('Reason', (o) => str(o, 'reason') ?? ''),
    col(
      'Object',
      (o) => `${(str(o, 'involvedObject.kind') ?? '').toLowerCase()}/${str(o, 'involvedObject.name') ?? ''}`,
    ),
    col('Message', (o) => (str(o, 'message') ?? '').trim()),
    col('Subobject', (o) => str(o, 'involvedObject.fieldPath') ?? '', { priority: 1 }),
    col('Source', (o) => str(o, 'source.component') ?? str(o, 'reportingComponent') ?? '', { priority: 1 }),
    col('First Seen', (o, now) => since(str(o, 'firstTimestamp') ?? str(o, 'eventTime'), now), {
      priority: 1,
    }),
    col('Count', (o) => num(o, 'count') ?? 1, { type: 'integer', priority: 1 }),
    col('Name', (o) => o.metadata?.name ?? '', { priority: 1 }),
  ],
  Node: [
    col('Status', nodeStatus),
    col('Roles', nodeRoles),
    age,
    col('Version', (o) => str(o, 'status.nodeInfo.kubeletVersion') ?? ''),
    col('Internal-IP', nodeAddress('InternalIP'), { priority: 1 }),
    col('External-IP', nodeAddress('ExternalIP'), { priority: 1 }),
    col('OS-Image', (o) => str(o, 'status.nodeInfo.osImage') ?? '<unknown>', { priority: 1 }),
    col('Kernel-Version', (o) => str(o, 'status.nodeInfo.kernelVersion') ?? '<unknown>', { priority: 1 }),
    col('Container-Runtime', (o) => str(o, 'status.nodeInfo.containerRuntimeVersion') ?? '<unknown>', {
      priority: 1,
    }),
  ],
  ResourceQuota: [age, col('Request', quotaCell('requests')), col('Limit', quotaCell('limits'))],
  LimitRange: [createdAt],
  Deployment: [
    col('Ready', (o) => `${num(o, 'status.readyReplicas') ?? 0}/${num(o, 'spec.replicas') ?? 0}`),
    col('Up-to-date', (o) => num(o, 'status.updatedReplicas') ?? 0, { type: 'integer' }),
    col('Available', (o) => num(o, 'status.availableReplicas') ?? 0, { type: 'integer' }),
    age,
    col('Containers', containerNames('spec.template.spec.containers'), { priority: 1 }),
    col('Images', containerImages('spec.template.spec.containers'), { priority: 1 }),
    col('Selector', selectorString, { priority: 1 }),
  ],
  ReplicaSet: [
    col('Desired', (o) => num(o, 'spec.replicas') ?? 0, { type: 'integer' }),
    col('Current', (o) => num(o, 'status.replicas') ?? 0, { type: 'integer' }),
    col('Ready', (o) => num(o, 'status.readyReplicas') ?? 0, { type: 'integer' }),
    age,
    col('Containers', containerNames('spec.template.spec.containers'), { priority: 1 }),
    col('Images', containerImages('spec.template.spec.containers'), { priority: 1 }),
    col('Selector', selectorString, { priority: 1 }),
  ],
  StatefulSet: [
    col('Ready', (o) => `${num(o, 'status.readyReplicas') ?? 0}/${num(o, 'spec.replicas') ?? 0}`),
    age,
    col('Containers', containerNames('spec.template.spec.containers'), { priority: 1 }),
    col('Images', containerImages('spec.template.spec.containers'), { priority: 1 }),
  ],
  NetworkPolicy: [
    col('Pod-Selector', (o) => {
      const s = selectorString({ spec: { selector: at(o, 'spec.podSelector') } });
      return s === '<none>' ? '<none>' : s;
    }),
    age,
  ],
  PodDisruptionBudget: [
    col('Min Available', (o) => intOrString(at(o, 'spec.minAvailable'))),
    col('Max Unavailable', (o) => intOrString(at(o, 'spec.maxUnavailable'))),
    col('Allowed Disruptions', (o) => num(o, 'status.disruptionsAllowed') ?? 0, { type: 'integer' }),
    age,
  ],
  Lease: [col('Holder', (o) => str(o, 'spec.holderIdentity') ?? ''), age],
  Role: [createdAt],
  ClusterRole: [createdAt],
  RoleBinding: [
    col('Role', (o) => `${str(o, 'roleRef.kind') ?? ''}/${str(o, 'roleRef.name') ?? ''}`),
    age,
    col('Users', subjects('User'), { priority: 1 }),
    col('Groups', subjects('Group'), { priority: 1 }),
    col('ServiceAccounts', subjects('ServiceAccount'), { priority: 1 }),
  ],
  ClusterRoleBinding: [
    col('Role', (o) => `${str(o, 'roleRef.kind') ?? ''}/${str(o, 'roleRef.name') ?? ''}`),
    age,
    col('Users', subjects('User'), { priority: 1 }),
    col('Groups', subjects('Group'), { priority: 1 }),
    col('ServiceAccounts', subjects('ServiceAccount'), { priority: 1 }),
  ],
};
