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
  const stage = (done: boolean, text: string, extra?: string) => (
    <li className={done ? 'done' : 'waiting'}>
      <span aria-hidden="true">{done ? '✓' : '…'}</span> {text}
      {!done ? <span className="sr-only"> (waiting)</span> : null}
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
            {stage(true, 'Number registered', `state ${n.state}`)}
            {stage(n.state !== 'requested', 'Placement chosen in region ' + n.region, 'not available yet')}
            {stage(n.state === 'active', 'Pod set ready (WebApp and CoreApp)', 'not available yet')}
            {stage(n.state === 'active', 'Number active')}
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
