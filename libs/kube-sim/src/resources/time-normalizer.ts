import { isObject } from './json-path';
import { canonicalQuantity } from './quantity';
import { fieldKind, structFields, type FieldKind } from './type-schema';

function seconds(v: string): string {
  const t = Date.parse(v);
  return Number.isNaN(t) ? v : new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function micro(v: string): string {
  const t = Date.parse(v);
  if (Number.isNaN(t)) return v;
  const frac = /\.(\d+)/.exec(v)?.[1] ?? '';
  const base = new Date(Math.floor(t / 1000) * 1000).toISOString().slice(0, 19);
  return `${base}.${(frac + '000000').slice(0, 6)}Z`;
}

const quantityFields = new Set([
  'V1ResourceRequirements.limits',
  'V1ResourceRequirements.requests',
  'V1VolumeResourceRequirements.limits',
  'V1VolumeResourceRequirements.requests',
  'V1ResourceQuotaSpec.hard',
  'V1ResourceQuotaStatus.hard',
  'V1ResourceQuotaStatus.used',
  'V1LimitRangeItem.default',
  'V1LimitRangeItem.defaultRequest',
  'V1LimitRangeItem.max',
  'V1LimitRangeItem.min',
  'V1LimitRangeItem.maxLimitRequestRatio',
  'V1NodeStatus.capacity',
  'V1NodeStatus.allocatable',
  'V1PersistentVolumeClaimStatus.capacity',
  'V1PersistentVolumeClaimStatus.allocatedResources',
  'V1ContainerStatus.allocatedResources',
  'V1EmptyDirVolumeSource.sizeLimit',
]);

function quantities(v: unknown): unknown {
  if (typeof v === 'string') return canonicalQuantity(v);
  if (typeof v === 'number') return canonicalQuantity(String(v));
  if (isObject(v)) for (const k of Object.keys(v)) v[k] = quantities(v[k]);
  return v;
}

function walk(value: unknown, kind: FieldKind | undefined): unknown {
  if (!kind) return value;
  switch (kind.kind) {
    case 'scalar':
      if (typeof value !== 'string') return value;
      if (kind.type === 'time') return seconds(value);
      if (kind.type === 'microtime') return micro(value);
      return value;
    case 'list':
      if (Array.isArray(value)) for (let i = 0; i < value.length; i++) value[i] = walk(value[i], kind.item);
      return value;
    case 'map':
      if (isObject(value)) for (const k of Object.keys(value)) value[k] = walk(value[k], kind.value);
      return value;
    case 'struct':
      if (isObject(value)) normalizeTimes(value, kind.type);
      return value;
  }
}

/**
 * Rewrites values the way kube-apiserver serializes them: metav1.Time in whole seconds, MicroTime
 * (leases, events.eventTime) with exactly six fractional digits, quantities in canonical form.
 */
export function normalizeTimes(obj: Record<string, unknown>, typeName: string): void {
  const fields = structFields(typeName);
  if (!fields) return;
  for (const k of Object.keys(obj)) {
    if (!(k in fields)) continue;
    obj[k] = quantityFields.has(`${typeName}.${k}`)
      ? quantities(obj[k])
      : walk(obj[k], fieldKind(typeName, k));
  }
}
