import { ApiError } from '../store/api-error';
import { type AdmissionRequest } from '../store/object-store';
import { type ChangeType, type ClusterApi } from './cluster-api';
import { Controller, keyOf, splitKey, type ReconcileResult } from './controller';
import { clone, sameJson } from './controller-utils';
import { isTerminating, type Obj, type Pod, type ResourceQuota } from './k8s-types';
import { formatQuantity, missingPodRequests, podCounts, resourceForKey, usageOf } from './quota-usage';
import { parseQuantity } from '../resources/quantity';

/** resourcequota-controller: keeps status.hard and status.used current for every quota. */
export class QuotaController extends Controller {
  readonly name = 'resourcequota-controller';

  constructor(api: ClusterApi) {
    super(api);
  }

  keysFor(_type: ChangeType, resource: string, obj: Obj): string[] {
    if (resource === 'resourcequotas') return [keyOf(obj)];
    if (['pods', 'services', 'secrets', 'configmaps', 'persistentvolumeclaims'].includes(resource))
      return [`${obj.metadata.namespace}/*`];
    return [];
  }

  async allKeys(): Promise<string[]> {
    return (await this.api.scan<ResourceQuota>('resourcequotas')).map(keyOf);
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const [ns, name] = splitKey(key);
    if (name === '*') {
      for (const q of await this.api.scan<ResourceQuota>('resourcequotas', ns)) this.enqueue(keyOf(q));
      return;
    }
    const quota = await this.api.get<ResourceQuota>('resourcequotas', ns, name);
    if (!quota || isTerminating(quota)) return;
    const hard = quota.spec.hard ?? {};
    const keys = Object.keys(hard);
    const used = new Map<string, number>(keys.map((k) => [k, 0]));
    let requeue: number | undefined;
    for (const resource of new Set([
      'pods',
      'persistentvolumeclaims',
      ...keys.map(resourceForKey).filter((r) => r !== undefined),
    ])) {
      for (const obj of await this.api.scan<Obj>(resource, ns)) {
        if (resource === 'pods') {
          if (!podCounts(obj as Pod)) continue;
          if (obj.metadata.deletionTimestamp)
            requeue = Math.max(50, Date.parse(obj.metadata.deletionTimestamp) - Date.now() + 50);
        }
        for (const [k, v] of usageOf(resource, obj, keys)) used.set(k, (used.get(k) ?? 0) + v);
      }
    }
    const status = {
      hard: { ...hard },
      used: Object.fromEntries(keys.map((k) => [k, formatQuantity(k, used.get(k) ?? 0)])),
    };
    if (!sameJson(quota.status, status)) {
      const next = clone(quota);
      next.status = status;
      await this.api.updateStatus('resourcequotas', next);
    }
    return requeue !== undefined ? { requeueAfterMs: requeue } : undefined;
  }
}

/** ResourceQuota admission: refuses creations that would exceed a quota of the namespace (403). */
export function quotaAdmission(req: AdmissionRequest): void {
  if (req.operation !== 'CREATE' || !req.namespace || !req.object || req.subresource) return;
  const resource = req.resource.plural;
  if (resource === 'events' || resource === 'resourcequotas') return;
  const quotas = req.store.list('resourcequotas', { namespace: req.namespace })
    .items as unknown as ResourceQuota[];
  if (quotas.length === 0) return;
  const obj = req.object as unknown as Obj;
  for (const quota of quotas) {
    const hard = quota.spec.hard ?? {};
    const keys = Object.keys(hard);
    const delta = usageOf(resource, obj, keys);
    if (delta.size === 0) continue;
    if (resource === 'pods') {
      const missing = missingPodRequests(obj as Pod, keys);
      if (missing.length) {
        throw ApiError.forbidden(
          { group: req.resource.group, resource },
          req.name,
          `failed quota: ${quota.metadata.name}: must specify ${missing.join(',')}`,
        );
      }
    }
    const used = new Map<string, number>();
    for (const r of new Set(
      [...delta.keys()].map(
        (k) => resourceForKey(k) ?? (k.includes('storage') ? 'persistentvolumeclaims' : 'pods'),
      ),
    )) {
      for (const o of req.store.list(r, { namespace: req.namespace, raw: true }).items as unknown as Obj[]) {
        if (r === 'pods' && !podCounts(o as Pod)) continue;
        for (const [k, v] of usageOf(r, o, [...delta.keys()])) used.set(k, (used.get(k) ?? 0) + v);
      }
    }
    const exceeded = [...delta.entries()].filter(([k, v]) => (used.get(k) ?? 0) + v > parseQuantity(hard[k]));
    if (exceeded.length) {
      const list = (f: (k: string, v: number) => string) => exceeded.map(([k, v]) => f(k, v)).join(',');
      throw ApiError.forbidden(
        { group: req.resource.group, resource },
        req.name,
        `exceeded quota: ${quota.metadata.name}, requested: ${list((k, v) => `${k}=${formatQuantity(k, v)}`)}, used: ${list((k) => `${k}=${formatQuantity(k, used.get(k) ?? 0)}`)}, limited: ${list((k) => `${k}=${hard[k] ?? ''}`)}`,
      );
    }
  }
}
