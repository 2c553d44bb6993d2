import { type ErrorCode, httpStatusFor, titleFor } from './error-codes';
import type { FieldError } from './domain-error';

/** RFC 9457 problem details with our stable `code` member. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemTypeUri(code: ErrorCode): string {
  return `urn:bsp:problem:${code}`;
}

export function toProblem(
  code: ErrorCode,
  detail: string,
  extra: Partial<ProblemDetails> = {},
): ProblemDetails {
  return {
    type: problemTypeUri(code),
    title: titleFor(code),
    status: httpStatusFor(code),
    detail,
    code,
    ...extra,
  };
}
