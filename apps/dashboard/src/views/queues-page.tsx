import type { FailedJobResponse, QueueCountsResponse } from '@bsp/contracts';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { queuesApi } from '../api/endpoints';
import { Empty, ErrorMessage, Loading } from '../components/feedback';
import { PageHeader } from '../components/page-header';
import { StateBadge } from '../components/state-badge';
import { formatDateTime, formatRelative } from '../lib/format';
import { useFormAction } from '../lib/use-form-action';
import { useResource } from '../lib/use-resource';

const POLL_MS = 5000;
const PAGE_SIZE = 20;

const QUEUE_TEXT: Record<string, string> = {
  provisioning: 'Reconcile jobs: place numbers, apply and observe their pod sets, deprovision.',
  maintenance: 'Periodic resyncs and session clean-up.',
};

function numberIdOf(job: FailedJobResponse): string | null {
  return typeof job.data.numberId === 'string' ? job.data.numberId : null;
}

function FailedJobs({ queue, onRetried }: { queue: string; onRetried: () => void }) {
  const [offset, setOffset] = useState(0);
  const jobs = useResource(
    (signal) => queuesApi.failed(queue, { offset, limit: PAGE_SIZE }, signal),
    `${queue}|${offset}`,
    { pollMs: POLL_MS },
  );
  const [tried, setTried] = useState<{ id: string; ok: boolean } | null>(null);
  const retry = useFormAction(async (jobId: string) => {
    // Remembers the row, so a failure is shown next to its button.
    setTried({ id: jobId, ok: false });
    await queuesApi.retry(queue, jobId);
    setTried({ id: jobId, ok: true });
    jobs.reload();
    onRetried();
  });

  return (
    <section className="panel" aria-labelledby="failed-jobs-title" data-testid="failed-jobs">
      <h2 id="failed-jobs-title">Failed jobs in {queue}</h2>
      <p role="status" aria-live="polite" className="small">
        {tried?.ok ? `Job ${tried.id} is queued again.` : ''}
      </p>
      {jobs.loading && !jobs.data ? <Loading label="Loading failed jobs…" /> : null}
      <ErrorMessage error={jobs.error} onRetry={jobs.reload} />
      {jobs.data && jobs.data.length === 0 ? (
        <Empty>
          <p>{offset ? 'No more failed jobs.' : `No failed jobs in ${queue}.`}</p>
        </Empty>
      ) : null}
      {jobs.data && jobs.data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Failed jobs in {queue}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Number</th>
                <th scope="col">Reason</th>
                <th scope="col">Attempts</th>
                <th scope="col">Failed</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {jobs.data.map((job) => {
                const numberId = numberIdOf(job);
                return (
                  <tr key={job.id} data-job-id={job.id}>
                    <th scope="row">
                      <code>{job.name}</code>
                      <br />
                      <code className="small muted">{job.id}</code>
                    </th>
                    <td>
                      {numberId ? <Link to={`/numbers/${numberId}`}>{numberId.slice(0, 8)}</Link> : '—'}
                    </td>
                    <td className="reason">{job.failedReason || 'No reason recorded.'}</td>
                    <td>{job.attemptsMade}</td>
                    <td title={formatDateTime(job.finishedAt ?? job.timestamp)}>
                      {formatRelative(job.finishedAt ?? job.timestamp)}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="button secondary small"
                        disabled={retry.busy}
                        onClick={() => void retry.run(job.id)}
                      >
                        Retry<span className="sr-only"> job {job.id}</span>
                      </button>
                      {tried?.id === job.id && !tried.ok ? <ErrorMessage error={retry.error} /> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <nav className="pager" aria-label="Failed jobs pages">
        <button
          type="button"
          className="button secondary"
          disabled={offset === 0}
          onClick={() => setOffset((o) => Math.max(0, o - PAGE_SIZE))}
        >
          Newer
        </button>
        <span>
          {offset + 1}–{offset + (jobs.data?.length ?? 0)}
        </span>
        <button
          type="button"
          className="button secondary"
          disabled={(jobs.data?.length ?? 0) < PAGE_SIZE}
          onClick={() => setOffset((o) => o + PAGE_SIZE)}
        >
          Older
        </button>
      </nav>
    </section>
  );
}

function CountsTable({
  queues,
  selected,
  onSelect,
}: {
  queues: QueueCountsResponse[];
  selected: string;
  onSelect: (name: string) => void;
}) {
  return (
    <div className="table-wrap">
      <table data-testid="queue-counts">
        <caption className="sr-only">Jobs per queue</caption>
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col">Waiting</th>
            <th scope="col">Active</th>
            <th scope="col">Delayed</th>
            <th scope="col">Failed</th>
            <th scope="col">Completed</th>
            <th scope="col">State</th>
            <th scope="col">Failed jobs</th>
          </tr>
        </thead>
        <tbody>
          {queues.map((q) => (
            <tr key={q.name} data-queue={q.name}>
              <th scope="row">
                <code>{q.name}</code>
                {QUEUE_TEXT[q.name] ? <div className="muted small">{QUEUE_TEXT[q.name]}</div> : null}
              </th>
              <td>{q.waiting}</td>
              <td>{q.active}</td>
              <td>{q.delayed}</td>
              <td>{q.failed > 0 ? <StateBadge state="failed" label={String(q.failed)} /> : 0}</td>
              <td>{q.completed}</td>
              <td>
                <StateBadge state={q.paused ? 'paused' : 'running'} />
              </td>
              <td>
                <button
                  type="button"
                  className="button secondary small"
                  aria-pressed={selected === q.name}
                  onClick={() => onSelect(q.name)}
                >
                  Show<span className="sr-only"> failed jobs of {q.name}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function QueuesPage() {
  const queues = useResource((signal) => queuesApi.overview(signal), 'queues', { pollMs: POLL_MS });
  const [chosen, setChosen] = useState<string | null>(null);
  const list = queues.data ?? [];
  // Until someone picks a queue, show the first one with failures.
  const selected = chosen ?? list.find((q) => q.failed > 0)?.name ?? '';

  return (
    <>
      <PageHeader
        title="Queues"
        subtitle="The worker’s job queues: depths, and failed jobs with their reasons. Refreshed every 5 seconds."
      />
      {queues.loading && !queues.data ? <Loading label="Loading queues…" /> : null}
      <ErrorMessage error={queues.error} onRetry={queues.reload} />
      {queues.data && list.length === 0 ? (
        <Empty>
          <p>The API reports no queues.</p>
        </Empty>
      ) : null}
      {list.length > 0 ? (
        <section className="panel" aria-labelledby="queue-depths">
          <h2 id="queue-depths">Depths</h2>
          <CountsTable queues={list} selected={selected} onSelect={setChosen} />
        </section>
      ) : null}
      {selected ? (
        <FailedJobs key={selected} queue={selected} onRetried={queues.reload} />
      ) : queues.data && list.length > 0 ? (
        <Empty>
          <p>No failed jobs in any queue.</p>
        </Empty>
      ) : null}
    </>
  );
}
