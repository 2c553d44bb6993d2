import { type SimTimings } from '../cluster/sim-timings';
import { type ChangeType, type ClusterApi } from './cluster-api';
import { Controller, keyOf, splitKey, type ReconcileResult } from './controller';
import { clone } from './controller-utils';
import { type EventRecorder } from './event-recorder';
import { isTerminating, type Obj, type PersistentVolumeClaim } from './k8s-types';

/** Dynamic provisioning, simulated: a Pending claim becomes Bound to a volume after a short delay. */
export class PvcController extends Controller {
  readonly name = 'persistentvolume-binder';

  constructor(
    api: ClusterApi,
    private readonly events: EventRecorder,
    private readonly timings: SimTimings,
  ) {
    super(api);
  }

  keysFor(_type: ChangeType, resource: string, obj: Obj): string[] {
    return resource === 'persistentvolumeclaims' && (obj as PersistentVolumeClaim).status?.phase !== 'Bound'
      ? [keyOf(obj)]
      : [];
  }

  async allKeys(): Promise<string[]> {
    return (await this.api.scan<PersistentVolumeClaim>('persistentvolumeclaims'))
      .filter((p) => p.status?.phase !== 'Bound')
      .map(keyOf);
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const [ns, name] = splitKey(key);
    const pvc = await this.api.get<PersistentVolumeClaim>('persistentvolumeclaims', ns, name);
    if (!pvc || isTerminating(pvc) || pvc.status?.phase === 'Bound') return;
    const age = Date.now() - Date.parse(pvc.metadata.creationTimestamp ?? new Date().toISOString());
    if (age < this.timings.pvcBindMs) return { requeueAfterMs: this.timings.pvcBindMs - age };
    const volume = `pvc-${pvc.metadata.uid}`;
    const annotated = clone(pvc);
    annotated.metadata.annotations = {
      ...annotated.metadata.annotations,
      'pv.kubernetes.io/bind-completed': 'yes',
      'pv.kubernetes.io/bound-by-controller': 'yes',
      'volume.kubernetes.io/storage-provisioner': 'sim.kube-sim.io/hostpath',
    };
    if (!annotated.spec.volumeName) annotated.spec.volumeName = volume;
    let saved: PersistentVolumeClaim;
    try {
      saved = await this.api.update('persistentvolumeclaims', annotated);
    } catch (err) {
      if ((err as { code?: number }).code !== 422) throw err;
      delete annotated.spec.volumeName;
      saved = await this.api.update('persistentvolumeclaims', annotated);
    }
    const next = clone(saved);
    next.status = {
      phase: 'Bound',
      accessModes: pvc.spec.accessModes ?? ['ReadWriteOnce'],
      capacity: { storage: pvc.spec.resources?.requests?.['storage'] ?? '1Gi' },
    };
    await this.api.updateStatus('persistentvolumeclaims', next);
    await this.events.record(
      pvc,
      'Normal',
      'ProvisioningSucceeded',
      `Successfully provisioned volume ${volume}`,
    );
  }
}
