import type { HealthCause, HealthStatus, RawVerdict } from '../health.types';

export interface HysteresisSettings {
  /** Consecutive failing checks before the status worsens (HEALTH_FAILURE_THRESHOLD). */
  failureThreshold: number;
  /** Consecutive better checks before it improves (HEALTH_SUCCESS_THRESHOLD); doubled while flapping. */
  successThreshold: number;
  /** More status changes than this inside the window: the number is flapping. */
  flapLimit: number;
  flapWindowMs: number;
}

/** What hysteresis remembers of a number between checks (kept in Redis with the latest check). */
export interface HysteresisState {
  /** null until the first decision (a first failing verdict still has to reach the threshold). */
  status: HealthStatus | null;
  cause: HealthCause | null;
  /** When the status last changed (ISO). */
  since: string | null;
  /** The latest raw verdicts, oldest first (as many as the thresholds need). */
  recent: HealthStatus[];
  /** Checks in a row in which the gateway reported `connecting`. */
  connectingStreak: number;
  /** When the status changed recently (ISO), for flap damping. */
  changes: string[];
}

export const INITIAL_HYSTERESIS: HysteresisState = {
  status: null,
  cause: null,
  since: null,
  recent: [],
  connectingStreak: 0,
  changes: [],
};

export interface HysteresisResult {
  state: HysteresisState;
  changed: boolean;
  from: HealthStatus | null;
  flapping: boolean;
}

/** healthy < degraded < unhealthy; unknown weighs as much as unhealthy (neither is serving as far as we know). */
const RANK: Record<HealthStatus, number> = { healthy: 0, degraded: 1, unhealthy: 2, unknown: 2 };

/**
 * Moves a number's status with the raw verdict of one more check:
 * - it worsens only after `failureThreshold` checks in a row that are all worse than it, to the
 *   mildest of those (healthy → degraded → unhealthy; unknown when every one of them was unknown);
 * - it improves only after `successThreshold` checks in a row that are all better, to the worst of
 *   those; a number that changed status more than `flapLimit` times within `flapWindowMs` is
 *   flapping and needs twice as many;
 * - a first decision takes a passing verdict at once (there is nothing to protect yet);
 * - exception: an instance found lost (lease lapsed, gateway not connected) is unhealthy — or
 *   unknown, when its cluster cannot be reached — at once: the lease already embodies two missed
 *   renewals, and failover speed depends on it.
 */
export function applyHysteresis(
  state: HysteresisState,
  raw: RawVerdict,
  now: Date,
  settings: HysteresisSettings,
): HysteresisResult {
  const keep = Math.max(settings.failureThreshold, 2 * settings.successThreshold);
  const recent = [...state.recent, raw.verdict].slice(-keep);
  const windowStart = now.getTime() - settings.flapWindowMs;
  const changes = state.changes.filter((at) => Date.parse(at) > windowStart);
  const flapping = changes.length > settings.flapLimit;
  const from = state.status;
  const next = decide(from, raw, recent, flapping, settings);
  const changed = next !== from;
  const cause: HealthCause | null =
    next === 'unknown'
      ? 'cluster_unreachable'
      : next === 'unhealthy'
        ? raw.instanceLost && raw.verdict === 'unhealthy'
          ? 'instance_lost'
          : changed || state.cause === null
            ? 'unhealthy'
            : state.cause
        : null;
  return {
    state: {
      status: next,
      cause,
      since: changed ? now.toISOString() : state.since,
      recent,
      connectingStreak: raw.connecting ? state.connectingStreak + 1 : 0,
      changes: changed ? [...changes, now.toISOString()].slice(-(settings.flapLimit + 2)) : changes,
    },
    changed,
    from,
    flapping,
  };
}

function decide(
  current: HealthStatus | null,
  raw: RawVerdict,
  recent: readonly HealthStatus[],
  flapping: boolean,
  settings: HysteresisSettings,
): HealthStatus | null {
  if (raw.instanceLost) return raw.verdict;
  if (current === null) {
    if (RANK[raw.verdict] < 2) return raw.verdict;
    const last = suffix(recent, (v) => RANK[v] === 2);
    return last.length >= settings.failureThreshold ? worst(last.slice(-settings.failureThreshold)) : null;
  }
  const worse = (v: HealthStatus) =>
    RANK[v] > RANK[current] || (RANK[current] === 2 && RANK[v] === 2 && v !== current);
  const better = (v: HealthStatus) => RANK[v] < RANK[current];
  if (worse(raw.verdict)) {
    const run = suffix(recent, worse);
    if (run.length < settings.failureThreshold) return current;
    return mildest(run.slice(-settings.failureThreshold));
  }
  if (better(raw.verdict)) {
    const needed = settings.successThreshold * (flapping ? 2 : 1);
    const run = suffix(recent, better);
    if (run.length < needed) return current;
    return worst(run.slice(-needed));
  }
  return current;
}

/** The longest run at the end of `list` whose every element satisfies `test`. */
function suffix(list: readonly HealthStatus[], test: (v: HealthStatus) => boolean): HealthStatus[] {
  let i = list.length;
  while (i > 0 && test(list[i - 1]!)) i--;
  return list.slice(i);
}

function mildest(run: readonly HealthStatus[]): HealthStatus {
  const rank = Math.min(...run.map((v) => RANK[v]));
  return rank < 2
    ? rank === 0
      ? 'healthy'
      : 'degraded'
    : run.every((v) => v === 'unknown')
      ? 'unknown'
      : 'unhealthy';
}

function worst(run: readonly HealthStatus[]): HealthStatus {
  const rank = Math.max(...run.map((v) => RANK[v]));
  return rank < 2
    ? rank === 0
      ? 'healthy'
      : 'degraded'
    : run.every((v) => v === 'unknown')
      ? 'unknown'
      : 'unhealthy';
}
