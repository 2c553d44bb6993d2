import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from './domain-error';
import type { ErrorCode } from './error-codes';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails, toProblem } from './problem-details';

interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
}

const CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'route_not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_attempts',
};

/** Framework exceptions (unknown route, guards) carry no code of ours: give them one, and plain words. */
function fromHttpException(error: HttpException): ProblemDetails {
  const status = error.getStatus();
  const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'malformed_request');
  const detail: Partial<Record<ErrorCode, string>> = {
    route_not_found: 'No such route',
    unauthenticated: 'Authentication is required',
    forbidden: 'You are not allowed to do this',
    internal_error: 'Internal error',
  };
  return { ...toProblem(code, detail[code] ?? error.message), status };
}

/** Body-parser errors arrive as plain errors with a `type`; they are client errors, never 500s. */
function fromBodyParser(error: BodyParserError): ProblemDetails | undefined {
  switch (error.type ?? '') {
    case 'entity.too.large':
      return toProblem('payload_too_large', 'The request body is larger than allowed');
    case 'entity.parse.failed':
      return toProblem('malformed_request', 'The request body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return toProblem('unsupported_media_type', 'The request body encoding is not supported');
    default:
      return undefined;
  }
}

/** The one exception filter: every error leaves the API as application/problem+json. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request & { id?: string }>();
    const res = http.getResponse<Response>();
    let problem: ProblemDetails;
    if (error instanceof DomainError) {
      problem = toProblem(
        error.code,
        error.message,
        error.options.errors ? { errors: error.options.errors } : {},
      );
      for (const [name, value] of Object.entries(error.options.headers ?? {})) res.setHeader(name, value);
    } else if (error instanceof HttpException) {
      problem = fromHttpException(error);
    } else {
      problem = fromBodyParser(error as BodyParserError) ?? toProblem('internal_error', 'Internal error');
    }
    if (problem.status >= 500) {
      this.logger.error({ err: error, requestId: req.id }, 'request failed');
    }
    if (req.id) problem.requestId = String(req.id);
    problem.instance = req.originalUrl?.split('?')[0];
    if (res.headersSent) return;
    res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }
}
