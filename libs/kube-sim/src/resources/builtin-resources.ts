import { fieldError, GoSyntax, type FieldError } from '../store/api-error';
import {
  text,
  at,
  clone,
  deepEqual,
  ensure,
  isObject,
  objects,
  setDefault,
  str,
  type JsonObject,
} from './json-path';
import { validateDns1035, validateLabel, validateLabels, validateSubdomain } from './name-validation';
import { defaultPodSpec, qosClass } from './pod-defaults';
import { parseQuantity } from './quantity';
import type { KubeObject, ResourceContext, ResourceDefinition } from './resource-definition';
import { tableColumns } from './table-columns';

type Spec = Partial<ResourceDefinition> &
  Pick<ResourceDefinition, 'group' | 'version' | 'kind' | 'plural' | 'namespaced'> & {
    nameRule?: 'subdomain' | 'label' | 'dns1035';
  };

function define(spec: Spec): ResourceDefinition {
  const nameRule = spec.nameRule ?? 'subdomain';
  const validate = spec.validate;
  const def: ResourceDefinition = {
    singular: spec.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    subresources: [],
    statusSubresource: false,
    tracksGeneration: false,
    requireResourceVersion: false,
    schemaType: `V1${spec.kind}`,
    fieldSelectors: {},
    columns: tableColumns[spec.kind] ?? [],
    ...spec,
    validate(obj) {
      const name = obj.metadata?.name ?? '';
      const errs: FieldError[] = [];
      if (name) {
        switch (nameRule) {
          case 'subdomain':
            errs.push(...validateSubdomain('metadata.name', name));
            break;
          case 'label':
            errs.push(...validateLabel('metadata.name', name));
            break;
          case 'dns1035':
            errs.push(...validateDns1035('metadata.name', name));
            break;
        }
      }
      errs.push(...validateLabels('metadata.labels', obj.metadata?.labels));
      errs.push(...validateOwnerReferences(obj));
      if (validate) errs.push(...validate(obj));
      return errs;
    },
  };
  return def;
}

function validateOwnerReferences(o: KubeObject): FieldError[] {
  const refs = o.metadata?.ownerReferences ?? [];
  const errs: FieldError[] = [];
  for (const r of refs) {
    if (!r.apiVersion)
      errs.push(fieldError.invalid('metadata.ownerReferences.apiVersion', '', 'version must not be empty'));
    if (!r.kind) errs.push(fieldError.invalid('metadata.ownerReferences.kind', '', 'kind must not be empty'));
    if (!r.name) errs.push(fieldError.invalid('metadata.ownerReferences.name', '', 'name must not be empty'));
    if (!r.uid) errs.push(fieldError.invalid('metadata.ownerReferences.uid', '', 'uid must not be empty'));
  }
  if (refs.filter((r) => r.controller === true).length > 1)
    errs.push(
      fieldError.invalid(
        'metadata.ownerReferences',
        refs,
        'Only one reference can have Controller set to true',
      ),
    );
  return errs;
}

function validatePorts(path: string, ports: JsonObject[], field: string): FieldError[] {
  const errs: FieldError[] = [];
  ports.forEach((p, i) => {
    const v = p[field];
    if (v === undefined || v === 0) errs.push(fieldError.required(`${path}[${i}].${field}`));
    else if (typeof v !== 'number' || v < 1 || v > 65535)
      errs.push(
        fieldError.invalid(`${path}[${i}].${field}`, v ?? 0, 'must be between 1 and 65535, inclusive'),
      );
  });
  return errs;
}

const allowAll = 'kube-sim authorizes every request (no RBAC enforcement)';

/** `kubectl auth can-i` and `auth whoami`: the emulator has one all-powerful user. */
function reviewResources(): ResourceDefinition[] {
  const review = (group: string, kind: string, namespaced: boolean, status: (o: KubeObject) => unknown) =>
    define({
      group,
      version: 'v1',
      kind,
      plural: `${kind.toLowerCase()}s`,
      namespaced,
      review: (o) => ({ ...o, metadata: { ...(o.metadata ?? {}) }, status: status(o) }),
    });
  return [
    review('authorization.k8s.io', 'SelfSubjectAccessReview', false, () => ({
      allowed: true,
      reason: allowAll,
    })),
    review('authorization.k8s.io', 'SelfSubjectRulesReview', false, () => ({
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
      evaluationError: allowAll,
    })),
    review('authentication.k8s.io', 'SelfSubjectReview', false, () => ({
      userInfo: { username: 'kube-sim-admin', groups: ['system:masters', 'system:authenticated'] },
    })),
  ];
}

const configKeyRe = /^[-._a-zA-Z0-9]+$/;

function validateDataKeys(o: KubeObject, field: string): FieldError[] {
  const data = o[field];
  if (!isObject(data)) return [];
  return Object.keys(data)
    .filter((k) => !configKeyRe.test(k) || k.length > 253)
    .map((k) =>
      fieldError.invalid(
        `${field}[${k}]`,
        k,
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      ),
    );
}

function spec(o: KubeObject): JsonObject {
  return ensure(o, 'spec');
}

function immutable(field: string, a: unknown, b: unknown, message = 'field is immutable'): FieldError[] {
  return deepEqual(a ?? null, b ?? null) ? [] : [fieldError.invalid(field, a, message)];
}

function goStringMap(m: Record<string, unknown>): GoSyntax {
  const body = Object.keys(m)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(text(m[k]))}`)
    .join(', ');
  return new GoSyntax(`map[string]string{${body}}`);
}

function goStrings(values: unknown[]): string {
  return `[]string{${values.map((v) => JSON.stringify(text(v))).join(', ')}}`;
}

/** A LabelSelector as Go's %#v prints it, for immutable-selector messages. */
function goLabelSelector(sel: unknown): GoSyntax {
  const ml = at(sel, 'matchLabels');
  const labels = isObject(ml)
    ? `map[string]string{${Object.keys(ml)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${JSON.stringify(text(ml[k]))}`)
        .join(', ')}}`
    : 'map[string]string(nil)';
  const exprs = objects(sel, 'matchExpressions');
  const expressions = exprs.length
    ? `[]v1.LabelSelectorRequirement{${exprs
        .map(
          (e) =>
            `v1.LabelSelectorRequirement{Key:${JSON.stringify(text(e['key']))}, Operator:${JSON.stringify(text(e['operator']))}, Values:${Array.isArray(e['values']) ? goStrings(e['values']) : '[]string(nil)'}}`,
        )
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return new GoSyntax(`v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${expressions}}`);
}

function immutableSelector(o: KubeObject, old: KubeObject): FieldError[] {
  const a = at(o, 'spec.selector');
  const b = at(old, 'spec.selector');
  return deepEqual(a ?? null, b ?? null)
    ? []
    : [fieldError.invalid('spec.selector', goLabelSelector(a), 'field is immutable')];
}

function defaultTemplate(o: KubeObject): void {
  const tpl = at(o, 'spec.template.spec');
  if (isObject(tpl)) defaultPodSpec(tpl);
}

function validateWorkload(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const sel = at(o, 'spec.selector');
  const labels = at(o, 'spec.template.metadata.labels');
  const replicas = at(o, 'spec.replicas');
  if (typeof replicas === 'number' && replicas < 0)
    errs.push(fieldError.invalid('spec.replicas', replicas, 'must be greater than or equal to 0'));
  if (!isObject(sel)) errs.push(fieldError.required('spec.selector'));
  else {
    const ml = isObject(sel['matchLabels']) ? sel['matchLabels'] : {};
    if (Object.keys(ml).length === 0 && objects(sel, 'matchExpressions').length === 0)
      errs.push(fieldError.invalid('spec.selector', sel, 'empty selector is invalid for deployment'));
    const tl = isObject(labels) ? labels : {};
    if (!Object.entries(ml).every(([k, v]) => tl[k] === v))
      errs.push(
        fieldError.invalid(
          'spec.template.metadata.labels',
          goStringMap(tl),
          '`selector` does not match template `labels`',
        ),
      );
  }
  errs.push(...validatePodSpec('spec.template.spec', at(o, 'spec.template.spec')));
  const restart = str(o, 'spec.template.spec.restartPolicy');
  if (restart && restart !== 'Always')
    errs.push(fieldError.notSupported('spec.template.spec.restartPolicy', restart, ['Always']));
  return errs;
}

function validatePodSpec(path: string, podSpec: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const containers = objects(podSpec, 'containers');
  if (containers.length === 0) errs.push(fieldError.required(`${path}.containers`));
  const seen = new Set<string>();
  containers.forEach((c, i) => {
    const name = str(c, 'name');
    if (!name) errs.push(fieldError.required(`${path}.containers[${i}].name`));
    else {
      errs.push(...validateLabel(`${path}.containers[${i}].name`, name));
      if (seen.has(name)) errs.push(fieldError.duplicate(`${path}.containers[${i}].name`, name));
      seen.add(name);
    }
    if (!str(c, 'image')) errs.push(fieldError.required(`${path}.containers[${i}].image`));
    errs.push(...validatePorts(`${path}.containers[${i}].ports`, objects(c, 'ports'), 'containerPort'));
  });
  const restart = str(podSpec, 'restartPolicy');
  if (restart && !['Always', 'OnFailure', 'Never'].includes(restart))
    errs.push(fieldError.notSupported(`${path}.restartPolicy`, restart, ['Always', 'OnFailure', 'Never']));
  return errs;
}

const ipBase = (10 << 24) | (96 << 16);

function allocateClusterIp(ctx: ResourceContext): string {
  const used = new Set<string>();
  for (const s of ctx.all('services')) {
    const ip = str(s, 'spec.clusterIP');
    if (ip) used.add(ip);
  }
  for (let i = 10; i < 1 << 20; i++) {
    const n = ipBase + i;
    const ip = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
    if (!used.has(ip)) return ip;
  }
  throw new Error('service IP range exhausted');
}

function allocateNodePorts(o: KubeObject, ctx: ResourceContext): void {
  const type = str(o, 'spec.type');
  if (type !== 'NodePort' && type !== 'LoadBalancer') return;
  const used = new Set<number>();
  for (const s of ctx.all('services'))
    for (const p of objects(s, 'spec.ports')) used.add(Number(p['nodePort']));
  let next = 30000;
  for (const p of objects(o, 'spec.ports')) {
    if (typeof p['nodePort'] === 'number') continue;
    while (used.has(next)) next++;
    p['nodePort'] = next;
    used.add(next);
  }
}

const podFields: Record<string, (o: KubeObject) => string | undefined> = {
  'spec.nodeName': (o) => str(o, 'spec.nodeName'),
  'spec.restartPolicy': (o) => str(o, 'spec.restartPolicy'),
  'spec.schedulerName': (o) => str(o, 'spec.schedulerName'),
  'spec.serviceAccountName': (o) => str(o, 'spec.serviceAccountName'),
  'spec.hostNetwork': (o) => String(at(o, 'spec.hostNetwork') === true),
  'status.phase': (o) => str(o, 'status.phase'),
  'status.podIP': (o) => str(o, 'status.podIP'),
  'status.nominatedNodeName': (o) => str(o, 'status.nominatedNodeName'),
};

const eventFields: Record<string, (o: KubeObject) => string | undefined> = {
  reason: (o) => str(o, 'reason'),
  reportingComponent: (o) => str(o, 'reportingComponent') ?? '',
  source: (o) => str(o, 'source.component') ?? str(o, 'reportingComponent'),
  type: (o) => str(o, 'type'),
};
for (const f of ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'])
  eventFields[`involvedObject.${f}`] = (o) => str(o, `involvedObject.${f}`);

const statefulSetMutable = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
];

const podMutable = [
  'containers',
  'initContainers',
  'activeDeadlineSeconds',
  'tolerations',
  'terminationGracePeriodSeconds',
];

function podSpecWithoutMutable(s: unknown, clearNodeName: boolean): JsonObject {
  const c = clone(isObject(s) ? s : {});
  for (const k of podMutable) delete c[k];
  if (clearNodeName) delete c['nodeName'];
  for (const list of ['containers', 'initContainers'])
    c[list] = objects(s, list).map((x) => {
      const y = clone(x);
      delete y['image'];
      return y;
    });
  return c;
}

/** Every kind the emulator serves. Order matters only for discovery output. */
export function builtinResources(): ResourceDefinition[] {
  return [
    define({
      group: '',
      version: 'v1',
      kind: 'Namespace',
      plural: 'namespaces',
      namespaced: false,
      shortNames: ['ns'],
      subresources: ['status', 'finalize'],
      statusSubresource: true,
      nameRule: 'label',
      fieldSelectors: { 'status.phase': (o) => str(o, 'status.phase') },
      defaults(o) {
        const meta = (o.metadata ??= {});
        meta.labels = { ...(meta.labels ?? {}), 'kubernetes.io/metadata.name': meta.name ?? '' };
        setDefault(spec(o), 'finalizers', ['kubernetes']);
      },
      prepareCreate(o) {
        o['status'] = { phase: 'Active' };
      },
    }),
    define({
      group: '',
      version: 'v1',
      kind: 'Pod',
      plural: 'pods',
      namespaced: true,
      shortNames: ['po'],
      categories: ['all'],
      subresources: ['status', 'log', 'proxy', 'eviction', 'binding', 'ephemeralcontainers'],
      statusSubresource: true,
      fieldSelectors: podFields,
      defaults(o) {
        const s = spec(o);
        defaultPodSpec(s);
        if (s['serviceAccountName'] === undefined && s['serviceAccount'] === undefined) {
          s['serviceAccountName'] = 'default';
        }
        setDefault(s, 'serviceAccount', s['serviceAccountName']);
        setDefault(s, 'enableServiceLinks', true);
        setDefault(s, 'priority', 0);
        setDefault(s, 'preemptionPolicy', 'PreemptLowerPriority');
        if (!Array.isArray(s['tolerations'])) {
          s['tolerations'] = ['not-ready', 'unreachable'].map((t) => ({
            key: `node.kubernetes.io/${t}`,
            operator: 'Exists',
            effect: 'NoExecute',
            tolerationSeconds: 300,
          }));
        }
      },
      prepareCreate(o) {
        o['status'] = { phase: 'Pending', qosClass: qosClass(spec(o)) };
      },
      validate: (o) => validatePodSpec('spec', o['spec']),
      validateUpdate(o, old) {
        // Binding an unbound pod (nodeName from empty to set) is the one other change allowed.
        const unbound = !str(old, 'spec.nodeName');
        const before = podSpecWithoutMutable(old['spec'], unbound);
        const after = podSpecWithoutMutable(o['spec'], unbound);
        const errs: FieldError[] = [];
        if (!deepEqual(before, after))
          errs.push(
            fieldError.forbidden(
              'spec',
              'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
            ),
          );
        return errs;
      },
    }),
    define({
      group: '',
      version: 'v1',
      kind: 'Service',
      plural: 'services',
      namespaced: true,
      shortNames: ['svc'],
      categories: ['all'],
      subresources: ['status', 'proxy'],
      statusSubresource: true,
      nameRule: 'dns1035',
      defaults(o) {
        const s = spec(o);
        setDefault(s, 'type', 'ClusterIP');
        if (s['type'] !== 'ExternalName') {
          setDefault(s, 'sessionAffinity', 'None');
          setDefault(s, 'internalTrafficPolicy', 'Cluster');
        }
        if (s['type'] === 'NodePort' || s['type'] === 'LoadBalancer')
          setDefault(s, 'externalTrafficPolicy', 'Cluster');
        for (const p of objects(s, 'ports')) {
          setDefault(p, 'protocol', 'TCP');
          setDefault(p, 'targetPort', p['port']);
        }
      },
      prepareCreate(o, ctx) {
        const s = spec(o);
        if (s['type'] !== 'ExternalName') {
          if (s['clusterIP'] === undefined || s['clusterIP'] === '') s['clusterIP'] = allocateClusterIp(ctx);
          setDefault(s, 'clusterIPs', [s['clusterIP']]);
          if (s['clusterIP'] !== 'None' || isObject(s['selector'])) {
            setDefault(s, 'ipFamilies', ['IPv4']);
            setDefault(s, 'ipFamilyPolicy', 'SingleStack');
          }
        }
        allocateNodePorts(o, ctx);
        o['status'] = { loadBalancer: {} };
      },
      validate(o) {
        const s = at(o, 'spec');
        const headless = str(s, 'clusterIP') === 'None' || str(s, 'type') === 'ExternalName';
        if (!headless && objects(s, 'ports').length === 0) return [fieldError.required('spec.ports')];
        return validatePorts('spec.ports', objects(s, 'ports'), 'port');
      },
      validateUpdate(o, old) {
        const before = str(old, 'spec.clusterIP');
        const after = str(o, 'spec.clusterIP');
        if (
          before &&
          after !== undefined &&
          after !== '' &&
          before !== after &&
          str(o, 'spec.type') !== 'ExternalName'
        )
          return [fieldError.invalid('spec.clusterIPs[0]', after, 'may not change once set')];
        return [];
      },
    }),
    define({
      group: '',
      version: 'v1',
      kind: 'Endpoints',
      plural: 'endpoints',
      namespaced: true,
      allowCreateOnUpdate: true,
      shortNames: ['ep'],
      singular: 'endpoints',
    }),
    define({
      group: '',
      version: 'v1',
      kind: 'Secret',
      plural: 'secrets',
      namespaced: true,
      fieldSelectors: { type: (o) => str(o, 'type') },
      validate: (o) => validateDataKeys(o, 'data'),
      defaults(o) {
        setDefault(o, 'type', 'Opaque');
        const sd = o['stringData'];
        if (isObject(sd)) {
          const data = ensure(o, 'data');
          for (const [k, v] of Object.entries(sd))
            data[k] = Buffer.from(String(v), 'utf8').toString('base64');
          delete o['stringData'];
        }
      },
      validateUpdate(o, old) {
        const errs: FieldError[] = [];
        if (old['immutable'] === true && !deepEqual(o['data'], old['data']))
          errs.push(fieldError.forbidden('data', 'field is immutable when `immutable` is set'));
        errs.push(...immutable('type', o['type'], old['type']));
        return errs;
      },
    }),
    define({
      group: '',
      version: 'v1',
      kind: 'ConfigMap',
      plural: 'configmaps',
      namespaced: true,
      shortNames: ['cm'],
      validate: (o) => [...validateDataKeys(o, 'data'), ...validateDataKeys(o, 'binaryData')],
      validateUpdate(o, old) {
        if (
          old['immutable'] === true &&
          (!deepEqual(o['data'], old['data']) || !deepEqual(o['binaryData'], old['binaryData']))
        )
          return [fieldError.forbidden('data', 'field is immutable when `immutable` is set')];
        return [];
      },
    }),
    define({
      group: '',
      version: 'v1',
      kind: 'ServiceAccount',
      plural: 'serviceaccounts',
      namespaced: true,
      shortNames: ['sa'],
    }),
    define({
      group: '',
      version: 'v1',
      kind: 'PersistentVolumeClaim',
      plural: 'persistentvolumeclaims',
      namespaced: true,
      shortNames: ['pvc'],
      subresources: ['status'],
      statusSubresource: true,
      defaults(o) {
        setDefault(spec(o), 'volumeMode', 'Filesystem');
      },
      prepareCreate(o) {
        o['status'] = { phase: 'Pending' };
      },
      validate(o) {
        const errs: FieldError[] = [];
        if (objects(o, 'spec.accessModes').length === 0 && !Array.isArray(at(o, 'spec.accessModes')))
          errs.push(fieldError.required('spec.accessModes'));
        if (at(o, 'spec.resources.requests.storage') === undefined)
          errs.push(fieldError.required('spec.resources[storage]'));
        return errs;
      },
      validateUpdate(o, old) {
        const a = clone(isObject(o['spec']) ? o['spec'] : {});
        const b = clone(isObject(old['spec']) ? old['spec'] : {});
        const newStorage = at(a, 'resources.requests.storage');
        const oldStorage = at(b, 'resources.requests.storage');
        for (const s of [a, b]) {
          const req = at(s, 'resources.requests');
          if (isObject(req)) delete req['storage'];
          delete s['volumeAttributesClassName'];
        }
        if (!str(b, 'volumeName')) delete a['volumeName'];
        delete b['volumeName'];
        if (str(old, 'spec.volumeName')) b['volumeName'] = str(old, 'spec.volumeName');
        if (!deepEqual(a, b))
          return [
            fieldError.forbidden(
              'spec',
              'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
            ),
          ];
        if (parseQuantity(newStorage) < parseQuantity(oldStorage))
          return [
            fieldError.forbidden(
              'spec.resources.requests.storage',
              'field can not be less than previous value',
            ),
          ];
        return [];
      },
    }),
    define({
      group: '',
      version: 'v1',
      kind: 'Event',
      plural: 'events',
      namespaced: true,
      allowCreateOnUpdate: true,
      shortNames: ['ev'],
      schemaType: 'CoreV1Event',
      fieldSelectors: eventFields,
    }),
    define({
      group: '',
      version: 'v1',
      kind: 'Node',
      plural: 'nodes',
      namespaced: false,
      shortNames: ['no'],
      subresources: ['status', 'proxy'],
      statusSubresource: true,
      fieldSelectors: { 'spec.unschedulable': (o) => String(at(o, 'spec.unschedulable') === true) },
    }),
    define({
      group: '',
      version: 'v1',
      kind: 'ResourceQuota',
      plural: 'resourcequotas',
      namespaced: true,
      shortNames: ['quota'],
      subresources: ['status'],
      statusSubresource: true,
      prepareCreate(o) {
        delete o['status'];
      },
    }),
    define({
      group: '',
      version: 'v1',
      kind: 'LimitRange',
      plural: 'limitranges',
      namespaced: true,
      shortNames: ['limits'],
      defaults(o) {
        for (const item of objects(o, 'spec.limits')) {
          if (item['type'] !== 'Container') continue;
          // Missing defaults come from max (limits) and then from default or min (requests).
          const max = isObject(item['max']) ? item['max'] : {};
          const min = isObject(item['min']) ? item['min'] : {};
          const def = isObject(item['default']) ? item['default'] : {};
          for (const [k, v] of Object.entries(max)) if (def[k] === undefined) def[k] = v;
          if (Object.keys(def).length) item['default'] = def;
          const req = isObject(item['defaultRequest']) ? item['defaultRequest'] : {};
          for (const [k, v] of Object.entries(def)) if (req[k] === undefined) req[k] = v;
          for (const [k, v] of Object.entries(min)) if (req[k] === undefined) req[k] = v;
          if (Object.keys(req).length) item['defaultRequest'] = req;
        }
      },
    }),
    define({
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      plural: 'deployments',
      namespaced: true,
      shortNames: ['deploy'],
      categories: ['all'],
      subresources: ['status', 'scale'],
      statusSubresource: true,
      tracksGeneration: true,
      defaults(o) {
        const s = spec(o);
        setDefault(s, 'replicas', 1);
        setDefault(s, 'revisionHistoryLimit', 10);
        setDefault(s, 'progressDeadlineSeconds', 600);
        const strategy = ensure(s, 'strategy');
        setDefault(strategy, 'type', 'RollingUpdate');
        if (strategy['type'] === 'RollingUpdate') {
          const ru = ensure(strategy, 'rollingUpdate');
          setDefault(ru, 'maxUnavailable', '25%');
          setDefault(ru, 'maxSurge', '25%');
        }
        defaultTemplate(o);
      },
      prepareCreate(o) {
        o['status'] = {};
      },
      validate: validateWorkload,
      validateUpdate: (o, old) => immutableSelector(o, old),
    }),
    define({
      group: 'apps',
      version: 'v1',
      kind: 'ReplicaSet',
      plural: 'replicasets',
      namespaced: true,
      shortNames: ['rs'],
      categories: ['all'],
      subresources: ['status', 'scale'],
      statusSubresource: true,
      tracksGeneration: true,
      fieldSelectors: { 'status.replicas': (o) => text(at(o, 'status.replicas') ?? 0) },
      defaults(o) {
        setDefault(spec(o), 'replicas', 1);
        defaultTemplate(o);
      },
      prepareCreate(o) {
        o['status'] = { replicas: 0 };
      },
      validate: validateWorkload,
      validateUpdate: (o, old) => immutableSelector(o, old),
    }),
    define({
      group: 'apps',
      version: 'v1',
      kind: 'StatefulSet',
      plural: 'statefulsets',
      namespaced: true,
      shortNames: ['sts'],
      categories: ['all'],
      subresources: ['status', 'scale'],
      statusSubresource: true,
      tracksGeneration: true,
      defaults(o) {
        const s = spec(o);
        setDefault(s, 'replicas', 1);
        setDefault(s, 'podManagementPolicy', 'OrderedReady');
        setDefault(s, 'revisionHistoryLimit', 10);
        const us = ensure(s, 'updateStrategy');
        setDefault(us, 'type', 'RollingUpdate');
        if (us['type'] === 'RollingUpdate') setDefault(ensure(us, 'rollingUpdate'), 'partition', 0);
        const retention = ensure(s, 'persistentVolumeClaimRetentionPolicy');
        setDefault(retention, 'whenDeleted', 'Retain');
        setDefault(retention, 'whenScaled', 'Retain');
        for (const t of objects(s, 'volumeClaimTemplates')) {
          t['apiVersion'] ??= 'v1';
          t['kind'] ??= 'PersistentVolumeClaim';
          setDefault(ensure(t, 'spec'), 'volumeMode', 'Filesystem');
          setDefault(t, 'status', { phase: 'Pending' });
        }
        defaultTemplate(o);
      },
      prepareCreate(o) {
        o['status'] = { replicas: 0, availableReplicas: 0 };
      },
      validate: validateWorkload,
      validateUpdate(o, old) {
        const a = clone(isObject(o['spec']) ? o['spec'] : {});
        const b = clone(isObject(old['spec']) ? old['spec'] : {});
        for (const k of statefulSetMutable) {
          delete a[k];
          delete b[k];
        }
        if (deepEqual(a, b)) return [];
        return [
          fieldError.forbidden(
            'spec',
            "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
          ),
        ];
      },
    }),
    define({
      group: 'networking.k8s.io',
      version: 'v1',
      kind: 'NetworkPolicy',
      plural: 'networkpolicies',
      namespaced: true,
      shortNames: ['netpol'],
      tracksGeneration: true,
      defaults(o) {
        const s = spec(o);
        if (!Array.isArray(s['policyTypes'])) {
          s['policyTypes'] = Array.isArray(s['egress']) ? ['Ingress', 'Egress'] : ['Ingress'];
        }
        for (const dir of ['ingress', 'egress'])
          for (const rule of objects(s, dir))
            for (const p of objects(rule, 'ports')) setDefault(p, 'protocol', 'TCP');
      },
    }),
    define({
      group: 'policy',
      version: 'v1',
      kind: 'PodDisruptionBudget',
      plural: 'poddisruptionbudgets',
      namespaced: true,
      shortNames: ['pdb'],
      subresources: ['status'],
      statusSubresource: true,
      tracksGeneration: true,
      prepareCreate(o) {
        o['status'] = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
      },
      validate(o) {
        if (at(o, 'spec.minAvailable') !== undefined && at(o, 'spec.maxUnavailable') !== undefined)
          return [
            fieldError.invalid('spec', at(o, 'spec'), 'minAvailable and maxUnavailable cannot be both set'),
          ];
        return [];
      },
    }),
    define({
      group: 'coordination.k8s.io',
      version: 'v1',
      kind: 'Lease',
      plural: 'leases',
      namespaced: true,
      allowCreateOnUpdate: true,
      requireResourceVersion: true,
      validate(o) {
        const d = at(o, 'spec.leaseDurationSeconds');
        if (typeof d === 'number' && d <= 0)
          return [fieldError.invalid('spec.leaseDurationSeconds', d, 'must be greater than 0')];
        const t = at(o, 'spec.leaseTransitions');
        if (typeof t === 'number' && t < 0)
          return [fieldError.invalid('spec.leaseTransitions', t, 'must be greater than or equal to 0')];
        return [];
      },
    }),
    ...(['Role', 'ClusterRole'] as const).map((kind) =>
      define({
        group: 'rbac.authorization.k8s.io',
        version: 'v1',
        kind,
        plural: `${kind.toLowerCase()}s`,
        namespaced: kind === 'Role',
      }),
    ),
    ...reviewResources(),
    ...(['RoleBinding', 'ClusterRoleBinding'] as const).map((kind) =>
      define({
        group: 'rbac.authorization.k8s.io',
        version: 'v1',
        kind,
        plural: `${kind.toLowerCase()}s`,
        namespaced: kind === 'RoleBinding',
        validate: (o) => (isObject(o['roleRef']) ? [] : [fieldError.required('roleRef')]),
        validateUpdate: (o, old) =>
          immutable('roleRef', o['roleRef'], old['roleRef'], 'cannot change roleRef'),
      }),
    ),
  ];
}
