import type { NumberResponse } from '@bsp/contracts';
import { countryName, formatDateTime } from '../lib/format';
import { StateBadge } from './state-badge';

/** What the API knows of a number today: observed vs desired state, region, mode, fencing epoch. */
export function NumberFacts({ number: n }: { number: NumberResponse }) {
  const converged = n.state === n.desiredState;
  return (
    <dl className="facts" data-testid="number-facts">
      <dt>Phone number</dt>
      <dd>
        <code>{n.phoneNumber}</code>
      </dd>
      <dt>Country</dt>
      <dd>{countryName(n.country) ?? '—'}</dd>
      <dt>Observed state</dt>
      <dd>
        <StateBadge state={n.state} />{' '}
        {n.stateReason ? <span className="muted">({n.stateReason})</span> : null}
      </dd>
      <dt>Desired state</dt>
      <dd>
        {n.desiredState}{' '}
        {converged ? (
          <span className="muted">(reached)</span>
        ) : (
          <span className="muted">(not reached yet)</span>
        )}
      </dd>
      <dt>Mode</dt>
      <dd>{n.mode === 'ha' ? 'High availability (active + standby)' : 'Single instance'}</dd>
      <dt>Data region</dt>
      <dd>{n.region}</dd>
      <dt>Fencing epoch</dt>
      <dd>{n.fencingEpoch}</dd>
      <dt>Last change</dt>
      <dd>{formatDateTime(n.updatedAt)}</dd>
    </dl>
  );
}
