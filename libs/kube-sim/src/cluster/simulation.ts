import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startApiServer, type RunningApiServer } from '../api/api-server';
import { writeKubeconfig } from '../api/kubeconfig-writer';
import { ApiError } from '../store/api-error';
import { type RequestInfo } from '../store/object-store';
import { type ImageProfile } from '../world/image-profile';
import { WhatsAppNetwork } from '../world/whatsapp-network';
import { ApiFaults } from './api-faults';
import { PodProxy, sendStatus } from './pod-proxy';
import { handleSimApi } from './sim-api.router';
import { SimCluster, type ClusterSpec } from './sim-cluster';
import { type SimTimings, type TimingPreset } from './sim-timings';

export interface SimulationOptions {
  clusters?: ClusterSpec[];
  /** Default 127.0.0.1. */
  host?: string;
  /** Where to write the kubeconfig (one context per cluster); default a temp directory removed by stop(). */
  kubeconfigPath?: string;
  /** Stage delays: `instant` (benchmarks), `fast` (tests, default), `realistic` (demo), or overrides. */
  timings?: TimingPreset | Partial<SimTimings>;
  /** Image name patterns that run as WebApp / CoreApp / fencing agent. */
  images?: Partial<ImageProfile>;
  /** Share one WhatsApp network with another simulation; default a new one. */
  network?: WhatsAppNetwork;
  /** How long the pod/service proxy waits for a container's answer. Default 30 s. */
  proxyTimeoutMs?: number;
  /** Serve HTTPS with a generated CA and require this bearer token. */
  tls?: boolean;
  token?: string;
}

export interface SimulationClusterInfo {
  name: string;
  region: string;
  zones: string[];
  url: string;
  nodes: string[];
}

export interface Simulation {
  clusters: SimulationClusterInfo[];
  kubeconfigPath: string;
  network: WhatsAppNetwork;
  /** The live cluster object, for tests that drive faults or read state in-process. */
  cluster(name: string): SimCluster;
  /** Per-cluster API fault rules (also reachable under /sim/v1/api-faults). */
  apiFaults(name: string): ApiFaults;
  /** Same as POST/DELETE /sim/v1/partition on that cluster (open client connections are cut). */
  partition(name: string, on: boolean): void;
  stop(): Promise<void>;
}

export const DEFAULT_CLUSTERS: ClusterSpec[] = [{ name: 'sim-1', region: 'local', zones: ['a', 'b'] }];

interface RunningCluster {
  cluster: SimCluster;
  server: RunningApiServer;
  faults: ApiFaults;
  partition(on: boolean): void;
}

/** Starts clusters that share one WhatsApp network, each with its own API server; writes one kubeconfig. */
export async function startSimulation(options: SimulationOptions = {}): Promise<Simulation> {
  const specs = options.clusters?.length ? options.clusters : DEFAULT_CLUSTERS;
  const names = new Set<string>();
  for (const s of specs) {
    if (names.has(s.name)) throw new Error(`duplicate cluster name ${s.name}`);
    names.add(s.name);
    if (s.zones.length === 0) throw new Error(`cluster ${s.name} needs at least one zone`);
  }
  const network = options.network ?? new WhatsAppNetwork();
  const running: RunningCluster[] = [];
  try {
    for (const spec of specs) running.push(await startCluster(spec, network, options));
  } catch (err) {
    await Promise.all(running.map((r) => stopCluster(r)));
    throw err;
  }
  const tempDir = options.kubeconfigPath ? undefined : mkdtempSync(join(tmpdir(), 'kube-sim-'));
  const kubeconfigPath = options.kubeconfigPath ?? join(tempDir!, 'kubeconfig');
  writeKubeconfig(
    kubeconfigPath,
    running.map((r) => ({
      name: r.cluster.name,
      server: r.server.url,
      caCert: r.server.caCert,
      token: r.server.token,
    })),
  );
  if (!options.tls) allowPlainHttpForClientNode(kubeconfigPath);
  const find = (name: string) => {
    const r = running.find((x) => x.cluster.name === name);
    if (!r) throw new Error(`no simulated cluster ${name}`);
    return r;
  };
  let stopped = false;
  return {
    clusters: running.map((r) => ({
      name: r.cluster.name,
      region: r.cluster.region,
      zones: [...r.cluster.zones],
      url: r.server.url,
      nodes: [...r.cluster.nodeNames],
    })),
    kubeconfigPath,
    network,
    cluster: (name) => find(name).cluster,
    apiFaults: (name) => find(name).faults,
    partition: (name, on) => find(name).partition(on),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await Promise.all(running.map((r) => stopCluster(r)));
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

async function startCluster(
  spec: ClusterSpec,
  network: WhatsAppNetwork,
  options: SimulationOptions,
): Promise<RunningCluster> {
  const cluster = new SimCluster({ ...spec, network, timings: options.timings, images: options.images });
  const faults = new ApiFaults();
  const proxy = new PodProxy(cluster, options.proxyTimeoutMs ?? 30_000);
  const sockets = new Set<Socket>();
  const store = cluster.store;
  store.hooks.proxy = (target, req, res) => proxy.proxy(target, req, res);
  store.hooks.log = (target, res) => proxy.log(target, res);
  const ctx = {
    cluster,
    network,
    apiFaults: faults,
    setPartitioned: (on: boolean, current?: Socket) => {
      cluster.setPartitioned(on);
      // Connections already open (watches, keep-alive) are cut too; the caller's own is spared.
      if (on) for (const s of sockets) if (s !== current) s.destroy();
    },
  };
  store.hooks.request = async (info: RequestInfo, req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/sim/v1' || path.startsWith('/sim/v1/')) {
      await handleSimApi({ ...ctx, setPartitioned: (on) => ctx.setPartitioned(on, req.socket) }, req, res);
      return true;
    }
    if (cluster.isPartitioned) {
      req.socket.destroy();
      return true;
    }
    if (!info.resource) return false;
    const decision = faults.decide(info);
    if (decision.delayMs > 0) await new Promise((r) => setTimeout(r, decision.delayMs));
    if (decision.error === undefined) return false;
    if (decision.error === 429) res.setHeader('Retry-After', '1');
    sendStatus(res, injectedError(decision.error, info));
    return true;
  };
  await cluster.start();
  let server: RunningApiServer;
  try {
    server = await startApiServer(store, {
      host: options.host ?? '127.0.0.1',
      port: spec.port ?? 0,
      tls: options.tls,
      token: options.token,
    });
  } catch (err) {
    cluster.stop();
    throw err;
  }
  server.server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return { cluster, server, faults, partition: (on) => ctx.setPartitioned(on) };
}

async function stopCluster(r: RunningCluster): Promise<void> {
  r.cluster.stop();
  await r.server.close();
}

/**
 * @kubernetes/client-node 1.x refuses http:// servers unless the cluster entry skips TLS
 * verification (there is nothing to verify); kubectl accepts the flag on http:// as well.
 */
function allowPlainHttpForClientNode(path: string): void {
  const doc = parse(readFileSync(path, 'utf8')) as { clusters?: { cluster?: Record<string, unknown> }[] };
  for (const c of doc.clusters ?? []) {
    if (c.cluster && String(c.cluster['server']).startsWith('http://'))
      c.cluster['insecure-skip-tls-verify'] = true;
  }
  writeFileSync(path, stringify(doc), { mode: 0o600 });
}

function injectedError(code: number, info: RequestInfo): ApiError {
  const target = { group: info.group, resource: info.resource };
  switch (code) {
    case 409:
      return ApiError.conflict(target, info.name ?? '');
    case 429:
      return ApiError.tooManyRequests('Too many requests, please try again later.', 1);
    case 500:
      return ApiError.internal('injected fault (kube-sim)');
    case 503:
      return new ApiError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request');
    case 504:
      return new ApiError(504, 'Timeout', 'the server was unable to return a response in the time allotted');
    default:
      return new ApiError(code, 'InternalError', `injected error ${code} (kube-sim)`);
  }
}
