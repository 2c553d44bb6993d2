import { createHash, hkdfSync } from 'node:crypto';

/**
 * The bearer token a pod set's fencing agent renews its activation lease with. Derived from the
 * number's sealed encryption secret and the placement, so it is stable across reconciles (the
 * Secret does not churn), differs per pod set, and needs no storage of its own: the control plane
 * keeps only its hash.
 */
export function leaseToken(encryptionSecret: string, placementId: string): string {
  const key = hkdfSync('sha256', encryptionSecret, '', `bsp activation lease token v1 ${placementId}`, 32);
  return Buffer.from(key).toString('base64url');
}

export function leaseTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
