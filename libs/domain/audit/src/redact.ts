const SENSITIVE_FIELD =
  /^(password|passwordhash|secret|secrethash|key|apikey|token|accesstoken|refreshtoken|credentials|authorization)$/i;

/** A deep copy with secret-named fields replaced, so audit rows never hold a secret. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SENSITIVE_FIELD.test(k) ? '[redacted]' : redactSecrets(v)]),
    );
  }
  return value;
}
