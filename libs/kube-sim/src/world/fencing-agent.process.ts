import { EPOCH_ANNOTATIONS, EPOCH_ENV } from './epoch-keys';
import { jsonResponse, type SimHttpRequest, type SimHttpResponse } from './sim-http';
import { SimProcess, type ProcessKind } from './sim-process';

interface LeaseLike {
  metadata?: { annotations?: Record<string, string> };
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string; acquireTime?: string };
}

/**
 * A fencing sidecar: it watches a Lease in its own cluster (reachable even when the cluster is cut
 * off from the control plane, which renews the lease from outside) and fences the CoreApps of its
 * pod while the lease is missing, expired, held by someone else, or carries a newer epoch.
 *
 * Configuration (environment): FENCE_LEASE_NAME (required; without it the agent only idles),
 * FENCE_LEASE_NAMESPACE (default: the pod's), FENCE_HOLDER_IDENTITY (optional: the lease's
 * holderIdentity must equal it), FENCE_CHECK_INTERVAL_MS, and the instance's epoch in
 * BSP_FENCING_EPOCH (compared with the lease annotation bsp.io/fencing-epoch when both are set).
 */
export class FencingAgentProcess extends SimProcess {
  readonly kind: ProcessKind = 'fencing-agent';
  private timer: NodeJS.Timeout | undefined;
  private verdict: string | undefined = 'not checked yet';
  private checks = 0;
  private lastSeen: LeaseLike | undefined;

  get leaseName(): string | undefined {
    return this.ctx.env['FENCE_LEASE_NAME'] || undefined;
  }

  /** Whether the CoreApps of this pod may hold their number right now. */
  permits(): boolean {
    return this.leaseName === undefined || this.verdict === undefined;
  }

  reason(): string | undefined {
    return this.verdict;
  }

  protected override onStart(): void {
    this.log(`fencing agent started (image ${this.ctx.image})`);
    if (!this.leaseName) {
      this.verdict = undefined;
      this.log('FENCE_LEASE_NAME not set: not fencing');
      return;
    }
    this.check();
    const every = Number(this.ctx.env['FENCE_CHECK_INTERVAL_MS']) || this.ctx.timings.fenceCheckMs;
    this.timer = setInterval(() => this.check(), Math.max(10, every));
    this.timer.unref();
  }

  protected override onStop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  protected serve(req: SimHttpRequest): SimHttpResponse {
    if (req.method !== 'GET') return jsonResponse(405, { error: 'method not allowed' });
    const body = {
      fenced: !this.permits(),
      reason: this.verdict ?? null,
      lease: this.leaseName ?? null,
      checks: this.checks,
    };
    return jsonResponse(200, body);
  }

  private check(): void {
    this.checks++;
    const next = this.evaluate();
    if (next !== this.verdict) {
      this.log(next === undefined ? `lease ${this.leaseName} valid: instance may run` : `fencing: ${next}`);
      this.verdict = next;
    }
    for (const p of this.ctx.podPeers()) if (p.kind === 'coreapp') p.fence(this.verdict);
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
