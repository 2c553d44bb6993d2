/** Stable error codes: clients branch on these, so never rename one. */
export const ERROR_CODES = [
  'validation_failed',
  'malformed_request',
  'payload_too_large',
  'unsupported_media_type',
  'unauthenticated',
  'invalid_credentials',
  'invalid_refresh_token',
  'forbidden',
  'insufficient_scope',
  'not_found',
  'route_not_found',
  'number_taken',
  'slug_taken',
  'email_taken',
  'cluster_name_taken',
  'tenant_suspended',
  'tenant_has_numbers',
  'api_key_already_rotated',
  'api_key_revoked',
  'invalid_state',
  'too_many_attempts',
  'lease_token_invalid',
  'lease_revoked',
  'lease_superseded',
  'failover_in_progress',
  'failover_not_possible',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One place that decides the HTTP status of each code; the switch is checked for exhaustiveness. */
export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case 'validation_failed':
    case 'malformed_request':
      return 400;
    case 'unauthenticated':
    case 'invalid_credentials':
    case 'invalid_refresh_token':
    case 'lease_token_invalid':
      return 401;
    case 'forbidden':
    case 'insufficient_scope':
      return 403;
    case 'not_found':
    case 'route_not_found':
      return 404;
    case 'number_taken':
    case 'slug_taken':
    case 'email_taken':
    case 'cluster_name_taken':
    case 'tenant_suspended':
    case 'tenant_has_numbers':
    case 'api_key_already_rotated':
    case 'api_key_revoked':
    case 'invalid_state':
    case 'lease_revoked':
    case 'lease_superseded':
    case 'failover_in_progress':
    case 'failover_not_possible':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'unsupported_media_type':
      return 415;
    case 'too_many_attempts':
      return 429;
    case 'internal_error':
      return 500;
  }
}

export function titleFor(code: ErrorCode): string {
  const text = code.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
