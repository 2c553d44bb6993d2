import { type ObjectStore } from '../store/object-store';
import { type KubeObject } from '../resources/resource-definition';

/**
 * Works around store behaviour the controllers trip over, without touching the store's files.
 * Each entry is listed in the kube-sim report; remove it once the store is fixed.
 *
 * - Pod update validation compared a bound pod's spec without nodeName against one with it, so
 *   every update of a scheduled pod (status included) was refused. Compare with nodeName aligned.
 */
export function applyStoreWorkarounds(store: ObjectStore): void {
  const pods = store.resolve('pods');
  const original = pods.validateUpdate?.bind(pods);
  if (!original || (pods.validateUpdate as { kubeSimWrapped?: boolean }).kubeSimWrapped) return;
  const wrapped = (o: KubeObject, old: KubeObject) => {
    const oldNode = (old['spec'] as { nodeName?: string } | undefined)?.nodeName;
    const newNode = (o['spec'] as { nodeName?: string } | undefined)?.nodeName;
    if (oldNode && oldNode === newNode) {
      const strip = (x: KubeObject): KubeObject => {
        const spec = { ...(x['spec'] as Record<string, unknown>) };
        delete spec['nodeName'];
        return { ...x, spec };
      };
      return original(strip(o), strip(old));
    }
    return original(o, old);
  };
  (wrapped as { kubeSimWrapped?: boolean }).kubeSimWrapped = true;
  pods.validateUpdate = wrapped;
}
