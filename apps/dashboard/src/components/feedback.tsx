import type { ReactNode } from 'react';
import { ApiError, messageOf } from '../api/api-error';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

/** An error about a whole action or view, in plain words, announced to screen readers. */
export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  // The request id helps operations find a server failure in the logs; for a client mistake it is noise.
  const requestId = error instanceof ApiError && error.status >= 500 ? error.requestId : undefined;
  return (
    <div className="error-banner" role="alert">
      <p>{messageOf(error)}</p>
      {requestId ? <p className="muted small">Request id: {requestId}</p> : null}
      {onRetry ? (
        <button type="button" className="button secondary" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
