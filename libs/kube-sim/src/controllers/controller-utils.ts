import { createHash, randomBytes } from 'node:crypto';
import { type Condition, type Obj } from './k8s-types';

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Stable JSON (sorted keys) so equal templates hash equally. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A short name-safe hash, shaped like pod-template-hash and controller-revision-hash values. */
export function safeHash(value: unknown, length = 10): string {
  const digest = createHash('sha256').update(stableJson(value)).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += SAFE_ALPHABET[(digest[i] ?? 0) % SAFE_ALPHABET.length];
  return out;
}

/** The 5-character suffix of generated pod names. */
export function randomSuffix(length = 5): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += SAFE_ALPHABET[(bytes[i] ?? 0) % SAFE_ALPHABET.length];
  return out;
}

export function resolveIntOrPercent(
  value: number | string | undefined,
  total: number,
  roundUp: boolean,
  dflt: string,
): number {
  const v = value ?? dflt;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number.parseInt(v, 10) || 0;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export function nowIso(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Sets a condition, keeping lastTransitionTime when the status does not change. */
export function setCondition(
  conditions: Condition[] | undefined,
  next: Condition,
  withUpdateTime = false,
): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const prev = i >= 0 ? list[i] : undefined;
  const now = nowIso();
  const merged: Condition = {
    ...next,
    lastTransitionTime: prev && prev.status === next.status ? (prev.lastTransitionTime ?? now) : now,
  };
  if (withUpdateTime) {
    const same =
      prev && prev.status === next.status && prev.reason === next.reason && prev.message === next.message;
    merged.lastUpdateTime = same ? (prev.lastUpdateTime ?? now) : now;
  }
  if (i >= 0) list[i] = merged;
  else list.push(merged);
  return list;
}

export function ownerRef(owner: Obj): NonNullable<Obj['metadata']['ownerReferences']>[number] {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function isOwnedBy(obj: Obj, owner: Obj): boolean {
  return (
    obj.metadata.ownerReferences?.some((r) => r.controller === true && r.uid === owner.metadata.uid) === true
  );
}

/** Deep copy for objects read from the store before mutating them. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

export function sameJson(a: unknown, b: unknown): boolean {
  return stableJson(a) === stableJson(b);
}
