import { type ContainerLog } from './container-log';
import { jsonResponse, type SimHttpRequest, type SimHttpResponse } from './sim-http';
import { type WhatsAppNetwork } from './whatsapp-network';

export type ProcessKind = 'webapp' | 'coreapp' | 'fencing-agent' | 'generic';

export interface WorldTimings {
  /** CoreApp: from start to holding its number. */
  coreAppConnectMs: number;
  /** CoreApp: how long a kicked instance waits before it takes its number back; 0 = it gives up. */
  kickedRetryMs: number;
  /**
   * How long WhatsApp keeps a connection whose peer vanished without closing it (machine lost,
   * network partition): until then the old instance still holds the number.
   */
  connectionDropMs: number;
  /** Fencing agent: how often it checks its Lease (FENCE_CHECK_INTERVAL_MS overrides). */
  fenceCheckMs: number;
}

export const REALISTIC_WORLD_TIMINGS: WorldTimings = {
  coreAppConnectMs: 1500,
  kickedRetryMs: 10_000,
  connectionDropMs: 15_000,
  fenceCheckMs: 1000,
};

export const INSTANT_WORLD_TIMINGS: WorldTimings = {
  coreAppConnectMs: 0,
  kickedRetryMs: 0,
  connectionDropMs: 0,
  fenceCheckMs: 50,
};

export interface ProcessContext {
  cluster: string;
  namespace: string;
  pod: string;
  podUid: string;
  container: string;
  image: string;
  node?: string;
  zone?: string;
  /** Resolved environment, as the container process would see it. */
  env: Record<string, string>;
  annotations: Record<string, string>;
  network: WhatsAppNetwork;
  timings: WorldTimings;
  log: ContainerLog;
  /** Running processes of the same namespace in the same cluster that this one can reach. */
  peers: () => SimProcess[];
  /** Whether this process can reach anything outside its cluster (false during a partition). */
  outsideReachable: () => boolean;
  /** The other running processes of the same pod (sidecars). */
  podPeers: () => SimProcess[];
  /** Reads an object from the process's own cluster, as in-cluster API access would; throws when unreachable. */
  readObject: (resource: string, namespace: string, name: string) => unknown;
}

export type HealthFault = 'failing' | 'hanging';

export interface ProcessFaults {
  /** Health endpoints (or every endpoint with scope `all`) answer 500 or never answer. */
  health?: { mode: HealthFault; scope: 'health' | 'all' };
  /** The process drops its WhatsApp connection and reports `disconnected` until cleared. */
  gatewayDisconnected?: boolean;
  /** The process ignores SIGTERM: it runs (and holds its connection) until SIGKILL at the end of the grace period. */
  ignoreSigterm?: boolean;
}

/** A simulated container process: serves HTTP in-process, writes logs, can be faulted. */
export abstract class SimProcess {
  abstract readonly kind: ProcessKind;
  protected running = false;
  private faults: ProcessFaults = {};
  private readonly hanging = new Set<() => void>();

  constructor(readonly ctx: ProcessContext) {}

  get isRunning(): boolean {
    return this.running;
  }

  get currentFaults(): ProcessFaults {
    return { ...this.faults };
  }

  start(): void {
    this.running = true;
    this.onStart();
  }

  /** Clean shutdown (SIGTERM) or death (crash, machine loss): `graceful` says whether sockets close. */
  stop(graceful: boolean): void {
    if (!this.running) return;
    this.running = false;
    this.onStop(graceful);
    this.releaseHanging();
  }

  setFaults(faults: ProcessFaults): void {
    this.faults = { ...faults };
    if (!faults.health) this.releaseHanging();
    this.onFaultsChanged();
  }

  async handle(req: SimHttpRequest): Promise<SimHttpResponse> {
    if (!this.running) return jsonResponse(503, { error: 'container not running' });
    const fault = this.faults.health;
    if (fault && (fault.scope === 'all' || /health|ready|live/.test(req.path))) {
      if (fault.mode === 'failing')
        return jsonResponse(500, { errors: [{ code: 500, title: 'Internal error' }] });
      // Hangs until the fault is cleared or the process stops; callers apply their own timeouts.
      await new Promise<void>((resolve) => this.hanging.add(resolve));
      return jsonResponse(503, { error: 'request abandoned' });
    }
    return this.serve(req);
  }

  protected abstract serve(req: SimHttpRequest): Promise<SimHttpResponse> | SimHttpResponse;
  protected onStart(): void {}
  protected onStop(_graceful: boolean): void {}
  protected onFaultsChanged(): void {}
  /** Whether the process can reach outside its cluster may have changed (partition, heal). */
  reachabilityChanged(): void {}
  /** A fencing agent's verdict for this process: stop (reason) or carry on (undefined). */
  fence(_reason: string | undefined): void {}

  protected log(text: string): void {
    this.ctx.log.write(text);
  }

  private releaseHanging(): void {
    for (const r of this.hanging) r();
    this.hanging.clear();
  }
}
