import { createHash } from 'node:crypto';
import type { ResourceDefinition } from '../resources/resource-definition';
import type { ResourceRegistry } from '../resources/resource-registry';
import { listInfo, retainKeys, structFields } from '../resources/type-schema';

type Schema = Record<string, unknown>;

function ref(name: string): Schema {
  return { $ref: `#/components/schemas/${name}` };
}

function scalarSchema(t: string): Schema {
  switch (t) {
    case 'string':
      return { type: 'string' };
    case 'bytes':
      return { type: 'string', format: 'byte' };
    case 'integer':
      return { type: 'integer', format: 'int64' };
    case 'number':
      return { type: 'number', format: 'double' };
    case 'boolean':
      return { type: 'boolean' };
    case 'time':
    case 'microtime':
      return { type: 'string', format: 'date-time' };
    case 'int-or-string':
      return { type: 'string', format: 'int-or-string', 'x-kubernetes-int-or-string': true };
    default:
      return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  }
}

function typeRefSchema(t: string, pending: Set<string>): Schema {
  if (t.startsWith('[]')) return { type: 'array', items: typeRefSchema(t.slice(2), pending) };
  if (t.startsWith('map['))
    return { type: 'object', additionalProperties: typeRefSchema(t.slice(4, -1), pending) };
  if (structFields(t)) {
    pending.add(t);
    return { default: {}, allOf: [ref(t)] };
  }
  return scalarSchema(t);
}

function structSchema(typeName: string, pending: Set<string>, gvk?: ResourceDefinition): Schema {
  const fields = structFields(typeName) ?? {};
  const properties: Record<string, Schema> = {};
  for (const [field, t] of Object.entries(fields)) {
    const s = typeRefSchema(t, pending);
    if (t.startsWith('[]')) {
      const info = listInfo(typeName, field);
      s['x-kubernetes-list-type'] = info.listType;
      if (info.listType === 'map') s['x-kubernetes-list-map-keys'] = info.keys;
      if (info.smpMerge) {
        if (info.smpKey) s['x-kubernetes-patch-merge-key'] = info.smpKey;
        s['x-kubernetes-patch-strategy'] = info.retainKeys ? 'merge,retainKeys' : 'merge';
      }
    } else if (retainKeys(typeName, field)) s['x-kubernetes-patch-strategy'] = 'retainKeys';
    properties[field] = s;
  }
  const schema: Schema = { type: 'object', properties };
  if (gvk)
    schema['x-kubernetes-group-version-kind'] = [{ group: gvk.group, kind: gvk.kind, version: gvk.version }];
  return schema;
}

const patchContent = {
  'application/json-patch+json': { schema: { type: 'object' } },
  'application/merge-patch+json': { schema: { type: 'object' } },
  'application/strategic-merge-patch+json': { schema: { type: 'object' } },
  'application/apply-patch+yaml': { schema: { type: 'object' } },
};

function param(name: string, description: string, type = 'string'): Schema {
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}

const fieldValidation = param(
  'fieldValidation',
  'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict',
);
const dryRun = param('dryRun', 'When present, indicates that modifications should not be persisted.');
const fieldManager = param(
  'fieldManager',
  'fieldManager is a name associated with the actor or entity that is making these changes.',
);
const force = param('force', 'Force is going to "force" Apply requests.', 'boolean');

function operations(def: ResourceDefinition, item: boolean, sub?: string): Schema {
  const gvk = { group: def.group, version: def.version, kind: sub === 'scale' ? 'Scale' : def.kind };
  const body = sub === 'scale' ? ref('V1Scale') : ref(def.schemaType);
  const ok = { '200': { description: 'OK', content: { 'application/json': { schema: body } } } };
  const op = (action: string, id: string, extra: Schema = {}): Schema => ({
    tags: [def.group || 'core'],
    operationId: id,
    responses: ok,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind':
      sub === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : gvk,
    ...extra,
  });
  const name = `${def.kind}${sub ? sub[0]!.toUpperCase() + sub.slice(1) : ''}`;
  const json = { content: { 'application/json': { schema: body } }, required: true };
  if (!item)
    return {
      get: op('list', `list${name}`),
      post: op('post', `create${name}`, {
        parameters: [dryRun, fieldManager, fieldValidation],
        requestBody: json,
      }),
      delete: op('deletecollection', `deletecollection${name}`),
    };
  return {
    get: op('get', `read${name}`),
    put: op('put', `replace${name}`, {
      parameters: [dryRun, fieldManager, fieldValidation],
      requestBody: json,
    }),
    patch: op('patch', `patch${name}`, {
      parameters: [dryRun, fieldManager, fieldValidation, force],
      requestBody: { content: patchContent, required: true },
    }),
    ...(sub ? {} : { delete: op('delete', `delete${name}`) }),
  };
}

function pathsFor(def: ResourceDefinition): Record<string, Schema> {
  const prefix = def.group ? `/apis/${def.group}/${def.version}` : `/api/${def.version}`;
  const base = def.namespaced ? `${prefix}/namespaces/{namespace}/${def.plural}` : `${prefix}/${def.plural}`;
  const paths: Record<string, Schema> = {
    [base]: operations(def, false),
    [`${base}/{name}`]: operations(def, true),
  };
  for (const sub of ['status', 'scale']) {
    if (def.subresources.includes(sub)) paths[`${base}/{name}/${sub}`] = operations(def, true, sub);
  }
  return paths;
}

/** OpenAPI v3 documents per group-version, shaped the way kubectl 1.32 reads them. */
export class OpenApiBuilder {
  private readonly docs = new Map<string, { body: string; hash: string }>();

  constructor(private readonly registry: ResourceRegistry) {}

  /** `/openapi/v3` */
  index(): unknown {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const gv of this.registry.groupVersions()) {
      const key = gv.group ? `apis/${gv.group}/${gv.version}` : `api/${gv.version}`;
      paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${this.doc(key)!.hash}` };
    }
    return { paths };
  }

  /** The serialized document for "api/v1" or "apis/apps/v1"; undefined if unknown. */
  doc(key: string): { body: string; hash: string } | undefined {
    const hit = this.docs.get(key);
    if (hit) return hit;
    const parts = key.split('/');
    const [group, version] = parts[0] === 'api' ? ['', parts[1]] : [parts[1], parts[2]];
    const defs = this.registry.all.filter((d) => d.group === group && d.version === version);
    if (defs.length === 0 || parts.length !== (parts[0] === 'api' ? 2 : 3)) return undefined;
    const pending = new Set<string>();
    const schemas: Record<string, Schema> = {};
    const paths: Record<string, Schema> = {};
    for (const d of defs) {
      if (d.review) continue;
      Object.assign(paths, pathsFor(d));
      schemas[d.schemaType] = structSchema(d.schemaType, pending, d);
      if (d.subresources.includes('scale')) pending.add('V1Scale');
    }
    const gvkOf = new Map<string, ResourceDefinition>(defs.map((d) => [d.schemaType, d]));
    while (pending.size) {
      const [t] = pending;
      pending.delete(t!);
      if (schemas[t!]) continue;
      schemas[t!] = structSchema(t!, pending, gvkOf.get(t!));
    }
    if (schemas['V1Scale'])
      schemas['V1Scale']['x-kubernetes-group-version-kind'] = [
        { group: 'autoscaling', kind: 'Scale', version: 'v1' },
      ];
    const doc = {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: 'v1.32.0' },
      paths,
      components: { schemas },
    };
    const body = JSON.stringify(doc);
    const out = { body, hash: createHash('sha512').update(body).digest('hex').slice(0, 128).toUpperCase() };
    this.docs.set(key, out);
    return out;
  }
}
