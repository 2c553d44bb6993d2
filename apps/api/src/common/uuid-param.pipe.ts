import { ParseUUIDPipe } from '@nestjs/common';
import { ValidationFailedError } from '@bsp/errors';

/** Path ids must be UUIDs; anything else is a 400 naming the parameter, not a database error. */
export function uuidParam(name: string): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () =>
      new ValidationFailedError([{ field: name, code: 'isUuid', message: `${name} must be a UUID` }]),
  });
}
