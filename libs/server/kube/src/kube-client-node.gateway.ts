import { KubeApiClient } from './kube-api.client';
import { resolveClusterConnection } from './cluster-connection.resolver';
import {
  ClusterCredentialsError,
  type ClusterReachability,
  type ClusterTarget,
  FIELD_MANAGER,
  KubeApiError,
  type KubeGateway,
  type KubeObject,
  type ManagedObjectCache,
  type ObjectRef,
  type ProxyAnswer,
  type ServiceProxyTarget,
} from './kube-gateway';
import type { KubeGatewayLogger } from './kube-gateway.logger';
import {
  KubeRequestRecorder,
  type KubeRequestCount,
  type KubeRequestFilter,
  type KubeRequestObserver,
} from './kube-request.recorder';
import { objectPath, resourceFor } from './kube-resource.table';
import { ListWatchObjectCache } from './list-watch.cache';

export interface KubeGatewayOptions {
  /** Deadline of every request (config KUBE_REQUEST_TIMEOUT_MS); for a watch, until its stream opens. */
  requestTimeoutMs: number;
  logger?: KubeGatewayLogger;
  /** Told synchronously of every finished request (metrics: `bsp_kube_api_requests_total`). */
  onRequest?: KubeRequestObserver;
  /**
   * The cluster the control plane runs in, where `secret:` references are read. Default
   * `in-cluster` (the pod's service account).
   */
  homeCluster?: ClusterTarget;
  /** Watch tuning; defaults suit production (tests shorten them). */
  watch?: { timeoutSeconds?: number; backoffInitialMs?: number; backoffMaxMs?: number };
}

/** Answers that say "try again" (429, 5xx) are retried this many times; no answer at all once. */
const TRANSIENT_RETRIES = 3;

/**
 * Every call the gateway makes is idempotent (server-side apply, get, delete), so a brief blip of
 * the API server is retried here rather than costing the caller a whole reconcile. A lost
 * compare-and-set (409) is not retried: the caller must read again. Each attempt is counted.
 */
async function retryTransient<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const status = error instanceof KubeApiError ? error.status : -1;
      const retryable = status === 429 || status >= 500 || (status === 0 && attempt === 0);
      if (!retryable || attempt >= TRANSIENT_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt * (0.5 + Math.random())));
    }
  }
}

const IN_CLUSTER: ClusterTarget = { id: 'in-cluster', name: 'in-cluster', credentialsRef: 'in-cluster' };

interface ClientEntry {
  key: string;
  client: Promise<KubeApiClient>;
}

interface CacheEntry {
  key: string;
  cache: ListWatchObjectCache;
}

/**
 * KubeGateway over `@kubernetes/client-node`'s configuration handling (kubeconfig files and
 * contexts, in-cluster service accounts, token/exec/client-certificate credentials) and plain
 * HTTP(S): one client (keep-alive agent) and one watch cache per cluster id, created on first use.
 */
export class ClientNodeKubeGateway implements KubeGateway {
  private readonly clients = new Map<string, ClientEntry>();
  private readonly caches = new Map<string, CacheEntry>();
  private readonly recorder: KubeRequestRecorder;

  constructor(private readonly options: KubeGatewayOptions) {
    if (!(options.requestTimeoutMs > 0)) throw new Error('requestTimeoutMs must be positive');
    this.recorder = new KubeRequestRecorder(options.onRequest);
  }

  async apply(cluster: ClusterTarget, manifest: KubeObject): Promise<KubeObject> {
    const r = resourceFor(manifest.apiVersion, manifest.kind);
    const path = objectPath(r, manifest.metadata);
    const client = await this.clientFor(cluster);
    return retryTransient(() =>
      client.request<KubeObject>({
        method: 'PATCH',
        path,
        query: { fieldManager: FIELD_MANAGER, force: 'true' },
        // JSON is YAML: no serializer needed for the apply content type.
        body: JSON.stringify(manifest),
        contentType: 'application/apply-patch+yaml',
        verb: 'apply',
        resource: r.resource,
        what: `apply ${describe(manifest.kind, manifest.metadata)}`,
      }),
    );
  }

  async get(cluster: ClusterTarget, ref: ObjectRef): Promise<KubeObject | undefined> {
    const r = resourceFor(ref.apiVersion, ref.kind);
    const path = objectPath(r, ref);
    const client = await this.clientFor(cluster);
    try {
      const object = await retryTransient(() =>
        client.request<KubeObject>({
          method: 'GET',
          path,
          verb: 'get',
          resource: r.resource,
          what: `get ${describe(ref.kind, ref)}`,
        }),
      );
      return { ...object, apiVersion: r.apiVersion, kind: r.kind };
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  async delete(cluster: ClusterTarget, ref: ObjectRef): Promise<'deleted' | 'absent'> {
    const r = resourceFor(ref.apiVersion, ref.kind);
    const path = objectPath(r, ref);
    const client = await this.clientFor(cluster);
    try {
      await retryTransient(() =>
        client.request({
          method: 'DELETE',
          path,
          body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' }),
          verb: 'delete',
          resource: r.resource,
          what: `delete ${describe(ref.kind, ref)}`,
        }),
      );
      return 'deleted';
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 404) return 'absent';
      throw error;
    }
  }

  async proxyGet(
    cluster: ClusterTarget,
    target: ServiceProxyTarget,
    options: { timeoutMs: number },
  ): Promise<ProxyAnswer> {
    if (!target.path.startsWith('/')) throw new Error(`proxy path must start with "/": ${target.path}`);
    const name = [target.scheme, target.service, String(target.port)]
      .filter((part): part is string => Boolean(part))
      .map(encodeURIComponent)
      .join(':');
    const client = await this.clientFor(cluster);
    const { status, text } = await client.proxy(
      {
        method: 'GET',
        path: `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/services/${name}/proxy${target.path}`,
        verb: 'get',
        resource: 'services/proxy',
        what: `proxy GET ${target.namespace}/${target.service}${target.path}`,
      },
      options.timeoutMs,
    );
    return { status, body: parseMaybeJson(text) };
  }

  cache(cluster: ClusterTarget): ManagedObjectCache {
    const key = entryKey(cluster);
    const existing = this.caches.get(cluster.id);
    if (existing?.key === key) return existing.cache;
    existing?.cache.close();
    const cache = new ListWatchObjectCache({
      cluster: cluster.name,
      connect: () => this.clientFor(cluster),
      logger: this.options.logger,
      watchTimeoutSeconds: this.options.watch?.timeoutSeconds,
      backoffInitialMs: this.options.watch?.backoffInitialMs,
      backoffMaxMs: this.options.watch?.backoffMaxMs,
    });
    this.caches.set(cluster.id, { key, cache });
    return cache;
  }

  reachability(clusterName: string): ClusterReachability {
    return this.recorder.reachability(clusterName);
  }

  /** Exact counts of finished requests (watches count once each), optionally filtered. */
  requestCounts(filter?: KubeRequestFilter): KubeRequestCount[] {
    return this.recorder.counts(filter);
  }

  totalRequests(filter?: KubeRequestFilter): number {
    return this.recorder.total(filter);
  }

  resetRequestCounts(): void {
    this.recorder.reset();
  }

  async close(): Promise<void> {
    for (const { cache } of this.caches.values()) cache.close();
    this.caches.clear();
    const clients = [...this.clients.values()].map((e) => e.client);
    this.clients.clear();
    for (const settled of await Promise.allSettled(clients)) {
      if (settled.status === 'fulfilled') settled.value.close();
    }
  }

  private clientFor(cluster: ClusterTarget): Promise<KubeApiClient> {
    const key = entryKey(cluster);
    const existing = this.clients.get(cluster.id);
    if (existing?.key === key) return existing.client;
    if (existing)
      void existing.client.then(
        (c) => c.close(),
        () => undefined,
      );
    const client = this.connect(cluster);
    const entry = { key, client };
    this.clients.set(cluster.id, entry);
    // A reference that does not resolve is tried again on next use: an operator may fix it.
    client.catch(() => {
      if (this.clients.get(cluster.id) === entry) this.clients.delete(cluster.id);
    });
    return client;
  }

  private async connect(cluster: ClusterTarget): Promise<KubeApiClient> {
    const connection = await resolveClusterConnection(cluster, (ns, name) =>
      this.readHomeSecret(cluster, ns, name),
    );
    return new KubeApiClient({
      cluster: cluster.name,
      server: connection.server,
      kubeConfig: connection.kubeConfig,
      agent: connection.agent,
      requestTimeoutMs: this.options.requestTimeoutMs,
      recorder: this.recorder,
    });
  }

  private async readHomeSecret(
    cluster: ClusterTarget,
    namespace: string,
    name: string,
  ): Promise<Record<string, string> | undefined> {
    const home = this.options.homeCluster ?? IN_CLUSTER;
    if (home.credentialsRef.trim().startsWith('secret:') || home.id === cluster.id)
      throw new ClusterCredentialsError(
        cluster.name,
        `cluster ${cluster.name}: credentials reference "${cluster.credentialsRef}": the control plane's own cluster cannot itself be reached through a secret reference`,
      );
    const client = await this.clientFor(home);
    try {
      const secret = await client.request<{ data?: Record<string, string> }>({
        method: 'GET',
        path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`,
        verb: 'get',
        resource: 'secrets',
        what: `get Secret ${namespace}/${name} (credentials of cluster ${cluster.name})`,
      });
      return secret.data ?? {};
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 404) return undefined;
      throw error;
    }
  }
}

function entryKey(cluster: ClusterTarget): string {
  return `${cluster.name}\u0000${cluster.credentialsRef}`;
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function describe(kind: string, meta: { namespace?: string; name: string }): string {
  return `${kind} ${meta.namespace ? `${meta.namespace}/` : ''}${meta.name}`;
}
