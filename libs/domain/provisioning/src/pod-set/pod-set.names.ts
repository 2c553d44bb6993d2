import { createHash } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Fixed object names inside a pod set's namespace: one pod set per namespace, so short names suffice. */
export const POD_SET_NAMES = {
  serviceAccount: 'wa-runtime',
  quota: 'pod-set-quota',
  limits: 'pod-set-limits',
  credentials: 'wa-credentials',
  media: 'wa-media',
  webapp: 'webapp',
  coreapp: 'coreapp',
} as const;

export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && DNS_1123_LABEL.test(value);
}

export function uuidHex(id: string): string {
  if (!UUID.test(id)) throw new Error(`expected a UUID, got ${JSON.stringify(id)}`);
  return id.replaceAll('-', '').toLowerCase();
}

/**
 * `wa-<number id, 32 hex>-<placement id, first 8 hex>` (44 characters). The whole number id keeps
 * two numbers from ever sharing a namespace (a 12-hex prefix collides at scale: ~0.2 % at a
 * million numbers, and a collision would let one number's apply overwrite another's pod set); the
 * placement part separates a number's primary and standby when they share a cluster. The role is
 * left out on purpose: a standby promoted to primary keeps its namespace.
 */
export function podSetNamespace(numberId: string, placementId: string): string {
  return `wa-${uuidHex(numberId)}-${uuidHex(placementId).slice(0, 8)}`;
}

/**
 * Labels are copied into places that are not access-controlled like the number itself: metrics
 * (kube-state-metrics exports them), events, audit logs, dashboards, and anyone allowed to list
 * namespaces sees them. A phone number is personal data, so labels carry this hash instead (`+` is
 * not even a legal label character). Unsalted on purpose: an operator who knows the number computes
 * the same value to find the pod set (`kubectl get ns -l bsp.io/phone-hash=...`). It is a lookup
 * aid, not anonymisation: the space of phone numbers is small enough to enumerate.
 */
export function phoneNumberHash(e164: string): string {
  return createHash('sha256').update(e164).digest('hex').slice(0, 16);
}
