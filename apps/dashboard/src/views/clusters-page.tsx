import type { CreateClusterRequest } from '@bsp/contracts';
import { type FormEvent, useState } from 'react';
import { clustersApi } from '../api/endpoints';
import { useSignedIn } from '../auth/session-context';
import { Empty, ErrorMessage, Loading } from '../components/feedback';
import { FormField } from '../components/form-field';
import { PageHeader } from '../components/page-header';
import { StateBadge } from '../components/state-badge';
import { formatDateTime } from '../lib/format';
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

export default function ClustersPage() {
  const { can } = useSignedIn();
  const [region, setRegion] = useState('');
  const [version, setVersion] = useState(0);
  const [registering, setRegistering] = useState(false);
  // The API returns every cluster at once (there are few); the region filter works on that list.
  const clusters = useResource(() => clustersApi.list({}), `clusters|${version}`);
  const regions = [...new Set((clusters.data ?? []).map((c) => c.region))].sort();
  const shown = (clusters.data ?? []).filter((c) => !region || c.region === region);

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
                <th scope="col">Numbers placed</th>
                <th scope="col">Reachability</th>
                <th scope="col">API server</th>
                <th scope="col">Registered</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((c) => (
                <tr key={c.id}>
                  <th scope="row" className="nowrap">
                    {c.name}
                  </th>
                  <td className="nowrap">{c.region}</td>
                  <td className="nowrap">{c.zone}</td>
                  <td>
                    <StateBadge state={c.state} />
                  </td>
                  <td>{c.capacity}</td>
                  <td className="muted">not available yet</td>
                  <td className="muted">not available yet</td>
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
        Placement counts and reachability probes arrive with provisioning and health checks.
      </p>
    </>
  );
}
