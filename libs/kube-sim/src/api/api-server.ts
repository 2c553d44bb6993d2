import { timingSafeEqual } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { ApiError } from '../store/api-error';
import type { ObjectStore, RequestInfo } from '../store/object-store';
import { apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery';
import { OpenApiBuilder } from './openapi-builder';
import { routeResource } from './request-router';
import { ResourceHandler, sendJson } from './resource-handler';
import { generateTlsMaterial, type TlsMaterial } from './tls-material';

export interface ApiServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Serve HTTPS with a generated CA (true) or the given material. */
  tls?: boolean | TlsMaterial;
  /** Require `Authorization: Bearer <token>`. */
  token?: string;
  /** Interval of BOOKMARK events on watches that allow them. Default 10 s. */
  bookmarkIntervalMs?: number;
  /** How long a watch without timeoutSeconds stays open (kube-apiserver: 30-60 min). Default 1800. */
  watchTimeoutSeconds?: number;
}

export interface RunningApiServer {
  url: string;
  port: number;
  /** PEM of the CA when serving TLS. */
  caCert?: string;
  token?: string;
  server: Server;
  close(): Promise<void>;
}

const version = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-kube-sim',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

function verbOf(method: string, hasName: boolean, watch: boolean): string {
  switch (method) {
    case 'GET':
      return hasName ? 'get' : watch ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]!.trim());
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Starts a Kubernetes API server (HTTP, or HTTPS with a generated CA) in front of a store. */
export async function startApiServer(
  store: ObjectStore,
  opts: ApiServerOptions = {},
): Promise<RunningApiServer> {
  const host = opts.host ?? '127.0.0.1';
  const tls = opts.tls === true ? generateTlsMaterial([host, 'localhost']) : opts.tls || undefined;
  const openapi = new OpenApiBuilder(store.registry);
  const handler = new ResourceHandler(store, {
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 10_000,
    watchTimeoutSeconds: opts.watchTimeoutSeconds ?? 1800,
  });
  let serverAddress = '';

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (opts.token && !tokenMatches(req.headers.authorization, opts.token)) {
      return sendJson(res, 401, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
    }
    const route = routeResource(store.registry, path);
    if (store.hooks.request) {
      const info: RequestInfo = route
        ? {
            verb: verbOf(
              req.method ?? 'GET',
              route.name !== undefined,
              route.watchPrefix || ['true', '1'].includes(url.searchParams.get('watch') ?? ''),
            ),
            group: route.def.group,
            resource: route.def.plural,
            subresource: route.subresource,
            namespace: route.namespace,
            name: route.name,
          }
        : { verb: (req.method ?? 'GET').toLowerCase(), group: '', resource: '' };
      if (await store.hooks.request(info, req, res)) return;
    }
    if (route) return handler.handle(route, req, res, url);
    if (req.method !== 'GET')
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    switch (path) {
      case '/version':
        return sendJson(res, 200, version);
      case '/healthz':
      case '/livez':
      case '/readyz':
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('ok');
        return;
      case '/api':
        return sendJson(res, 200, apiVersions(serverAddress));
      case '/apis':
        return sendJson(res, 200, apiGroupList(store.registry));
      case '/openapi/v3':
        return sendJson(res, 200, openapi.index());
      default:
        break;
    }
    const seg = path.split('/').filter((s) => s !== '');
    if (seg[0] === 'openapi' && seg[1] === 'v3') {
      const doc = openapi.doc(seg.slice(2).join('/'));
      if (doc) {
        res.writeHead(200, {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(doc.body),
          ...(url.searchParams.get('hash') === doc.hash ? { 'Cache-Control': 'public, immutable' } : {}),
          Etag: `"${doc.hash}"`,
        });
        res.end(doc.body);
        return;
      }
    }
    let body: unknown;
    if (seg[0] === 'api' && seg.length === 2) body = apiResourceList(store.registry, '', seg[1]!);
    else if (seg[0] === 'apis' && seg.length === 3) body = apiResourceList(store.registry, seg[1]!, seg[2]!);
    else if (seg[0] === 'apis' && seg.length === 2) body = apiGroup(store.registry, seg[1]!);
    if (body !== undefined) return sendJson(res, 200, body);
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      const err = e instanceof ApiError ? e : ApiError.internal(e instanceof Error ? e.message : String(e));
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendJson(res, err.code, err.toStatus());
    });
  };

  const server: Server = tls
    ? createHttpsServer({ cert: tls.cert, key: tls.key }, listener)
    : createHttpServer(listener);
  server.keepAliveTimeout = 65_000;
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  serverAddress = `${host}:${port}`;
  const scheme = tls ? 'https' : 'http';
  return {
    url: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    caCert: tls?.caCert,
    token: opts.token,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
