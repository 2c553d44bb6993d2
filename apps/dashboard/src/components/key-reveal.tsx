import type { IssuedApiKeyResponse } from '@bsp/contracts';
import { useId } from 'react';
import { formatDateTime } from '../lib/format';
import { CopyButton } from './copy-button';

/** The one time a key's secret is on screen. */
export function KeyReveal({
  issued,
  previousValidUntil,
  headingLevel = 3,
  onDone,
}: {
  issued: IssuedApiKeyResponse;
  previousValidUntil?: string;
  headingLevel?: 2 | 3;
  onDone?: () => void;
}) {
  const id = useId();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section className="panel key-reveal" aria-labelledby={`${id}-title`} data-testid="key-reveal">
      <Heading id={`${id}-title`}>New API key “{issued.name}”</Heading>
      <p className="warning" role="alert">
        <strong>Copy this key now. It is shown only once</strong> and cannot be displayed again: the control
        plane keeps only a hash. Store it in the client&rsquo;s secret store; whoever holds it can act with
        its scopes.
      </p>
      <div className="field">
        <label htmlFor={`${id}-key`}>API key</label>
        <input
          id={`${id}-key`}
          className="secret"
          readOnly
          value={issued.key}
          onFocus={(e) => e.currentTarget.select()}
          data-testid="issued-key"
        />
      </div>
      <div className="actions">
        <CopyButton value={issued.key} label="Copy key" fallbackSelectId={`${id}-key`} />
        {onDone ? (
          <button type="button" className="button secondary" onClick={onDone}>
            I have stored it — hide the key
          </button>
        ) : null}
      </div>
      <p className="muted small">
        Scopes: {issued.scopes.join(', ')}
        {issued.numberIds.length
          ? ` · bound to ${issued.numberIds.length} number(s)`
          : ' · all numbers of the client'}
        {issued.expiresAt ? ` · expires ${formatDateTime(issued.expiresAt)}` : ' · does not expire'}
      </p>
      {previousValidUntil ? (
        <p className="notice">
          The replaced key keeps working until <strong>{formatDateTime(previousValidUntil)}</strong> (grace
          window), then stops.
        </p>
      ) : null}
    </section>
  );
}
