import { numbersApi } from '../../api/endpoints';
import { ErrorMessage, Loading } from '../../components/feedback';
import { NumberFacts } from '../../components/number-facts';
import { useResource } from '../../lib/use-resource';

/**
 * Shows the number as the API reports it, polled every 2 s. Placement and pod readiness have no
 * API yet: the checklist says so rather than pretending progress.
 */
export function ProvisioningStep({ numberId, onContinue }: { numberId: string; onContinue: () => void }) {
  const number = useResource(() => numbersApi.get(numberId), numberId, { pollMs: 2000 });
  const n = number.data;
  // Placement and pod readiness are not in the API yet: shown as unknown, never as progress.
  const stage = (status: 'done' | 'waiting' | 'unknown', text: string, extra?: string) => (
    <li className={status}>
      <span aria-hidden="true">{status === 'done' ? '✓' : status === 'waiting' ? '…' : '?'}</span> {text}
      <span className="sr-only"> ({status === 'unknown' ? 'not reported' : status})</span>
      {extra ? <span className="muted"> — {extra}</span> : null}
    </li>
  );
  return (
    <section className="panel" aria-labelledby="provisioning-title">
      <h2 id="provisioning-title">Provisioning</h2>
      {number.loading && !n ? <Loading label="Loading the number…" /> : null}
      <ErrorMessage error={number.error} onRetry={number.reload} />
      {n ? (
        <>
          <p aria-live="polite" data-testid="provisioning-state">
            The number is <strong>{n.state}</strong> (desired: {n.desiredState}).
          </p>
          <ul className="checklist">
            {stage('done', 'Number registered', `state ${n.state}`)}
            {stage('unknown', `Placement chosen in region ${n.region}`, 'not available yet')}
            {stage('unknown', 'Pod set ready (WebApp and CoreApp)', 'not available yet')}
            {stage(n.state === 'active' ? 'done' : 'waiting', 'Number active')}
          </ul>
          <p className="notice">
            Provisioning arrives with the worker: until then a new number stays <strong>requested</strong>,
            and placement and pod readiness are not reported. This page shows the state as the API reports it
            and refreshes every 2 seconds. You can issue the client&rsquo;s API key now.
          </p>
          <NumberFacts number={n} />
        </>
      ) : null}
      <div className="actions">
        <button type="button" className="button primary" onClick={onContinue}>
          Continue to the API key
        </button>
      </div>
    </section>
  );
}
