import type { FailoverResponse, NumberDetailResponse } from '@bsp/contracts';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../api/api-error';
import { failoversApi, healthApi, numbersApi, tenantsApi } from '../api/endpoints';
import type { Permissions } from '../auth/permissions';
import { useSignedIn } from '../auth/session-context';
import { ConfirmDialog } from '../components/confirm-dialog';
import { FailoverHistory, isOpen, STATE_TEXT } from '../components/failover-history';
import { ErrorMessage, Loading } from '../components/feedback';
import { FormField } from '../components/form-field';
import { NumberFacts } from '../components/number-facts';
import { HealthPanel, HealthTimeline } from '../components/number-health';
import { PlacementList, ReconcileSummary, TransitionTimeline } from '../components/number-runtime';
import { PageHeader } from '../components/page-header';
import { formatDateTime, formatRelative } from '../lib/format';
import { useFormAction } from '../lib/use-form-action';
import { useResource } from '../lib/use-resource';

const POLL_MS = 3000;
/** While a failover runs, the page follows it closely. */
const FAILOVER_POLL_MS = 1000;
const FAILOVERS_POLL_MS = 5000;
const REASON_MIN = 3;
const REASON_MAX = 1000;

/** Which actions the signed-in person may take on this number now (the API checks again). */
function availableActions(n: NumberDetailResponse, can: Permissions) {
  const gone = n.state === 'deleted' || n.desiredState === 'deleted';
  return {
    reconcile: can.isStaff && n.state !== 'deleted',
    // Writers: staff and client admins (the API's WRITERS), for a number meant to be active.
    failover: can.canWrite && !gone && n.desiredState === 'active',
    suspend: can.canWrite && !gone && n.desiredState === 'active',
    resume: can.canWrite && !gone && n.desiredState === 'suspended',
    deprovision: can.canWrite && !gone,
  };
}

/** Why a failover cannot be asked for right now, as the API would refuse it; null when it can. */
function failoverBlocked(n: NumberDetailResponse, open: FailoverResponse | undefined): string | null {
  if (open) return 'A failover of this number is running: wait for it to end.';
  if (!['active', 'provisioning', 'failed'].includes(n.state)) return `A ${n.state} number cannot fail over.`;
  if (!n.placements.some((p) => p.active)) return 'The number has no active instance to fail over.';
  return null;
}

/** "updated 2 s ago", ticking each second; says when refreshing is paused because the tab is hidden. */
function LiveStatus({ loadedAt }: { loadedAt: number | null }) {
  const [now, setNow] = useState(Date.now());
  const [visible, setVisible] = useState(document.visibilityState === 'visible');
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    const onVisibility = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, []);
  const age = loadedAt ? Math.max(0, Math.round((now - loadedAt) / 1000)) : null;
  return (
    <span className="live" data-testid="live-status">
      <span className={`live-dot${visible ? '' : ' paused'}`} aria-hidden="true" />
      {visible ? 'Live' : 'Paused while the tab is hidden'}
      {age !== null ? ` · updated ${age} s ago` : ''}
    </span>
  );
}

type Pending = 'suspend' | 'deprovision' | 'failover' | null;
type ActionKind = 'reconcile' | 'suspend' | 'resume' | 'deprovision' | 'failover';

export default function NumberDetailPage() {
  const { numberId = '' } = useParams();
  const { can } = useSignedIn();
  // Every 5 s (an automatic failover shows up on its own); every second while one runs.
  const [following, setFollowing] = useState(false);
  const failovers = useResource((signal) => failoversApi.list(numberId, signal), numberId, {
    pollMs: following ? FAILOVER_POLL_MS : FAILOVERS_POLL_MS,
  });
  const history = failovers.data;
  const running = history?.find(isOpen);
  const isRunning = running !== undefined;
  useEffect(() => setFollowing(isRunning), [isRunning]);
  const number = useResource((signal) => numbersApi.get(numberId, signal), numberId, {
    pollMs: following ? FAILOVER_POLL_MS : POLL_MS,
  });
  const health = useResource((signal) => healthApi.number(numberId, signal), numberId, {
    pollMs: POLL_MS,
  });
  const tenantId = number.data?.tenantId ?? '';
  const tenant = useResource(() => (tenantId ? tenantsApi.get(tenantId) : Promise.resolve(null)), tenantId);
  const [pending, setPending] = useState<Pending>(null);
  const [done, setDone] = useState<string | null>(null);
  const [reason, setReason] = useState('');

  // One action at a time; its error is shown next to the buttons (or in its dialog).
  const action = useFormAction(async (kind: ActionKind) => {
    setDone(null);
    if (kind === 'reconcile') await numbersApi.reconcile(numberId);
    else if (kind === 'suspend') await numbersApi.suspend(numberId);
    else if (kind === 'resume') await numbersApi.resume(numberId);
    else if (kind === 'failover') {
      await failoversApi.request(numberId, reason.trim()).catch((error: unknown) => {
        // Refused because one is already running: show it at once rather than at the next poll.
        if (error instanceof ApiError && error.code === 'failover_in_progress') failovers.reload();
        throw error;
      });
    } else await numbersApi.deprovision(numberId);
    setPending(null);
    setDone(
      kind === 'reconcile'
        ? 'Reconcile requested: the worker compares the clusters with the desired state shortly.'
        : kind === 'suspend'
          ? 'Suspend requested: the pods stop; placements and data stay.'
          : kind === 'resume'
            ? 'Resume requested: the pod set starts again.'
            : kind === 'failover'
              ? 'Failover requested: the old instance is fenced first, then the new one takes over. Follow it under Failovers.'
              : 'Deprovisioning requested: the pod set, credentials and media are being removed.',
    );
    number.reload();
    if (kind === 'failover') failovers.reload();
  });

  if (number.loading && !number.data) return <Loading label="Loading number…" />;
  if (!number.data) {
    return (
      <>
        <PageHeader title="Number" />
        <ErrorMessage error={number.error} onRetry={number.reload} />
      </>
    );
  }
  const n = number.data;
  const can_ = availableActions(n, can);
  const anyAction = can_.reconcile || can_.failover || can_.suspend || can_.resume || can_.deprovision;
  const blocked = can_.failover ? failoverBlocked(n, running) : null;
  const reasonTrimmed = reason.trim();
  const closeDialog = () => {
    setPending(null);
    action.clearError();
  };

  return (
    <>
      <PageHeader
        title={n.phoneNumber}
        subtitle={
          <>
            {n.displayName ?? 'Unnamed number'} · client{' '}
            <Link to={`/tenants/${n.tenantId}`}>{tenant.data?.name ?? 'details'}</Link> ·{' '}
            <LiveStatus loadedAt={number.loadedAt} />
          </>
        }
        actions={
          <Link className="button secondary" to={`/audit?targetType=number&targetId=${n.id}`}>
            Audit log
          </Link>
        }
      />
      {anyAction ? (
        <section className="panel" aria-labelledby="number-actions">
          <h2 id="number-actions">Actions</h2>
          <div className="actions">
            {can_.reconcile ? (
              <button
                type="button"
                className="button secondary"
                disabled={action.busy}
                onClick={() => void action.run('reconcile')}
              >
                Reconcile now
              </button>
            ) : null}
            {can_.failover ? (
              <button
                type="button"
                className="button secondary"
                disabled={action.busy || blocked !== null}
                aria-describedby={blocked ? 'failover-blocked' : undefined}
                onClick={() => {
                  action.clearError();
                  setReason('');
                  setPending('failover');
                }}
              >
                Fail over
              </button>
            ) : null}
            {can_.suspend ? (
              <button
                type="button"
                className="button secondary"
                disabled={action.busy}
                onClick={() => {
                  action.clearError();
                  setPending('suspend');
                }}
              >
                Suspend
              </button>
            ) : null}
            {can_.resume ? (
              <button
                type="button"
                className="button primary"
                disabled={action.busy}
                onClick={() => void action.run('resume')}
              >
                Resume
              </button>
            ) : null}
            {can_.deprovision ? (
              <button
                type="button"
                className="button danger"
                disabled={action.busy}
                onClick={() => {
                  action.clearError();
                  setPending('deprovision');
                }}
              >
                Deprovision
              </button>
            ) : null}
          </div>
          <p className="hint">
            {can_.reconcile ? 'Reconcile: apply the desired state to the clusters now. ' : ''}
            {can_.failover
              ? 'Fail over: fence the active instance, then move the number to its standby (or a new placement). '
              : ''}
            {can_.suspend ? 'Suspend: stop the pods, keep placements and data. ' : ''}
            {can_.resume ? 'Resume: start the suspended pod set again. ' : ''}
            {can_.deprovision ? 'Deprovision: remove the number and its pod set for good.' : ''}
          </p>
          {blocked && !running ? (
            <p id="failover-blocked" className="small muted">
              {blocked}
            </p>
          ) : null}
          {running ? (
            <p id="failover-blocked" className="notice small" data-testid="failover-live">
              <span className="live-dot" aria-hidden="true" /> Failover running:{' '}
              <strong>{running.state}</strong> · {STATE_TEXT[running.state]} · requested{' '}
              {formatRelative(running.requestedAt)}.
            </p>
          ) : null}
          <p role="status" aria-live="polite" className="small" data-testid="action-status">
            {done ?? ''}
          </p>
          {pending === null ? <ErrorMessage error={action.error} /> : null}
        </section>
      ) : done ? (
        // The action may leave nothing to do (a deprovisioned number has no actions): its outcome stays visible.
        <p role="status" aria-live="polite" className="small panel" data-testid="action-status">
          {done}
        </p>
      ) : null}
      <div className="grid-2">
        <section className="panel" aria-labelledby="number-state">
          <h2 id="number-state">Desired and observed state</h2>
          <NumberFacts number={n} />
        </section>
        <section className="panel" aria-labelledby="number-reconcile">
          <h2 id="number-reconcile">Last reconcile</h2>
          <ReconcileSummary last={n.lastReconcile} />
        </section>
      </div>
      <section className="panel" aria-labelledby="number-health">
        <h2 id="number-health">Health</h2>
        {health.loading && !health.data ? <Loading label="Loading health…" /> : null}
        <ErrorMessage error={health.data ? null : health.error} onRetry={health.reload} />
        {health.data ? <HealthPanel health={health.data} /> : null}
      </section>
      <section className="panel" aria-labelledby="number-failovers">
        <h2 id="number-failovers">Failovers</h2>
        <p className="muted small">
          Newest first. Each step shows its time after the request; a failover fences the old instance before
          the new one takes over.
        </p>
        {failovers.loading && !history ? <Loading label="Loading failovers…" /> : null}
        <ErrorMessage error={history ? null : failovers.error} onRetry={failovers.reload} />
        {history ? <FailoverHistory failovers={history} placements={n.placements} /> : null}
      </section>
      <section className="panel" aria-labelledby="number-placements">
        <h2 id="number-placements">Placements and pod sets</h2>
        <PlacementList placements={n.placements} region={n.region} />
      </section>
      <div className="grid-2">
        <section className="panel" aria-labelledby="health-transitions">
          <h2 id="health-transitions">Health timeline</h2>
          <p className="muted small">The latest status changes, newest first.</p>
          {health.data ? (
            <HealthTimeline transitions={health.data.transitions} />
          ) : (
            <p className="muted">{health.error ? 'Not available: see Health above.' : 'Loading…'}</p>
          )}
        </section>
        <section className="panel" aria-labelledby="number-transitions">
          <h2 id="number-transitions">Lifecycle</h2>
          <p className="muted small">Newest first. Created {formatDateTime(n.createdAt)}.</p>
          <TransitionTimeline transitions={n.transitions} />
        </section>
      </div>
      <ConfirmDialog
        open={pending === 'suspend'}
        title={`Suspend ${n.phoneNumber}`}
        confirmLabel="Suspend number"
        danger
        busy={action.busy}
        error={<ErrorMessage error={action.error} />}
        onConfirm={() => void action.run('suspend')}
        onCancel={closeDialog}
      >
        <p>
          The number&rsquo;s pods stop, so it cannot send or receive WhatsApp messages until it is resumed.
          Its placements, database and media stay.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={pending === 'failover'}
        title={`Fail over ${n.phoneNumber}`}
        confirmLabel="Fail over now"
        danger
        busy={action.busy}
        confirmDisabled={reasonTrimmed.length < REASON_MIN}
        error={action.fieldError('reason') ? null : <ErrorMessage error={action.error} />}
        onConfirm={() => void action.run('failover')}
        onCancel={closeDialog}
      >
        <p>
          The active instance is fenced first (its cluster confirms its pods gone, or its activation lease
          runs out), then {n.mode === 'ha' ? 'the standby' : 'a new placement in the region'} takes over with
          a new fencing epoch. WhatsApp traffic pauses until the new instance has connected.
        </p>
        <FormField
          label="Reason"
          hint={`Kept on the failover and in the audit log (${REASON_MIN} to ${REASON_MAX} characters).`}
          error={action.fieldError('reason')}
        >
          <textarea
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            maxLength={REASON_MAX}
            rows={3}
            required
            data-autofocus
          />
        </FormField>
      </ConfirmDialog>
      <ConfirmDialog
        open={pending === 'deprovision'}
        title={`Deprovision ${n.phoneNumber}`}
        confirmLabel="Deprovision number"
        typeToConfirm={n.phoneNumber}
        danger
        busy={action.busy}
        error={<ErrorMessage error={action.error} />}
        onConfirm={() => void action.run('deprovision')}
        onCancel={closeDialog}
      >
        <p>
          The number&rsquo;s desired state becomes “deleted” and its pod set, database credentials and media
          will be removed when deprovisioning runs. The client&rsquo;s business systems lose this number.
        </p>
      </ConfirmDialog>
    </>
  );
}
