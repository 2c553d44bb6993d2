import { type ChangeType, type ClusterApi } from './cluster-api';
import { type Obj } from './k8s-types';

export interface ReconcileResult {
  requeueAfterMs?: number;
}

/**
 * A level-triggered controller: changes map to keys, each key is reconciled from current state,
 * one key at a time, with de-duplication and delayed requeues.
 */
export abstract class Controller {
  abstract readonly name: string;
  private readonly pending = new Set<string>();
  private readonly delayed = new Map<string, { timer: NodeJS.Timeout; due: number }>();
  private readonly failures = new Map<string, number>();
  private draining = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(protected readonly api: ClusterApi) {}

  /** Keys to reconcile for a change; return [] to ignore it. */
  abstract keysFor(type: ChangeType, resource: string, obj: Obj): string[];
  abstract reconcile(key: string): Promise<ReconcileResult | void>;
  /** Every key this controller owns, for periodic resync. */
  abstract allKeys(): Promise<string[]>;

  enqueue(key: string, afterMs = 0): void {
    if (this.stopped) return;
    if (afterMs > 0) {
      const due = Date.now() + afterMs;
      const existing = this.delayed.get(key);
      if (existing && existing.due <= due) return;
      if (existing) clearTimeout(existing.timer);
      const timer = setTimeout(() => {
        this.delayed.delete(key);
        this.enqueue(key);
      }, afterMs);
      timer.unref();
      this.delayed.set(key, { timer, due });
      return;
    }
    this.pending.add(key);
    if (!this.draining) {
      this.draining = true;
      setImmediate(() => void this.drain());
    }
  }

  async resync(): Promise<void> {
    for (const k of await this.allKeys()) this.enqueue(k);
  }

  stop(): void {
    this.stopped = true;
    for (const d of this.delayed.values()) clearTimeout(d.timer);
    this.delayed.clear();
    this.pending.clear();
  }

  /** Resolves when no key is pending (used by tests and benchmarks to settle). */
  idle(): Promise<void> {
    if (!this.draining && this.pending.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private async drain(): Promise<void> {
    while (this.pending.size > 0 && !this.stopped) {
      const key = this.pending.values().next().value as string;
      this.pending.delete(key);
      try {
        const result = await this.reconcile(key);
        this.failures.delete(key);
        if (result?.requeueAfterMs !== undefined) this.enqueue(key, Math.max(1, result.requeueAfterMs));
      } catch (err) {
        const n = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, n);
        // Conflicts are routine (someone wrote first): retry fast; other errors back off.
        const code = (err as { code?: number }).code;
        const delay = code === 409 ? 5 : Math.min(5000, 20 * 2 ** Math.min(n, 8));
        if (code !== 409 && code !== 404 && n % 10 === 1) {
          console.error(`[kube-sim] ${this.name} ${key}: ${(err as Error).message}`);
        }
        this.enqueue(key, delay);
      }
    }
    this.draining = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

export function keyOf(obj: Obj): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name;
}

export function splitKey(key: string): [string | undefined, string] {
  const i = key.indexOf('/');
  return i < 0 ? [undefined, key] : [key.slice(0, i), key.slice(i + 1)];
}
