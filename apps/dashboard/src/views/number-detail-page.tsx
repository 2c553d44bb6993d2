import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { numbersApi, tenantsApi } from '../api/endpoints';
import { useSignedIn } from '../auth/session-context';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorMessage, Loading, NotAvailableYet } from '../components/feedback';
import { NumberFacts } from '../components/number-facts';
import { PageHeader } from '../components/page-header';
import { useFormAction } from '../lib/use-form-action';
import { useResource } from '../lib/use-resource';

export default function NumberDetailPage() {
  const { numberId = '' } = useParams();
  const { can } = useSignedIn();
  const [version, setVersion] = useState(0);
  const number = useResource(() => numbersApi.get(numberId), `${numberId}|${version}`, { pollMs: 5000 });
  const tenantId = number.data?.tenantId ?? '';
  const tenant = useResource(() => (tenantId ? tenantsApi.get(tenantId) : Promise.resolve(null)), tenantId);
  const [confirming, setConfirming] = useState(false);
  const deprovision = useFormAction(async (id: string) => {
    await numbersApi.deprovision(id);
    setConfirming(false);
    setVersion((v) => v + 1);
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

  return (
    <>
      <PageHeader
        title={n.phoneNumber}
        subtitle={
          <>
            {n.displayName ?? 'Unnamed number'} · client{' '}
            <Link to={`/tenants/${n.tenantId}`}>{tenant.data?.name ?? 'details'}</Link> · state refreshed
            every 5 seconds
          </>
        }
        actions={
          <>
            <Link className="button secondary" to={`/audit?targetType=number&targetId=${n.id}`}>
              Audit log
            </Link>
            {can.canWrite && n.desiredState !== 'deleted' ? (
              <button type="button" className="button danger" onClick={() => setConfirming(true)}>
                Deprovision
              </button>
            ) : null}
          </>
        }
      />
      <section className="panel" aria-labelledby="number-state">
        <h2 id="number-state">State</h2>
        <NumberFacts number={n} />
      </section>
      <div className="grid-2">
        <NotAvailableYet title="Placement and cluster">
          Where the number runs (active and standby placements, cluster, zone) arrives with provisioning.
          Until the worker exists, a new number stays in state “requested”.
        </NotAvailableYet>
        <NotAvailableYet title="Pod set">
          The WebApp and CoreApp resources with their readiness arrive with provisioning.
        </NotAvailableYet>
        <NotAvailableYet title="Health timeline">
          Health checks of the pod set arrive with the health-check queue.
        </NotAvailableYet>
        <NotAvailableYet title="Failover history">
          Failovers, with their reason and duration, arrive with redundant failover. Reconcile and failover
          actions will appear here then.
        </NotAvailableYet>
      </div>
      <ConfirmDialog
        open={confirming}
        title={`Deprovision ${n.phoneNumber}`}
        confirmLabel="Deprovision number"
        typeToConfirm={n.phoneNumber}
        danger
        busy={deprovision.busy}
        error={<ErrorMessage error={deprovision.error} />}
        onConfirm={() => void deprovision.run(n.id)}
        onCancel={() => {
          setConfirming(false);
          deprovision.clearError();
        }}
      >
        <p>
          The number&rsquo;s desired state becomes “deleted” and its pod set, database credentials and media
          will be removed when deprovisioning runs. The client&rsquo;s business systems lose this number.
        </p>
      </ConfirmDialog>
    </>
  );
}
