import { NUMBER_STATES, type NumberState } from '@bsp/contracts';
import { useId, useState } from 'react';
import { Link } from 'react-router-dom';
import { healthApi, numbersApi } from '../api/endpoints';
import { countryName, formatDateTime } from '../lib/format';
import { useResource } from '../lib/use-resource';
import { Empty, ErrorMessage, Loading } from './feedback';
import { HealthCounts } from './number-health';
import { Pager, useCursorPager } from './pager';
import { StateBadge } from './state-badge';
import { ChoiceFilter } from './choice-filter';
import { messageOf } from '../api/api-error';

const PAGE_SIZE = 50;

/**
 * One client's numbers: state filter on the server; search and region within the page (the API
 * has no region filter); cursor pages; live state (polled while the page is visible).
 */
export function NumbersTable({ tenantId, reloadKey = 0 }: { tenantId: string; reloadKey?: number }) {
  const [state, setState] = useState<NumberState | ''>('');
  const [search, setSearch] = useState('');
  const [region, setRegion] = useState('');
  const pager = useCursorPager();
  const ids = useId();
  const page = useResource(
    (signal) =>
      numbersApi.list(
        tenantId,
        { cursor: pager.cursor, limit: PAGE_SIZE, state: state || undefined },
        signal,
      ),
    `${tenantId}|${state}|${pager.cursor ?? ''}|${reloadKey}`,
    { pollMs: 5000 },
  );

  // The numbers list carries no health; the API counts the client's monitored numbers by status.
  const health = useResource(
    (signal) => healthApi.summary({ tenantId }, signal),
    `${tenantId}|${reloadKey}`,
    { pollMs: 5000 },
  );

  const needle = search.trim().toLowerCase().replace(/\s+/g, '');
  const regions = [
    ...new Set([...(page.data?.items ?? []).map((n) => n.region), ...(region ? [region] : [])]),
  ].sort();
  const rows = (page.data?.items ?? []).filter(
    (n) =>
      (!region || n.region === region) &&
      (!needle ||
        n.phoneNumber.includes(needle) ||
        (n.displayName ?? '').toLowerCase().replace(/\s+/g, '').includes(needle) ||
        (n.country ?? '').toLowerCase() === needle),
  );

  return (
    <div className="numbers-table">
      <div className="health-summary" data-testid="tenant-health">
        <span className="health-summary-title">Health of active numbers:</span>
        {health.data ? (
          <HealthCounts counts={health.data.counts} label="Active numbers by health status" />
        ) : health.error ? (
          <span className="muted small">not available ({messageOf(health.error)})</span>
        ) : (
          <span className="muted small">loading…</span>
        )}
        <span className="hint">
          Open a number for its health and failovers (the numbers list does not report health yet).
        </span>
      </div>
      <div className="toolbar">
        <div className="field inline">
          <label htmlFor={`${ids}-search`}>Search</label>
          <input
            id={`${ids}-search`}
            type="search"
            placeholder="Number, name or country code"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            aria-describedby={`${ids}-search-hint`}
          />
          <span id={`${ids}-search-hint`} className="hint">
            Searches the numbers on this page.
          </span>
        </div>
        <ChoiceFilter
          id={`${ids}-state`}
          label="State"
          choices={NUMBER_STATES}
          value={state}
          onChange={(value) => {
            setState(value);
            pager.reset();
          }}
        />
        <ChoiceFilter
          id={`${ids}-region`}
          label="Region"
          choices={regions}
          value={region}
          onChange={setRegion}
        />
      </div>
      {page.loading && !page.data ? <Loading label="Loading numbers…" /> : null}
      <ErrorMessage error={page.error} onRetry={page.reload} />
      {page.data && rows.length === 0 ? (
        <Empty>
          <p>
            {page.data.items.length === 0
              ? `No numbers${state ? ` in state ${state}` : ''} yet.`
              : `No number on this page matches the search${region ? ' and region' : ''}.`}
          </p>
        </Empty>
      ) : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Phone numbers</caption>
            <thead>
              <tr>
                <th scope="col">Number</th>
                <th scope="col">Country</th>
                <th scope="col">Name</th>
                <th scope="col">State</th>
                <th scope="col">Desired</th>
                <th scope="col">Mode</th>
                <th scope="col">Region</th>
                <th scope="col">Added</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((n) => (
                <tr key={n.id}>
                  <th scope="row">
                    <Link to={`/numbers/${n.id}`}>
                      <code>{n.phoneNumber}</code>
                    </Link>
                  </th>
                  <td>{countryName(n.country) ?? '—'}</td>
                  <td>{n.displayName ?? '—'}</td>
                  <td data-testid="number-state">
                    <StateBadge state={n.state} />
                    {n.state !== n.desiredState && n.state !== 'failed' ? (
                      <span className="muted small"> → {n.desiredState}</span>
                    ) : null}
                  </td>
                  <td>{n.desiredState}</td>
                  <td>{n.mode === 'ha' ? 'HA' : 'single'}</td>
                  <td>{n.region}</td>
                  <td>{formatDateTime(n.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {page.data ? (
        <Pager
          label="Numbers"
          pageNumber={pager.pageNumber}
          nextCursor={page.data.nextCursor}
          onNext={pager.next}
          onPrevious={pager.previous}
        />
      ) : null}
    </div>
  );
}
