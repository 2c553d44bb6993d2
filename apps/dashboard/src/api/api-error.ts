/** A field-level problem from the API's problem+json `errors` member. */
export interface FieldProblem {
  field: string;
  code: string;
  message: string;
}

/** An API failure, already in plain words: `message` for the action, `fields` next to each input. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fieldErrors: readonly FieldProblem[] = [],
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The first plain-words message for a request field, if the API named it. */
  forField(field: string): string | undefined {
    const hit = this.fieldErrors.find((e) => e.field === field || e.field.startsWith(`${field}.`));
    return hit ? plainFieldMessage(hit) : undefined;
  }
}

/** What each stable error code means to a person using the dashboard. */
const PLAIN: Record<string, string> = {
  validation_failed: 'Some fields need attention: see the messages next to them.',
  malformed_request: 'The request could not be read. Reload the page and try again.',
  payload_too_large: 'That is more data than the API accepts at once.',
  unsupported_media_type: 'The request was sent in a format the API does not accept.',
  not_acceptable: 'The API cannot answer in the requested format.',
  unauthenticated: 'Your session has ended. Log in again.',
  invalid_credentials: 'The email or password is not right.',
  invalid_refresh_token: 'Your session has ended. Log in again.',
  forbidden: 'Your role does not allow this.',
  insufficient_scope: 'This key or role does not allow this.',
  not_found: 'It no longer exists, or you cannot see it.',
  route_not_found: 'The API does not offer this yet.',
  number_taken: 'This phone number is already registered to a client.',
  slug_taken: 'Another client already uses this short name (slug).',
  email_taken: 'A user with this email already exists.',
  cluster_name_taken: 'A cluster with this name is already registered.',
  tenant_suspended: 'This client is suspended: nothing can be added to it.',
  tenant_has_numbers: 'This client still has numbers.',
  api_key_already_rotated: 'This key was already rotated: rotate its replacement instead.',
  api_key_revoked: 'This key is revoked.',
  invalid_state: 'This cannot be done in the current state.',
  failover_in_progress: 'A failover of this number is already running: follow it under Failovers below.',
  failover_not_possible: 'This number cannot fail over now',
  too_many_attempts: 'Too many attempts. Wait a few minutes, then try again.',
  service_unavailable: 'The service is unavailable right now. Try again shortly.',
  internal_error:
    'Something went wrong on the server. Try again; if it persists, quote the request id to operations.',
};

/** Codes whose plain words need the API's detail to say why (e.g. which state the number is in). */
const WITH_DETAIL = new Set(['failover_not_possible']);

export function plainMessage(code: string, status: number, detail?: string): string {
  const known = PLAIN[code];
  if (known && WITH_DETAIL.has(code))
    return detail
      ? `${known}: ${detail.charAt(0).toLowerCase()}${detail.slice(1).replace(/\.$/, '')}.`
      : `${known}.`;
  if (known) return known;
  if (detail) return detail;
  return status >= 500 ? PLAIN.internal_error! : `The request failed (${status}).`;
}

/** Server messages name the request field (e.g. "phoneNumber must be ..."); keep them but drop the field's code name. */
export function plainFieldMessage(problem: FieldProblem): string {
  const leaf = problem.field.split('.').pop() ?? problem.field;
  const text = problem.message.startsWith(`${problem.field} `)
    ? problem.message.slice(problem.field.length + 1)
    : problem.message.startsWith(`${leaf} `)
      ? problem.message.slice(leaf.length + 1)
      : problem.message;
  if (problem.code === 'unknownField') return 'This field is not accepted.';
  if (/^(is|was|has) /.test(text)) return `This ${text}`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

interface ProblemBody {
  code?: unknown;
  detail?: unknown;
  errors?: unknown;
  requestId?: unknown;
}

export async function apiErrorFrom(res: Response): Promise<ApiError> {
  let body: ProblemBody = {};
  try {
    const text = await res.text();
    if (text) body = JSON.parse(text) as ProblemBody;
  } catch {
    body = {};
  }
  const code = typeof body.code === 'string' ? body.code : res.status >= 500 ? 'internal_error' : 'unknown';
  const detail = typeof body.detail === 'string' ? body.detail : undefined;
  const fields = Array.isArray(body.errors)
    ? (body.errors as unknown[]).filter(
        (e): e is FieldProblem =>
          typeof e === 'object' &&
          e !== null &&
          typeof (e as FieldProblem).field === 'string' &&
          typeof (e as FieldProblem).message === 'string',
      )
    : [];
  const requestId = typeof body.requestId === 'string' ? body.requestId : undefined;
  return new ApiError(res.status, code, plainMessage(code, res.status, detail), fields, requestId);
}

export function networkError(): ApiError {
  return new ApiError(0, 'network', 'The API cannot be reached. Check your connection and try again.');
}

/** Plain words for anything a view caught. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return 'Something went wrong in the page. Reload and try again.';
}
