import { clone, deepEqual, isObject } from '../resources/json-path';
import { ApiError } from './api-error';

interface Operation {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

function tokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw ApiError.unprocessable(`invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: unknown, path: string[]): { parent: unknown; key: string } {
  let cur = doc;
  for (const t of path.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObject(cur)) cur = cur[t];
    else cur = undefined;
    if (cur === undefined)
      throw ApiError.unprocessable(`doc is missing path: "/${path.join('/')}": missing value`);
  }
  return { parent: cur, key: path[path.length - 1]! };
}

function read(doc: unknown, path: string[]): unknown {
  let cur = doc;
  for (const t of path) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObject(cur)) cur = cur[t];
    else return undefined;
  }
  return cur;
}

function remove(doc: unknown, path: string[]): unknown {
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!(i >= 0 && i < parent.length))
      throw ApiError.unprocessable(`Unable to remove nonexistent key: ${key}: missing value`);
    return parent.splice(i, 1)[0];
  }
  if (isObject(parent) && key in parent) {
    const v = parent[key];
    delete parent[key];
    return v;
  }
  throw ApiError.unprocessable(`Unable to remove nonexistent key: ${key}: missing value`);
}

function add(doc: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!(i >= 0 && i <= parent.length))
      throw ApiError.unprocessable(`add operation does not apply: doc is missing key: ${key}`);
    parent.splice(i, 0, value);
  } else if (isObject(parent)) parent[key] = value;
  else
    throw ApiError.unprocessable(`add operation does not apply: doc is missing path: "/${path.join('/')}"`);
  return doc;
}

/** RFC 6902 JSON patch. */
export function jsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops))
    throw ApiError.badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let out = clone(doc);
  for (const raw of ops as Operation[]) {
    const path = tokens(raw.path ?? '');
    switch (raw.op) {
      case 'add':
        out = add(out, path, clone(raw.value));
        break;
      case 'remove':
        remove(out, path);
        break;
      case 'replace':
        if (path.length === 0) out = clone(raw.value);
        else {
          remove(out, path);
          out = add(out, path, clone(raw.value));
        }
        break;
      case 'move': {
        const v = remove(out, tokens(raw.from ?? ''));
        out = add(out, path, v);
        break;
      }
      case 'copy':
        out = add(out, path, clone(read(out, tokens(raw.from ?? ''))));
        break;
      case 'test':
        if (!deepEqual(read(out, path), raw.value))
          throw ApiError.unprocessable(`testing value ${raw.path} failed: test failed`);
        break;
      default:
        throw ApiError.unprocessable(`Unexpected kind: ${raw.op}`);
    }
  }
  return out;
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(doc: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out = isObject(doc) ? { ...doc } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
