import { numbersApi } from '../../api/endpoints';
import { ErrorMessage, Loading } from '../../components/feedback';
import { NumberFacts } from '../../components/number-facts';
import { mainPlacement, PlacementList, readyText } from '../../components/number-runtime';
import { useResource } from '../../lib/use-resource';

const POLL_MS = 2000;

type Stage = 'done' | 'waiting' | 'failed';

/**
 * The number as the API reports it, polled every 2 s until it is active: the placement the worker
 * chose and the readiness of its pod set, from the same data as the number detail page.
 */
export function ProvisioningStep({ numberId, onContinue }: { numberId: string; onContinue: () => void }) {
  const number = useResource((signal) => numbersApi.get(numberId, signal), numberId, {
    pollMs: POLL_MS,
  });
  const n = number.data;
  const active = n?.state === 'active';
  const failed = n?.state === 'failed';
  const placement = n ? mainPlacement(n) : undefined;
  const observed = placement?.observed ?? null;

  const stage = (status: Stage, text: string, extra?: string) => (
    <li className={status}>
      <span aria-hidden="true">{status === 'done' ? '✓' : status === 'failed' ? '✗' : '…'}</span> {text}
      <span className="sr-only"> ({status})</span>
      {extra ? <span className="muted"> — {extra}</span> : null}
    </li>
  );
  const waitingOr = (done: boolean): Stage => (done ? 'done' : failed ? 'failed' : 'waiting');

  return (
    <section className="panel" aria-labelledby="provisioning-title">
      <h2 id="provisioning-title">Provisioning</h2>
      {number.loading && !n ? <Loading label="Loading the number…" /> : null}
      <ErrorMessage error={number.error} onRetry={number.reload} />
      {n ? (
        <>
          <p aria-live="polite" data-testid="provisioning-state">
            The number is <strong>{n.state}</strong> (desired: {n.desiredState}).
            {n.stateReason ? <span className="muted"> {n.stateReason}</span> : null}
          </p>
          <ul className="checklist" data-testid="provisioning-checklist">
            {stage('done', 'Number registered')}
            {stage(
              waitingOr(Boolean(placement)),
              `Placement chosen in region ${n.region}`,
              placement
                ? `${placement.cluster.name}, zone ${placement.cluster.zone}, namespace ${placement.namespace}`
                : 'waiting for the worker',
            )}
            {stage(
              waitingOr(Boolean(observed?.ready)),
              'Pod set ready (WebApp and CoreApp)',
              observed
                ? `WebApp ${readyText(observed.webapp.ready, observed.webapp.desired)}, CoreApp ${readyText(
                    observed.coreapp.ready,
                    observed.coreapp.desired,
                  )}`
                : 'not observed yet',
            )}
            {stage(waitingOr(active), 'Number active')}
          </ul>
          <p className="notice">
            {active
              ? 'The number is active: its pod set runs and holds the number’s single WhatsApp connection.'
              : failed
                ? 'Provisioning failed. Open the number to see the last reconcile; staff can reconcile it again from there.'
                : 'This page refreshes every 2 seconds until the number is active. You can issue the client’s API key now: provisioning goes on.'}
          </p>
          <h3>Placements</h3>
          <PlacementList placements={n.placements} region={n.region} compact headingLevel={4} />
          <details>
            <summary>All facts about the number</summary>
            <NumberFacts number={n} />
          </details>
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
