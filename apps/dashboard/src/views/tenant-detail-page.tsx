import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { tenantsApi } from '../api/endpoints';
import { useSignedIn } from '../auth/session-context';
import { AddNumberForm } from '../components/add-number-form';
import { ApiKeysPanel } from '../components/api-keys-panel';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorMessage, Loading } from '../components/feedback';
import { FormField } from '../components/form-field';
import { NumbersTable } from '../components/numbers-table';
import { PageHeader } from '../components/page-header';
import { StateBadge } from '../components/state-badge';
import { formatDateTime } from '../lib/format';
import { useFormAction } from '../lib/use-form-action';
import { useResource } from '../lib/use-resource';

export default function TenantDetailPage() {
  const { tenantId = '' } = useParams();
  const { can } = useSignedIn();
  const [version, setVersion] = useState(0);
  const tenant = useResource(() => tenantsApi.get(tenantId), `${tenantId}|${version}`);
  const [adding, setAdding] = useState(false);
  const [numbersVersion, setNumbersVersion] = useState(0);
  const [suspending, setSuspending] = useState(false);
  const [renaming, setRenaming] = useState<string | null>(null);
  const changeState = useFormAction(async (id: string, state: 'active' | 'suspended') => {
    await tenantsApi.update(id, { state });
    setSuspending(false);
    setVersion((v) => v + 1);
  });
  const rename = useFormAction(async (id: string, name: string) => {
    await tenantsApi.update(id, { name });
    setRenaming(null);
    setVersion((v) => v + 1);
  });

  if (tenant.loading && !tenant.data) return <Loading label="Loading client…" />;
  if (tenant.error || !tenant.data) {
    return (
      <>
        <PageHeader title="Client" />
        <ErrorMessage error={tenant.error} onRetry={tenant.reload} />
      </>
    );
  }
  const t = tenant.data;
  const nextState = t.state === 'active' ? 'suspended' : 'active';
  const submitRename = (event: FormEvent) => {
    event.preventDefault();
    if (renaming === null) return;
    void rename.run(t.id, renaming.trim());
  };
  const busy = changeState.busy || rename.busy;
  const renameFieldError = rename.apiError
    ? rename.apiError.forField('name')
    : renaming !== null && !renaming.trim()
      ? 'Enter a name.'
      : undefined;

  return (
    <>
      <PageHeader
        title={t.name}
        subtitle={
          <>
            Client <code>{t.slug}</code> · data region {t.dataRegion} · <StateBadge state={t.state} />
          </>
        }
        actions={
          <>
            <Link className="button secondary" to={`/audit?tenantId=${t.id}`}>
              Audit log
            </Link>
            {can.isStaff && can.canWrite ? (
              <button type="button" className="button secondary" onClick={() => setSuspending(true)}>
                {t.state === 'active' ? 'Suspend client' : 'Reactivate client'}
              </button>
            ) : null}
          </>
        }
      />
      <section className="panel" aria-labelledby="tenant-facts">
        <div className="section-header">
          <h2 id="tenant-facts">Details</h2>
          {can.canWrite && renaming === null ? (
            <button type="button" className="button secondary" onClick={() => setRenaming(t.name)}>
              Rename
            </button>
          ) : null}
        </div>
        {renaming !== null ? (
          <form className="form" onSubmit={submitRename} noValidate aria-label="Rename the client">
            <FormField label="New name" error={renameFieldError}>
              <input
                value={renaming}
                onChange={(e) => setRenaming(e.target.value)}
                maxLength={200}
                autoFocus
              />
            </FormField>
            <ErrorMessage error={rename.fieldError('name') ? null : rename.error} />
            <div className="actions">
              <button type="submit" className="button primary" disabled={busy || !renaming.trim()}>
                Save name
              </button>
              <button
                type="button"
                className="button secondary"
                onClick={() => {
                  setRenaming(null);
                  rename.clearError();
                }}
              >
                Cancel
              </button>
            </div>
          </form>
        ) : null}
        <dl className="facts">
          <dt>Name</dt>
          <dd>{t.name}</dd>
          <dt>Slug</dt>
          <dd>
            <code>{t.slug}</code>
          </dd>
          <dt>Data region</dt>
          <dd>{t.dataRegion}</dd>
          <dt>State</dt>
          <dd>
            <StateBadge state={t.state} />
          </dd>
          <dt>Created</dt>
          <dd>{formatDateTime(t.createdAt)}</dd>
          <dt>Id</dt>
          <dd>
            <code>{t.id}</code>
          </dd>
        </dl>
      </section>
      <section className="panel" aria-labelledby="tenant-numbers">
        <div className="section-header">
          <h2 id="tenant-numbers">Numbers</h2>
          {can.canWrite && !adding && t.state === 'active' ? (
            <button type="button" className="button primary" onClick={() => setAdding(true)}>
              Add number
            </button>
          ) : null}
        </div>
        {adding ? (
          <AddNumberForm
            tenantId={t.id}
            defaultRegion={t.dataRegion}
            onAdded={() => {
              setAdding(false);
              setNumbersVersion((v) => v + 1);
            }}
          />
        ) : null}
        <NumbersTable tenantId={t.id} reloadKey={numbersVersion} />
      </section>
      <ApiKeysPanel tenantId={t.id} canWrite={can.canWrite} />
      <ConfirmDialog
        open={suspending}
        title={t.state === 'active' ? `Suspend ${t.name}` : `Reactivate ${t.name}`}
        confirmLabel={t.state === 'active' ? 'Suspend client' : 'Reactivate client'}
        danger={t.state === 'active'}
        busy={busy}
        error={<ErrorMessage error={changeState.error} />}
        onConfirm={() => void changeState.run(t.id, nextState)}
        onCancel={() => {
          setSuspending(false);
          changeState.clearError();
        }}
      >
        <p>
          {t.state === 'active'
            ? 'A suspended client cannot add numbers or get new API keys. Its existing numbers and keys are left as they are.'
            : 'The client can add numbers again.'}
        </p>
      </ConfirmDialog>
    </>
  );
}
