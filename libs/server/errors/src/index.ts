export { DomainError, NotFoundError, ValidationFailedError, type FieldError } from './domain-error';
export { ERROR_CODES, httpStatusFor, titleFor, type ErrorCode } from './error-codes';
export { PROBLEM_CONTENT_TYPE, problemTypeUri, toProblem, type ProblemDetails } from './problem-details';
export { ProblemFilter } from './problem.filter';
export { createValidationPipe } from './validation';
