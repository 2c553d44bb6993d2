import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type WhatsAppNetwork } from '../world/whatsapp-network';
import { type NodeFailureMode } from '../controllers/node-health';
import { type ProcessFaults } from '../world/sim-process';
import { type ApiFaults } from './api-faults';
import { type SimCluster } from './sim-cluster';

/** Lets the fault API reach the other clusters of the run (and the partition switch of this one). */
export interface SimApiContext {
  cluster: SimCluster;
  network: WhatsAppNetwork;
  apiFaults: ApiFaults;
  setPartitioned(on: boolean): void;
}

type Handler = (ctx: SimApiContext, params: string[], body: unknown) => [number, unknown];

const routes: [string, RegExp, Handler][] = [
  [
    'GET',
    /^\/sim\/v1\/whatsapp\/connections$/,
    (c, _p, q) => [200, { connections: c.network.connections().filter((x) => matchesNumber(x.number, q)) }],
  ],
  [
    'GET',
    /^\/sim\/v1\/whatsapp\/violations$/,
    (c, _p, q) => {
      const violations = c.network.violations().filter((v) => matchesNumber(v.number, q));
      return [200, { violations, count: violations.length }];
    },
  ],
  ['GET', /^\/sim\/v1\/cluster$/, (c) => [200, describeCluster(c)]],
  [
    'GET',
    /^\/sim\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/,
    (c, [ns, pod]) => {
      const p = c.cluster.pod(ns!, pod!);
      if (!p) return notFound(`pod ${ns}/${pod} not found in cluster ${c.cluster.name}`);
      const containers = p.spec.containers.map((spec) => {
        const proc = c.cluster.runtime.process(p.metadata.uid, spec.name);
        const extra = proc as unknown as { gatewayStatus?: string; fenced?: string; number?: string };
        return {
          name: spec.name,
          image: spec.image,
          kind: proc?.kind ?? null,
          running: proc?.isRunning ?? false,
          faults: proc?.currentFaults ?? {},
          ...(proc?.kind === 'coreapp'
            ? {
                number: extra.number ?? null,
                gatewayStatus: extra.gatewayStatus,
                fenced: extra.fenced ?? null,
              }
            : {}),
        };
      });
      return [200, { namespace: ns, pod, uid: p.metadata.uid, node: p.spec.nodeName ?? null, containers }];
    },
  ],
  [
    'POST',
    /^\/sim\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/crash$/,
    (c, [ns, pod], body) => {
      const container = field(body, 'container');
      if (!c.cluster.crash(ns!, pod!, container))
        return notFound(`pod ${ns}/${pod} is not running in cluster ${c.cluster.name}`);
      return [200, { crashed: { namespace: ns, pod, container: container ?? null } }];
    },
  ],
  [
    'POST',
    /^\/sim\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/faults$/,
    (c, [ns, pod], body) => {
      const faults = parseFaults(body);
      if (typeof faults === 'string') return [400, { error: faults }];
      if (!c.cluster.setFaults(ns!, pod!, faults, field(body, 'container'))) {
        return notFound(`pod ${ns}/${pod} has no running container in cluster ${c.cluster.name}`);
      }
      return [200, { faults }];
    },
  ],
  [
    'DELETE',
    /^\/sim\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/faults$/,
    (c, [ns, pod], body) => {
      if (!c.cluster.setFaults(ns!, pod!, {}, field(body, 'container')))
        return notFound(`pod ${ns}/${pod} not running`);
      return [200, { faults: {} }];
    },
  ],
  ['POST', /^\/sim\/v1\/nodes\/([^/]+)\/fail$/, (c, [node], body) => nodeAction(c, node!, false, body)],
  ['POST', /^\/sim\/v1\/nodes\/([^/]+)\/recover$/, (c, [node]) => nodeAction(c, node!, true)],
  ['POST', /^\/sim\/v1\/zones\/([^/]+)\/fail$/, (c, [zone], body) => zoneAction(c, zone!, false, body)],
  ['POST', /^\/sim\/v1\/zones\/([^/]+)\/recover$/, (c, [zone]) => zoneAction(c, zone!, true)],
  [
    'POST',
    /^\/sim\/v1\/partition$/,
    (c) => {
      c.setPartitioned(true);
      return [200, { cluster: c.cluster.name, partitioned: true }];
    },
  ],
  [
    'DELETE',
    /^\/sim\/v1\/partition$/,
    (c) => {
      c.setPartitioned(false);
      return [200, { cluster: c.cluster.name, partitioned: false }];
    },
  ],
  ['GET', /^\/sim\/v1\/api-faults$/, (c) => [200, { rules: c.apiFaults.list() }]],
  [
    'POST',
    /^\/sim\/v1\/api-faults$/,
    (c, _p, body) => {
      if (!body || typeof body !== 'object') return [400, { error: 'body must be a JSON object' }];
      try {
        return [201, c.apiFaults.add(body)];
      } catch (err) {
        return [400, { error: (err as Error).message }];
      }
    },
  ],
  [
    'DELETE',
    /^\/sim\/v1\/api-faults$/,
    (c) => {
      c.apiFaults.clear();
      return [200, { rules: [] }];
    },
  ],
  [
    'DELETE',
    /^\/sim\/v1\/api-faults\/([^/]+)$/,
    (c, [id]) => (c.apiFaults.remove(id!) ? [200, { removed: id }] : notFound(`no api fault ${id}`)),
  ],
];

/** The fault and inspection API under /sim/v1 of every simulated cluster's address. */
export async function handleSimApi(
  ctx: SimApiContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  const path = url.pathname.replace(/\/+$/, '');
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let body: unknown;
  const raw = Buffer.concat(chunks).toString('utf8').trim();
  if (raw) {
    try {
      body = JSON.parse(raw);
    } catch {
      return send(res, 400, { error: 'body is not JSON' });
    }
  }
  // Query parameters stand in for a body (?number=..., ?mode=isolated, ?container=...).
  if (body === undefined && url.searchParams.size > 0) body = Object.fromEntries(url.searchParams);
  let pathMatched = false;
  for (const [method, pattern, handler] of routes) {
    const m = pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (method !== req.method) continue;
    const [code, out] = handler(
      ctx,
      m.slice(1).map((s) => decodeURIComponent(s)),
      body,
    );
    return send(res, code, out);
  }
  send(res, pathMatched ? 405 : 404, {
    error: pathMatched ? 'method not allowed' : `no such endpoint: ${path}`,
  });
}

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function matchesNumber(number: string, query: unknown): boolean {
  const wanted = field(query, 'number');
  return wanted === undefined || wanted === number;
}

function notFound(message: string): [number, unknown] {
  return [404, { error: message }];
}

function field(body: unknown, name: string): string | undefined {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function parseFaults(body: unknown): ProcessFaults | string {
  if (!body || typeof body !== 'object')
    return 'body must be a JSON object: {"health":"failing|hanging","scope":"health|all","gatewayDisconnected":true,"ignoreSigterm":true}';
  const b = body as Record<string, unknown>;
  const faults: ProcessFaults = {};
  if (b['health'] !== undefined) {
    if (b['health'] !== 'failing' && b['health'] !== 'hanging')
      return 'health must be "failing" or "hanging"';
    const scope = b['scope'] ?? 'health';
    if (scope !== 'health' && scope !== 'all') return 'scope must be "health" or "all"';
    faults.health = { mode: b['health'], scope };
  }
  if (b['gatewayDisconnected'] !== undefined) faults.gatewayDisconnected = b['gatewayDisconnected'] === true;
  if (b['ignoreSigterm'] !== undefined) faults.ignoreSigterm = b['ignoreSigterm'] === true;
  return faults;
}

function failureMode(body: unknown): { mode: NodeFailureMode } | { error: string } {
  const mode = field(body, 'mode') ?? 'down';
  return mode === 'down' || mode === 'isolated' ? { mode } : { error: 'mode must be "down" or "isolated"' };
}

function nodeAction(c: SimApiContext, node: string, up: boolean, body?: unknown): [number, unknown] {
  if (!c.cluster.zoneOf(node)) return notFound(`node ${node} is not in cluster ${c.cluster.name}`);
  const parsed = failureMode(body);
  if ('error' in parsed) return [400, parsed];
  if (up) c.cluster.recoverNode(node);
  else c.cluster.failNode(node, parsed.mode);
  return [200, up ? { node, down: false } : { node, down: true, mode: parsed.mode }];
}

function zoneAction(c: SimApiContext, zone: string, up: boolean, body?: unknown): [number, unknown] {
  const nodes = c.cluster.nodesInZone(zone);
  if (nodes.length === 0) return notFound(`zone ${zone} is not in cluster ${c.cluster.name}`);
  const parsed = failureMode(body);
  if ('error' in parsed) return [400, parsed];
  for (const n of nodes) {
    if (up) c.cluster.recoverNode(n);
    else c.cluster.failNode(n, parsed.mode);
  }
  return [200, up ? { zone, nodes, down: false } : { zone, nodes, down: true, mode: parsed.mode }];
}

function describeCluster(c: SimApiContext): unknown {
  return {
    name: c.cluster.name,
    region: c.cluster.region,
    zones: c.cluster.zones,
    partitioned: c.cluster.isPartitioned,
    nodes: c.cluster.nodeNames.map((n) => ({
      name: n,
      zone: c.cluster.zoneOf(n),
      down: c.cluster.health.isDown(n),
    })),
    apiFaults: c.apiFaults.list(),
  };
}
