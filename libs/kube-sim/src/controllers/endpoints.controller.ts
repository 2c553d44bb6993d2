import { type ChangeType, type ClusterApi } from './cluster-api';
import { Controller, keyOf, splitKey, type ReconcileResult } from './controller';
import { clone, sameJson } from './controller-utils';
import { isPodReady, isTerminating, type Obj, type Pod, type Service } from './k8s-types';
import { mapMatches } from './label-match';

interface Endpoints extends Obj {
  subsets?: unknown[];
}

/** Endpoints for every Service with a selector: ready pods as addresses, the others as notReadyAddresses. */
export class EndpointsController extends Controller {
  readonly name = 'endpoint-controller';

  constructor(api: ClusterApi) {
    super(api);
  }

  keysFor(_type: ChangeType, resource: string, obj: Obj): string[] {
    if (resource === 'services') return [keyOf(obj)];
    if (resource === 'pods') return [`${obj.metadata.namespace}/*`];
    return [];
  }

  async allKeys(): Promise<string[]> {
    return (await this.api.scan<Service>('services')).map(keyOf);
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const [ns, name] = splitKey(key);
    if (name === '*') {
      for (const svc of await this.api.scan<Service>('services', ns)) this.enqueue(keyOf(svc));
      return;
    }
    const svc = await this.api.get<Service>('services', ns, name);
    const existing = await this.api.get<Endpoints>('endpoints', ns, name);
    if (!svc || isTerminating(svc)) return;
    if (!svc.spec.selector || Object.keys(svc.spec.selector).length === 0) return;
    const pods = (await this.api.scan<Pod>('pods', ns)).filter(
      (p) => mapMatches(svc.spec.selector, p.metadata.labels) && p.status?.podIP && !isTerminating(p),
    );
    const address = (p: Pod) => ({
      ip: p.status?.podIP ?? '',
      nodeName: p.spec.nodeName,
      targetRef: { kind: 'Pod', namespace: ns, name: p.metadata.name, uid: p.metadata.uid },
    });
    const byName = (a: Pod, b: Pod) => a.metadata.name.localeCompare(b.metadata.name);
    const ready = pods.filter((p) => isPodReady(p) || svc.spec.publishNotReadyAddresses).sort(byName);
    const notReady = pods.filter((p) => !isPodReady(p) && !svc.spec.publishNotReadyAddresses).sort(byName);
    const ports = (svc.spec.ports ?? []).map((sp) => {
      let port = typeof sp.targetPort === 'number' ? sp.targetPort : sp.port;
      if (typeof sp.targetPort === 'string') {
        for (const p of pods) {
          const found = p.spec.containers
            .flatMap((c) => c.ports ?? [])
            .find((cp) => cp.name === sp.targetPort);
          if (found) {
            port = found.containerPort;
            break;
          }
        }
      }
      return { ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP' };
    });
    const subsets =
      pods.length === 0
        ? undefined
        : [
            {
              ...(ready.length ? { addresses: ready.map(address) } : {}),
              ...(notReady.length ? { notReadyAddresses: notReady.map(address) } : {}),
              ports,
            },
          ];
    if (!existing) {
      await this.api.create<Endpoints>('endpoints', {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name, namespace: ns, uid: '', labels: svc.metadata.labels },
        ...(subsets ? { subsets } : {}),
      });
      return;
    }
    if (sameJson(existing.subsets, subsets)) return;
    const next = clone(existing);
    if (subsets) next.subsets = subsets;
    else delete next.subsets;
    await this.api.update('endpoints', next);
  }
}
