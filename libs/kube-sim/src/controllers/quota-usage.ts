import { parseQuantity } from '../resources/quantity';
import { type Obj, type Pod } from './k8s-types';

/** Resources a quota key counts, by plural name (core group unless qualified). */
const COUNTED: Record<string, string> = {
  pods: 'pods',
  services: 'services',
  secrets: 'secrets',
  configmaps: 'configmaps',
  persistentvolumeclaims: 'persistentvolumeclaims',
  resourcequotas: 'resourcequotas',
};

export function resourceForKey(key: string): string | undefined {
  if (COUNTED[key]) return COUNTED[key];
  const m = /^count\/([a-z0-9]+)(?:\.([a-z0-9.]+))?$/.exec(key);
  return m ? m[1] : undefined;
}

/** Whether a pod still counts against quota (not finished, not past its deletion grace). */
export function podCounts(pod: Pod, now = Date.now()): boolean {
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return false;
  if (pod.metadata.deletionTimestamp && Date.parse(pod.metadata.deletionTimestamp) <= now) return false;
  return true;
}

/** What one object adds to each quota key it touches. */
export function usageOf(resource: string, obj: Obj, keys: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const key of keys) {
    const counted = resourceForKey(key);
    if (counted === resource) out.set(key, 1);
  }
  if (resource === 'pods') {
    const pod = obj as Pod;
    const sum = (kind: 'requests' | 'limits', name: string) =>
      pod.spec.containers.reduce((n, c) => n + (parseQuantity(c.resources?.[kind]?.[name] ?? '0') || 0), 0);
    for (const key of keys) {
      if (key === 'requests.cpu' || key === 'cpu') out.set(key, sum('requests', 'cpu'));
      else if (key === 'requests.memory' || key === 'memory') out.set(key, sum('requests', 'memory'));
      else if (key === 'limits.cpu') out.set(key, sum('limits', 'cpu'));
      else if (key === 'limits.memory') out.set(key, sum('limits', 'memory'));
    }
  }
  if (resource === 'persistentvolumeclaims' && keys.includes('requests.storage')) {
    const req = (obj as Obj & { spec?: { resources?: { requests?: Record<string, string> } } }).spec
      ?.resources?.requests?.['storage'];
    out.set('requests.storage', parseQuantity(req ?? '0') || 0);
  }
  return out;
}

/** Compute keys a pod must declare when a quota tracks them. */
export function missingPodRequests(pod: Pod, keys: string[]): string[] {
  const missing: string[] = [];
  for (const key of keys) {
    const [kind, name] = key === 'cpu' || key === 'memory' ? ['requests', key] : key.split('.');
    if ((kind !== 'requests' && kind !== 'limits') || (name !== 'cpu' && name !== 'memory')) continue;
    if (pod.spec.containers.some((c) => c.resources?.[kind]?.[name] === undefined)) missing.push(key);
  }
  return missing;
}

export function formatQuantity(key: string, value: number): string {
  if (key.endsWith('cpu') || key === 'cpu') {
    return Number.isInteger(value) ? String(value) : `${Math.round(value * 1000)}m`;
  }
  if (key.endsWith('memory') || key.endsWith('storage') || key === 'memory') {
    for (const [suffix, f] of [
      ['Ti', 1024 ** 4],
      ['Gi', 1024 ** 3],
      ['Mi', 1024 ** 2],
      ['Ki', 1024],
    ] as const) {
      if (value >= f && value % f === 0) return `${value / f}${suffix}`;
    }
    return String(Math.round(value));
  }
  return String(value);
}
