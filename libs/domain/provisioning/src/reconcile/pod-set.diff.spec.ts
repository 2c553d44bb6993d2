import { describe, expect, it } from 'vitest';
import { singlePrimaryInput } from '../pod-set/pod-set.fixtures';
import { renderPodSet } from '../pod-set/pod-set.renderer';
import type { KubernetesManifest } from '../pod-set/pod-set.types';
import { canonicalJson, isUpToDate, podSetHash, SPEC_HASH_ANNOTATION, withSpecHash } from './pod-set.diff';

const rendered = () => renderPodSet(singlePrimaryInput()).map(withSpecHash);
const byKind = (kind: string) => {
  const found = rendered().find((m) => m.kind === kind);
  if (!found) throw new Error(`no ${kind}`);
  return found;
};
/** What an API server hands back: the object plus defaults, status and server fields. */
type Stored = { metadata: Record<string, unknown> } & Record<string, any>;
function asStored(m: KubernetesManifest): Stored {
  const copy = JSON.parse(JSON.stringify(m)) as Stored;
  copy.metadata = {
    ...copy.metadata,
    uid: 'u-1',
    resourceVersion: '42',
    creationTimestamp: '2026-11-22T00:00:00Z',
  };
  copy.status = { observedGeneration: 1 };
  if (m.kind === 'Secret') {
    const { stringData, ...rest } = copy as unknown as { stringData: Record<string, string> };
    return {
      ...rest,
      metadata: copy.metadata,
      data: Object.fromEntries(
        Object.entries(stringData).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
      ),
    };
  }
  return copy;
}

describe('pod-set diff', () => {
  it('hashes canonically: key order does not matter, content does', () => {
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe(
      canonicalJson({ a: [1, { c: 3, d: 2 }], b: 1 }),
    );
    const a = rendered();
    expect(podSetHash(a)).toBe(podSetHash(rendered()));
    const changed = renderPodSet({
      ...singlePrimaryInput(),
      number: { ...singlePrimaryInput().number, fencingEpoch: 4n },
    }).map(withSpecHash);
    expect(podSetHash(changed)).not.toBe(podSetHash(a));
  });

  it('an object as the API server stores it (defaults, status, base64 Secret data) is up to date', () => {
    for (const m of rendered()) expect(isUpToDate(m, asStored(m) as never), m.kind).toBe(true);
  });

  it('missing, terminating, hand-edited or older objects are not', () => {
    const sts = byKind('StatefulSet');
    expect(isUpToDate(sts, undefined)).toBe(false);
    const terminating = asStored(sts);
    terminating.metadata.deletionTimestamp = '2026-11-22T00:00:01Z';
    expect(isUpToDate(sts, terminating as never)).toBe(false);
    const scaled = asStored(sts) as unknown as { spec: { replicas: number } };
    scaled.spec.replicas = 3;
    expect(isUpToDate(sts, scaled as never)).toBe(false);
    const older = asStored(sts);
    older.metadata.annotations = {
      ...(older.metadata.annotations as object),
      [SPEC_HASH_ANNOTATION]: 'f'.repeat(64),
    };
    expect(isUpToDate(sts, older as never)).toBe(false);
    const secret = byKind('Secret');
    const tampered = asStored(secret) as unknown as { data: Record<string, string> };
    tampered.data['db-password'] = Buffer.from('guessed').toString('base64');
    expect(isUpToDate(secret, tampered as never)).toBe(false);
  });

  it('reads another spelling of the same quantity as equal, another amount as different', () => {
    const quota = byKind('ResourceQuota');
    const stored = asStored(quota) as unknown as { spec: { hard: Record<string, string> } };
    const hard = quota.spec as { hard: Record<string, string> };
    expect(hard.hard['requests.memory']).toMatch(/Gi$|Mi$/);
    stored.spec.hard['requests.memory'] = `${toMi(hard.hard['requests.memory'] ?? '')}Mi`;
    expect(isUpToDate(quota, stored as never)).toBe(true);
    stored.spec.hard['requests.memory'] = '1Mi';
    expect(isUpToDate(quota, stored as never)).toBe(false);
  });
});

function toMi(q: string): number {
  const n = Number(q.replace(/[A-Za-z]+$/, ''));
  return q.endsWith('Gi') ? n * 1024 : n;
}
