import { leaseSignal } from './lease.signal';
import { readPodSet } from './coreapp-pod.reader';
import { overallGatewayStatus, parseWebAppHealth } from './webapp-health.parser';

describe('health signals', () => {
  it('parses both /v1/health formats and nothing else', () => {
    expect(parseWebAppHealth({ health: { gateway_status: 'connected' }, meta: {} })).toEqual([
      { node: 'default', gatewayStatus: 'connected', role: null },
    ]);
    const ha = parseWebAppHealth({
      health: {
        'core-1:6250': { gateway_status: 'connected', role: 'primary_master' },
        'core-0:6250': { gateway_status: 'disconnected', role: 'secondary_master' },
      },
    });
    expect(ha).toEqual([
      { node: 'core-0:6250', gatewayStatus: 'disconnected', role: 'secondary_master' },
      { node: 'core-1:6250', gatewayStatus: 'connected', role: 'primary_master' },
    ]);
    expect(overallGatewayStatus(ha!)).toBe('connected');
    for (const body of ['<html>', null, {}, { health: {} }, { health: { x: 1 } }, { errors: [] }])
      expect(parseWebAppHealth(body)).toBeNull();
  });

  it('reads the CoreApp pod and the WebApp Deployment from cached objects', () => {
    const objects = [
      {
        kind: 'Pod',
        metadata: { name: 'coreapp-0', labels: { 'app.kubernetes.io/component': 'coreapp' } },
        spec: { nodeName: 'n1' },
        status: {
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [
            {
              name: 'coreapp',
              restartCount: 2,
              state: { running: {} },
              lastState: { terminated: { reason: 'Error', finishedAt: '2026-11-22T11:59:00Z' } },
            },
            { name: 'fencing-agent', restartCount: 0, state: { running: {} } },
          ],
        },
      },
      { kind: 'Pod', metadata: { name: 'webapp-x', labels: { 'app.kubernetes.io/component': 'webapp' } } },
      {
        kind: 'Deployment',
        metadata: { name: 'webapp' },
        spec: { replicas: 2 },
        status: { readyReplicas: 1 },
      },
    ];
    expect(readPodSet(objects, { coreapp: 'coreapp', webapp: 'webapp' })).toEqual({
      kind: 'observed',
      coreapp: {
        name: 'coreapp-0',
        ready: true,
        restarts: 2,
        node: 'n1',
        state: 'running',
        reason: null,
        lastRestartAt: '2026-11-22T11:59:00Z',
      },
      webapp: { desired: 2, ready: 1 },
    });
    const crashing = readPodSet(
      [
        {
          kind: 'Pod',
          metadata: { name: 'coreapp-0', labels: { 'app.kubernetes.io/component': 'coreapp' } },
          status: {
            containerStatuses: [
              { name: 'coreapp', restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } },
            ],
          },
        },
      ],
      { coreapp: 'coreapp', webapp: 'webapp' },
    );
    expect(crashing.coreapp).toMatchObject({ ready: false, state: 'waiting', reason: 'CrashLoopBackOff' });
    expect(readPodSet([], { coreapp: 'coreapp', webapp: 'webapp' }).coreapp.state).toBe('missing');
  });

  it('a lease is lapsed after 2.5 renew intervals without a renewal', () => {
    const granted = new Date();
    expect(leaseSignal(null, 4_000)).toEqual({ state: 'none', ageMs: null });
    expect(leaseSignal({ grantedUntil: null, revokedAt: null, ageMs: null }, 4_000).state).toBe('none');
    expect(leaseSignal({ grantedUntil: granted, revokedAt: null, ageMs: 9_999 }, 4_000).state).toBe('held');
    expect(leaseSignal({ grantedUntil: granted, revokedAt: null, ageMs: 10_001 }, 4_000).state).toBe(
      'lapsed',
    );
    expect(leaseSignal({ grantedUntil: granted, revokedAt: granted, ageMs: 60_000 }, 4_000).state).toBe(
      'revoked',
    );
  });
});
