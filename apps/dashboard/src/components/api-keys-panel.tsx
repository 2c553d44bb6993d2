import {
  API_KEY_SCOPES,
  type ApiKeyResponse,
  type ApiKeyScope,
  type IssuedApiKeyResponse,
} from '@bsp/contracts';
import { type FormEvent, useId, useState } from 'react';
import { apiKeysApi, numbersApi } from '../api/endpoints';
import { formatDateTime, formatRelative } from '../lib/format';
import { useFormAction } from '../lib/use-form-action';
import { useResource } from '../lib/use-resource';
import { ConfirmDialog } from './confirm-dialog';
import { Empty, ErrorMessage, Loading } from './feedback';
import { FormField } from './form-field';
import { KeyReveal } from './key-reveal';
import { StateBadge } from './state-badge';

export const SCOPE_LABELS: Record<ApiKeyScope, string> = {
  'numbers:read': 'Read numbers',
  'numbers:write': 'Change numbers',
  'keys:read': 'Read API keys',
  'keys:write': 'Issue and rotate API keys',
};

/** Issue form: name, scopes, optional binding to numbers, optional expiry. Used by the wizard too. */
export function IssueKeyForm({
  tenantId,
  defaultName = '',
  defaultNumberIds = [],
  headingLevel = 3,
  onIssued,
}: {
  tenantId: string;
  defaultName?: string;
  defaultNumberIds?: string[];
  headingLevel?: 2 | 3;
  onIssued: (issued: IssuedApiKeyResponse) => void;
}) {
  const id = useId();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const [name, setName] = useState(defaultName);
  const [scopes, setScopes] = useState<ApiKeyScope[]>(['numbers:read']);
  const [bound, setBound] = useState<string[]>(defaultNumberIds);
  const [expires, setExpires] = useState('');
  const numbers = useResource(() => numbersApi.list(tenantId, { limit: 50 }), `issue-numbers|${tenantId}`);

  const toggle = <T,>(list: T[], item: T): T[] =>
    list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
  const issue = useFormAction(async () =>
    onIssued(
      await apiKeysApi.issue(tenantId, {
        name: name.trim(),
        scopes,
        ...(bound.length ? { numberIds: bound } : {}),
        ...(expires ? { expiresAt: new Date(`${expires}T23:59:59Z`).toISOString() } : {}),
      }),
    ),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void issue.run();
  };
  const scopesError = issue.fieldError('scopes');
  const numbersError = issue.fieldError('numberIds');
  return (
    <form className="panel form" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <Heading id={`${id}-title`}>Issue an API key</Heading>
      <FormField
        label="Key name"
        hint="What uses the key, e.g. CRM integration."
        error={issue.fieldError('name')}
      >
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
      </FormField>
      <fieldset className="field" aria-describedby={scopesError ? `${id}-scopes-error` : undefined}>
        <legend>Scopes</legend>
        {API_KEY_SCOPES.map((scope) => (
          <label key={scope} className="check">
            <input
              type="checkbox"
              checked={scopes.includes(scope)}
              onChange={() => setScopes((s) => toggle(s, scope))}
            />
            {SCOPE_LABELS[scope]} <code>{scope}</code>
          </label>
        ))}
        {scopesError ? (
          <p id={`${id}-scopes-error`} className="field-error">
            {scopesError}
          </p>
        ) : null}
      </fieldset>
      <fieldset className="field">
        <legend>Bind to numbers (optional)</legend>
        <p className="hint">Leave all unticked for a key that covers every number of the client.</p>
        {numbers.loading && !numbers.data ? <Loading label="Loading numbers…" /> : null}
        {numbers.data?.items.length === 0 ? <p className="muted">The client has no numbers yet.</p> : null}
        {numbers.data?.items.map((n) => (
          <label key={n.id} className="check">
            <input
              type="checkbox"
              checked={bound.includes(n.id)}
              onChange={() => setBound((b) => toggle(b, n.id))}
            />
            <code>{n.phoneNumber}</code> {n.displayName ?? ''}
          </label>
        ))}
        {numbersError ? <p className="field-error">{numbersError}</p> : null}
      </fieldset>
      <FormField
        label="Expires on (optional)"
        hint="End of that day, UTC. Empty: does not expire."
        error={issue.fieldError('expiresAt')}
      >
        <input type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />
      </FormField>
      <ErrorMessage error={issue.error} />
      <div className="actions">
        <button
          type="submit"
          className="button primary"
          disabled={issue.busy || scopes.length === 0 || !name.trim()}
        >
          {issue.busy ? 'Issuing…' : 'Issue key'}
        </button>
      </div>
    </form>
  );
}

type Pending = { kind: 'rotate' | 'revoke'; key: ApiKeyResponse } | null;

export function ApiKeysPanel({ tenantId, canWrite }: { tenantId: string; canWrite: boolean }) {
  const id = useId();
  const [reloadKey, setReloadKey] = useState(0);
  const keys = useResource(() => apiKeysApi.list(tenantId), `${tenantId}|${reloadKey}`);
  const [issuing, setIssuing] = useState(false);
  const [revealed, setRevealed] = useState<{
    issued: IssuedApiKeyResponse;
    previousValidUntil?: string;
  } | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [graceHours, setGraceHours] = useState('24');
  const refresh = () => setReloadKey((n) => n + 1);
  const action = useFormAction(async () => {
    if (!pending) return;
    if (pending.kind === 'revoke') {
      await apiKeysApi.revoke(pending.key.id);
    } else {
      const rotated = await apiKeysApi.rotate(pending.key.id, Math.round(Number(graceHours) * 3600));
      setRevealed({ issued: rotated, previousValidUntil: rotated.previous.validUntil });
    }
    close();
    refresh();
  });
  const busy = action.busy;
  const actionError = action.error;
  const close = () => {
    setPending(null);
    action.clearError();
  };
  const confirm = () => void action.run();

  const graceInvalid = !(Number(graceHours) >= 0 && Number(graceHours) <= 720);
  const graceError = action.fieldError('graceSeconds');

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <div className="section-header">
        <h2 id={`${id}-title`}>API keys</h2>
        {canWrite && !issuing ? (
          <button type="button" className="button primary" onClick={() => setIssuing(true)}>
            Issue API key
          </button>
        ) : null}
      </div>
      {revealed ? (
        <KeyReveal
          issued={revealed.issued}
          previousValidUntil={revealed.previousValidUntil}
          onDone={() => setRevealed(null)}
        />
      ) : null}
      {issuing ? (
        <IssueKeyForm
          tenantId={tenantId}
          onIssued={(issued) => {
            setIssuing(false);
            setRevealed({ issued });
            refresh();
          }}
        />
      ) : null}
      {keys.loading && !keys.data ? <Loading label="Loading API keys…" /> : null}
      <ErrorMessage error={keys.error} onRetry={keys.reload} />
      {keys.data && keys.data.length === 0 ? (
        <Empty>
          <p>No API keys yet.</p>
        </Empty>
      ) : null}
      {keys.data && keys.data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">Scopes</th>
                <th scope="col">Numbers</th>
                <th scope="col">Status</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                {canWrite ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {keys.data.map((k) => (
                <tr key={k.id} data-key-id={k.id}>
                  <th scope="row">{k.name}</th>
                  <td>
                    <code>{k.prefix}</code>
                  </td>
                  <td>{k.scopes.join(', ')}</td>
                  <td>{k.numberIds.length ? k.numberIds.length : 'all'}</td>
                  <td>
                    <StateBadge state={k.status} />
                  </td>
                  <td>
                    {k.expiresAt ? formatDateTime(k.expiresAt) : 'never'}
                    {k.status === 'rotating' ? (
                      <span className="muted small"> (end of grace window)</span>
                    ) : null}
                  </td>
                  <td title={k.lastUsedAt ? formatDateTime(k.lastUsedAt) : undefined}>
                    {formatRelative(k.lastUsedAt)}
                  </td>
                  {canWrite ? (
                    <td>
                      <div className="row-actions">
                        {k.status === 'active' ? (
                          <button
                            type="button"
                            className="button secondary small"
                            onClick={() => setPending({ kind: 'rotate', key: k })}
                          >
                            Rotate<span className="sr-only"> {k.name}</span>
                          </button>
                        ) : null}
                        {k.status === 'active' || k.status === 'rotating' ? (
                          <button
                            type="button"
                            className="button danger small"
                            onClick={() => setPending({ kind: 'revoke', key: k })}
                          >
                            Revoke<span className="sr-only"> {k.name}</span>
                          </button>
                        ) : null}
                      </div>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <ConfirmDialog
        open={pending?.kind === 'rotate'}
        title={`Rotate “${pending?.key.name ?? ''}”`}
        confirmLabel="Rotate key"
        busy={busy || graceInvalid}
        error={<ErrorMessage error={graceError ? null : actionError} />}
        onConfirm={confirm}
        onCancel={close}
      >
        <p>
          A new key replaces this one. The old key keeps working during the grace window, so the client can
          switch without downtime.
        </p>
        <div className={`field${graceError || graceInvalid ? ' field-invalid' : ''}`}>
          <label htmlFor={`${id}-grace`}>Grace window (hours)</label>
          <input
            id={`${id}-grace`}
            type="number"
            min={0}
            max={720}
            step={1}
            value={graceHours}
            onChange={(e) => setGraceHours(e.target.value)}
            aria-describedby={`${id}-grace-hint`}
          />
          <p id={`${id}-grace-hint`} className="hint">
            0 to 720 hours (30 days). The old key stops at{' '}
            {formatDateTime(new Date(Date.now() + Number(graceHours || 0) * 3600_000).toISOString())}.
          </p>
          {graceError ? <p className="field-error">{graceError}</p> : null}
          {graceInvalid ? <p className="field-error">Enter a number of hours from 0 to 720.</p> : null}
        </div>
      </ConfirmDialog>
      <ConfirmDialog
        open={pending?.kind === 'revoke'}
        title={`Revoke “${pending?.key.name ?? ''}”`}
        confirmLabel="Revoke key"
        danger
        busy={busy}
        error={<ErrorMessage error={actionError} />}
        onConfirm={confirm}
        onCancel={close}
      >
        <p>
          The key <code>{pending?.key.prefix}</code> stops working at once, for every system that uses it.
          This cannot be undone.
        </p>
      </ConfirmDialog>
    </section>
  );
}
