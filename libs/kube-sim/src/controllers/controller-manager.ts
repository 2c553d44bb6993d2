import { type SimTimings } from '../cluster/sim-timings';
import { type ContainerRuntime } from '../world/container-runtime';
import { type ClusterApi } from './cluster-api';
import { type Controller } from './controller';
import { DeploymentController } from './deployment.controller';
import { EndpointsController } from './endpoints.controller';
import { EventRecorder } from './event-recorder';
import { KubeletController } from './kubelet.controller';
import { NodeLifecycleController } from './node-lifecycle.controller';
import { type NodeHealth } from './node-health';
import { PvcController } from './pvc.controller';
import { QuotaController } from './quota.controller';
import { ReplicaSetController } from './replicaset.controller';
import { SchedulerController } from './scheduler.controller';
import { StatefulSetController } from './statefulset.controller';

export interface ControllerManagerOptions {
  api: ClusterApi;
  runtime: ContainerRuntime;
  health: NodeHealth;
  timings: SimTimings;
  ownsNode?: (node: string) => boolean;
}

/** kube-controller-manager, kube-scheduler and every kubelet of one simulated cluster. */
export class ControllerManager {
  readonly kubelet: KubeletController;
  readonly controllers: Controller[];
  private unsubscribe: (() => void) | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: ControllerManagerOptions) {
    const { api, runtime, health, timings } = opts;
    const owns = opts.ownsNode ?? (() => true);
    const events = (c: string) => new EventRecorder(api, c);
    this.kubelet = new KubeletController(api, events('kubelet'), runtime, health, timings, owns);
    this.controllers = [
      new DeploymentController(api, events('deployment-controller')),
      new ReplicaSetController(api, events('replicaset-controller')),
      new StatefulSetController(api, events('statefulset-controller')),
      new SchedulerController(api, events('default-scheduler'), timings.schedulingMs),
      this.kubelet,
      new NodeLifecycleController(api, events('node-controller'), health, timings, owns),
      new EndpointsController(api),
      new PvcController(api, events('persistentvolume-controller'), timings),
      new QuotaController(api),
    ];
  }

  async start(): Promise<void> {
    this.unsubscribe = this.opts.api.onChange((type, resource, obj) => {
      for (const c of this.controllers) for (const key of c.keysFor(type, resource, obj)) c.enqueue(key);
    });
    await this.resync();
    this.resyncTimer = setInterval(() => void this.resync(), this.opts.timings.resyncMs);
    this.resyncTimer.unref();
  }

  async resync(): Promise<void> {
    for (const c of this.controllers) await c.resync();
  }

  stop(): void {
    this.unsubscribe?.();
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    for (const c of this.controllers) c.stop();
  }

  /** Resolves once no controller has work queued right now (delayed requeues excepted). */
  async idle(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setImmediate(r));
      await Promise.all(this.controllers.map((c) => c.idle()));
    }
  }
}
