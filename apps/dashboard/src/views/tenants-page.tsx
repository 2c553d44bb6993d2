import { TENANT_STATES, type TenantState } from '@bsp/contracts';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { tenantsApi } from '../api/endpoints';
import { useSignedIn } from '../auth/session-context';
import { Empty, ErrorMessage, Loading } from '../components/feedback';
import { PageHeader } from '../components/page-header';
import { Pager, useCursorPager } from '../components/pager';
import { StateBadge } from '../components/state-badge';
import { formatDateTime } from '../lib/format';
import { useResource } from '../lib/use-resource';
import { ChoiceFilter } from '../components/choice-filter';

const PAGE_SIZE = 25;

export default function TenantsPage() {
  const { can } = useSignedIn();
  const [state, setState] = useState<TenantState | ''>('');
  const pager = useCursorPager();
  const page = useResource(
    () => tenantsApi.list({ cursor: pager.cursor, limit: PAGE_SIZE, state: state || undefined }),
    `${state}|${pager.cursor ?? ''}`,
  );

  return (
    <>
      <PageHeader
        title="Clients"
        subtitle={can.isStaff ? 'Every client (tenant) hosted on the platform.' : 'Your client.'}
        actions={
          can.canOnboard ? (
            <Link className="button primary" to="/onboarding">
              Onboard a client
            </Link>
          ) : null
        }
      />
      <div className="toolbar">
        <ChoiceFilter
          id="tenant-state"
          label="State"
          choices={TENANT_STATES}
          value={state}
          onChange={(value) => {
            setState(value);
            pager.reset();
          }}
        />
      </div>
      {page.loading && !page.data ? <Loading label="Loading clients…" /> : null}
      <ErrorMessage error={page.error} onRetry={page.reload} />
      {page.data && page.data.items.length === 0 ? (
        <Empty>
          <p>No clients{state ? ` in state ${state}` : ''} yet.</p>
          {can.canOnboard ? (
            <p>
              <Link to="/onboarding">Onboard the first client</Link>.
            </p>
          ) : null}
        </Empty>
      ) : null}
      {page.data && page.data.items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Clients</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Slug</th>
                <th scope="col">Data region</th>
                <th scope="col">State</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((t) => (
                <tr key={t.id}>
                  <th scope="row">
                    <Link to={`/tenants/${t.id}`}>{t.name}</Link>
                  </th>
                  <td>
                    <code>{t.slug}</code>
                  </td>
                  <td>{t.dataRegion}</td>
                  <td>
                    <StateBadge state={t.state} />
                  </td>
                  <td>{formatDateTime(t.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {page.data ? (
        <Pager
          label="Clients"
          pageNumber={pager.pageNumber}
          nextCursor={page.data.nextCursor}
          onNext={pager.next}
          onPrevious={pager.previous}
        />
      ) : null}
    </>
  );
}
