import type { KubeApiClient, RawWatchEvent, WatchHandle } from './kube-api.client';
import {
  type CachedObjectEvent,
  ClusterCredentialsError,
  KubeApiError,
  type KubeObject,
  MANAGED_BY_SELECTOR,
  type ManagedObjectCache,
  type ObjectRef,
  type WatchEventType,
} from './kube-gateway';
import type { KubeGatewayLogger } from './kube-gateway.logger';
import { CACHED_RESOURCES, collectionPath, type KubeResource } from './kube-resource.table';

export interface ListWatchCacheOptions {
  cluster: string;
  /** The cluster's client; may fail (credentials) and is retried with backoff. */
  connect: () => Promise<KubeApiClient>;
  logger?: KubeGatewayLogger;
  /**
   * `timeoutSeconds` of each watch; default a random 5 to 10 minutes (like client-go), so the
   * watches of many clusters do not all reconnect at once.
   */
  watchTimeoutSeconds?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
}

interface ListBody {
  metadata?: { resourceVersion?: string };
  items?: KubeObject[];
}

interface StatusObject {
  code?: number;
  reason?: string;
  message?: string;
}

/** Cache key: apiVersion/kind/namespace/name. */
export function cacheKey(ref: ObjectRef): string {
  return `${ref.apiVersion}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

function refOf(o: KubeObject): ObjectRef {
  return { apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name };
}

/**
 * One cluster's managed objects: per kind a cluster-wide list, then a watch from the list's
 * resourceVersion (with bookmarks). A watch the server ends normally is resumed from the last
 * version; a lost or refused one (410 Gone, an error, the connection dropped) makes that kind
 * unsynced until a fresh list, after an exponential backoff (410: at once). Objects are shared,
 * not copied: callers must treat them as read-only.
 */
export class ListWatchObjectCache implements ManagedObjectCache {
  private readonly reflectors: KindReflector[];
  private readonly byKey = new Map<string, KubeObject>();
  private readonly byNamespace = new Map<string, Map<string, KubeObject>>();
  private readonly listeners = new Set<(event: CachedObjectEvent) => void>();
  private waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private credentialsError: ClusterCredentialsError | undefined;
  private closed = false;

  constructor(private readonly opts: ListWatchCacheOptions) {
    this.reflectors = CACHED_RESOURCES.map((r) => new KindReflector(r, this, opts));
    for (const r of this.reflectors) r.start();
  }

  synced(): Promise<void> {
    if (this.isSynced()) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error(`cluster ${this.opts.cluster}: watch cache closed`));
    if (this.credentialsError) return Promise.reject(this.credentialsError);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  isSynced(): boolean {
    return !this.closed && this.reflectors.every((r) => r.synced);
  }

  get(ref: ObjectRef): KubeObject | undefined {
    return this.byKey.get(cacheKey(ref));
  }

  inNamespace(namespace: string): KubeObject[] {
    return [...(this.byNamespace.get(namespace)?.values() ?? [])];
  }

  ofKind(apiVersion: string, kind: string): KubeObject[] {
    const r = this.reflectors.find((x) => x.resource.apiVersion === apiVersion && x.resource.kind === kind);
    return r ? r.objects() : [];
  }

  onChange(listener: (event: CachedObjectEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Stops every watch and timer; pending `synced()` calls reject. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const r of this.reflectors) r.stop();
    this.listeners.clear();
    const error = new Error(`cluster ${this.opts.cluster}: watch cache closed`);
    for (const w of this.waiters.splice(0)) w.reject(error);
  }

  /** @internal Called by the reflectors. */
  put(object: KubeObject, type: WatchEventType | undefined): void {
    const key = cacheKey(refOf(object));
    this.byKey.set(key, object);
    const ns = object.metadata.namespace;
    if (ns !== undefined) {
      let inNs = this.byNamespace.get(ns);
      if (!inNs) this.byNamespace.set(ns, (inNs = new Map<string, KubeObject>()));
      inNs.set(key, object);
    }
    if (type) this.emit(type, object);
  }

  /** @internal */
  remove(object: KubeObject, emit: boolean): void {
    const key = cacheKey(refOf(object));
    this.byKey.delete(key);
    const ns = object.metadata.namespace;
    if (ns !== undefined) {
      const inNs = this.byNamespace.get(ns);
      inNs?.delete(key);
      if (inNs?.size === 0) this.byNamespace.delete(ns);
    }
    if (emit) this.emit('DELETED', object);
  }

  /** @internal */
  syncChanged(): void {
    if (!this.isSynced()) return;
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  /** @internal */
  connectFailed(error: unknown): void {
    if (!(error instanceof ClusterCredentialsError)) return;
    // An operator must fix the reference: waiting callers learn why instead of timing out.
    this.credentialsError = error;
    for (const w of this.waiters.splice(0)) w.reject(error);
  }

  /** @internal */
  connected(): void {
    this.credentialsError = undefined;
  }

  private emit(type: WatchEventType, object: KubeObject): void {
    const event: CachedObjectEvent = { cluster: this.opts.cluster, type, object };
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.opts.logger?.error(
          { cluster: this.opts.cluster, err: error instanceof Error ? error.message : String(error) },
          'watch cache listener failed',
        );
      }
    }
  }
}

/** The list+watch loop of one kind. */
class KindReflector {
  synced = false;
  private readonly items = new Map<string, KubeObject>();
  private listedOnce = false;
  private resourceVersion = '';
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private watchHandle: WatchHandle | undefined;
  private failures = 0;
  private readonly path: string;
  private readonly timeoutSeconds: number;

  constructor(
    readonly resource: KubeResource,
    private readonly cache: ListWatchObjectCache,
    private readonly opts: ListWatchCacheOptions,
  ) {
    this.path = collectionPath(resource);
    this.timeoutSeconds = opts.watchTimeoutSeconds ?? Math.floor(300 + Math.random() * 300);
  }

  objects(): KubeObject[] {
    return [...this.items.values()];
  }

  start(): void {
    this.schedule(0, () => void this.list());
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.watchHandle?.stop();
    this.watchHandle = undefined;
  }

  private schedule(delayMs: number, run: () => void): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) run();
    }, delayMs);
  }

  private backoffMs(): number {
    const initial = this.opts.backoffInitialMs ?? 200;
    const max = this.opts.backoffMaxMs ?? 30_000;
    const base = Math.min(max, initial * 2 ** Math.min(this.failures, 20));
    this.failures++;
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  private relist(why: string, immediately: boolean): void {
    if (this.stopped) return;
    if (this.synced) {
      this.synced = false;
      this.opts.logger?.warn(
        { cluster: this.opts.cluster, resource: this.resource.resource, reason: why },
        'watch lost; re-listing',
      );
    }
    this.schedule(immediately ? 0 : this.backoffMs(), () => void this.list());
  }

  private async list(): Promise<void> {
    let client: KubeApiClient;
    try {
      client = await this.opts.connect();
    } catch (error) {
      if (this.stopped) return;
      this.cache.connectFailed(error);
      if (this.failures === 0)
        this.opts.logger?.warn(
          { cluster: this.opts.cluster, err: error instanceof Error ? error.message : String(error) },
          'cannot connect to cluster; retrying',
        );
      this.schedule(this.backoffMs(), () => void this.list());
      return;
    }
    if (this.stopped) return;
    this.cache.connected();
    let list: ListBody;
    try {
      list = await client.request<ListBody>({
        method: 'GET',
        path: this.path,
        query: { labelSelector: MANAGED_BY_SELECTOR },
        verb: 'list',
        resource: this.resource.resource,
        what: `list ${this.resource.resource}`,
      });
    } catch (error) {
      if (this.stopped) return;
      if (this.failures === 0)
        this.opts.logger?.warn(
          { cluster: this.opts.cluster, resource: this.resource.resource, err: messageOf(error) },
          'list failed; retrying',
        );
      this.schedule(this.backoffMs(), () => void this.list());
      return;
    }
    if (this.stopped) return;
    this.replace(list.items ?? []);
    this.resourceVersion = list.metadata?.resourceVersion ?? '';
    this.failures = 0;
    this.synced = true;
    this.cache.syncChanged();
    this.watch(client);
  }

  /** A fresh list replaces what the kind held; after the first list the differences are events. */
  private replace(items: KubeObject[]): void {
    const emit = this.listedOnce;
    this.listedOnce = true;
    const seen = new Set<string>();
    for (const raw of items) {
      const object = this.normalize(raw);
      const key = cacheKey(refOf(object));
      seen.add(key);
      const old = this.items.get(key);
      this.items.set(key, object);
      const changed = !old || old.metadata.resourceVersion !== object.metadata.resourceVersion;
      this.cache.put(object, emit && changed ? (old ? 'MODIFIED' : 'ADDED') : undefined);
    }
    for (const [key, old] of [...this.items]) {
      if (seen.has(key)) continue;
      this.items.delete(key);
      this.cache.remove(old, emit);
    }
  }

  private watch(client: KubeApiClient): void {
    const openedAt = Date.now();
    let events = 0;
    this.watchHandle = client.watch(
      {
        method: 'GET',
        path: this.path,
        query: {
          labelSelector: MANAGED_BY_SELECTOR,
          watch: 'true',
          resourceVersion: this.resourceVersion,
          allowWatchBookmarks: 'true',
          timeoutSeconds: String(this.timeoutSeconds),
        },
        // Bookmarks or the server's own timeout normally end silence well before this.
        idleTimeoutMs: (this.timeoutSeconds + 30) * 1000,
        verb: 'watch',
        resource: this.resource.resource,
        what: `watch ${this.resource.resource}`,
      },
      {
        onEvent: (event) => {
          events++;
          this.onEvent(event);
        },
        onEnd: (end) => {
          this.watchHandle = undefined;
          if (this.stopped) return;
          if (end.kind === 'closed') {
            // A server that ends watches at once would otherwise be hammered.
            const quick = Date.now() - openedAt < 1000 && events === 0;
            if (quick) this.schedule(this.backoffMs(), () => this.watch(client));
            else {
              this.failures = 0;
              this.watch(client);
            }
            return;
          }
          const gone = end.error.status === 410;
          this.relist(end.error.message, gone);
        },
      },
    );
  }

  private onEvent(event: RawWatchEvent): void {
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED': {
        const object = this.normalize(event.object as KubeObject);
        this.resourceVersion = object.metadata.resourceVersion ?? this.resourceVersion;
        this.items.set(cacheKey(refOf(object)), object);
        this.cache.put(object, event.type);
        return;
      }
      case 'DELETED': {
        const object = this.normalize(event.object as KubeObject);
        this.resourceVersion = object.metadata.resourceVersion ?? this.resourceVersion;
        const key = cacheKey(refOf(object));
        const known = this.items.has(key);
        this.items.delete(key);
        if (known) this.cache.remove(object, true);
        return;
      }
      case 'BOOKMARK': {
        const rv = (event.object as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
        if (rv) this.resourceVersion = rv;
        return;
      }
      case 'ERROR': {
        const status = event.object as StatusObject;
        this.watchHandle?.stop();
        this.watchHandle = undefined;
        const code = status.code ?? 0;
        this.relist(
          new KubeApiError(this.opts.cluster, code, status.reason, status.message ?? 'watch error').message,
          code === 410,
        );
        return;
      }
      default:
        return;
    }
  }

  /** List items carry no kind/apiVersion on a real API server; the table knows them. */
  private normalize(object: KubeObject): KubeObject {
    if (object.apiVersion === this.resource.apiVersion && object.kind === this.resource.kind) return object;
    return { ...object, apiVersion: this.resource.apiVersion, kind: this.resource.kind };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
