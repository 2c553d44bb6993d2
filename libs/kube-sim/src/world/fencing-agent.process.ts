import { ControlPlaneLease } from './control-plane-lease';
import { EPOCH_ANNOTATIONS, EPOCH_ENV } from './epoch-keys';
import { jsonResponse, type SimHttpRequest, type SimHttpResponse } from './sim-http';
import { SimProcess, type ProcessKind } from './sim-process';

interface LeaseLike {
  metadata?: { annotations?: Record<string, string> };
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string; acquireTime?: string };
}

export type FencingMode = 'control-plane' | 'lease-object' | 'idle';

/**
 * A fencing sidecar: it fences the CoreApps of its pod unless the number's lease is valid. Two modes:
 *
 * - control-plane (FENCE_LEASE_URL set): renews the lease with the control plane over HTTP (see
 *   ControlPlaneLease) and fences before the first grant, on a refusal (4xx), and once it could not
 *   renew within the lease duration.
 * - lease-object (FENCE_LEASE_NAME set): watches a Lease in its own cluster (reachable even when the
 *   cluster is cut off from the control plane, which renews the lease from outside) and fences while
 *   the lease is missing, expired, held by someone else, or carries a newer epoch.
 *
 * Lease-object configuration: FENCE_LEASE_NAMESPACE (default: the pod's), FENCE_HOLDER_IDENTITY
 * (optional: the lease's holderIdentity must equal it), and the instance's epoch in
 * BSP_FENCING_EPOCH (compared with the lease annotation bsp.io/fencing-epoch when both are set).
 * Both modes: FENCE_CHECK_INTERVAL_MS. Without either variable the agent only idles.
 */
export class FencingAgentProcess extends SimProcess {
  readonly kind: ProcessKind = 'fencing-agent';
  private timer: NodeJS.Timeout | undefined;
  private verdict: string | undefined = 'not checked yet';
  private checks = 0;
  private lastSeen: LeaseLike | undefined;
  private controlPlane: ControlPlaneLease | undefined;
  private leaseUrl: URL | undefined;

  get leaseName(): string | undefined {
    return this.ctx.env['FENCE_LEASE_NAME'] || undefined;
  }

  get mode(): FencingMode {
    if (this.ctx.env['FENCE_LEASE_URL']) return 'control-plane';
    return this.leaseName ? 'lease-object' : 'idle';
  }

  /** Whether the CoreApps of this pod may hold their number right now. */
  permits(): boolean {
    return this.mode === 'idle' || this.reason() === undefined;
  }

  reason(): string | undefined {
    // Judged now, not at the last check: a CoreApp asking just after the deadline must not connect.
    return this.mode === 'control-plane' ? this.judge() : this.verdict;
  }

  protected override onStart(): void {
    this.log(`fencing agent started (image ${this.ctx.image})`);
    const mode = this.mode;
    if (mode === 'idle') {
      this.verdict = undefined;
      this.log('neither FENCE_LEASE_URL nor FENCE_LEASE_NAME set: not fencing');
      return;
    }
    if (mode === 'control-plane') this.controlPlane = this.createControlPlane();
    // Fenced from the first moment: the first renewal answers asynchronously.
    this.check();
    this.controlPlane?.start();
    const every = Number(this.ctx.env['FENCE_CHECK_INTERVAL_MS']) || this.ctx.timings.fenceCheckMs;
    this.timer = setInterval(() => this.check(), Math.max(10, every));
    this.timer.unref();
  }

  protected override onStop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.controlPlane?.stop();
  }

  override reachabilityChanged(): void {
    if (!this.ctx.outsideReachable()) this.controlPlane?.dropConnections();
  }

  protected serve(req: SimHttpRequest): SimHttpResponse {
    if (req.method !== 'GET') return jsonResponse(405, { error: 'method not allowed' });
    const counts = this.controlPlane?.counts ?? { renewals: 0, refusals: 0, failures: 0 };
    const body = {
      fenced: !this.permits(),
      reason: this.reason() ?? null,
      mode: this.mode,
      lease: this.leaseLabel() ?? null,
      checks: this.checks,
      ...counts,
      validForMs: this.validForMs(),
    };
    return jsonResponse(200, body);
  }

  private createControlPlane(): ControlPlaneLease | undefined {
    const url = parseHttpUrl(this.ctx.env['FENCE_LEASE_URL'] ?? '');
    if (!url) return undefined;
    this.leaseUrl = url;
    const env = this.ctx.env;
    if (!env['FENCE_LEASE_TOKEN']) this.log('FENCE_LEASE_TOKEN not set: renewing without credentials');
    this.log(`renewing the lease with ${url.origin}${url.pathname}`);
    return new ControlPlaneLease({
      url,
      token: env['FENCE_LEASE_TOKEN'] || undefined,
      body: {
        placementId: env['BSP_PLACEMENT_ID'] ?? '',
        epoch: EPOCH_ENV.map((k) => env[k]).find((v) => v) ?? '',
        pod: env['POD_NAME'] || this.ctx.pod,
        namespace: env['POD_NAMESPACE'] || this.ctx.namespace,
      },
      renewIntervalMs: positiveNumber(env['FENCE_RENEW_INTERVAL_MS']),
      initialIntervalMs: Math.min(1000, 4 * this.ctx.timings.fenceCheckMs),
      requestTimeoutMs: positiveNumber(env['FENCE_REQUEST_TIMEOUT_MS']) ?? 2000,
      reachable: () => this.ctx.outsideReachable(),
      onChange: () => {
        if (this.running) this.check();
      },
      log: (text) => this.log(text),
    });
  }

  private leaseLabel(): string | undefined {
    if (this.mode !== 'control-plane') return this.leaseName;
    return this.leaseUrl ? `${this.leaseUrl.origin}${this.leaseUrl.pathname}` : undefined;
  }

  private validForMs(): number {
    if (this.controlPlane) return this.controlPlane.validForMs();
    const spec = this.lastSeen?.spec;
    if (this.mode !== 'lease-object' || this.verdict !== undefined || !spec?.leaseDurationSeconds) return 0;
    const renewed = Date.parse(spec.renewTime ?? spec.acquireTime ?? '');
    return Math.max(0, Math.floor(renewed + spec.leaseDurationSeconds * 1000 - Date.now()));
  }

  private check(): void {
    this.checks++;
    const next = this.judge();
    if (next !== this.verdict) {
      this.log(next === undefined ? this.validMessage() : `fencing: ${next}`);
      this.verdict = next;
    }
    for (const p of this.ctx.podPeers()) if (p.kind === 'coreapp') p.fence(this.verdict);
  }

  private judge(): string | undefined {
    if (this.mode !== 'control-plane') return this.evaluate();
    // A misconfigured agent cannot vouch for any lease: it fences for good.
    return this.controlPlane ? this.controlPlane.verdict() : 'FENCE_LEASE_URL is not an absolute http(s) URL';
  }

  private validMessage(): string {
    if (!this.controlPlane) return `lease ${this.leaseName} valid: instance may run`;
    return `lease granted (valid ${this.controlPlane.validForMs()} ms)`;
  }

  private evaluate(): string | undefined {
    const name = this.leaseName ?? '';
    const ns = this.ctx.env['FENCE_LEASE_NAMESPACE'] || this.ctx.namespace;
    let lease: LeaseLike | undefined;
    try {
      lease = this.ctx.readObject('leases', ns, name) as LeaseLike | undefined;
      this.lastSeen = lease;
    } catch {
      // API server unreachable: judge the last lease seen by the clock, as a real agent must.
      if (!this.lastSeen) return `cannot reach the API server and never saw lease ${ns}/${name}`;
      lease = this.lastSeen;
    }
    if (!lease) return `lease ${ns}/${name} not found`;
    const spec = lease.spec ?? {};
    const renewed = Date.parse(spec.renewTime ?? spec.acquireTime ?? '');
    const duration = spec.leaseDurationSeconds;
    if (!Number.isFinite(renewed) || !duration)
      return `lease ${ns}/${name} has no renewTime or leaseDurationSeconds`;
    if (Date.now() > renewed + duration * 1000)
      return `lease ${ns}/${name} expired at ${new Date(renewed + duration * 1000).toISOString()}`;
    const holder = this.ctx.env['FENCE_HOLDER_IDENTITY'];
    if (holder && spec.holderIdentity !== holder)
      return `lease ${ns}/${name} is held by ${spec.holderIdentity ?? 'nobody'}, not ${holder}`;
    const mine = EPOCH_ENV.map((k) => this.ctx.env[k]).find((v) => v);
    const theirs = EPOCH_ANNOTATIONS.map((k) => lease.metadata?.annotations?.[k]).find((v) => v);
    if (mine && theirs && mine !== theirs) return `epoch ${mine} superseded by ${theirs}`;
    return undefined;
  }
}

function parseHttpUrl(raw: string): URL | undefined {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function positiveNumber(raw: string | undefined): number | undefined {
  const n = Number(raw);
  return raw && Number.isFinite(n) && n > 0 ? n : undefined;
}
