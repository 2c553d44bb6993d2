import { MAX_PAGE_SIZE } from '@bsp/contracts';
import { tenantsApi } from '../api/endpoints';
import { useResource } from '../lib/use-resource';
import { ErrorMessage } from './feedback';

/** Staff choose a client; lists the first 200 (the API's largest page). */
export function TenantPicker({
  id,
  value,
  onChange,
  allowAll,
}: {
  id: string;
  value: string;
  onChange: (tenantId: string) => void;
  allowAll?: string;
}) {
  const tenants = useResource(() => tenantsApi.list({ limit: MAX_PAGE_SIZE }), 'tenant-picker');
  return (
    <>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        disabled={tenants.loading && !tenants.data}
      >
        {allowAll !== undefined ? (
          <option value="">{allowAll}</option>
        ) : (
          <option value="">Choose a client…</option>
        )}
        {(tenants.data?.items ?? []).map((t) => (
          <option key={t.id} value={t.id}>
            {t.name} ({t.slug})
          </option>
        ))}
      </select>
      <ErrorMessage error={tenants.error} onRetry={tenants.reload} />
    </>
  );
}

/** The staff's "Client" filter above a list, kept in the address bar as ?tenant=. */
export function ClientFilterBar({
  id,
  value,
  onChange,
  allowAll,
}: {
  id: string;
  value: string;
  onChange: (tenantId: string) => void;
  allowAll?: string;
}) {
  return (
    <div className="toolbar">
      <div className="field inline">
        <label htmlFor={id}>Client</label>
        <TenantPicker id={id} value={value} onChange={onChange} allowAll={allowAll} />
      </div>
    </div>
  );
}
