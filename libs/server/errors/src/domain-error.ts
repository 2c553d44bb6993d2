import type { ErrorCode } from './error-codes';

export interface FieldError {
  /** Dotted path of the offending field in the request, e.g. `scopes.0`. */
  field: string;
  /** Machine-readable rule that failed, e.g. `isE164`. */
  code: string;
  message: string;
}

/**
 * What services throw. The message is shown to clients as `detail`, so it must never contain a
 * secret; `headers` lets a code carry e.g. Retry-After.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super('not_found', `${what} not found`);
  }
}

export class ValidationFailedError extends DomainError {
  constructor(errors: FieldError[], message = 'The request has invalid fields') {
    super('validation_failed', message, { errors });
  }
}
