import type { NumberDetailResponse } from '@bsp/contracts';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { numbersApi, tenantsApi } from '../api/endpoints';
import type { Permissions } from '../auth/permissions';
import { useSignedIn } from '../auth/session-context';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorMessage, Loading } from '../components/feedback';
import { NumberFacts } from '../components/number-facts';
import { PlacementList, ReconcileSummary, TransitionTimeline } from '../components/number-runtime';
import { PageHeader } from '../components/page-header';
import { formatDateTime } from '../lib/format';
import { useFormAction } from '../lib/use-form-action';
import { useResource } from '../lib/use-resource';

const POLL_MS = 3000;

/** Which actions the signed-in person may take on this number now (the API checks again). */
function availableActions(n: NumberDetailResponse, can: Permissions) {
  const gone = n.state === 'deleted' || n.desiredState === 'deleted';
  return {
    reconcile: can.isStaff && n.state !== 'deleted',
    suspend: can.canWrite && !gone && n.desiredState === 'active',
    resume: can.canWrite && !gone && n.desiredState === 'suspended',
    deprovision: can.canWrite && !gone,
  };
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

type Pending = 'suspend' | 'deprovision' | null;

export default function NumberDetailPage() {
  const { numberId = '' } = useParams();
  const { can } = useSignedIn();
  const number = useResource((signal) => numbersApi.get(numberId, signal), numberId, {
    pollMs: POLL_MS,
  });
  const tenantId = number.data?.tenantId ?? '';
  const tenant = useResource(() => (tenantId ? tenantsApi.get(tenantId) : Promise.resolve(null)), tenantId);
  const [pending, setPending] = useState<Pending>(null);
  const [done, setDone] = useState<string | null>(null);

  // One action at a time; its error is shown next to the buttons (or in its dialog).
  const action = useFormAction(async (kind: 'reconcile' | 'suspend' | 'resume' | 'deprovision') => {
    setDone(null);
    if (kind === 'reconcile') await numbersApi.reconcile(numberId);
    else if (kind === 'suspend') await numbersApi.suspend(numberId);
    else if (kind === 'resume') await numbersApi.resume(numberId);
    else await numbersApi.deprovision(numberId);
    setPending(null);
    setDone(
      kind === 'reconcile'
        ? 'Reconcile requested: the worker compares the clusters with the desired state shortly.'
        : kind === 'suspend'
          ? 'Suspend requested: the pods stop; placements and data stay.'
          : kind === 'resume'
            ? 'Resume requested: the pod set starts again.'
            : 'Deprovisioning requested: the pod set, credentials and media are being removed.',
    );
    number.reload();
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
  const anyAction = can_.reconcile || can_.suspend || can_.resume || can_.deprovision;
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
            {can_.suspend ? 'Suspend: stop the pods, keep placements and data. ' : ''}
            {can_.resume ? 'Resume: start the suspended pod set again. ' : ''}
            {can_.deprovision ? 'Deprovision: remove the number and its pod set for good.' : ''}
          </p>
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
      <section className="panel" aria-labelledby="number-placements">
        <h2 id="number-placements">Placements and pod sets</h2>
        <PlacementList placements={n.placements} region={n.region} />
      </section>
      <section className="panel" aria-labelledby="number-transitions">
        <h2 id="number-transitions">Lifecycle</h2>
        <p className="muted small">Newest first. Created {formatDateTime(n.createdAt)}.</p>
        <TransitionTimeline transitions={n.transitions} />
      </section>
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
