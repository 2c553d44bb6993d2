import type {
  HealthCause,
  HealthCountsResponse,
  HealthStatus,
  HealthTransitionResponse,
  NumberHealthResponse,
} from '@bsp/contracts';
import { formatDateTime, formatRelative } from '../lib/format';
import { StateBadge } from './state-badge';

/** A number's health as the health checks report it: what the number page shows. */

/** What each status means, in the words of the health model (docs/health.md). */
const STATUS_TEXT: Record<HealthStatus, string> = {
  healthy: 'Healthy: the gateway is connected and the CoreApp is ready.',
  degraded: 'Degraded: the number is serving, but something is off.',
  unhealthy: 'Unhealthy: the number is not serving.',
  unknown: 'Unknown: its cluster cannot be reached, so the checks cannot tell.',
};

const CAUSE_TEXT: Record<HealthCause, string> = {
  unhealthy: 'The checks failed several times in a row.',
  instance_lost:
    'The active instance is lost: its activation lease was not renewed while its gateway was not connected.',
  cluster_unreachable: 'The cluster of the active instance does not answer.',
};

export const HEALTH_LABEL: Record<HealthStatus | 'unchecked', string> = {
  healthy: 'healthy',
  degraded: 'degraded',
  unhealthy: 'unhealthy',
  unknown: 'unknown',
  unchecked: 'not checked yet',
};

const COUNT_ORDER = ['healthy', 'degraded', 'unhealthy', 'unknown', 'unchecked'] as const;

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/** "3 healthy · 1 degraded · …": every status, zeros included, so a missing one is not mistaken for none. */
export function HealthCounts({ counts, label }: { counts: HealthCountsResponse; label: string }) {
  return (
    <ul className="health-counts" aria-label={label} data-testid="health-counts">
      {COUNT_ORDER.map((status) => (
        <li key={status} data-status={status}>
          <strong>{counts[status]}</strong>{' '}
          <StateBadge state={counts[status] > 0 ? status : 'neutral'} label={HEALTH_LABEL[status]} />
        </li>
      ))}
    </ul>
  );
}

function statusSentence(h: NumberHealthResponse): string {
  if (h.status) return STATUS_TEXT[h.status];
  if (!h.monitored)
    return 'Not checked: only an active number with an active instance is checked (suspended, provisioning or deleted numbers are not).';
  return 'Not decided yet: the checks have not run, or a first failure is still below the threshold.';
}

function GatewayTable({ nodes }: { nodes: NumberHealthResponse['gateway'] }) {
  if (nodes.length === 0)
    return <p className="muted">The WebApp reported no gateway nodes in the last check.</p>;
  return (
    <div className="table-wrap">
      <table data-testid="gateway-nodes">
        <caption className="sr-only">Gateway status per CoreApp node</caption>
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">Gateway</th>
            <th scope="col">Role</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => (
            <tr key={n.node}>
              <th scope="row">
                <code>{n.node}</code>
              </th>
              <td>
                <StateBadge state={n.gatewayStatus} />
              </td>
              <td>{n.role ? <code>{n.role}</code> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CoreAppFacts({ pod }: { pod: NonNullable<NumberHealthResponse['coreapp']> }) {
  return (
    <dl className="facts" data-testid="coreapp-health">
      <dt>Pod</dt>
      <dd>{pod.name ? <code>{pod.name}</code> : 'none'}</dd>
      <dt>State</dt>
      <dd>
        <StateBadge state={pod.state} />{' '}
        <StateBadge state={pod.ready ? 'ready' : 'not ready'} label={pod.ready ? 'ready' : 'not ready'} />
        {pod.reason ? <span className="muted"> ({pod.reason})</span> : null}
      </dd>
      <dt>Restarts</dt>
      <dd data-testid="coreapp-restarts">
        {pod.restarts}
        {pod.lastRestartAt ? (
          <span className="muted" title={formatDateTime(pod.lastRestartAt)}>
            {' '}
            (last {formatRelative(pod.lastRestartAt)})
          </span>
        ) : null}
      </dd>
      {pod.node ? (
        <>
          <dt>Node</dt>
          <dd>
            <code>{pod.node}</code>
          </dd>
        </>
      ) : null}
    </dl>
  );
}

const LEASE_TEXT: Record<NonNullable<NumberHealthResponse['lease']>['state'], string> = {
  none: 'no lease granted (lease fencing not configured, or not yet renewed)',
  held: 'renewed on time',
  lapsed: 'lapsed: not renewed for more than two renew intervals',
  revoked: 'revoked (the instance was fenced)',
};

/** Current status in words, since when, and what the last check found: gateway per node, CoreApp pod, lease. */
export function HealthPanel({ health: h }: { health: NumberHealthResponse }) {
  const shown: HealthStatus | 'unchecked' = h.status ?? 'unchecked';
  const pendingVerdict = h.lastVerdict !== null && h.status !== null && h.lastVerdict !== h.status;
  return (
    <div data-testid="health" data-status={shown}>
      <p className="health-status">
        <StateBadge state={shown} label={HEALTH_LABEL[shown]} />{' '}
        <span data-testid="health-sentence">{statusSentence(h)}</span>
      </p>
      {h.cause && h.status !== 'healthy' ? <p>{CAUSE_TEXT[h.cause]}</p> : null}
      {h.flapping ? (
        <p className="warning">
          Flapping: the status changed too often recently, so a recovery needs twice as many passing checks.
        </p>
      ) : null}
      <div className="grid-2">
        <dl className="facts" data-testid="health-facts">
          <dt>Last check</dt>
          <dd>
            {h.lastVerdict ? <StateBadge state={h.lastVerdict} /> : null}{' '}
            {h.reason ?? <span className="muted">no check yet</span>}
            {pendingVerdict ? (
              <div className="muted small">The status changes only after several checks in a row agree.</div>
            ) : null}
          </dd>
          <dt>Status since</dt>
          <dd>
            {h.since ? (
              <>
                {formatDateTime(h.since)} <span className="muted">({formatRelative(h.since)})</span>
              </>
            ) : (
              '—'
            )}
          </dd>
          <dt>Checked</dt>
          <dd title={formatDateTime(h.checkedAt)}>{formatRelative(h.checkedAt)}</dd>
          <dt>Cluster</dt>
          <dd>
            {h.cluster ? (
              <>
                {h.cluster.name} <span className="muted">({h.cluster.zone})</span>{' '}
                <StateBadge
                  state={h.cluster.reachability ?? 'unknown'}
                  label={h.cluster.reachability ?? 'not seen yet'}
                />
              </>
            ) : (
              'no active instance'
            )}
          </dd>
          {h.placement ? (
            <>
              <dt>Namespace</dt>
              <dd>
                <code>{h.placement.namespace}</code>
              </dd>
            </>
          ) : null}
          <dt>WebApp</dt>
          <dd>{h.webapp ? `${h.webapp.ready} of ${h.webapp.desired} ready` : '—'}</dd>
          <dt>Activation lease</dt>
          <dd data-testid="lease-health">
            {h.lease ? (
              <>
                <StateBadge state={h.lease.state} /> {LEASE_TEXT[h.lease.state]}
                {h.lease.ageMs !== null ? (
                  <span className="muted"> · renewed {formatMs(h.lease.ageMs)} before the check</span>
                ) : null}
              </>
            ) : (
              '—'
            )}
          </dd>
          {h.probe ? (
            <>
              <dt>Health probe</dt>
              <dd>
                <StateBadge state={h.probe.outcome} />
                {h.probe.httpStatus !== null ? ` HTTP ${h.probe.httpStatus}` : ''}
                {h.probe.durationMs !== null ? ` in ${formatMs(h.probe.durationMs)}` : ''}
                {h.probe.error ? <span className="muted"> ({h.probe.error})</span> : null}
              </dd>
            </>
          ) : null}
        </dl>
        <div>
          <h3>Gateway per node</h3>
          <GatewayTable nodes={h.gateway} />
          <h3 className="spaced">CoreApp pod</h3>
          {h.coreapp ? (
            <CoreAppFacts pod={h.coreapp} />
          ) : (
            <p className="muted">Not observed in the last check.</p>
          )}
        </div>
      </div>
    </div>
  );
}

export function HealthTimeline({ transitions }: { transitions: HealthTransitionResponse[] }) {
  if (transitions.length === 0) return <p className="muted">No health status changes yet.</p>;
  return (
    <ol className="timeline" data-testid="health-transitions">
      {transitions.map((t, i) => (
        <li key={`${t.at}-${i}`}>
          <time dateTime={t.at}>{formatDateTime(t.at)}</time>
          <span>
            {t.fromStatus ? (
              <>
                <StateBadge state={t.fromStatus} /> <span aria-hidden="true">→</span>
                <span className="sr-only"> to </span>{' '}
              </>
            ) : (
              <span className="muted">first status </span>
            )}
            <StateBadge state={t.toStatus} />
          </span>
          {t.reason ? <span className="muted">{t.reason}</span> : null}
        </li>
      ))}
    </ol>
  );
}
