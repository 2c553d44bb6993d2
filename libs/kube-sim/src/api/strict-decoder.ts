import { isObject } from '../resources/json-path';
import { fieldKind, structFields, type FieldKind } from '../resources/type-schema';

function walk(value: unknown, kind: FieldKind | undefined, path: string, out: string[]): void {
  if (!kind) return;
  switch (kind.kind) {
    case 'struct':
      if (isObject(value)) walkStruct(value, kind.type, path, out);
      return;
    case 'map':
      if (isObject(value))
        for (const [k, v] of Object.entries(value)) walk(v, kind.value, `${path}.${k}`, out);
      return;
    case 'list':
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, kind.item, `${path}[${i}]`, out));
      return;
    case 'scalar':
      return;
  }
}

function walkStruct(obj: Record<string, unknown>, typeName: string, path: string, out: string[]): void {
  const fields = structFields(typeName);
  if (!fields) return;
  for (const [k, v] of Object.entries(obj)) {
    const p = path ? `${path}.${k}` : k;
    if (!(k in fields)) {
      out.push(p);
      continue;
    }
    walk(v, fieldKind(typeName, k), p, out);
  }
}

/** Field paths in `obj` that the kind's schema does not declare ("spec.foo", "spec.containers[0].bar"). */
export function unknownFields(obj: unknown, typeName: string): string[] {
  const out: string[] = [];
  if (isObject(obj)) walkStruct(obj, typeName, '', out);
  return out;
}

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return 'object';
}

const goScalar: Record<string, string> = {
  string: 'string',
  bytes: '[]uint8',
  integer: 'int32',
  number: 'float64',
  boolean: 'bool',
  time: 'v1.Time',
  microtime: 'v1.MicroTime',
  'int-or-string': 'intstr.IntOrString',
};

function scalarOk(t: string, v: unknown): boolean {
  switch (t) {
    case 'bytes':
      return typeof v === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0;
    case 'string':
    case 'time':
    case 'microtime':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    case 'int-or-string':
      return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
    default:
      return true;
  }
}

function goType(kind: FieldKind): string {
  switch (kind.kind) {
    case 'scalar':
      return goScalar[kind.type] ?? 'interface {}';
    case 'struct':
      return kind.type.replace(/^(V1|CoreV1)/, 'v1.');
    case 'map':
      return `map[string]${goType(kind.value)}`;
    case 'list':
      return `[]${goType(kind.item)}`;
  }
}

function check(value: unknown, kind: FieldKind | undefined, owner: string, path: string): string | undefined {
  if (!kind || value === null) return undefined;
  const fail = () =>
    `json: cannot unmarshal ${jsonType(value)} into Go struct field ${owner}.${path} of type ${goType(kind)}`;
  switch (kind.kind) {
    case 'scalar':
      if (scalarOk(kind.type, value)) return undefined;
      if (kind.type === 'bytes' && typeof value === 'string') {
        const bad = value.search(/[^A-Za-z0-9+/=]/);
        return `illegal base64 data at input byte ${bad >= 0 ? bad : value.length}`;
      }
      return fail();
    case 'list':
      if (!Array.isArray(value)) return fail();
      for (const v of value) {
        const e = check(v, kind.item, owner, path);
        if (e) return e;
      }
      return undefined;
    case 'map':
      if (!isObject(value)) return fail();
      for (const v of Object.values(value)) {
        const e = check(v, kind.value, owner, path);
        if (e) return e;
      }
      return undefined;
    case 'struct':
      if (!isObject(value)) return fail();
      return checkStruct(value, kind.type, path);
  }
}

const quantityFields = new Set([
  'V1ResourceRequirements.limits',
  'V1ResourceRequirements.requests',
  'V1VolumeResourceRequirements.limits',
  'V1VolumeResourceRequirements.requests',
  'V1ResourceQuotaSpec.hard',
  'V1LimitRangeItem.default',
  'V1LimitRangeItem.defaultRequest',
  'V1LimitRangeItem.max',
  'V1LimitRangeItem.min',
  'V1LimitRangeItem.maxLimitRequestRatio',
  'V1EmptyDirVolumeSource.sizeLimit',
]);
const quantityRe = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;

function checkQuantities(v: unknown): string | undefined {
  const values = isObject(v) ? Object.values(v) : [v];
  for (const q of values) {
    if (typeof q === 'number') continue;
    if (typeof q !== 'string' || !quantityRe.test(q))
      return "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  }
  return undefined;
}

function checkStruct(obj: Record<string, unknown>, typeName: string, path: string): string | undefined {
  const owner = typeName.replace(/^(V1|CoreV1)/, '');
  for (const [k, v] of Object.entries(obj)) {
    if (quantityFields.has(`${typeName}.${k}`)) {
      const e = checkQuantities(v);
      if (e) return e;
      continue;
    }
    const e = check(v, fieldKind(typeName, k), owner, path ? `${path}.${k}` : k);
    if (e) return e;
  }
  return undefined;
}

/** The first JSON type mismatch, worded like Go's encoding/json error kube-apiserver returns. */
export function typeMismatch(obj: unknown, typeName: string): string | undefined {
  return isObject(obj) ? checkStruct(obj, typeName, '') : undefined;
}
