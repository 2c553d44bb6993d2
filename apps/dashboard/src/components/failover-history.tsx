import type { FailoverResponse, FailoverState, FailoverTrigger, PlacementResponse } from '@bsp/contracts';
import { useId, useState } from 'react';
import { formatDateTime, formatRelative } from '../lib/format';
import { formatMs } from './number-health';
import { StateBadge } from './state-badge';

/** A number's failovers: trigger, state, each step's time after the request, fence method, error. */

export const TRIGGER_TEXT: Record<FailoverTrigger, string> = {
  manual: 'Manual failover',
  unhealthy: 'Automatic failover: the number was unhealthy',
  instance_lost: 'Automatic failover: the active instance was lost',
  cluster_unreachable: 'Automatic failover: the cluster was unreachable',
};

/** What an open failover is doing now, in words. */
export const STATE_TEXT: Record<FailoverState, string> = {
  fencing: 'Fencing the old instance, so it can no longer use the number',
  promoting: 'Promoting the new instance (the fencing epoch advances)',
  confirming: 'Waiting for the new instance’s gateway to connect',
  restoring: 'Restoring redundancy: waiting for a new standby',
  completed: 'Completed',
  failed: 'Failed',
};

const FENCE_TEXT: Record<string, string> = {
  pod_gone: 'the old instance’s cluster confirmed its CoreApp pod gone',
  lease_expired: 'the old instance’s activation lease ran out',
  none: 'nothing to fence',
};

const REQUESTER_TEXT: Record<FailoverResponse['requestedBy']['type'], string> = {
  user: 'a user',
  api_key: 'an API key',
  system: 'the health checks',
};

/** The steps in order, with the timestamp field that marks each one done. */
const STEPS: { key: keyof FailoverResponse; label: string; state: FailoverState | null }[] = [
  { key: 'fencedAt', label: 'Old instance fenced', state: 'fencing' },
  { key: 'promotedAt', label: 'New instance promoted', state: 'promoting' },
  { key: 'connectedAt', label: 'Gateway connected', state: 'confirming' },
  { key: 'restoredAt', label: 'Redundancy restored', state: 'restoring' },
  { key: 'endedAt', label: 'Ended', state: null },
];

export function isOpen(f: FailoverResponse): boolean {
  return f.endedAt === null && f.state !== 'completed' && f.state !== 'failed';
}

/** "+1.2 s" after the request. */
function after(requestedAt: string, at: string): string {
  return `+${formatMs(Math.max(0, Date.parse(at) - Date.parse(requestedAt)))}`;
}

function placementText(
  side: FailoverResponse['from'],
  placements: PlacementResponse[],
  fallback: string,
): string {
  if (!side.placementId) return fallback;
  const p = placements.find((x) => x.id === side.placementId);
  // A fenced placement is removed once its namespace is gone; the failover keeps only its id.
  const where = p
    ? `${p.cluster.name} (${p.cluster.zone})`
    : `earlier placement ${side.placementId.slice(0, 8)} (removed since)`;
  return side.epoch !== null ? `${where}, epoch ${side.epoch}` : where;
}

function FailoverSteps({ failover: f }: { failover: FailoverResponse }) {
  const open = isOpen(f);
  return (
    <ol className="failover-steps" data-testid="failover-steps">
      <li className="done">
        <span className="step-label">Requested</span>
        <time dateTime={f.requestedAt} title={formatDateTime(f.requestedAt)}>
          {formatDateTime(f.requestedAt)}
        </time>
      </li>
      {STEPS.map((step) => {
        const at = f[step.key] as string | null;
        const current = open && step.state === f.state;
        return (
          <li
            key={step.key}
            className={at ? 'done' : current ? 'current' : 'todo'}
            aria-current={current ? 'step' : undefined}
            data-step={step.key}
          >
            <span className="step-label">{step.label}</span>
            {at ? (
              <time dateTime={at} title={formatDateTime(at)}>
                {after(f.requestedAt, at)}
              </time>
            ) : (
              <span className="muted">{current ? 'in progress' : open ? 'not yet' : 'skipped'}</span>
            )}
          </li>
        );
      })}
    </ol>
  );
}

function FailoverCard({
  failover: f,
  placements,
}: {
  failover: FailoverResponse;
  placements: PlacementResponse[];
}) {
  const id = useId();
  const open = isOpen(f);
  return (
    <article
      className={`failover${open ? ' failover-open' : ''}`}
      aria-labelledby={`${id}-title`}
      data-testid="failover"
      data-state={f.state}
      data-failover-id={f.id}
    >
      <div className="placement-header">
        <h3 id={`${id}-title`}>
          {TRIGGER_TEXT[f.trigger]}{' '}
          <span className="muted small">
            requested {formatRelative(f.requestedAt)} by {REQUESTER_TEXT[f.requestedBy.type]}
          </span>
        </h3>
        <span className="badges" data-testid="failover-state">
          <StateBadge state={f.state} />
        </span>
      </div>
      {open ? (
        <p className="notice small" role="status">
          {STATE_TEXT[f.state]}…
        </p>
      ) : null}
      <FailoverSteps failover={f} />
      <dl className="facts compact">
        <dt>Reason</dt>
        <dd data-testid="failover-reason">{f.reason}</dd>
        <dt>Fence method</dt>
        <dd data-testid="fence-method">
          {f.fenceMethod ? (
            <>
              <code>{f.fenceMethod}</code>
              {FENCE_TEXT[f.fenceMethod] ? (
                <span className="muted">: {FENCE_TEXT[f.fenceMethod]}</span>
              ) : null}
            </>
          ) : (
            <span className="muted">{open ? 'not fenced yet' : '—'}</span>
          )}
        </dd>
        <dt>From</dt>
        <dd>{placementText(f.from, placements, 'no active instance')}</dd>
        <dt>To</dt>
        <dd>
          {placementText(f.to, placements, open ? 'not promoted yet' : 'a new placement in the region')}
        </dd>
        {f.error ? (
          <>
            <dt>{f.state === 'failed' ? 'Error' : 'Note'}</dt>
            <dd className={f.state === 'failed' ? 'field-error' : undefined} data-testid="failover-error">
              {f.error}
            </dd>
          </>
        ) : null}
      </dl>
    </article>
  );
}

/** Newest first; the open one (at most one) is marked and its current step highlighted. */
export function FailoverHistory({
  failovers,
  placements,
  limit = 10,
}: {
  failovers: FailoverResponse[];
  placements: PlacementResponse[];
  limit?: number;
}) {
  const [all, setAll] = useState(false);
  if (failovers.length === 0) {
    return (
      <p className="muted" data-testid="no-failovers">
        This number has not failed over.
      </p>
    );
  }
  return (
    <div className="failovers" data-testid="failovers">
      {(all ? failovers : failovers.slice(0, limit)).map((f) => (
        <FailoverCard key={f.id} failover={f} placements={placements} />
      ))}
      {failovers.length > limit && !all ? (
        <button type="button" className="button secondary small" onClick={() => setAll(true)}>
          Show {failovers.length - limit} older failovers
        </button>
      ) : null}
    </div>
  );
}
