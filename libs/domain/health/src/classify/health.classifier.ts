import type { CheckSignals, RawVerdict } from '../health.types';
import { overallGatewayStatus } from '../signals/webapp-health.parser';

export interface ClassifyContext {
  /** Checks in a row, before this one, in which the gateway reported `connecting`. */
  connectingStreak: number;
  /** `connecting` for this many checks in a row stops being a blip and counts as failing. */
  connectingLimit: number;
  /** A CoreApp restart within this window makes the number degraded. */
  recentRestartMs: number;
  now: number;
}

/**
 * One check's signals → a raw verdict, before hysteresis. Pure. In order:
 * - the probe not sent (cluster known unreachable), its connection refused or dropped by the API
 *   server, or timed out while the cluster is unreachable: unknown;
 * - the activation lease lapsed while the gateway is not connected (or cannot be asked): the
 *   instance is lost, unhealthy — flagged so hysteresis does not wait (the lease already embodies
 *   two missed renewals);
 * - the probe failed, timed out or was not understood; the gateway disconnected, unregistered or
 *   uninitialized; the CoreApp pod missing, not ready or crash-looping: unhealthy;
 * - serving but something is off — a WebApp replica down, the CoreApp restarted recently, the
 *   gateway `connecting` for a short while, a lease not renewed while still connected: degraded;
 * - otherwise (gateway connected, CoreApp ready): healthy.
 */
export function classify(signals: CheckSignals, ctx: ClassifyContext): RawVerdict {
  const { probe, pods, lease } = signals;
  const leaseLapsed = lease.state === 'lapsed';
  const leaseText = () => `activation lease not renewed for ${seconds(lease.ageMs)}`;

  // No answer from the API server at all (refused, reset, no route) is the cluster's silence, not
  // the pod's: only a timeout may be the container hanging behind the proxy.
  const apiServerSilent = probe.kind === 'failed' && !probe.timedOut;
  if (probe.kind === 'skipped' || apiServerSilent) {
    const why = probe.kind === 'failed' ? `cluster not answering (${probe.error})` : 'cluster unreachable';
    return verdict('unknown', why + (leaseLapsed ? `; ${leaseText()}` : ''), { instanceLost: leaseLapsed });
  }
  if (probe.kind !== 'answered' && signals.reachability === 'unreachable') {
    return verdict('unknown', 'cluster unreachable' + (leaseLapsed ? `; ${leaseText()}` : ''), {
      instanceLost: leaseLapsed,
    });
  }

  const gatewayFailure = gatewayProblem(signals);
  if (leaseLapsed && gatewayFailure !== undefined) {
    return verdict('unhealthy', `instance lost: ${leaseText()} and ${gatewayFailure}`, {
      instanceLost: true,
    });
  }
  if (gatewayFailure !== undefined) return verdict('unhealthy', gatewayFailure);

  if (pods.kind === 'observed') {
    const core = pods.coreapp;
    if (core.state === 'missing' || core.name === null) return verdict('unhealthy', 'no CoreApp pod');
    if (core.state === 'terminating') return verdict('unhealthy', `CoreApp pod ${core.name} terminating`);
    if (!core.ready)
      return verdict(
        'unhealthy',
        `CoreApp pod ${core.name} not ready${core.reason ? ` (${core.reason})` : ''}`,
      );
  }

  const connecting = probe.kind === 'answered' && overallGatewayStatus(probe.nodes ?? []) === 'connecting';
  if (connecting && ctx.connectingStreak + 1 >= ctx.connectingLimit) {
    return verdict('unhealthy', `gateway connecting for ${ctx.connectingStreak + 1} checks`, { connecting });
  }

  const off: string[] = [];
  if (connecting) off.push('gateway connecting');
  if (pods.kind === 'observed') {
    const { coreapp, webapp } = pods;
    if (webapp.ready < webapp.desired) off.push(`WebApp ${webapp.ready} of ${webapp.desired} replicas ready`);
    const restartedAt = coreapp.lastRestartAt ? Date.parse(coreapp.lastRestartAt) : NaN;
    if (Number.isFinite(restartedAt) && ctx.now - restartedAt < ctx.recentRestartMs)
      off.push(`CoreApp restarted ${seconds(ctx.now - restartedAt)} ago (${coreapp.restarts} restarts)`);
  }
  if (leaseLapsed) off.push(leaseText());
  if (off.length > 0) return verdict('degraded', off.join('; '), { connecting });
  return verdict('healthy', 'gateway connected, CoreApp ready');
}

/** Why the gateway cannot be counted as serving, or undefined when it is connected or connecting. */
function gatewayProblem({ probe }: CheckSignals): string | undefined {
  switch (probe.kind) {
    case 'skipped':
      return 'WebApp not probed';
    case 'failed':
      return probe.timedOut
        ? `WebApp health probe timed out (${probe.error})`
        : `WebApp health probe failed (${probe.error})`;
    case 'answered': {
      if (probe.httpStatus !== 200) return `WebApp health answered HTTP ${probe.httpStatus}`;
      if (!probe.nodes) return 'WebApp health answer not understood';
      const overall = overallGatewayStatus(probe.nodes);
      return overall === 'connected' || overall === 'connecting' ? undefined : `gateway ${overall}`;
    }
  }
}

function verdict(
  status: RawVerdict['verdict'],
  reason: string,
  flags: { instanceLost?: boolean; connecting?: boolean } = {},
): RawVerdict {
  return {
    verdict: status,
    reason,
    instanceLost: flags.instanceLost ?? false,
    connecting: flags.connecting ?? false,
  };
}

function seconds(ms: number | null): string {
  return ms === null ? 'ever' : `${(ms / 1000).toFixed(1)} s`;
}
