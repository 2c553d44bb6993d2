import type { ClusterHealthSummaryResponse, CreateClusterRequest } from '@bsp/contracts';
import { type FormEvent, useState } from 'react';
import { clustersApi, healthApi } from '../api/endpoints';
import { useSignedIn } from '../auth/session-context';
import { Empty, ErrorMessage, Loading } from '../components/feedback';
import { FormField } from '../components/form-field';
import { HEALTH_LABEL, HealthCounts } from '../components/number-health';
import { PageHeader } from '../components/page-header';
import { StateBadge } from '../components/state-badge';
import { formatDateTime, formatRelative } from '../lib/format';
import { useFormAction } from '../lib/use-form-action';
import { useResource } from '../lib/use-resource';

const EMPTY: CreateClusterRequest = {
  name: '',
  region: '',
  zone: '',
  apiServerUrl: '',
  credentialsRef: '',
  capacity: 100,
};

function RegisterClusterForm({ onDone }: { onDone: () => void }) {
  const [form, setForm] = useState(EMPTY);
  const register = useFormAction(
    async () => {
      await clustersApi.register(form);
      onDone();
    },
    { keepBusyOnSuccess: true },
  );
  const set = (key: keyof CreateClusterRequest) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: key === 'capacity' ? Number(e.target.value) : e.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void register.run();
  };
  const fe = register.apiError;
  return (
    <form className="panel form" onSubmit={submit} noValidate aria-labelledby="register-cluster">
      <h2 id="register-cluster">Register a cluster</h2>
      <div className="grid-2">
        <FormField
          label="Name"
          hint="DNS label, e.g. eu-central-1."
          error={fe?.forField('name') ?? (fe?.code === 'cluster_name_taken' ? fe.message : undefined)}
        >
          <input value={form.name} onChange={set('name')} required />
        </FormField>
        <FormField label="Capacity (numbers)" error={fe?.forField('capacity')}>
          <input type="number" min={0} value={form.capacity} onChange={set('capacity')} required />
        </FormField>
        <FormField label="Region" hint="e.g. eu-central" error={fe?.forField('region')}>
          <input value={form.region} onChange={set('region')} required />
        </FormField>
        <FormField label="Zone" hint="e.g. eu-central-1a" error={fe?.forField('zone')}>
          <input value={form.zone} onChange={set('zone')} required />
        </FormField>
        <FormField label="API server URL" error={fe?.forField('apiServerUrl')}>
          <input type="url" value={form.apiServerUrl} onChange={set('apiServerUrl')} required />
        </FormField>
        <FormField
          label="Credentials reference"
          hint="secret:<namespace>/<name>, kubeconfig:<path>#<context> or in-cluster. Never the credentials themselves."
          error={fe?.forField('credentialsRef')}
        >
          <input value={form.credentialsRef} onChange={set('credentialsRef')} required />
        </FormField>
      </div>
      <ErrorMessage error={fe?.code === 'cluster_name_taken' ? null : register.error} />
      <div className="actions">
        <button type="submit" className="button primary" disabled={register.busy}>
          {register.busy ? 'Registering…' : 'Register cluster'}
        </button>
      </div>
    </form>
  );
}

const STATUS_ORDER = ['healthy', 'degraded', 'unhealthy', 'unknown', 'unchecked'] as const;

/** The statuses a cluster's active numbers are in, zeros left out. */
function ClusterHealthCell({ summary }: { summary: ClusterHealthSummaryResponse | undefined }) {
  if (!summary || summary.total === 0) return <span className="muted">—</span>;
  return (
    <span className="badges wrap">
      {STATUS_ORDER.filter((s) => summary.counts[s] > 0).map((s) => (
        <StateBadge key={s} state={s} label={`${summary.counts[s]} ${HEALTH_LABEL[s]}`} />
      ))}
    </span>
  );
}

function ReachabilityCell({ summary }: { summary: ClusterHealthSummaryResponse | undefined }) {
  if (!summary) return <span className="muted small">no active numbers to check</span>;
  if (!summary.reachability) return <span className="muted small">not seen yet</span>;
  return (
    <>
      <StateBadge state={summary.reachability} />
      {summary.reachabilitySeenAt ? (
        <div className="muted small" title={formatDateTime(summary.reachabilitySeenAt)}>
          seen {formatRelative(summary.reachabilitySeenAt)}
        </div>
      ) : null}
    </>
  );
}

export default function ClustersPage() {
  const { can } = useSignedIn();
  const [region, setRegion] = useState('');
  const [version, setVersion] = useState(0);
  const [registering, setRegistering] = useState(false);
  // The API returns every cluster at once (there are few); the region filter works on that list.
  const clusters = useResource(() => clustersApi.list({}), `clusters|${version}`);
  const regions = [...new Set((clusters.data ?? []).map((c) => c.region))].sort();
  const shown = (clusters.data ?? []).filter((c) => !region || c.region === region);
  // Staff get the counts per cluster of the active instance; reachability as the health checks saw it.
  const health = useResource((signal) => healthApi.summary({}, signal), 'health-summary', { pollMs: 5000 });
  const byCluster = new Map((health.data?.byCluster ?? []).map((c) => [c.clusterId, c]));

  return (
    <>
      <PageHeader
        title="Clusters"
        subtitle="Kubernetes clusters registered for placements, per data-residency region."
        actions={
          can.canRegisterClusters && !registering ? (
            <button type="button" className="button primary" onClick={() => setRegistering(true)}>
              Register cluster
            </button>
          ) : null
        }
      />
      {registering ? (
        <RegisterClusterForm
          onDone={() => {
            setRegistering(false);
            setVersion((v) => v + 1);
          }}
        />
      ) : null}
      <section className="panel" aria-labelledby="health-summary" data-testid="health-summary">
        <h2 id="health-summary">Health of active numbers</h2>
        {health.loading && !health.data ? <Loading label="Loading health…" /> : null}
        <ErrorMessage error={health.data ? null : health.error} onRetry={health.reload} />
        {health.data ? (
          <>
            <HealthCounts
              counts={health.data.counts}
              label="Active numbers of every client by health status"
            />
            <p className="muted small">
              {health.data.total} number{health.data.total === 1 ? '' : 's'} checked by the health checks
              (active numbers with an active instance), every client. Per cluster in the table below, by the
              cluster of each number&rsquo;s active instance. Refreshed every 5 seconds.
            </p>
          </>
        ) : null}
      </section>
      <div className="toolbar">
        <div className="field inline">
          <label htmlFor="cluster-region">Region</label>
          <select id="cluster-region" value={region} onChange={(e) => setRegion(e.target.value)}>
            <option value="">All regions</option>
            {regions.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
      </div>
      {clusters.loading && !clusters.data ? <Loading label="Loading clusters…" /> : null}
      <ErrorMessage error={clusters.error} onRetry={clusters.reload} />
      {clusters.data && shown.length === 0 ? (
        <Empty>
          <p>No clusters{region ? ` in ${region}` : ''} are registered yet.</p>
        </Empty>
      ) : null}
      {shown.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Clusters</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Region</th>
                <th scope="col">Zone</th>
                <th scope="col">State</th>
                <th scope="col">Capacity</th>
                <th scope="col">Active numbers</th>
                <th scope="col">Health</th>
                <th scope="col">Reachability</th>
                <th scope="col">API server</th>
                <th scope="col">Registered</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((c) => (
                <tr key={c.id} data-cluster={c.name}>
                  <th scope="row" className="nowrap">
                    {c.name}
                  </th>
                  <td className="nowrap">{c.region}</td>
                  <td className="nowrap">{c.zone}</td>
                  <td>
                    <StateBadge state={c.state} />
                  </td>
                  <td>{c.capacity}</td>
                  <td data-testid="cluster-active-numbers">{byCluster.get(c.id)?.total ?? 0}</td>
                  <td>
                    <ClusterHealthCell summary={byCluster.get(c.id)} />
                  </td>
                  <td>
                    <ReachabilityCell summary={byCluster.get(c.id)} />
                  </td>
                  <td>
                    <code className="small">{c.apiServerUrl}</code>
                  </td>
                  <td>{formatDateTime(c.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <p className="muted small">
        Active numbers: numbers the health checks follow whose active instance runs on the cluster (standby
        placements are not counted). Reachability is what the last health check there saw; the API reports it
        only for clusters with active numbers.
      </p>
    </>
  );
}
