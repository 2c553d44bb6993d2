import type { KubeObject, ManagedFieldsEntry, ResourceDefinition } from '../resources/resource-definition';
import { groupVersion } from '../resources/resource-definition';
import { clone, isObject, type JsonObject } from '../resources/json-path';
import { fieldKind, listInfo, type FieldKind, type ListInfo } from '../resources/type-schema';
import { ApiError } from './api-error';

/** Path segments joined by newline; segments are fieldsV1 keys ("f:spec", "k:{...}", "v:...", "i:0"). */
type FieldMap = Map<string, string>;
const SEP = '\n';

const metadataFields = new Set(['labels', 'annotations', 'finalizers', 'ownerReferences']);

function keyDefaults(k: string): unknown {
  return k === 'protocol' ? 'TCP' : undefined;
}

function itemKey(item: JsonObject, keys: string[]): string {
  const o: JsonObject = {};
  for (const k of keys) {
    const v = item[k] ?? keyDefaults(k);
    if (v !== undefined) o[k] = v;
  }
  return `k:${JSON.stringify(o)}`;
}

function structOf(kind: FieldKind | undefined): string | undefined {
  return kind?.kind === 'struct' ? kind.type : undefined;
}

function walkStruct(obj: JsonObject, typeName: string | undefined, prefix: string, out: FieldMap): void {
  for (const [key, val] of Object.entries(obj)) {
    if (val === undefined) continue;
    const path = prefix ? `${prefix}${SEP}f:${key}` : `f:${key}`;
    walkValue(val, typeName ? fieldKind(typeName, key) : undefined, listInfo(typeName, key), path, out);
  }
}

function walkValue(
  val: unknown,
  kind: FieldKind | undefined,
  info: ListInfo,
  path: string,
  out: FieldMap,
): void {
  if (Array.isArray(val)) {
    const item = kind?.kind === 'list' ? kind.item : undefined;
    if (info.listType === 'map' && val.length > 0) {
      for (const it of val) {
        if (!isObject(it)) continue;
        const p = `${path}${SEP}${itemKey(it, info.keys)}`;
        out.set(p, '');
        walkStruct(it, structOf(item), p, out);
      }
    } else if (info.listType === 'set' && val.length > 0) {
      for (const it of val) out.set(`${path}${SEP}v:${JSON.stringify(it)}`, '');
    } else out.set(path, JSON.stringify(val));
    return;
  }
  if (isObject(val) && kind?.kind !== 'scalar') {
    if (Object.keys(val).length === 0) {
      out.set(path, '{}');
      return;
    }
    if (kind?.kind === 'map') {
      for (const [k, v] of Object.entries(val))
        walkValue(
          v,
          kind.value,
          { listType: 'atomic', keys: [], smpMerge: false },
          `${path}${SEP}f:${k}`,
          out,
        );
    } else walkStruct(val, structOf(kind), path, out);
    return;
  }
  out.set(path, JSON.stringify(val));
}

/** The fields an object sets, as server-side apply counts them, with each leaf's value. */
export function fieldsOf(def: ResourceDefinition, obj: KubeObject, subresource?: string): FieldMap {
  const out: FieldMap = new Map();
  const root: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (k === 'metadata' && isObject(v)) {
      const m: JsonObject = {};
      for (const [mk, mv] of Object.entries(v)) if (metadataFields.has(mk)) m[mk] = mv;
      if (Object.keys(m).length) root['metadata'] = m;
      continue;
    }
    if (subresource === 'status' ? k !== 'status' : k === 'status' && def.statusSubresource) continue;
    root[k] = v;
  }
  walkStruct(root, def.schemaType, '', out);
  return out;
}

type Tree = { [k: string]: Tree };

export function toFieldsV1(paths: Iterable<string>): Record<string, unknown> {
  const root: Tree = {};
  const members = new Set<Tree>();
  for (const p of paths) {
    let node = root;
    for (const seg of p.split(SEP)) node = node[seg] ??= {};
    members.add(node);
  }
  const render = (n: Tree): Tree => {
    const keys = Object.keys(n).sort();
    const out: Tree = {};
    if (members.has(n) && keys.length) out['.'] = {};
    for (const k of keys) out[k] = render(n[k]!);
    return out;
  };
  return render(root);
}

export function fromFieldsV1(tree: unknown): Set<string> {
  const out = new Set<string>();
  const visit = (n: unknown, prefix: string) => {
    if (!isObject(n)) return;
    const keys = Object.keys(n);
    if (keys.length === 0 && prefix) out.add(prefix);
    for (const k of keys) {
      if (k === '.') out.add(prefix);
      else visit(n[k], prefix ? `${prefix}${SEP}${k}` : k);
    }
  };
  visit(tree, '');
  return out;
}

/** `.spec.containers[name="web"].image`, the way conflict messages name a field. */
export function renderPath(path: string): string {
  return path
    .split(SEP)
    .map((seg) => {
      const body = seg.slice(2);
      switch (seg.slice(0, 2)) {
        case 'f:':
          return `.${body}`;
        case 'k:': {
          const o = JSON.parse(body) as JsonObject;
          return `[${Object.entries(o)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(',')}]`;
        }
        case 'v:':
          return `[=${body}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}

function emptied(v: unknown): boolean {
  return Array.isArray(v) ? v.length === 0 : isObject(v) && Object.keys(v).length === 0;
}

/** Removes one field path; a map or list left empty by the removal goes too (Go omits it). */
function removeAt(container: unknown, segs: string[]): void {
  const [seg, ...rest] = segs;
  if (seg === undefined) return;
  const body = seg.slice(2);
  if (seg.startsWith('f:')) {
    if (!isObject(container) || !(body in container)) return;
    if (rest.length === 0) delete container[body];
    else {
      removeAt(container[body], rest);
      if (emptied(container[body])) delete container[body];
    }
    return;
  }
  if (!Array.isArray(container)) return;
  let idx = -1;
  if (seg.startsWith('k:')) {
    const want = JSON.parse(body) as JsonObject;
    idx = container.findIndex(
      (it) => isObject(it) && Object.entries(want).every(([k, v]) => (it[k] ?? keyDefaults(k)) === v),
    );
  } else if (seg.startsWith('v:')) idx = container.findIndex((it) => JSON.stringify(it) === body);
  if (idx < 0) return;
  if (rest.length === 0) container.splice(idx, 1);
  else removeAt(container[idx], rest);
}

function mergeStruct(
  live: JsonObject,
  applied: JsonObject,
  typeName: string | undefined,
  isMap: FieldKind | undefined,
): JsonObject {
  const out: JsonObject = { ...live };
  for (const [k, a] of Object.entries(applied)) {
    const kind = isMap?.kind === 'map' ? isMap.value : typeName ? fieldKind(typeName, k) : undefined;
    const info = isMap?.kind === 'map' ? listInfo(undefined, k) : listInfo(typeName, k);
    out[k] = mergeValue(out[k], a, kind, info);
  }
  return out;
}

function mergeValue(live: unknown, applied: unknown, kind: FieldKind | undefined, info: ListInfo): unknown {
  if (Array.isArray(applied)) {
    const item = kind?.kind === 'list' ? kind.item : undefined;
    if (info.listType === 'map' && Array.isArray(live)) {
      const out: unknown[] = (live as unknown[]).map((x) => clone(x));
      for (const a of applied) {
        if (!isObject(a)) continue;
        const key = itemKey(a, info.keys);
        const idx = out.findIndex((l) => isObject(l) && itemKey(l, info.keys) === key);
        if (idx >= 0) out[idx] = mergeStruct(out[idx] as JsonObject, a, structOf(item), undefined);
        else out.push(clone(a));
      }
      return out;
    }
    if (info.listType === 'set' && Array.isArray(live)) {
      const current = live as unknown[];
      const seen = new Set(current.map((x) => JSON.stringify(x)));
      return [...current, ...(applied as unknown[]).filter((a) => !seen.has(JSON.stringify(a)))];
    }
    return clone(applied);
  }
  if (isObject(applied) && isObject(live) && kind?.kind !== 'scalar')
    return mergeStruct(live, applied, structOf(kind), kind?.kind === 'map' ? kind : undefined);
  return clone(applied);
}

function entryId(e: Pick<ManagedFieldsEntry, 'manager' | 'operation' | 'subresource'>): string {
  return `${e.manager}\u0000${e.operation}\u0000${e.subresource ?? ''}`;
}

/**
 * Field ownership (metadata.managedFields) for updates and server-side apply: conflicts between
 * managers, forced takeover, and removal of fields a manager stops applying.
 */
export class ManagedFields {
  constructor(private readonly now: () => string) {}

  /** Gives `manager` the fields an update changed and takes them from everyone else. */
  recordUpdate(
    def: ResourceDefinition,
    old: KubeObject | undefined,
    obj: KubeObject,
    manager: string | undefined,
    subresource: string | undefined,
  ): void {
    if (!manager) return;
    const after = fieldsOf(def, obj, subresource);
    const before = old ? fieldsOf(def, old, subresource) : new Map<string, string>();
    const changed = new Set<string>();
    for (const [p, v] of after) if (before.get(p) !== v) changed.add(p);
    const removed = new Set<string>();
    for (const p of before.keys()) if (!after.has(p)) removed.add(p);
    if (changed.size === 0 && removed.size === 0) return;
    const entries = this.entries(obj);
    const sub = subresource === 'status' ? 'status' : undefined;
    const id = entryId({ manager, operation: 'Update', subresource: sub });
    let mine: Set<string> | undefined;
    const next: { entry: ManagedFieldsEntry; set: Set<string> }[] = [];
    for (const e of entries) {
      const set = fromFieldsV1(e.fieldsV1);
      if (entryId(e) === id) mine = set;
      else {
        for (const p of changed) set.delete(p);
        for (const p of removed) set.delete(p);
        if (set.size) next.push({ entry: e, set });
      }
    }
    mine ??= new Set();
    for (const p of changed) mine.add(p);
    for (const p of removed) mine.delete(p);
    const result = next.map(({ entry, set }) => ({ ...entry, fieldsV1: toFieldsV1(set) }));
    if (mine.size) {
      const e: ManagedFieldsEntry = {
        manager,
        operation: 'Update',
        apiVersion: groupVersion(def),
        time: this.now(),
        fieldsType: 'FieldsV1',
        fieldsV1: toFieldsV1(mine),
      };
      if (sub) e.subresource = sub;
      const at = entries.findIndex((x) => entryId(x) === id);
      if (at >= 0 && at <= result.length) result.splice(at, 0, e);
      else result.push(e);
    }
    this.set(obj, result);
  }

  /** The object a first apply creates, owned entirely by `manager`. */
  applyCreate(def: ResourceDefinition, applied: KubeObject, manager: string): KubeObject {
    const obj = clone(applied);
    const meta = (obj.metadata ??= {});
    delete meta.managedFields;
    const fields = fieldsOf(def, obj);
    this.set(obj, [
      {
        manager,
        operation: 'Apply',
        apiVersion: applied.apiVersion ?? groupVersion(def),
        time: this.now(),
        fieldsType: 'FieldsV1',
        fieldsV1: toFieldsV1(fields.keys()),
      },
    ]);
    return obj;
  }

  /** Merges an applied configuration into the live object; 409 on conflicts unless forced. */
  apply(
    def: ResourceDefinition,
    live: KubeObject,
    applied: KubeObject,
    manager: string,
    force: boolean,
    subresource: string | undefined,
  ): KubeObject {
    const expected = groupVersion(def);
    if (applied.apiVersion && applied.apiVersion !== expected)
      throw ApiError.badRequest(`apiVersion ${applied.apiVersion} does not match the expected ${expected}`);
    if (applied.kind && applied.kind !== def.kind)
      throw ApiError.badRequest(`kind ${applied.kind} does not match the expected ${def.kind}`);
    const sub = subresource === 'status' ? 'status' : undefined;
    const appliedFields = fieldsOf(def, applied, sub);
    const liveFields = fieldsOf(def, live, sub);
    const id = entryId({ manager, operation: 'Apply', subresource: sub });
    const entries = this.entries(live);
    const conflicts: { path: string; entry: ManagedFieldsEntry }[] = [];
    const sets = entries.map((e) => ({ entry: e, set: fromFieldsV1(e.fieldsV1) }));
    for (const { entry, set } of sets) {
      if (entry.manager === manager) continue;
      if ((entry.subresource ?? undefined) !== sub) continue;
      for (const [p, v] of appliedFields) {
        if (!set.has(p)) continue;
        const lv = liveFields.get(p);
        if (lv !== undefined && lv !== v) conflicts.push({ path: p, entry });
      }
    }
    if (conflicts.length && !force) throw this.conflictError(def, live, conflicts);
    if (force) for (const c of conflicts) sets.find((s) => s.entry === c.entry)?.set.delete(c.path);
    const merged = mergeStruct(
      live,
      stripForMerge(applied, def, sub),
      def.schemaType,
      undefined,
    ) as KubeObject;
    const previous = sets.find((s) => entryId(s.entry) === id)?.set ?? new Set<string>();
    const othersOwn = new Set<string>();
    for (const { entry, set } of sets) if (entryId(entry) !== id) for (const p of set) othersOwn.add(p);
    const drop = [...previous].filter((p) => !appliedFields.has(p) && !othersOwn.has(p));
    drop.sort((a, b) => a.split(SEP).length - b.split(SEP).length);
    for (const p of drop) removeAt(merged, p.split(SEP));
    const result: ManagedFieldsEntry[] = [];
    let placed = false;
    const mine: ManagedFieldsEntry = {
      manager,
      operation: 'Apply',
      apiVersion: applied.apiVersion ?? expected,
      time: this.now(),
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(appliedFields.keys()),
    };
    if (sub) mine.subresource = sub;
    for (const { entry, set } of sets) {
      if (entryId(entry) === id) {
        result.push(mine);
        placed = true;
      } else if (set.size) result.push({ ...entry, fieldsV1: toFieldsV1(set) });
    }
    if (!placed) result.push(mine);
    merged.metadata = { ...(merged.metadata ?? {}), managedFields: result };
    return merged;
  }

  private conflictError(
    def: ResourceDefinition,
    live: KubeObject,
    conflicts: { path: string; entry: ManagedFieldsEntry }[],
  ): ApiError {
    const who = (e: ManagedFieldsEntry) =>
      e.operation === 'Apply' ? `"${e.manager}"` : `"${e.manager}" using ${e.apiVersion}`;
    const n = conflicts.length;
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) {
      const k = who(c.entry);
      byManager.set(k, [...(byManager.get(k) ?? []), renderPath(c.path)]);
    }
    let message = `Apply failed with ${n} conflict${n === 1 ? '' : 's'}: `;
    message += [...byManager.entries()]
      .map(([m, paths]) =>
        paths.length === 1
          ? `conflict with ${m}: ${paths[0]}`
          : `conflicts with ${m}:\n- ${paths.join('\n- ')}`,
      )
      .join('\n');
    return new ApiError(409, 'Conflict', message, {
      name: live.metadata?.name,
      ...(def.group ? { group: def.group } : {}),
      kind: def.plural,
      causes: conflicts.map((c) => ({
        reason: 'FieldManagerConflict',
        message: `conflict with ${who(c.entry)}`,
        field: renderPath(c.path),
      })),
    });
  }

  private entries(obj: KubeObject): ManagedFieldsEntry[] {
    return obj.metadata?.managedFields ?? [];
  }

  private set(obj: KubeObject, entries: ManagedFieldsEntry[]): void {
    const meta = (obj.metadata ??= {});
    if (entries.length) meta.managedFields = entries;
    else delete meta.managedFields;
  }
}

function stripForMerge(applied: KubeObject, def: ResourceDefinition, sub: string | undefined): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(applied)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (k === 'metadata' && isObject(v)) {
      const m: JsonObject = {};
      for (const [mk, mv] of Object.entries(v)) if (metadataFields.has(mk)) m[mk] = mv;
      out['metadata'] = m;
      continue;
    }
    if (sub === 'status' ? k !== 'status' : k === 'status' && def.statusSubresource) continue;
    out[k] = v;
  }
  return out;
}
