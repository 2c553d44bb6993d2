import { randomUUID } from 'node:crypto';
import { type RequestInfo } from '../store/object-store';

/** One API server fault rule: matching requests fail with one of `errors` at `errorRate`, and/or wait `latencyMs`. */
export interface ApiFaultRule {
  id: string;
  /** get, list, watch, create, update, patch, delete, deletecollection; unset = any. */
  verb?: string;
  /** Plural resource, optionally with subresource ("pods", "deployments/scale"); unset = any. */
  resource?: string;
  namespace?: string;
  /** 0..1; unset = 1 when errors are given, else 0. */
  errorRate?: number;
  /** HTTP codes to answer with (500, 409, 429, 503, 504); one is picked at random. */
  errors?: number[];
  latencyMs?: number;
  /** Applies to this many matching requests, then expires; unset = until removed. */
  count?: number;
}

export type ApiFaultDecision = { delayMs: number; error?: number };

export class ApiFaults {
  private rules: ApiFaultRule[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  add(rule: Omit<ApiFaultRule, 'id'> & { id?: string }): ApiFaultRule {
    const r: ApiFaultRule = { ...rule, id: rule.id ?? randomUUID() };
    for (const code of r.errors ?? []) {
      if (!Number.isInteger(code) || code < 400 || code > 599) throw new Error(`invalid error code ${code}`);
    }
    this.rules.push(r);
    return r;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  list(): ApiFaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  decide(info: RequestInfo): ApiFaultDecision {
    let delayMs = 0;
    let error: number | undefined;
    for (const r of this.rules) {
      if (r.verb && r.verb !== info.verb) continue;
      if (r.resource) {
        const full = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
        if (r.resource !== full && r.resource !== info.resource) continue;
      }
      if (r.namespace && r.namespace !== info.namespace) continue;
      if (r.count !== undefined) {
        if (r.count <= 0) continue;
        r.count--;
      }
      delayMs += r.latencyMs ?? 0;
      const rate = r.errorRate ?? (r.errors?.length ? 1 : 0);
      if (error === undefined && r.errors?.length && this.random() < rate) {
        error = r.errors[Math.floor(this.random() * r.errors.length)];
      }
    }
    this.rules = this.rules.filter((r) => r.count === undefined || r.count > 0);
    return { delayMs, error };
  }
}
