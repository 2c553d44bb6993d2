import type {
  NumberDetailResponse,
  NumberTransitionResponse,
  ObservedPodSetResponse,
  PlacementResponse,
  ReconcileStatusResponse,
} from '@bsp/contracts';
import { useId } from 'react';
import { formatDateTime, formatRelative } from '../lib/format';
import { StateBadge } from './state-badge';

/** Where a number runs and how its pod sets are doing: what the number detail and the wizard show. */

const ROLE_LABEL = { primary: 'Primary', standby: 'Standby' } as const;

/** The placement that holds the active instance, else the primary, else the first. */
export function mainPlacement(n: NumberDetailResponse): PlacementResponse | undefined {
  return (
    n.placements.find((p) => p.active) ?? n.placements.find((p) => p.role === 'primary') ?? n.placements[0]
  );
}

export function readyText(ready: number, desired: number): string {
  return `${ready} of ${desired} ready`;
}

function YesNo({ value, yes, no }: { value: boolean; yes: string; no: string }) {
  return <StateBadge state={value ? 'ready' : 'not ready'} label={value ? yes : no} />;
}

/** The pod set of one placement as last observed: objects, ready counts and pods. */
export function PodSetView({
  observed,
  observedAt,
  compact = false,
}: {
  observed: ObservedPodSetResponse | null;
  observedAt: string | null;
  compact?: boolean;
}) {
  if (!observed) {
    return (
      <p className="muted" data-testid="pod-set">
        Not observed yet: the worker reports the pod set after it has applied it to the cluster.
      </p>
    );
  }
  const missing = observed.objects.filter((o) => !o.present);
  return (
    <div className="pod-set" data-testid="pod-set">
      <p className="pod-set-summary">
        <span>
          Pod set <YesNo value={observed.ready} yes="ready" no="not ready" />
        </span>
        <span>
          WebApp:{' '}
          <strong data-testid="webapp-ready">
            {readyText(observed.webapp.ready, observed.webapp.desired)}
          </strong>
          <span className="muted"> ({observed.webapp.available} available)</span>
        </span>
        <span>
          CoreApp:{' '}
          <strong data-testid="coreapp-ready">
            {readyText(observed.coreapp.ready, observed.coreapp.desired)}
          </strong>
          {observed.coreapp.epoch !== null ? (
            <span className="muted"> (epoch {observed.coreapp.epoch})</span>
          ) : null}
        </span>
        <span>
          Namespace <StateBadge state={observed.namespace} />
        </span>
        <span className="muted small" title={formatDateTime(observedAt)}>
          observed {formatRelative(observedAt)}
        </span>
      </p>
      {!compact ? (
        <details className="objects" open={missing.length > 0}>
          <summary>
            Resources: {observed.objects.length - missing.length} of {observed.objects.length} present
            {missing.length ? `, ${missing.length} missing` : ''}
          </summary>
          <div className="table-wrap">
            <table>
              <caption className="sr-only">Resources of the pod set</caption>
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col">Name</th>
                  <th scope="col">In the cluster</th>
                </tr>
              </thead>
              <tbody>
                {observed.objects.map((o) => (
                  <tr key={`${o.kind}/${o.name}`}>
                    <th scope="row">{o.kind}</th>
                    <td>
                      <code>{o.name}</code>
                    </td>
                    <td>
                      <StateBadge state={o.present ? 'present' : 'missing'} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      ) : null}
      {observed.pods.length === 0 ? (
        <p className="muted">No pods are running.</p>
      ) : (
        <div className="table-wrap">
          <table data-testid="pods">
            <caption className="sr-only">Pods</caption>
            <thead>
              <tr>
                <th scope="col">Pod</th>
                <th scope="col">Component</th>
                <th scope="col">Phase</th>
                <th scope="col">Ready</th>
                <th scope="col">Restarts</th>
                {!compact ? <th scope="col">Node</th> : null}
              </tr>
            </thead>
            <tbody>
              {observed.pods.map((pod) => (
                <tr key={pod.name}>
                  <th scope="row">
                    <code>{pod.name}</code>
                  </th>
                  <td>
                    {pod.component === 'webapp'
                      ? 'WebApp'
                      : pod.component === 'coreapp'
                        ? 'CoreApp'
                        : pod.component}
                  </td>
                  <td>{pod.phase}</td>
                  <td>
                    <YesNo value={pod.ready} yes="ready" no="not ready" />
                  </td>
                  <td>{pod.restarts}</td>
                  {!compact ? <td>{pod.node ? <code>{pod.node}</code> : '—'}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** One placement: role, active badge, state, cluster, zone, namespace, epoch, and its pod set. */
export function PlacementCard({
  placement: p,
  compact = false,
  headingLevel = 3,
}: {
  placement: PlacementResponse;
  compact?: boolean;
  headingLevel?: 3 | 4;
}) {
  const id = useId();
  const Heading = headingLevel === 4 ? 'h4' : 'h3';
  return (
    <article
      className={`placement${p.active ? ' placement-active' : ''}`}
      aria-labelledby={`${id}-title`}
      data-testid="placement"
      data-role={p.role}
    >
      <div className="placement-header">
        <Heading id={`${id}-title`}>
          {ROLE_LABEL[p.role]} placement on {p.cluster.name}
        </Heading>
        <span className="badges">
          {p.active ? (
            <StateBadge state="active" label="active instance" />
          ) : (
            <StateBadge state="neutral" label="not active" />
          )}
          <StateBadge state={p.state} />
        </span>
      </div>
      <dl className="facts compact">
        <dt>Cluster</dt>
        <dd>{p.cluster.name}</dd>
        <dt>Region / zone</dt>
        <dd>
          {p.cluster.region} / {p.cluster.zone}
        </dd>
        <dt>Namespace</dt>
        <dd>
          <code>{p.namespace}</code>
        </dd>
        <dt>Fencing epoch</dt>
        <dd>{p.epoch}</dd>
        {p.stateReason ? (
          <>
            <dt>Reason</dt>
            <dd>{p.stateReason}</dd>
          </>
        ) : null}
      </dl>
      <PodSetView observed={p.observed} observedAt={p.observedAt} compact={compact} />
    </article>
  );
}

export function PlacementList({
  placements,
  region,
  compact = false,
  headingLevel = 3,
}: {
  placements: PlacementResponse[];
  region: string;
  compact?: boolean;
  headingLevel?: 3 | 4;
}) {
  if (placements.length === 0) {
    return (
      <p className="muted" data-testid="no-placement">
        No placement yet: the worker places the number on a cluster in region {region} when it provisions it.
      </p>
    );
  }
  // Primary first, then standby; the API's order otherwise.
  const sorted = [...placements].sort((a, b) => Number(a.role !== 'primary') - Number(b.role !== 'primary'));
  return (
    <div className="placements">
      {sorted.map((p) => (
        <PlacementCard key={p.id} placement={p} compact={compact} headingLevel={headingLevel} />
      ))}
    </div>
  );
}

const OUTCOME_TEXT: Record<ReconcileStatusResponse['outcome'], string> = {
  converged: 'Converged: the clusters match the desired state.',
  waiting: 'Applied; waiting for the pod set to become ready.',
  failed: 'Failed: see the detail.',
  superseded: 'Superseded by a newer reconcile.',
  gone: 'The number was gone when the reconcile ran.',
  error: 'The reconcile ran into an error: see the detail.',
};

export function ReconcileSummary({ last }: { last: ReconcileStatusResponse | null }) {
  if (!last) {
    return (
      <p className="muted" data-testid="last-reconcile">
        No reconcile has run for this number yet.
      </p>
    );
  }
  return (
    <dl className="facts" data-testid="last-reconcile">
      <dt>Outcome</dt>
      <dd>
        <StateBadge state={last.outcome} /> {OUTCOME_TEXT[last.outcome]}
      </dd>
      <dt>When</dt>
      <dd>
        {formatDateTime(last.at)} <span className="muted">({formatRelative(last.at)})</span>
      </dd>
      <dt>Changes applied</dt>
      <dd>{last.applied}</dd>
      <dt>Duration</dt>
      <dd>{last.durationMs < 1000 ? `${last.durationMs} ms` : `${(last.durationMs / 1000).toFixed(1)} s`}</dd>
      {last.jobId ? (
        <>
          <dt>Job</dt>
          <dd>
            <code>{last.jobId}</code>
          </dd>
        </>
      ) : null}
      {last.detail ? (
        <>
          <dt>Detail</dt>
          <dd>{last.detail}</dd>
        </>
      ) : null}
    </dl>
  );
}

export function TransitionTimeline({ transitions }: { transitions: NumberTransitionResponse[] }) {
  if (transitions.length === 0) return <p className="muted">No lifecycle transitions yet.</p>;
  return (
    <ol className="timeline" data-testid="transitions">
      {transitions.map((t, i) => (
        <li key={`${t.at}-${i}`}>
          <time dateTime={t.at}>{formatDateTime(t.at)}</time>
          <span>
            {t.fromState ? (
              <>
                <StateBadge state={t.fromState} /> <span aria-hidden="true">→</span>
                <span className="sr-only"> to </span>{' '}
              </>
            ) : (
              <span className="muted">created as </span>
            )}
            <StateBadge state={t.toState} />
          </span>
          {t.reason ? <span className="muted">{t.reason}</span> : null}
        </li>
      ))}
    </ol>
  );
}
