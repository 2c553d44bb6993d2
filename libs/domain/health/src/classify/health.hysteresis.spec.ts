import type { HealthStatus, RawVerdict } from '../health.types';
import {
  applyHysteresis,
  type HysteresisSettings,
  type HysteresisState,
  INITIAL_HYSTERESIS,
} from './health.hysteresis';

const SETTINGS: HysteresisSettings = {
  failureThreshold: 3,
  successThreshold: 2,
  flapLimit: 4,
  flapWindowMs: 300_000,
};

const raw = (verdict: HealthStatus, flags: Partial<RawVerdict> = {}): RawVerdict => ({
  verdict,
  reason: verdict,
  instanceLost: false,
  connecting: false,
  ...flags,
});

/** Runs verdicts through hysteresis 10 s apart; returns the status after each check. */
function run(
  verdicts: (HealthStatus | RawVerdict)[],
  start: HysteresisState = INITIAL_HYSTERESIS,
  settings = SETTINGS,
): { statuses: (HealthStatus | null)[]; state: HysteresisState; changes: number } {
  let state = start;
  let at = Date.parse('2026-11-22T12:00:00Z');
  let changes = 0;
  const statuses: (HealthStatus | null)[] = [];
  for (const v of verdicts) {
    at += 10_000;
    const result = applyHysteresis(state, typeof v === 'string' ? raw(v) : v, new Date(at), settings);
    state = result.state;
    if (result.changed) changes++;
    statuses.push(state.status);
  }
  return { statuses, state, changes };
}

describe('health hysteresis', () => {
  it('takes a first passing verdict at once; a first failing one only after the failure threshold', () => {
    expect(run(['healthy']).statuses).toEqual(['healthy']);
    expect(run(['degraded']).statuses).toEqual(['degraded']);
    expect(run(['unhealthy', 'unhealthy', 'unhealthy']).statuses).toEqual([null, null, 'unhealthy']);
    expect(run(['unknown', 'unknown', 'unknown']).statuses).toEqual([null, null, 'unknown']);
  });

  it('a blip does not flip the status: two failing checks between passing ones change nothing', () => {
    const { statuses, changes } = run([
      'healthy',
      'unhealthy',
      'unhealthy',
      'healthy',
      'degraded',
      'healthy',
    ]);
    expect(statuses.every((s) => s === 'healthy')).toBe(true);
    expect(changes).toBe(1);
  });

  it('becomes unhealthy after HEALTH_FAILURE_THRESHOLD failing checks and healthy after HEALTH_SUCCESS_THRESHOLD passing ones', () => {
    const { statuses, state } = run(['healthy', 'unhealthy', 'unhealthy', 'unhealthy', 'healthy', 'healthy']);
    expect(statuses).toEqual(['healthy', 'healthy', 'healthy', 'unhealthy', 'unhealthy', 'healthy']);
    expect(state.cause).toBeNull();
  });

  it('worsens to the mildest of the failing run and improves to the worst of the passing run', () => {
    expect(run(['healthy', 'degraded', 'unhealthy', 'unhealthy']).statuses.at(-1)).toBe('degraded');
    expect(
      run(['healthy', 'unhealthy', 'unhealthy', 'unhealthy', 'degraded', 'healthy']).statuses.at(-1),
    ).toBe('degraded');
    // Still failing after degraded: unhealthy once the unhealthy run itself reaches the threshold.
    expect(
      run(['healthy', 'degraded', 'unhealthy', 'unhealthy', 'unhealthy', 'unhealthy']).statuses.at(-1),
    ).toBe('unhealthy');
  });

  it('goes unknown after the failure threshold of unreachable checks, with the cause for the failover side', () => {
    const { statuses, state } = run(['healthy', 'unknown', 'unknown', 'unknown']);
    expect(statuses).toEqual(['healthy', 'healthy', 'healthy', 'unknown']);
    expect(state.cause).toBe('cluster_unreachable');
    const mixed = run(['healthy', 'unknown', 'unhealthy', 'unknown']);
    expect(mixed.statuses.at(-1)).toBe('unhealthy');
    expect(mixed.state.cause).toBe('unhealthy');
  });

  it('an instance lost is unhealthy at once, and unknown at once when its cluster is unreachable', () => {
    const lost = run(['healthy', raw('unhealthy', { instanceLost: true })]);
    expect(lost.statuses).toEqual(['healthy', 'unhealthy']);
    expect(lost.state.cause).toBe('instance_lost');
    const partitioned = run(['healthy', raw('unknown', { instanceLost: true })]);
    expect(partitioned.statuses).toEqual(['healthy', 'unknown']);
    expect(partitioned.state.cause).toBe('cluster_unreachable');
  });

  it('damps a flapping number: after more than flapLimit changes in the window it needs twice the successes', () => {
    // healthy ↔ unhealthy every few checks, all within five minutes.
    const flap: HealthStatus[] = ['healthy'];
    for (let i = 0; i < 3; i++) flap.push('unhealthy', 'unhealthy', 'unhealthy', 'healthy', 'healthy');
    const first = run(flap);
    // null→healthy, then two round trips; the third return to healthy is damped (five changes so far).
    expect(first.changes).toBe(6);
    expect(first.statuses.slice(-2)).toEqual(['unhealthy', 'unhealthy']);
    const after = run(['healthy', 'healthy'], first.state);
    expect(after.statuses).toEqual(['unhealthy', 'healthy']);
    // Once the window has passed without changes, the normal threshold applies again.
    const calm = applyHysteresis(after.state, raw('unhealthy'), new Date(Date.now() + 3600_000), SETTINGS);
    expect(calm.flapping).toBe(false);
  });

  it('remembers only as many verdicts as the thresholds need', () => {
    const { state } = run(Array<HealthStatus>(50).fill('healthy'));
    expect(state.recent).toHaveLength(4);
    // The one change (the first decision) is older than the flap window by now.
    expect(state.changes).toEqual([]);
  });
});
