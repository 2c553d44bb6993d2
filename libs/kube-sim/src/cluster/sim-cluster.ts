import { ObjectStore } from '../store/object-store';
import { type KubeObject } from '../resources/resource-definition';
import { ControllerManager } from '../controllers/controller-manager';
import { NodeHealth, type NodeFailureMode } from '../controllers/node-health';
import { quotaAdmission } from '../controllers/quota.controller';
import { StoreClusterApi } from '../controllers/store-cluster-api';
import { type Node, type Pod } from '../controllers/k8s-types';
import { ContainerRuntime } from '../world/container-runtime';
import { DEFAULT_IMAGE_PROFILE, type ImageProfile } from '../world/image-profile';
import { type ProcessFaults, type SimProcess } from '../world/sim-process';
import { WhatsAppNetwork } from '../world/whatsapp-network';
import { resolveTimings, type SimTimings, type TimingPreset } from './sim-timings';

export interface ClusterSpec {
  name: string;
  region: string;
  zones: string[];
  nodesPerZone?: number;
  /** Port to listen on; 0 or unset picks a free one. */
  port?: number;
}

export interface SimClusterOptions extends ClusterSpec {
  network?: WhatsAppNetwork;
  timings?: TimingPreset | Partial<SimTimings>;
  images?: Partial<ImageProfile>;
  store?: ObjectStore;
}

/**
 * One simulated cluster without its HTTP front: the object store, the controllers, the kubelets of
 * its simulated nodes, the container runtime, and the faults that can hit them.
 */
export class SimCluster {
  readonly name: string;
  readonly region: string;
  readonly zones: string[];
  readonly store: ObjectStore;
  readonly network: WhatsAppNetwork;
  readonly timings: SimTimings;
  readonly health = new NodeHealth();
  readonly runtime: ContainerRuntime;
  readonly controllers: ControllerManager;
  readonly api: StoreClusterApi;
  readonly nodeNames: string[] = [];
  private partitioned = false;
  private readonly nodeZones = new Map<string, string>();

  constructor(opts: SimClusterOptions) {
    this.name = opts.name;
    this.region = opts.region;
    this.zones = [...opts.zones];
    this.network = opts.network ?? new WhatsAppNetwork();
    this.timings = resolveTimings(opts.timings);
    this.store = opts.store ?? new ObjectStore();
    this.api = new StoreClusterApi(this.store, 'kube-controller-manager');
    this.runtime = new ContainerRuntime({
      cluster: this.name,
      network: this.network,
      profile: { ...DEFAULT_IMAGE_PROFILE, ...opts.images },
      timings: this.timings,
      nodeUp: (node) => !this.health.isDown(node),
      outsideReachable: () => !this.partitioned,
      readObject: (node, resource, namespace, name) => {
        if (this.health.isIsolated(node))
          throw new Error(`dial tcp: connect: no route to host (node ${node} is isolated)`);
        return this.store.find(resource, namespace, name);
      },
    });
    this.controllers = new ControllerManager({
      api: this.api,
      runtime: this.runtime,
      health: this.health,
      timings: this.timings,
      ownsNode: (n) => this.nodeZones.has(n),
    });
    this.store.hooks.admission.push(quotaAdmission);
    const perZone = Math.max(1, opts.nodesPerZone ?? 2);
    let index = 0;
    for (const zone of this.zones) {
      for (let i = 1; i <= perZone; i++) {
        const name = `${this.name}-${zone}-${i}`;
        this.nodeNames.push(name);
        this.nodeZones.set(name, zone);
        this.store.create('nodes', this.nodeObject(name, zone, index++) as unknown as KubeObject, {
          fieldManager: 'kubelet',
        });
      }
    }
  }

  async start(): Promise<void> {
    await this.controllers.start();
  }

  stop(): void {
    this.controllers.stop();
    this.runtime.stopAll();
  }

  get isPartitioned(): boolean {
    return this.partitioned;
  }

  setPartitioned(on: boolean): void {
    if (this.partitioned === on) return;
    this.partitioned = on;
    this.runtime.reachabilityChanged();
  }

  zoneOf(node: string): string | undefined {
    return this.nodeZones.get(node);
  }

  nodesInZone(zone: string): string[] {
    return this.nodeNames.filter((n) => this.nodeZones.get(n) === zone);
  }

  failNode(node: string, mode: NodeFailureMode = 'down'): void {
    this.health.fail(node, mode);
  }

  recoverNode(node: string): void {
    this.health.recover(node);
  }

  pod(namespace: string, name: string): Pod | undefined {
    return this.store.find('pods', namespace, name) as unknown as Pod | undefined;
  }

  /** The running process of a pod's container (first container when unnamed). */
  process(namespace: string, pod: string, container?: string): SimProcess | undefined {
    const p = this.pod(namespace, pod);
    if (!p) return undefined;
    const name = container ?? p.spec.containers[0]?.name;
    return name ? this.runtime.process(p.metadata.uid, name) : undefined;
  }

  crash(namespace: string, pod: string, container?: string): boolean {
    const p = this.pod(namespace, pod);
    return p ? this.controllers.kubelet.crash(p, container) : false;
  }

  setFaults(namespace: string, pod: string, faults: ProcessFaults, container?: string): boolean {
    const p = this.pod(namespace, pod);
    if (!p) return false;
    const targets = container ? [container] : p.spec.containers.map((c) => c.name);
    let hit = false;
    for (const c of targets) {
      const proc = this.runtime.process(p.metadata.uid, c);
      if (proc) {
        proc.setFaults(faults);
        hit = true;
      }
    }
    return hit;
  }

  /** Waits until the controllers have nothing queued (delayed retries excepted). */
  settle(): Promise<void> {
    return this.controllers.idle();
  }

  private nodeObject(name: string, zone: string, index: number): Node {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const ip = `10.${10 + (this.zones.indexOf(zone) % 200)}.0.${(index % 250) + 10}`;
    const cond = (type: string, status: 'True' | 'False', reason: string, message: string) => ({
      type,
      status,
      reason,
      message,
      lastHeartbeatTime: now,
      lastTransitionTime: now,
    });
    const capacity = { cpu: '8', memory: '32Gi', pods: '110', 'ephemeral-storage': '100Gi' };
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        uid: '',
        labels: {
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'node.kubernetes.io/instance-type': 'sim.large',
          'topology.kubernetes.io/region': this.region,
          'topology.kubernetes.io/zone': zone,
          'kube-sim.io/cluster': this.name,
        },
      },
      spec: {},
      status: {
        conditions: [
          cond(
            'MemoryPressure',
            'False',
            'KubeletHasSufficientMemory',
            'kubelet has sufficient memory available',
          ),
          cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
          cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
          cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
        ],
        addresses: [
          { type: 'InternalIP', address: ip },
          { type: 'Hostname', address: name },
        ],
        capacity,
        allocatable: capacity,
        nodeInfo: {
          kubeletVersion: 'v1.32.0-kube-sim',
          kubeProxyVersion: 'v1.32.0-kube-sim',
          containerRuntimeVersion: 'kube-sim://1.0.0',
          operatingSystem: 'linux',
          architecture: 'amd64',
          osImage: 'kube-sim',
          kernelVersion: '6.1.0-sim',
          machineID: name,
          systemUUID: name,
          bootID: name,
        },
      },
    };
  }
}
