import { useSearchParams } from 'react-router-dom';
import { useSignedIn } from '../auth/session-context';
import { Empty } from '../components/feedback';
import { NumbersTable } from '../components/numbers-table';
import { PageHeader } from '../components/page-header';
import { ClientFilterBar } from '../components/tenant-picker';

export default function NumbersPage() {
  const { can } = useSignedIn();
  const [params, setParams] = useSearchParams();
  const tenantId = can.tenantId ?? params.get('tenant') ?? '';

  return (
    <>
      <PageHeader
        title="Numbers"
        subtitle="Phone numbers and their live state, as the API reports it: refreshed every 5 seconds while the page is visible."
      />
      {can.isStaff ? (
        <ClientFilterBar
          id="numbers-tenant"
          value={tenantId}
          onChange={(id) => setParams(id ? { tenant: id } : {})}
        />
      ) : null}
      {tenantId ? (
        <NumbersTable key={tenantId} tenantId={tenantId} />
      ) : (
        <Empty>
          <p>Choose a client to see its numbers. The API lists numbers per client.</p>
        </Empty>
      )}
    </>
  );
}
