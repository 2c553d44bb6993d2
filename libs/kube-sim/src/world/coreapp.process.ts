import { jsonResponse, textResponse, type SimHttpRequest, type SimHttpResponse } from './sim-http';
import { EPOCH_ANNOTATIONS, EPOCH_ENV, PHONE_NUMBER_ENV } from './epoch-keys';
import { FencingAgentProcess } from './fencing-agent.process';
import { SimProcess, type ProcessKind } from './sim-process';
import { type WhatsAppSession } from './whatsapp-network';

export type GatewayStatus = 'connected' | 'connecting' | 'disconnected' | 'uninitialized' | 'unregistered';

/**
 * A CoreApp: holds the WhatsApp connection for the number in its configuration. Its gateway status
 * is what the WebApp of the same namespace reports from `/v1/health`.
 */
export class CoreAppProcess extends SimProcess {
  readonly kind: ProcessKind = 'coreapp';
  private session: WhatsAppSession | undefined;
  /** The peer of this session is gone (process or machine): a kick or a timeout ends it. */
  private doomed = false;
  private dropTimer: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;
  private status: GatewayStatus = 'uninitialized';
  private kicks = 0;
  private fencedReason: string | undefined;
  private outside = true;

  get number(): string | undefined {
    return firstOf(this.ctx.env, PHONE_NUMBER_ENV);
  }

  get epoch(): string | undefined {
    return firstOf(this.ctx.env, EPOCH_ENV) ?? firstOf(this.ctx.annotations, EPOCH_ANNOTATIONS);
  }

  get gatewayStatus(): GatewayStatus {
    return this.running ? this.status : 'disconnected';
  }

  get kickCount(): number {
    return this.kicks;
  }

  get role(): string {
    return this.ctx.env['WA_ROLE'] ?? (this.status === 'connected' ? 'primary_master' : 'secondary_master');
  }

  protected override onStart(): void {
    this.log(`coreapp starting (image ${this.ctx.image}) on node ${this.ctx.node ?? 'unknown'}`);
    if (!this.number) {
      this.status = 'unregistered';
      this.log('no phone number configured (set WA_PHONE_NUMBER); gateway unregistered');
      return;
    }
    this.log(`configured for number ${this.number}${this.epoch ? ` at fencing epoch ${this.epoch}` : ''}`);
    this.outside = this.ctx.outsideReachable();
    this.scheduleConnect(this.ctx.timings.coreAppConnectMs);
  }

  protected override onStop(graceful: boolean): void {
    this.halt();
    this.status = 'disconnected';
    if (graceful && this.outside) {
      this.log('shutting down: closing WhatsApp connection');
      this.closeSession();
    } else {
      // A close that cannot reach WhatsApp (partition) leaves the connection half-open until it times out.
      this.doomSession();
    }
  }

  /** The machine running this process vanished: no FIN reaches WhatsApp, the connection times out. */
  vanish(): void {
    if (!this.running) return;
    this.running = false;
    this.halt();
    this.status = 'disconnected';
    this.doomSession();
  }

  /** Process crash on a live machine: the kernel closes the socket, WhatsApp sees it end at once. */
  crash(): void {
    if (!this.running) return;
    this.log('fatal: process crashed');
    this.running = false;
    this.halt();
    this.status = 'disconnected';
    if (this.outside) this.closeSession();
    else this.doomSession();
  }

  protected override onFaultsChanged(): void {
    if (!this.running || !this.number) return;
    if (this.currentFaults.gatewayDisconnected) {
      this.clearTimer();
      this.closeSession();
      this.status = 'disconnected';
      this.log('gateway disconnected (injected fault)');
    } else if (!this.session && this.status === 'disconnected' && !this.fencedReason) {
      this.log('gateway fault cleared; reconnecting');
      this.status = 'connecting';
      this.scheduleConnect(this.ctx.timings.coreAppConnectMs);
    }
  }

  get fenced(): string | undefined {
    return this.fencedReason;
  }

  /** Fencing agent verdict: stop holding the number (reason set) or go back to it (undefined). */
  override fence(reason: string | undefined): void {
    if (!this.running || !this.number) return;
    if (reason !== undefined) {
      if (this.fencedReason !== undefined) return;
      this.fencedReason = reason;
      this.clearTimer();
      this.status = 'disconnected';
      this.log(`fenced: ${reason}; WhatsApp connection closed`);
      // A close that cannot reach WhatsApp leaves the connection to time out on its side.
      if (this.outside) this.closeSession();
      else this.doomSession();
      return;
    }
    if (this.fencedReason === undefined) return;
    this.fencedReason = undefined;
    this.log('unfenced: lease valid again');
    if (!this.currentFaults.gatewayDisconnected) this.scheduleConnect(this.ctx.timings.coreAppConnectMs);
  }

  private blocked(): boolean {
    return this.currentFaults.gatewayDisconnected === true || this.fencedReason !== undefined;
  }

  protected serve(req: SimHttpRequest): SimHttpResponse {
    if (req.method === 'GET' && req.path === '/v1/health') {
      return jsonResponse(200, { health: { gateway_status: this.status } });
    }
    if (req.method === 'GET' && req.path === '/metrics') {
      return textResponse(
        200,
        [
          '# TYPE whatsapp_gateway_connected gauge',
          `whatsapp_gateway_connected ${this.status === 'connected' ? 1 : 0}`,
          '# TYPE whatsapp_gateway_kicked_total counter',
          `whatsapp_gateway_kicked_total ${this.kicks}`,
          '',
        ].join('\n'),
        'text/plain; version=0.0.4',
      );
    }
    return jsonResponse(404, { errors: [{ code: 404, title: 'Not found' }] });
  }

  private scheduleConnect(ms: number): void {
    this.clearTimer();
    if (this.status !== 'connected') this.status = 'connecting';
    this.timer = setTimeout(() => this.connect(), ms);
  }

  private connect(): void {
    this.timer = undefined;
    const number = this.number;
    if (!this.running || !number || this.blocked()) return;
    const agent = this.ctx.podPeers().find((p): p is FencingAgentProcess => p instanceof FencingAgentProcess);
    if (agent && !agent.permits()) {
      // The agent unfences (and so reconnects) this process once its lease is valid.
      this.fence(agent.reason() ?? 'lease not valid');
      return;
    }
    if (!this.outside) {
      this.scheduleConnect(Math.max(100, this.ctx.timings.coreAppConnectMs));
      return;
    }
    if (this.session) {
      this.session.reconnect();
    } else {
      this.doomed = false;
      this.session = this.ctx.network.attach({
        number,
        cluster: this.ctx.cluster,
        namespace: this.ctx.namespace,
        pod: this.ctx.pod,
        podUid: this.ctx.podUid,
        container: this.ctx.container,
        node: this.ctx.node,
        zone: this.ctx.zone,
        epoch: this.epoch,
        onKicked: () => this.onKicked(),
      });
    }
    this.status = 'connected';
    this.log(`connected to WhatsApp as ${number}`);
  }

  private onKicked(): void {
    if (this.doomed || !this.running) {
      // Nobody is left to hear the kick: the server just closes the stale connection.
      this.closeSession();
      return;
    }
    this.kicks++;
    if (!this.outside) return;
    this.status = 'disconnected';
    this.log('connection replaced: another instance connected for this number (conflict)');
    if (this.ctx.timings.kickedRetryMs > 0) this.scheduleConnect(this.ctx.timings.kickedRetryMs);
    else this.clearTimer();
  }

  /** Called by the runtime when the cluster is partitioned or healed. */
  override reachabilityChanged(): void {
    if (!this.running || !this.number) return;
    const outside = this.ctx.outsideReachable();
    if (outside === this.outside) return;
    this.outside = outside;
    if (!outside) {
      this.log('network unreachable: lost contact with WhatsApp servers');
      this.status = 'connecting';
      if (this.session) {
        const session = this.session;
        this.dropTimer = setTimeout(() => {
          this.dropTimer = undefined;
          if (this.session === session) this.closeSession();
        }, this.ctx.timings.connectionDropMs);
        this.dropTimer.unref();
      }
    } else {
      this.log('network reachable again');
      if (this.dropTimer) clearTimeout(this.dropTimer);
      this.dropTimer = undefined;
      if (this.fencedReason !== undefined) {
        // The close the fence asked for while cut off reaches WhatsApp now: no revival while fenced.
        this.closeSession();
      } else if (this.session?.connected) {
        this.status = 'connected';
      } else if (this.kicks > 0 && this.session && this.ctx.timings.kickedRetryMs === 0) {
        this.status = 'disconnected';
        this.log('connection replaced while unreachable (conflict)');
      } else if (!this.blocked()) {
        this.scheduleConnect(0);
      }
    }
  }

  private halt(): void {
    this.clearTimer();
  }

  private doomSession(): void {
    const session = this.session;
    if (!session) return;
    this.doomed = true;
    if (this.dropTimer) return;
    const ms = this.ctx.timings.connectionDropMs;
    if (ms <= 0) {
      this.closeSession();
      return;
    }
    this.dropTimer = setTimeout(() => {
      this.dropTimer = undefined;
      if (this.session === session) this.closeSession();
    }, ms);
    this.dropTimer.unref();
  }

  private closeSession(): void {
    if (this.dropTimer) clearTimeout(this.dropTimer);
    this.dropTimer = undefined;
    this.session?.close();
    this.session = undefined;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function firstOf(values: Record<string, string>, keys: string[]): string | undefined {
  for (const k of keys) {
    const v = values[k];
    if (v) return v;
  }
  return undefined;
}
