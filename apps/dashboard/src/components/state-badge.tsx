const TONE: Record<string, string> = {
  active: 'good',
  ready: 'good',
  converged: 'good',
  present: 'good',
  running: 'good',
  pending: 'info',
  waiting: 'info',
  fencing: 'warn',
  releasing: 'warn',
  terminating: 'warn',
  paused: 'warn',
  fenced: 'neutral',
  released: 'neutral',
  superseded: 'neutral',
  gone: 'neutral',
  error: 'bad',
  missing: 'bad',
  'not ready': 'warn',
  requested: 'info',
  provisioning: 'info',
  rotating: 'warn',
  suspended: 'warn',
  cordoned: 'warn',
  deprovisioning: 'warn',
  failed: 'bad',
  unreachable: 'bad',
  revoked: 'bad',
  expired: 'neutral',
  deleted: 'neutral',
  retired: 'neutral',
};

/** A state in words and colour; the word carries the meaning, the colour only repeats it. */
export function StateBadge({ state, label }: { state: string; label?: string }) {
  return <span className={`badge badge-${TONE[state] ?? 'neutral'}`}>{label ?? state}</span>;
}
