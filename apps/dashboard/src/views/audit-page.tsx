import type { AuditEventResponse } from '@bsp/contracts';
import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { ApiError } from '../api/api-error';
import { type AuditQuery, auditApi } from '../api/endpoints';
import { useSignedIn } from '../auth/session-context';
import { Empty, ErrorMessage, Loading } from '../components/feedback';
import { PageHeader } from '../components/page-header';
import { Pager, useCursorPager } from '../components/pager';
import { TenantPicker } from '../components/tenant-picker';
import { formatDateTime } from '../lib/format';
import { useFormAction } from '../lib/use-form-action';
import { useResource } from '../lib/use-resource';
import { ChoiceFilter } from '../components/choice-filter';

const FILTER_KEYS = ['tenantId', 'action', 'targetType', 'targetId', 'actorId', 'from', 'to'] as const;
type Filters = Partial<Record<(typeof FILTER_KEYS)[number], string>>;

const ACTIONS = [
  'api_key.issue',
  'api_key.rotate',
  'api_key.revoke',
  'auth.login',
  'auth.login_failed',
  'auth.refresh_reuse_detected',
  'cluster.create',
  'cluster.update',
  'job.retry',
  'number.create',
  'number.delete',
  'number.deprovisioned',
  'number.drift_repaired',
  'number.placed',
  'number.reconcile',
  'number.resume',
  'number.suspend',
  'tenant.create',
  'tenant.update',
  'tenant.suspend',
  'tenant.activate',
  'user.create',
];

/** datetime-local values are local time without a zone; the API wants ISO 8601 instants. */
function toIso(local: string | undefined): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Targets with a page of their own link to it (deleted numbers still have one). */
function targetPath(e: AuditEventResponse): string | null {
  if (!e.target.id) return null;
  if (e.target.type === 'number') return `/numbers/${e.target.id}`;
  if (e.target.type === 'tenant') return `/tenants/${e.target.id}`;
  return null;
}

function actorText(e: AuditEventResponse): string {
  if (e.actor.type === 'system') return 'system';
  return `${e.actor.label ?? e.actor.id ?? 'unknown'} (${e.actor.type === 'api_key' ? 'API key' : 'user'})`;
}

export default function AuditPage() {
  const { can } = useSignedIn();
  const [params, setParams] = useSearchParams();
  const applied: Filters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) applied[key] = value;
  }
  const [draft, setDraft] = useState<Filters>(applied);
  const pager = useCursorPager();
  const query: AuditQuery = { ...applied, from: toIso(applied.from), to: toIso(applied.to) };
  const page = useResource(
    () => auditApi.list({ ...query, cursor: pager.cursor, limit: 50 }),
    `${params.toString()}|${pager.cursor ?? ''}`,
  );
  const [exported, setExported] = useState<string | null>(null);
  const exporter = useFormAction(async () => {
    setExported(null);
    const { blob, filename } = await auditApi.exportCsv(query);
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    document.body.append(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setExported(filename);
  });

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const next: Record<string, string> = {};
    for (const [key, value] of Object.entries(draft)) if (value?.trim()) next[key] = value.trim();
    pager.reset();
    setParams(next);
  };
  const clear = () => {
    setDraft({});
    pager.reset();
    setParams({});
  };

  const fe = page.error instanceof ApiError ? page.error : null;
  const input = (key: keyof Filters, label: string, props: Record<string, unknown> = {}) => (
    <div className={`field inline${fe?.forField(key) ? ' field-invalid' : ''}`}>
      <label htmlFor={`audit-${key}`}>{label}</label>
      <input
        id={`audit-${key}`}
        value={draft[key] ?? ''}
        onChange={(e) => setDraft((d) => ({ ...d, [key]: e.target.value }))}
        {...props}
      />
      {fe?.forField(key) ? <span className="field-error">{fe.forField(key)}</span> : null}
    </div>
  );

  return (
    <>
      <PageHeader
        title="Audit log"
        subtitle="Every change, newest first. The export contains every matching event."
        actions={
          <button
            type="button"
            className="button secondary"
            onClick={() => void exporter.run()}
            disabled={exporter.busy}
          >
            {exporter.busy ? 'Exporting…' : 'Export CSV'}
          </button>
        }
      />
      <p role="status" aria-live="polite" className="small">
        {exported ? `Downloaded ${exported}.` : ''}
      </p>
      <ErrorMessage error={exporter.error} />
      <form className="panel filters" onSubmit={apply} aria-label="Audit filters">
        {can.isStaff ? (
          <div className="field inline">
            <label htmlFor="audit-tenant">Client</label>
            <TenantPicker
              id="audit-tenant"
              value={draft.tenantId ?? ''}
              onChange={(v) => setDraft((d) => ({ ...d, tenantId: v }))}
              allowAll="All clients"
            />
          </div>
        ) : null}
        <ChoiceFilter
          id="audit-action"
          label="Action"
          choices={ACTIONS}
          value={draft.action ?? ''}
          onChange={(action) => setDraft((d) => ({ ...d, action }))}
        />
        {input('targetType', 'Target type', { placeholder: 'number' })}
        {input('targetId', 'Target id')}
        {input('actorId', 'Actor id')}
        {input('from', 'From (your time)', { type: 'datetime-local' })}
        {input('to', 'Until (your time)', { type: 'datetime-local' })}
        <div className="actions">
          <button type="submit" className="button primary">
            Apply filters
          </button>
          <button type="button" className="button secondary" onClick={clear}>
            Clear
          </button>
        </div>
      </form>
      {page.loading && !page.data ? <Loading label="Loading events…" /> : null}
      <ErrorMessage error={page.error} onRetry={page.reload} />
      {page.data && page.data.items.length === 0 ? (
        <Empty>
          <p>No events match these filters.</p>
        </Empty>
      ) : null}
      {page.data && page.data.items.length > 0 ? (
        <div className="table-wrap">
          <table className="audit">
            <caption className="sr-only">Audit events</caption>
            <thead>
              <tr>
                <th scope="col">When (UTC)</th>
                <th scope="col">Action</th>
                <th scope="col">Actor</th>
                <th scope="col">Target</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((e) => (
                <tr key={e.id}>
                  <td>{formatDateTime(e.occurredAt)}</td>
                  <th scope="row">
                    <code>{e.action}</code>
                  </th>
                  <td>{actorText(e)}</td>
                  <td>
                    {e.target.type}
                    {e.target.id ? (
                      <>
                        {' '}
                        {targetPath(e) ? (
                          <Link to={targetPath(e)!} title={e.target.id}>
                            <code className="small">{e.target.id.slice(0, 8)}</code>
                          </Link>
                        ) : (
                          <code className="small" title={e.target.id}>
                            {e.target.id.slice(0, 8)}
                          </code>
                        )}
                      </>
                    ) : null}
                  </td>
                  <td>
                    {e.before || e.after || e.metadata ? (
                      <details>
                        <summary>Show</summary>
                        <pre>
                          {JSON.stringify(
                            {
                              before: e.before,
                              after: e.after,
                              metadata: e.metadata,
                              ip: e.ip,
                              requestId: e.requestId,
                            },
                            null,
                            2,
                          )}
                        </pre>
                      </details>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {page.data ? (
        <Pager
          label="Audit events"
          pageNumber={pager.pageNumber}
          nextCursor={page.data.nextCursor}
          onNext={pager.next}
          onPrevious={pager.previous}
        />
      ) : null}
    </>
  );
}
