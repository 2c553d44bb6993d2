import type { CheckSignals, CoreAppPod, GatewayNode } from '../health.types';
import { classify, type ClassifyContext } from './health.classifier';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const CTX: ClassifyContext = { connectingStreak: 0, connectingLimit: 3, recentRestartMs: 60_000, now: NOW };

const core = (over: Partial<CoreAppPod> = {}): CoreAppPod => ({
  name: 'coreapp-0',
  ready: true,
  restarts: 0,
  node: 'n1',
  state: 'running',
  reason: null,
  lastRestartAt: null,
  ...over,
});

const gateway = (status: string): GatewayNode[] => [{ node: 'default', gatewayStatus: status, role: null }];

function signals(over: Partial<CheckSignals> = {}): CheckSignals {
  return {
    reachability: 'reachable',
    probe: { kind: 'answered', httpStatus: 200, nodes: gateway('connected'), durationMs: 5 },
    pods: { kind: 'observed', coreapp: core(), webapp: { desired: 1, ready: 1 } },
    lease: { state: 'held', ageMs: 1_000 },
    ...over,
  };
}

describe('health classifier', () => {
  it('healthy: gateway connected, CoreApp ready', () => {
    expect(classify(signals(), CTX)).toEqual({
      verdict: 'healthy',
      reason: 'gateway connected, CoreApp ready',
      instanceLost: false,
      connecting: false,
    });
  });

  it.each([
    ['disconnected', 'gateway disconnected'],
    ['unregistered', 'gateway unregistered'],
    ['uninitialized', 'gateway uninitialized'],
  ])('unhealthy: gateway %s', (status, reason) => {
    expect(
      classify(
        signals({ probe: { kind: 'answered', httpStatus: 200, nodes: gateway(status), durationMs: 1 } }),
        CTX,
      ),
    ).toMatchObject({
      verdict: 'unhealthy',
      reason,
      instanceLost: false,
    });
  });

  it('unhealthy: the probe timed out, failed, answered 5xx or something not understood', () => {
    const timeout = classify(
      signals({
        probe: { kind: 'failed', error: 'no answer within 2000 ms', timedOut: true, durationMs: 2000 },
      }),
      CTX,
    );
    expect(timeout).toMatchObject({
      verdict: 'unhealthy',
      reason: 'WebApp health probe timed out (no answer within 2000 ms)',
    });
    expect(
      classify(signals({ probe: { kind: 'answered', httpStatus: 503, nodes: null, durationMs: 1 } }), CTX),
    ).toMatchObject({
      verdict: 'unhealthy',
      reason: 'WebApp health answered HTTP 503',
    });
    expect(
      classify(signals({ probe: { kind: 'answered', httpStatus: 200, nodes: null, durationMs: 1 } }), CTX)
        .verdict,
    ).toBe('unhealthy');
  });

  it('unhealthy: the CoreApp pod missing, not ready or crash-looping', () => {
    const pods = (coreapp: CoreAppPod) => ({
      kind: 'observed' as const,
      coreapp,
      webapp: { desired: 1, ready: 1 },
    });
    expect(
      classify(signals({ pods: pods(core({ name: null, state: 'missing', ready: false })) }), CTX).reason,
    ).toBe('no CoreApp pod');
    expect(
      classify(
        signals({ pods: pods(core({ ready: false, state: 'waiting', reason: 'CrashLoopBackOff' })) }),
        CTX,
      ),
    ).toMatchObject({ verdict: 'unhealthy', reason: 'CoreApp pod coreapp-0 not ready (CrashLoopBackOff)' });
  });

  it('degraded: a WebApp replica down, a recent CoreApp restart, the gateway connecting briefly', () => {
    expect(
      classify(
        signals({ pods: { kind: 'observed', coreapp: core(), webapp: { desired: 2, ready: 1 } } }),
        CTX,
      ),
    ).toMatchObject({
      verdict: 'degraded',
      reason: 'WebApp 1 of 2 replicas ready',
    });
    const restarted = core({ restarts: 1, lastRestartAt: new Date(NOW - 20_000).toISOString() });
    expect(
      classify(
        signals({ pods: { kind: 'observed', coreapp: restarted, webapp: { desired: 1, ready: 1 } } }),
        CTX,
      ).reason,
    ).toBe('CoreApp restarted 20.0 s ago (1 restarts)');
    const longAgo = core({ restarts: 1, lastRestartAt: new Date(NOW - 120_000).toISOString() });
    expect(
      classify(
        signals({ pods: { kind: 'observed', coreapp: longAgo, webapp: { desired: 1, ready: 1 } } }),
        CTX,
      ).verdict,
    ).toBe('healthy');
    const connecting = signals({
      probe: { kind: 'answered', httpStatus: 200, nodes: gateway('connecting'), durationMs: 1 },
    });
    expect(classify(connecting, CTX)).toMatchObject({
      verdict: 'degraded',
      reason: 'gateway connecting',
      connecting: true,
    });
    expect(classify(connecting, { ...CTX, connectingStreak: 2 })).toMatchObject({
      verdict: 'unhealthy',
      reason: 'gateway connecting for 3 checks',
    });
  });

  it('reads the HA format: connected when one node holds the connection', () => {
    const nodes: GatewayNode[] = [
      { node: 'coreapp-0:6250', gatewayStatus: 'disconnected', role: 'secondary_master' },
      { node: 'coreapp-1:6250', gatewayStatus: 'connected', role: 'primary_master' },
    ];
    expect(
      classify(signals({ probe: { kind: 'answered', httpStatus: 200, nodes, durationMs: 1 } }), CTX).verdict,
    ).toBe('healthy');
  });

  it('unknown when the cluster is unreachable and nothing answered', () => {
    expect(classify(signals({ reachability: 'unreachable', probe: { kind: 'skipped' } }), CTX)).toEqual({
      verdict: 'unknown',
      reason: 'cluster unreachable',
      instanceLost: false,
      connecting: false,
    });
    // The API server refused or dropped the connection: nothing is known about the pod.
    expect(
      classify(
        signals({
          probe: { kind: 'failed', error: 'ECONNRESET: socket hang up', timedOut: false, durationMs: 1 },
        }),
        CTX,
      ),
    ).toMatchObject({ verdict: 'unknown', reason: 'cluster not answering (ECONNRESET: socket hang up)' });
    // An answer proves the API server is there, whatever the recorder last concluded.
    expect(classify(signals({ reachability: 'unreachable' }), CTX).verdict).toBe('healthy');
  });

  it('instance lost: the lease lapsed and the gateway is not connected, or the probe fails', () => {
    const lapsed = { state: 'lapsed' as const, ageMs: 12_500 };
    expect(
      classify(
        signals({
          lease: lapsed,
          probe: { kind: 'answered', httpStatus: 200, nodes: gateway('disconnected'), durationMs: 1 },
        }),
        CTX,
      ),
    ).toEqual({
      verdict: 'unhealthy',
      reason: 'instance lost: activation lease not renewed for 12.5 s and gateway disconnected',
      instanceLost: true,
      connecting: false,
    });
    expect(
      classify(
        signals({
          lease: lapsed,
          probe: { kind: 'failed', error: 'ECONNRESET', timedOut: false, durationMs: 1 },
        }),
        CTX,
      ).instanceLost,
    ).toBe(true);
    expect(
      classify(signals({ lease: lapsed, reachability: 'unreachable', probe: { kind: 'skipped' } }), CTX),
    ).toMatchObject({
      verdict: 'unknown',
      instanceLost: true,
    });
    // Still connected: not lost, but worth a look.
    expect(classify(signals({ lease: lapsed }), CTX)).toMatchObject({
      verdict: 'degraded',
      reason: 'activation lease not renewed for 12.5 s',
      instanceLost: false,
    });
  });
});
