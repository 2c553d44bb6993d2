import { ContainerLog, type LogReadOptions } from './container-log';
import { CoreAppProcess } from './coreapp.process';
import { createProcess, matchImage, type ImageProfile } from './image-profile';
import { type ProcessKind, type SimProcess, type WorldTimings } from './sim-process';
import { type WhatsAppNetwork } from './whatsapp-network';

export interface PodIdentity {
  namespace: string;
  name: string;
  uid: string;
  node?: string;
  zone?: string;
  annotations: Record<string, string>;
}

interface ContainerSlot {
  name: string;
  process: SimProcess | undefined;
  log: ContainerLog;
  previousLog: ContainerLog | undefined;
}

interface PodSlot {
  pod: PodIdentity;
  containers: Map<string, ContainerSlot>;
}

export interface RuntimeOptions {
  cluster: string;
  network: WhatsAppNetwork;
  profile: ImageProfile;
  timings: WorldTimings;
  /** Whether processes on this node are reachable from inside the cluster. */
  nodeUp: (node: string | undefined) => boolean;
  outsideReachable: () => boolean;
  /** In-cluster API read from a process on `node`; throws when that node cannot reach the API server. */
  readObject: (node: string | undefined, resource: string, namespace: string, name: string) => unknown;
}

/** The container runtime of every simulated node of one cluster: processes and their logs, by pod uid. */
export class ContainerRuntime {
  private readonly pods = new Map<string, PodSlot>();
  private readonly byName = new Map<string, string>();

  constructor(private readonly opts: RuntimeOptions) {}

  start(pod: PodIdentity, container: string, image: string, env: Record<string, string>): SimProcess {
    const slot = this.slot(pod, container);
    if (slot.process?.isRunning) slot.process.stop(false);
    if (slot.process) {
      slot.previousLog = slot.log;
      slot.log = new ContainerLog();
    }
    const process = createProcess(this.opts.profile, {
      cluster: this.opts.cluster,
      namespace: pod.namespace,
      pod: pod.name,
      podUid: pod.uid,
      container,
      image,
      node: pod.node,
      zone: pod.zone,
      env,
      annotations: pod.annotations,
      network: this.opts.network,
      timings: this.opts.timings,
      log: slot.log,
      peers: () => this.peers(pod.namespace).filter((p) => p !== process),
      // Processes of a powered-off node are gone; an isolated node still reaches the internet.
      outsideReachable: () => this.opts.outsideReachable(),
      podPeers: () => this.processes(pod.uid).filter((p) => p !== process && p.isRunning),
      readObject: (resource, namespace, name) => this.opts.readObject(pod.node, resource, namespace, name),
    });
    slot.process = process;
    process.start();
    return process;
  }

  kindOf(image: string): ProcessKind {
    return matchImage(this.opts.profile, image);
  }

  process(podUid: string, container: string): SimProcess | undefined {
    return this.pods.get(podUid)?.containers.get(container)?.process;
  }

  processes(podUid: string): SimProcess[] {
    const slot = this.pods.get(podUid);
    return slot ? [...slot.containers.values()].flatMap((c) => (c.process ? [c.process] : [])) : [];
  }

  podByName(namespace: string, name: string): PodIdentity | undefined {
    const uid = this.byName.get(`${namespace}/${name}`);
    return uid ? this.pods.get(uid)?.pod : undefined;
  }

  stop(podUid: string, container: string, graceful: boolean): void {
    this.process(podUid, container)?.stop(graceful);
  }

  /** Process death on a live machine (OOM kill, crash). */
  crash(podUid: string, container: string): void {
    const p = this.process(podUid, container);
    if (p instanceof CoreAppProcess) p.crash();
    else p?.stop(false);
  }

  /** The machine is gone: every process on it stops without closing anything. */
  vanishNode(node: string): void {
    for (const slot of this.pods.values()) {
      if (slot.pod.node !== node) continue;
      for (const c of slot.containers.values()) {
        if (c.process instanceof CoreAppProcess) c.process.vanish();
        else c.process?.stop(false);
      }
    }
  }

  remove(podUid: string): void {
    const slot = this.pods.get(podUid);
    if (!slot) return;
    for (const c of slot.containers.values()) c.process?.stop(true);
    this.pods.delete(podUid);
    if (this.byName.get(`${slot.pod.namespace}/${slot.pod.name}`) === podUid) {
      this.byName.delete(`${slot.pod.namespace}/${slot.pod.name}`);
    }
  }

  podUids(): string[] {
    return [...this.pods.keys()];
  }

  log(podUid: string, container: string, previous = false): ContainerLog | undefined {
    const c = this.pods.get(podUid)?.containers.get(container);
    return previous ? c?.previousLog : c?.log;
  }

  readLog(podUid: string, container: string, previous: boolean, options: LogReadOptions): string | undefined {
    return this.log(podUid, container, previous)?.read(options);
  }

  /** Running processes in one namespace on nodes that are up: what a process there can reach. */
  peers(namespace: string): SimProcess[] {
    const out: SimProcess[] = [];
    for (const slot of this.pods.values()) {
      if (slot.pod.namespace !== namespace || !this.opts.nodeUp(slot.pod.node)) continue;
      for (const c of slot.containers.values()) if (c.process?.isRunning) out.push(c.process);
    }
    return out;
  }

  all(): SimProcess[] {
    return [...this.pods.values()].flatMap((s) =>
      [...s.containers.values()].flatMap((c) => (c.process ? [c.process] : [])),
    );
  }

  /** Tells every running process that reachability of the outside world changed. */
  reachabilityChanged(): void {
    for (const p of this.all()) if (p.isRunning) p.reachabilityChanged();
  }

  stopAll(): void {
    for (const p of this.all()) p.stop(true);
  }

  private slot(pod: PodIdentity, container: string): ContainerSlot {
    let podSlot = this.pods.get(pod.uid);
    if (!podSlot) {
      podSlot = { pod, containers: new Map() };
      this.pods.set(pod.uid, podSlot);
      this.byName.set(`${pod.namespace}/${pod.name}`, pod.uid);
    }
    podSlot.pod = pod;
    let c = podSlot.containers.get(container);
    if (!c) {
      c = { name: container, process: undefined, log: new ContainerLog(), previousLog: undefined };
      podSlot.containers.set(container, c);
    }
    return c;
  }
}
