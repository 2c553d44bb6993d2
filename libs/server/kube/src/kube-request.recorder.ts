import type { ClusterReachability } from './kube-gateway';

/** `apply` is the server-side apply PATCH; `list` and `watch` come from the managed-object cache. */
export type KubeVerb = 'apply' | 'get' | 'delete' | 'list' | 'watch';

/** One finished API request (a watch counts once, when its answer or failure arrives). */
export interface KubeRequestSample {
  cluster: string;
  verb: KubeVerb;
  /** Plural resource name (`statefulsets`), as in the API server's own metrics. */
  resource: string;
  /** HTTP status; 0 when no answer arrived (unreachable, connection lost, timed out). */
  code: number;
  durationMs: number;
}

/** Called synchronously for every request; the worker turns these into `bsp_kube_api_requests_total`. */
export type KubeRequestObserver = (sample: KubeRequestSample) => void;

export interface KubeRequestCount {
  cluster: string;
  verb: KubeVerb;
  resource: string;
  code: number;
  count: number;
}

export type KubeRequestFilter = Partial<Pick<KubeRequestCount, 'cluster' | 'verb' | 'resource' | 'code'>>;

/**
 * Exact request counts per cluster/verb/resource/code and each cluster's reachability: any HTTP
 * answer means reachable; it becomes unreachable only after UNREACHABLE_AFTER requests in a row got
 * no answer, so one timeout under load does not take a cluster out of placement.
 */
const UNREACHABLE_AFTER = 3;
/**
 * An unreachable cluster reads `unknown` again this long after its last unanswered request, so
 * callers that skip unreachable clusters send one more request (a half-open circuit): without it,
 * a cluster that came back would stay unreachable for whoever only talks to reachable clusters.
 */
export const UNREACHABLE_RECHECK_MS = 10_000;

export class KubeRequestRecorder {
  private readonly counters = new Map<string, KubeRequestCount>();
  private readonly lastOutcome = new Map<string, ClusterReachability>();
  private readonly silentInARow = new Map<string, number>();
  private readonly lastSilentAt = new Map<string, number>();

  constructor(
    private readonly observer?: KubeRequestObserver,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * `reachabilityEvidence: false`: the request is counted, but its outcome says nothing about the
   * cluster (a proxied request that timed out may have waited on a hanging container).
   */
  record(sample: KubeRequestSample, options: { reachabilityEvidence?: boolean } = {}): void {
    const key = `${sample.cluster}\u0000${sample.verb}\u0000${sample.resource}\u0000${sample.code}`;
    const counter = this.counters.get(key);
    if (counter) counter.count++;
    else
      this.counters.set(key, {
        cluster: sample.cluster,
        verb: sample.verb,
        resource: sample.resource,
        code: sample.code,
        count: 1,
      });
    if (options.reachabilityEvidence !== false) this.track(sample);
    this.observer?.(sample);
  }

  private track(sample: KubeRequestSample): void {
    if (sample.code !== 0) {
      this.silentInARow.set(sample.cluster, 0);
      this.lastOutcome.set(sample.cluster, 'reachable');
    } else {
      const silent = (this.silentInARow.get(sample.cluster) ?? 0) + 1;
      this.silentInARow.set(sample.cluster, silent);
      this.lastSilentAt.set(sample.cluster, this.now());
      if (silent >= UNREACHABLE_AFTER || !this.lastOutcome.has(sample.cluster)) {
        this.lastOutcome.set(sample.cluster, 'unreachable');
      }
    }
  }

  counts(filter: KubeRequestFilter = {}): KubeRequestCount[] {
    return [...this.counters.values()]
      .filter(
        (c) =>
          (filter.cluster === undefined || c.cluster === filter.cluster) &&
          (filter.verb === undefined || c.verb === filter.verb) &&
          (filter.resource === undefined || c.resource === filter.resource) &&
          (filter.code === undefined || c.code === filter.code),
      )
      .map((c) => ({ ...c }));
  }

  total(filter: KubeRequestFilter = {}): number {
    return this.counts(filter).reduce((sum, c) => sum + c.count, 0);
  }

  reset(): void {
    this.counters.clear();
  }

  reachability(cluster: string): ClusterReachability {
    const outcome = this.lastOutcome.get(cluster) ?? 'unknown';
    if (outcome !== 'unreachable') return outcome;
    const silentFor = this.now() - (this.lastSilentAt.get(cluster) ?? 0);
    return silentFor >= UNREACHABLE_RECHECK_MS ? 'unknown' : 'unreachable';
  }
}
