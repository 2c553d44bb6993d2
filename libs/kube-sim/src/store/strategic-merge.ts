import { isObject, type JsonObject } from '../resources/json-path';
import { fieldKind, listInfo, retainKeys, type FieldKind } from '../resources/type-schema';
import { ApiError } from './api-error';

function itemType(kind: FieldKind | undefined): string | undefined {
  if (kind?.kind === 'list' && kind.item.kind === 'struct') return kind.item.type;
  return undefined;
}

function childType(typeName: string | undefined, key: string): string | undefined {
  if (!typeName) return undefined;
  const k = fieldKind(typeName, key);
  if (k?.kind === 'struct') return k.type;
  return undefined;
}

/**
 * Applies a strategic merge patch (kubectl's default for built-in kinds) to `original`, with the
 * patch directives kubectl sends: `$patch` (replace/delete), `$retainKeys`, `$setElementOrder/x`
 * and `$deleteFromPrimitiveList/x`; lists merge by their patchMergeKey.
 */
export function strategicMerge(original: unknown, patch: unknown, typeName: string | undefined): unknown {
  if (!isObject(patch)) return patch;
  return mergeMap(isObject(original) ? original : {}, patch, typeName);
}

function mergeMap(
  original: JsonObject,
  patch: JsonObject,
  typeName: string | undefined,
): JsonObject | undefined {
  const directive = patch['$patch'];
  if (directive === 'replace') {
    const out = { ...patch };
    delete out['$patch'];
    return out;
  }
  if (directive === 'delete') return undefined;
  const out: JsonObject = { ...original };
  const orders: Record<string, unknown[]> = {};
  let retain: string[] | undefined;
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch') continue;
    if (key === '$retainKeys') {
      retain = Array.isArray(value) ? value.map(String) : [];
      continue;
    }
    if (key.startsWith('$setElementOrder/')) {
      orders[key.slice('$setElementOrder/'.length)] = Array.isArray(value) ? value : [];
      continue;
    }
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const drop = new Set((Array.isArray(value) ? value : []).map((v) => JSON.stringify(v)));
      const cur = out[field];
      if (Array.isArray(cur)) out[field] = cur.filter((v) => !drop.has(JSON.stringify(v)));
      continue;
    }
    if (value === null) {
      delete out[key];
      continue;
    }
    const cur = out[key];
    const kind = typeName ? fieldKind(typeName, key) : undefined;
    if (Array.isArray(value)) {
      const info = listInfo(typeName, key);
      out[key] = info.smpMerge
        ? mergeList(Array.isArray(cur) ? cur : [], value, info.smpKey, itemType(kind))
        : stripDirectives(value);
      continue;
    }
    if (isObject(value)) {
      const sub = kind?.kind === 'map' ? undefined : childType(typeName, key);
      const merged = mergeMap(isObject(cur) ? cur : {}, value, sub);
      if (merged === undefined) delete out[key];
      else out[key] = retainKeys(typeName, key) && !('$retainKeys' in value) ? merged : merged;
      continue;
    }
    out[key] = value;
  }
  for (const [field, order] of Object.entries(orders)) {
    const cur = out[field];
    if (!Array.isArray(cur)) continue;
    const info = listInfo(typeName, field);
    out[field] = reorder(cur, order, info.smpKey);
  }
  if (retain) for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  return out;
}

function stripDirectives(list: unknown[]): unknown[] {
  return list.filter((v) => !(isObject(v) && v['$patch'] === 'delete'));
}

function mergeList(
  original: unknown[],
  patch: unknown[],
  key: string | undefined,
  typeName: string | undefined,
): unknown[] {
  if (patch.length === 1 && isObject(patch[0]) && patch[0]['$patch'] === 'replace') return [];
  if (!key) {
    const seen = new Set(original.map((v) => JSON.stringify(v)));
    const out = [...original];
    for (const v of patch) {
      if (!seen.has(JSON.stringify(v))) {
        out.push(v);
        seen.add(JSON.stringify(v));
      }
    }
    return out;
  }
  const out = [...original];
  for (const item of patch) {
    if (!isObject(item)) throw ApiError.badRequest('unable to find api field in struct for the json field');
    const k = item[key];
    const idx = out.findIndex((o) => isObject(o) && o[key] === k);
    if (item['$patch'] === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) {
      const merged = mergeMap(out[idx] as JsonObject, item, typeName);
      if (merged === undefined) out.splice(idx, 1);
      else out[idx] = merged;
    } else {
      const fresh = mergeMap({}, item, typeName);
      if (fresh !== undefined) out.push(fresh);
    }
  }
  return out;
}

function reorder(list: unknown[], order: unknown[], key: string | undefined): unknown[] {
  const id = (v: unknown) => JSON.stringify(key && isObject(v) ? v[key] : v);
  const rank = new Map(order.map((v, i) => [id(v), i]));
  const ranked = list.filter((v) => rank.has(id(v))).sort((a, b) => rank.get(id(a))! - rank.get(id(b))!);
  const rest = list.filter((v) => !rank.has(id(v)));
  return [...ranked, ...rest];
}
