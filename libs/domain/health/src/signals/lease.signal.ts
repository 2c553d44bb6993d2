import type { LeaseSignal } from '../health.types';

/** How many renew intervals without a renewal make a granted lease lapsed: two missed renewals and a half. */
export const LEASE_LAPSE_INTERVALS = 2.5;

/**
 * The active placement's lease as a health signal. `ageMs` is measured by the database (now() -
 * renewed_at), so the worker's clock plays no part.
 */
export function leaseSignal(
  lease: { grantedUntil: Date | null; revokedAt: Date | null; ageMs: number | null } | null,
  renewIntervalMs: number,
): LeaseSignal {
  if (!lease || lease.grantedUntil === null) return { state: 'none', ageMs: lease?.ageMs ?? null };
  if (lease.revokedAt !== null) return { state: 'revoked', ageMs: lease.ageMs };
  const lapsed = lease.ageMs === null || lease.ageMs > LEASE_LAPSE_INTERVALS * renewIntervalMs;
  return { state: lapsed ? 'lapsed' : 'held', ageMs: lease.ageMs };
}
