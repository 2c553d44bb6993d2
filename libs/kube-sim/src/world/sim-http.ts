/** An HTTP exchange with a simulated container, without a socket: the API server's proxy hands it over. */
export interface SimHttpRequest {
  method: string;
  /** Path inside the container, starting with `/`. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface SimHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export function jsonResponse(status: number, value: unknown): SimHttpResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

export function textResponse(
  status: number,
  text: string,
  contentType = 'text/plain; charset=utf-8',
): SimHttpResponse {
  return { status, headers: { 'content-type': contentType }, body: text };
}

export function simRequest(
  method: string,
  pathAndQuery: string,
  body?: unknown,
  headers: Record<string, string> = {},
): SimHttpRequest {
  const url = new URL(pathAndQuery, 'http://container');
  return {
    method,
    path: url.pathname,
    query: url.searchParams,
    headers,
    body:
      body === undefined
        ? Buffer.alloc(0)
        : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  };
}
