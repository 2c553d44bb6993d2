import { KubeApiError } from './kube-gateway';

/** A request that ran past its deadline; mapped to status 0 like any other transport failure. */
export class KubeRequestTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'KubeRequestTimeoutError';
  }
}

interface StatusBody {
  kind?: unknown;
  reason?: unknown;
  message?: unknown;
}

const MAX_RAW_BODY = 200;

/** An HTTP answer >= 400: the Status object's reason and message when the body is one. */
export function kubeApiErrorFromResponse(
  cluster: string,
  what: string,
  status: number,
  body: string,
): KubeApiError {
  let reason: string | undefined;
  let detail: string | undefined;
  try {
    const parsed = JSON.parse(body) as StatusBody | null;
    if (parsed && typeof parsed === 'object') {
      if (typeof parsed.reason === 'string' && parsed.reason !== '') reason = parsed.reason;
      if (typeof parsed.message === 'string' && parsed.message !== '') detail = parsed.message;
    }
  } catch {
    // Not JSON (a proxy's HTML page, plain text): quote the start of it.
  }
  if (detail === undefined) {
    const raw = body.trim().replace(/\s+/g, ' ');
    detail = raw === '' ? 'no details' : raw.slice(0, MAX_RAW_BODY);
  }
  return new KubeApiError(
    cluster,
    status,
    reason,
    `cluster ${cluster}: ${what}: ${status}${reason ? ` ${reason}` : ''}: ${detail}`,
  );
}

/** The server could not be reached, the connection broke or the deadline passed: status 0. */
export function kubeApiErrorFromTransport(cluster: string, what: string, error: unknown): KubeApiError {
  return new KubeApiError(cluster, 0, undefined, `cluster ${cluster}: ${what}: ${transportReason(error)}`);
}

function transportReason(error: unknown): string {
  if (error instanceof KubeRequestTimeoutError) return error.message;
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code && !error.message.includes(code)) return `${code}: ${error.message}`;
    return error.message;
  }
  return String(error);
}
