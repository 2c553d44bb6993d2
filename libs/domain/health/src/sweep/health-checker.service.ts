import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { clusterTarget, KUBE_GATEWAY, POD_SET_NAMES } from '@bsp/domain-provisioning';
import type { ClusterReachability, KubeGateway } from '@bsp/kube';
import { classify } from '../classify/health.classifier';
import { applyHysteresis, type HysteresisState, INITIAL_HYSTERESIS } from '../classify/health.hysteresis';
import { HEALTH_OBSERVER, type HealthObserver } from '../health.observer';
import { HealthSettings } from '../health.settings';
import type {
  CoreAppPod,
  HealthCause,
  HealthStatus,
  PodsSignal,
  ProbeSignal,
  RawVerdict,
} from '../health.types';
import { HEALTH_VERDICT_LISTENER, type HealthVerdictListener } from '../health-verdict.listener';
import { readPodSet } from '../signals/coreapp-pod.reader';
import { leaseSignal } from '../signals/lease.signal';
import { parseWebAppHealth } from '../signals/webapp-health.parser';
import type { ClusterReachabilityRecord, NumberHealthRecord } from '../store/health-record';
import { type HealthChange, HealthRepository, type HealthTarget } from '../store/health.repository';
import { HealthStatusStore, type HealthWrite, type StoredHealth } from '../store/health-status.store';
import { ProbeLimiter } from './probe-limiter';

/** What one check of a number concluded. */
export interface HealthCheckOutcome {
  numberId: string;
  status: HealthStatus | null;
  cause: HealthCause | null;
  since: string | null;
  verdict: HealthStatus;
  reason: string;
  changed: boolean;
  flapping: boolean;
  /** false when another check wrote the number's record in between (this result was dropped). */
  recorded: boolean;
}

interface Evaluated {
  target: HealthTarget;
  stored: StoredHealth | undefined;
  record: NumberHealthRecord;
  raw: RawVerdict;
  changed: boolean;
}

/** The probe is bounded by its own deadline; this is the backstop should anything before it hang. */
const DEADLINE_SLACK_MS = 1_000;

/**
 * Checks a batch of numbers: one Redis read, the probes (bounded by the worker-wide limiter and
 * each by its deadline), the pods from the watch caches, one Redis write, and PostgreSQL only for
 * numbers whose status changed. Shared by the shard sweeps and out-of-band checks.
 */
@Injectable()
export class HealthChecker {
  private readonly logger = new Logger(HealthChecker.name);

  constructor(
    private readonly settings: HealthSettings,
    private readonly store: HealthStatusStore,
    private readonly repository: HealthRepository,
    private readonly limiter: ProbeLimiter,
    @Inject(KUBE_GATEWAY) private readonly kube: KubeGateway,
    @Optional() @Inject(HEALTH_VERDICT_LISTENER) private readonly listener?: HealthVerdictListener,
    @Optional() @Inject(HEALTH_OBSERVER) private readonly observer?: HealthObserver,
  ) {}

  async check(targets: readonly HealthTarget[]): Promise<HealthCheckOutcome[]> {
    if (targets.length === 0) return [];
    const stored = await this.store.read(targets.map((t) => t.numberId));
    // One probe per batch is the canary of a cluster already known unreachable: its answer (or
    // the refused connection) is what tells the cluster is back.
    const canaries = new Set<string>();
    const evaluated = await Promise.all(
      targets.map((t) => this.evaluate(t, stored.get(t.numberId), canaries)),
    );

    const clusters = new Map<string, ClusterReachabilityRecord>();
    for (const e of evaluated)
      clusters.set(e.target.clusterId, {
        clusterId: e.target.clusterId,
        name: e.target.clusterName,
        reachability: e.record.check.reachability,
        at: e.record.check.at,
      });
    const writes: HealthWrite[] = evaluated.map((e) => ({
      numberId: e.target.numberId,
      expectedRev: e.stored?.rev ?? 0,
      record: e.record,
    }));
    const written = await this.store.write(writes, [...clusters.values()], this.settings.stateTtlMs);

    // PostgreSQL follows the decided status whenever it differs, which also repairs a change lost
    // between the two writes (a crash after Redis, a lost race).
    const changes: HealthChange[] = evaluated
      .filter((e) => written.has(e.target.numberId))
      .filter(
        (e) => e.record.hysteresis.status !== null && e.record.hysteresis.status !== e.target.healthStatus,
      )
      .map((e) => ({
        numberId: e.target.numberId,
        from: e.target.healthStatus,
        to: e.record.hysteresis.status!,
        placementId: e.target.placementId,
        clusterId: e.target.clusterId,
        reason: e.raw.reason,
        detail: transitionDetail(e.record),
      }));
    const applied = changes.length > 0 ? await this.repository.recordChanges(changes) : [];
    for (const c of applied) this.observer?.transitioned(c.from, c.to);

    const outcomes = evaluated.map((e): HealthCheckOutcome => {
      const h = e.record.hysteresis;
      return {
        numberId: e.target.numberId,
        status: h.status,
        cause: h.cause,
        since: h.since,
        verdict: e.raw.verdict,
        reason: e.raw.reason,
        changed: e.changed,
        flapping: e.record.flapping,
        recorded: written.has(e.target.numberId),
      };
    });
    await this.tellListener(evaluated.filter((e) => written.has(e.target.numberId)));
    return outcomes;
  }

  private async evaluate(
    target: HealthTarget,
    stored: StoredHealth | undefined,
    canaries: Set<string>,
  ): Promise<Evaluated> {
    const started = performance.now();
    const now = new Date();
    const cluster = clusterTarget({
      id: target.clusterId,
      name: target.clusterName,
      credentialsRef: target.credentialsRef,
    });
    let probe: ProbeSignal;
    if (this.kube.reachability(target.clusterName) === 'unreachable' && canaries.has(target.clusterId)) {
      probe = { kind: 'skipped' };
    } else {
      canaries.add(target.clusterId);
      probe = await this.limiter.run(() => this.probe(cluster, target.namespace));
    }
    const reachability: ClusterReachability = this.kube.reachability(target.clusterName);
    const pods = this.pods(cluster, target.namespace, reachability);
    const previous = stored?.record;
    const samePlacement = previous?.check.placementId === target.placementId;
    if (pods.kind === 'observed')
      pods.coreapp = withRestartTime(pods.coreapp, samePlacement ? previous?.check.coreapp : null, now);
    const lease = leaseSignal(target.lease, this.settings.leaseRenewIntervalMs);
    const hysteresis: HysteresisState = previous?.hysteresis ?? seed(target);
    const raw = classify(
      { reachability, probe, pods, lease },
      {
        connectingStreak: hysteresis.connectingStreak,
        connectingLimit: this.settings.hysteresis.failureThreshold,
        recentRestartMs: this.settings.recentRestartMs,
        now: now.getTime(),
      },
    );
    const result = applyHysteresis(hysteresis, raw, now, this.settings.hysteresis);
    const durationMs = performance.now() - started;
    this.observer?.checked(raw.verdict, durationMs);
    return {
      target,
      stored,
      raw,
      changed: result.changed,
      record: {
        hysteresis: result.state,
        flapping: result.flapping,
        check: {
          at: now.toISOString(),
          durationMs: Math.round(durationMs),
          verdict: raw.verdict,
          reason: raw.reason,
          placementId: target.placementId,
          clusterId: target.clusterId,
          namespace: target.namespace,
          reachability,
          probe:
            probe.kind === 'answered'
              ? {
                  outcome: 'answered',
                  httpStatus: probe.httpStatus,
                  error: null,
                  durationMs: Math.round(probe.durationMs),
                }
              : probe.kind === 'failed'
                ? {
                    outcome: 'failed',
                    httpStatus: null,
                    error: probe.error,
                    durationMs: Math.round(probe.durationMs),
                  }
                : { outcome: 'skipped', httpStatus: null, error: null, durationMs: null },
          gateway: probe.kind === 'answered' ? (probe.nodes ?? []) : [],
          coreapp: pods.kind === 'observed' ? pods.coreapp : null,
          webapp: pods.kind === 'observed' ? pods.webapp : null,
          lease,
        },
      },
    };
  }

  private async probe(cluster: ReturnType<typeof clusterTarget>, namespace: string): Promise<ProbeSignal> {
    const timeoutMs = this.settings.probeTimeoutMs;
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = await Promise.race([
        this.kube.proxyGet(
          cluster,
          { namespace, service: POD_SET_NAMES.webapp, port: 443, scheme: 'https', path: '/v1/health' },
          { timeoutMs },
        ),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${timeoutMs} ms`)),
            timeoutMs + DEADLINE_SLACK_MS,
          );
        }),
      ]);
      return {
        kind: 'answered',
        httpStatus: answer.status,
        nodes: answer.status === 200 ? parseWebAppHealth(answer.body) : null,
        durationMs: performance.now() - started,
      };
    } catch (error) {
      const durationMs = performance.now() - started;
      return {
        kind: 'failed',
        error: probeError(error),
        timedOut: durationMs >= timeoutMs,
        durationMs,
      };
    } finally {
      clearTimeout(timer);
    }
  }

  private pods(
    cluster: ReturnType<typeof clusterTarget>,
    namespace: string,
    reachability: ClusterReachability,
  ): PodsSignal {
    if (reachability === 'unreachable') return { kind: 'unavailable' };
    const cache = this.kube.cache(cluster);
    if (!cache.isSynced()) return { kind: 'unavailable' };
    return readPodSet(cache.inNamespace(namespace), {
      coreapp: POD_SET_NAMES.coreapp,
      webapp: POD_SET_NAMES.webapp,
    });
  }

  private async tellListener(evaluated: readonly Evaluated[]): Promise<void> {
    const listener = this.listener;
    if (!listener) return;
    const events = evaluated.filter((e) => {
      const status = e.record.hysteresis.status;
      return status === 'unhealthy' || (status === 'unknown' && e.record.check.lease.state === 'lapsed');
    });
    await Promise.all(
      events.map(async (e) => {
        const h = e.record.hysteresis;
        try {
          await listener.onUnhealthy({
            numberId: e.target.numberId,
            tenantId: e.target.tenantId,
            placementId: e.target.placementId,
            clusterId: e.target.clusterId,
            cause: h.cause ?? 'unhealthy',
            reason: e.raw.reason,
            since: h.since ?? e.record.check.at,
          });
        } catch (error) {
          this.logger.warn(
            { numberId: e.target.numberId, error: error instanceof Error ? error.message : String(error) },
            'health verdict listener failed',
          );
        }
      }),
    );
  }
}

/** A number seen for the first time (or whose record expired): hysteresis starts from PostgreSQL's status. */
function seed(target: HealthTarget): HysteresisState {
  return {
    ...INITIAL_HYSTERESIS,
    status: target.healthStatus,
    since: target.healthChangedAt?.toISOString() ?? null,
    cause:
      target.healthStatus === 'unhealthy'
        ? 'unhealthy'
        : target.healthStatus === 'unknown'
          ? 'cluster_unreachable'
          : null,
  };
}

/**
 * When the pod does not say when its container last terminated, a restart count that grew since
 * the previous check dates the restart to now; otherwise the previous date stands.
 */
function withRestartTime(pod: CoreAppPod, previous: CoreAppPod | null | undefined, now: Date): CoreAppPod {
  if (pod.lastRestartAt || pod.restarts === 0) return pod;
  if (previous && previous.name === pod.name) {
    if (pod.restarts > previous.restarts) return { ...pod, lastRestartAt: now.toISOString() };
    return { ...pod, lastRestartAt: previous.lastRestartAt };
  }
  return pod;
}

/** What a transition row keeps of the check that decided it (no credentials: there are none in it). */
function transitionDetail(record: NumberHealthRecord): unknown {
  const c = record.check;
  return {
    verdict: c.verdict,
    reachability: c.reachability,
    probe: c.probe,
    gateway: c.gateway,
    coreapp: c.coreapp,
    webapp: c.webapp,
    lease: c.lease,
    flapping: record.flapping,
  };
}

function probeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // "cluster x: proxy GET ns/webapp/v1/health: <why>": the why is what a reader needs.
  const why = message.split(': ').slice(2).join(': ');
  return (why || message).slice(0, 300);
}
