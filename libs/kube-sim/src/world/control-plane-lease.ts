import { performance } from 'node:perf_hooks';

/** What the agent tells the control plane about the instance it guards. */
export interface RenewBody {
  placementId: string;
  epoch: string;
  pod: string;
  namespace: string;
}

export type RenewOutcome =
  | { kind: 'granted'; leaseDurationMs: number; renewIntervalMs: number | undefined }
  | { kind: 'refused'; code: string }
  | { kind: 'failed'; error: string };

export interface ControlPlaneLeaseOptions {
  url: URL;
  token: string | undefined;
  body: RenewBody;
  /** FENCE_RENEW_INTERVAL_MS: wins over the interval the control plane asks for. */
  renewIntervalMs: number | undefined;
  /** Until the control plane has named an interval. */
  initialIntervalMs: number;
  requestTimeoutMs: number;
  /** Whether the pod can reach outside its cluster right now. */
  reachable: () => boolean;
  /** After every answer and when the deadline passes: the verdict may have changed. */
  onChange: () => void;
  log: (text: string) => void;
}

/**
 * Renews an activation lease with the control plane over HTTP, one request at a time. The lease is
 * valid until the monotonic time taken just before the granted request was sent plus the granted
 * duration: the control plane starts its own count later, so the agent always gives up first.
 */
export class ControlPlaneLease {
  private deadline: number | undefined;
  /** Wall-clock time the last granted request was sent, for the expiry reason. */
  private grantedSince: string | undefined;
  private refusal: string | undefined;
  private serverIntervalMs: number | undefined;
  private inFlight: AbortController | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private lastFailure: string | undefined;
  private stopped = false;
  readonly counts = { renewals: 0, refusals: 0, failures: 0 };

  constructor(private readonly opts: ControlPlaneLeaseOptions) {}

  start(): void {
    void this.renew();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.renewTimer);
    clearTimeout(this.expiryTimer);
    this.inFlight?.abort();
  }

  /** The cluster was cut off: open connections are reset, as a partition does to TCP. */
  dropConnections(): void {
    this.inFlight?.abort();
  }

  /** Why the instance must not run now, or undefined when the lease is valid. */
  verdict(now = performance.now()): string | undefined {
    if (this.refusal !== undefined) return `lease refused: ${this.refusal}`;
    if (this.deadline === undefined) return 'no lease granted yet';
    if (now >= this.deadline) return `lease expired: could not renew since ${this.grantedSince}`;
    return undefined;
  }

  validForMs(now = performance.now()): number {
    if (this.refusal !== undefined || this.deadline === undefined) return 0;
    return Math.max(0, Math.floor(this.deadline - now));
  }

  private async renew(): Promise<void> {
    if (this.stopped || this.inFlight) return;
    const controller = new AbortController();
    this.inFlight = controller;
    const sentAt = performance.now();
    const sentWall = new Date().toISOString();
    const outcome = this.opts.reachable()
      ? await requestRenewal(this.opts, controller.signal)
      : ({ kind: 'failed', error: 'network is unreachable' } as const);
    this.inFlight = undefined;
    if (this.stopped) return;
    this.apply(outcome, sentAt, sentWall);
    this.opts.onChange();
    this.scheduleRenewal(sentAt);
  }

  private apply(outcome: RenewOutcome, sentAt: number, sentWall: string): void {
    switch (outcome.kind) {
      case 'granted':
        this.counts.renewals++;
        this.refusal = undefined;
        this.lastFailure = undefined;
        this.deadline = sentAt + outcome.leaseDurationMs;
        this.grantedSince = sentWall;
        this.serverIntervalMs = outcome.renewIntervalMs ?? this.serverIntervalMs;
        this.armExpiry();
        return;
      case 'refused':
        this.counts.refusals++;
        this.refusal = outcome.code;
        this.deadline = undefined;
        clearTimeout(this.expiryTimer);
        return;
      case 'failed':
        this.counts.failures++;
        if (outcome.error !== this.lastFailure) this.opts.log(`lease renewal failed: ${outcome.error}`);
        this.lastFailure = outcome.error;
    }
  }

  /** Fences at the deadline itself rather than at the next periodic check. */
  private armExpiry(): void {
    clearTimeout(this.expiryTimer);
    const ms = Math.max(0, Math.ceil((this.deadline ?? 0) - performance.now()) + 1);
    this.expiryTimer = setTimeout(() => this.opts.onChange(), ms);
    this.expiryTimer.unref();
  }

  private scheduleRenewal(sentAt: number): void {
    const every = this.opts.renewIntervalMs ?? this.serverIntervalMs ?? this.opts.initialIntervalMs;
    const ms = Math.max(0, sentAt + Math.max(10, every) - performance.now());
    this.renewTimer = setTimeout(() => void this.renew(), ms);
    this.renewTimer.unref();
  }
}

async function requestRenewal(opts: ControlPlaneLeaseOptions, signal: AbortSignal): Promise<RenewOutcome> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (opts.token) headers['Authorization'] = `Bearer ${opts.token}`;
  try {
    const res = await fetch(opts.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(opts.body),
      // A redirect is not part of the protocol; following one could carry the token elsewhere.
      redirect: 'error',
      signal: AbortSignal.any([signal, AbortSignal.timeout(opts.requestTimeoutMs)]),
    });
    return classifyAnswer(res.status, await res.text());
  } catch (err) {
    return { kind: 'failed', error: describeError(err, opts.requestTimeoutMs) };
  }
}

export function classifyAnswer(status: number, text: string): RenewOutcome {
  const body = parseObject(text);
  if (status >= 400 && status < 500) return { kind: 'refused', code: problemCode(body) ?? String(status) };
  if (status < 200 || status >= 300) return { kind: 'failed', error: `HTTP ${status}` };
  if (body?.['granted'] === false) return { kind: 'refused', code: problemCode(body) ?? 'not granted' };
  const duration = positive(body?.['leaseDurationMs']);
  if (body?.['granted'] !== true || duration === undefined)
    return { kind: 'failed', error: `unusable answer (HTTP ${status})` };
  return { kind: 'granted', leaseDurationMs: duration, renewIntervalMs: positive(body['renewIntervalMs']) };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function problemCode(body: Record<string, unknown> | undefined): string | undefined {
  const code = body?.['code'];
  if (typeof code === 'number') return String(code);
  return typeof code === 'string' && code.trim() ? code.trim().slice(0, 100) : undefined;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function describeError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (e.name === 'AbortError') return 'connection reset';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}
