import { createHash } from 'node:crypto';
import type { KubernetesManifest } from '../pod-set/pod-set.types';

/** On every applied object: the hash of what the control plane rendered for it. */
export const SPEC_HASH_ANNOTATION = 'bsp.io/spec-hash';

/** A live object as read back: any shape. */
export interface LiveObject {
  metadata: { annotations?: Record<string, string>; deletionTimestamp?: string; [field: string]: unknown };
  [field: string]: unknown;
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The manifest with its spec hash annotation added (a new object; the input is not changed). */
export function withSpecHash(manifest: KubernetesManifest): KubernetesManifest {
  const hash = sha256(canonicalJson(manifest));
  return {
    ...manifest,
    metadata: {
      ...manifest.metadata,
      annotations: { ...manifest.metadata.annotations, [SPEC_HASH_ANNOTATION]: hash },
    },
  };
}

/** One hash for a whole rendered pod set (stored on the placement as `applied_hash`). */
export function podSetHash(manifests: readonly KubernetesManifest[]): string {
  return sha256(
    manifests.map((m) => m.metadata.annotations?.[SPEC_HASH_ANNOTATION] ?? canonicalJson(m)).join('\n'),
  );
}

/**
 * Whether the live object already is what was rendered: the same spec hash (nothing changed in
 * what we want) and every rendered field still holds its value (nobody changed it since). Fields
 * the API server or other controllers add (defaults, status) do not matter.
 */
export function isUpToDate(desired: KubernetesManifest, live: LiveObject | undefined): boolean {
  if (!live || live.metadata.deletionTimestamp) return false;
  const hash = desired.metadata.annotations?.[SPEC_HASH_ANNOTATION];
  if (hash === undefined || live.metadata.annotations?.[SPEC_HASH_ANNOTATION] !== hash) return false;
  return covers(comparable(desired), live);
}

/** A Secret is written as stringData and read back as base64 data. */
function comparable(desired: KubernetesManifest): Record<string, unknown> {
  if (desired.kind !== 'Secret' || !isRecord(desired.stringData)) return desired;
  const { stringData, ...rest } = desired;
  const data: Record<string, string> = {
    ...(isRecord(rest.data) ? (rest.data as Record<string, string>) : {}),
  };
  for (const [key, value] of Object.entries(stringData)) {
    data[key] = Buffer.from(String(value), 'utf8').toString('base64');
  }
  return { ...rest, data };
}

function covers(desired: unknown, live: unknown): boolean {
  if (Array.isArray(desired)) {
    if (desired.length === 0) return live === undefined || (Array.isArray(live) && live.length === 0);
    return (
      Array.isArray(live) && live.length === desired.length && desired.every((d, i) => covers(d, live[i]))
    );
  }
  if (isRecord(desired)) {
    const keys = Object.keys(desired);
    if (keys.length === 0) return live === undefined || isRecord(live);
    return isRecord(live) && keys.every((k) => covers(desired[k], live[k]));
  }
  if (desired === live) return true;
  if (typeof desired === 'string' && typeof live === 'string') return sameQuantity(desired, live);
  return false;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;
const FACTOR: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** `1Gi` and `1024Mi`, `500m` and `0.5`: the API server may store another spelling of one amount. */
function sameQuantity(a: string, b: string): boolean {
  const qa = QUANTITY.exec(a);
  const qb = QUANTITY.exec(b);
  if (!qa || !qb) return false;
  const va = Number(qa[1]) * (FACTOR[qa[2] ?? ''] ?? NaN);
  const vb = Number(qb[1]) * (FACTOR[qb[2] ?? ''] ?? NaN);
  return Math.abs(va - vb) <= 1e-9 * Math.max(1, Math.abs(va));
}
