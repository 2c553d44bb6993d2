export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** A `kind: Status` object, laid out the way kube-apiserver writes it (key order included). */
export interface StatusObject {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** What the target of an error is, as kube-apiserver names it in messages ("deployments.apps"). */
export interface ErrorTarget {
  group: string;
  /** plural resource name, e.g. "pods" */
  resource: string;
  /** Kind, e.g. "Pod", used by Invalid errors */
  kind: string;
}

function qualified(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

function details(
  name: string | undefined,
  group: string,
  kind: string,
  causes?: StatusCause[],
): StatusDetails {
  const d: StatusDetails = {};
  if (name !== undefined && name !== '') d.name = name;
  if (group) d.group = group;
  d.kind = kind;
  if (causes) d.causes = causes;
  return d;
}

/** An error the API answers with a Status object; thrown by the store and the handlers alike. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): StatusObject {
    const s: StatusObject = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
    } as StatusObject;
    if (this.details) s.details = this.details;
    s.code = this.code;
    return s;
  }

  static notFound(t: Pick<ErrorTarget, 'group' | 'resource'>, name: string): ApiError {
    return new ApiError(
      404,
      'NotFound',
      `${qualified(t.resource, t.group)} "${name}" not found`,
      details(name, t.group, t.resource),
    );
  }

  static alreadyExists(t: Pick<ErrorTarget, 'group' | 'resource'>, name: string): ApiError {
    return new ApiError(
      409,
      'AlreadyExists',
      `${qualified(t.resource, t.group)} "${name}" already exists`,
      details(name, t.group, t.resource),
    );
  }

  static conflict(t: Pick<ErrorTarget, 'group' | 'resource'>, name: string, why?: string): ApiError {
    return new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualified(t.resource, t.group)} "${name}": ${
        why ?? 'the object has been modified; please apply your changes to the latest version and try again'
      }`,
      details(name, t.group, t.resource),
    );
  }

  static invalid(t: ErrorTarget, name: string, causes: FieldError[]): ApiError {
    const kind = t.group ? `${t.kind}.${t.group}` : t.kind;
    const parts = causes.map((c) => `${c.field}: ${c.message}`);
    const summary = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
    return new ApiError(
      422,
      'Invalid',
      `${kind} "${name}" is invalid: ${summary}`,
      details(
        name,
        t.group,
        t.kind,
        causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field })),
      ),
    );
  }

  static forbidden(
    t: Pick<ErrorTarget, 'group' | 'resource'>,
    name: string,
    why: string,
    causes?: StatusCause[],
  ): ApiError {
    const subject = name ? `${qualified(t.resource, t.group)} "${name}"` : qualified(t.resource, t.group);
    return new ApiError(
      403,
      'Forbidden',
      `${subject} is forbidden: ${why}`,
      details(name, t.group, t.resource, causes),
    );
  }

  static badRequest(message: string): ApiError {
    return new ApiError(400, 'BadRequest', message);
  }

  /** 422 without a field, as patch application failures are reported. */
  static unprocessable(message: string): ApiError {
    return new ApiError(422, 'Invalid', message);
  }

  static expired(message: string): ApiError {
    return new ApiError(410, 'Expired', message);
  }

  static gone(message: string): ApiError {
    return new ApiError(410, 'Gone', message);
  }

  static methodNotAllowed(message: string): ApiError {
    return new ApiError(405, 'MethodNotAllowed', message);
  }

  static unsupportedMediaType(message: string): ApiError {
    return new ApiError(415, 'UnsupportedMediaType', message);
  }

  static internal(message: string): ApiError {
    return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, {
      causes: [{ message }],
    });
  }

  static tooManyRequests(message: string, retryAfterSeconds: number): ApiError {
    return new ApiError(429, 'TooManyRequests', message, { retryAfterSeconds });
  }
}

/** One field problem, rendered the way field.Error renders in kube-apiserver messages. */
export interface FieldError {
  field: string;
  reason:
    | 'FieldValueInvalid'
    | 'FieldValueRequired'
    | 'FieldValueForbidden'
    | 'FieldValueNotSupported'
    | 'FieldValueDuplicate';
  /** "Invalid value: ...: detail", "Required value", "Forbidden: detail" */
  message: string;
}

export const fieldError = {
  invalid(field: string, value: unknown, detail: string): FieldError {
    return { field, reason: 'FieldValueInvalid', message: `Invalid value: ${renderValue(value)}: ${detail}` };
  },
  required(field: string, detail?: string): FieldError {
    return {
      field,
      reason: 'FieldValueRequired',
      message: detail ? `Required value: ${detail}` : 'Required value',
    };
  },
  forbidden(field: string, detail: string): FieldError {
    return { field, reason: 'FieldValueForbidden', message: `Forbidden: ${detail}` };
  },
  notSupported(field: string, value: unknown, allowed: string[]): FieldError {
    return {
      field,
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${renderValue(value)}: supported values: ${allowed.map((a) => `"${a}"`).join(', ')}`,
    };
  },
  duplicate(field: string, value: unknown): FieldError {
    return { field, reason: 'FieldValueDuplicate', message: `Duplicate value: ${renderValue(value)}` };
  },
};

/** A value already rendered the way Go's %#v prints it (kube-apiserver's Invalid messages). */
export class GoSyntax {
  constructor(readonly text: string) {}
}

function renderValue(value: unknown): string {
  if (value instanceof GoSyntax) return value.text;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'null';
  return JSON.stringify(value);
}
