/**
 * The control plane's only way to Kubernetes. Domain code depends on this interface; the
 * implementation over `@kubernetes/client-node` lives beside it and is wired by the worker.
 */

/** What the database knows about a cluster: enough to connect, never the credentials themselves. */
export interface ClusterTarget {
  id: string;
  name: string;
  /**
   * Where the credentials live:
   * - `kubeconfig:<path>#<context>`: a kubeconfig file on the worker's filesystem and a context in it;
   * - `secret:<namespace>/<name>[#<key>]`: a Secret (key default `kubeconfig`) in the cluster the
   *   control plane itself runs in, holding a kubeconfig (its current context is used);
   * - `in-cluster`: the cluster the control plane runs in (service account token).
   */
  credentialsRef: string;
}

/** A plain Kubernetes object as sent to or read from the API server. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** The field manager every write of the control plane uses (server-side apply). */
export const FIELD_MANAGER = 'bsp-control-plane';

/** Label on every object the control plane creates: what the watch caches select on. */
export const MANAGED_BY_SELECTOR = 'app.kubernetes.io/managed-by=bsp-control-plane';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CachedObjectEvent {
  cluster: string;
  type: WatchEventType;
  object: KubeObject;
}

/**
 * A cluster's managed objects as its watches last saw them: every kind a pod set contains plus its
 * Pods, selected by MANAGED_BY_SELECTOR, across all namespaces. One list+watch per kind per
 * cluster, shared by every number, so reading desired-vs-live costs no API request.
 */
export interface ManagedObjectCache {
  /** Resolves once every kind has been listed (and again after a re-list following a lost watch). */
  synced(): Promise<void>;
  isSynced(): boolean;
  get(ref: ObjectRef): KubeObject | undefined;
  /** Every cached object in one namespace (the Namespace object itself is found with `get`). */
  inNamespace(namespace: string): KubeObject[];
  /** Every cached object of one kind (all namespaces). */
  ofKind(apiVersion: string, kind: string): KubeObject[];
  /** Called for every change after the initial list; returns an unsubscribe function. */
  onChange(listener: (event: CachedObjectEvent) => void): () => void;
}

export type ClusterReachability = 'reachable' | 'unreachable' | 'unknown';

/** A Service port reached through the API server's `services/proxy` subresource. */
export interface ServiceProxyTarget {
  namespace: string;
  service: string;
  /** The Service port, by name or number. */
  port: string | number;
  /** `https` when the container serves TLS (the API server connects without verifying it). */
  scheme?: 'http' | 'https';
  /** Path below the Service, starting with `/` (may carry a query string). */
  path: string;
}

/** Whatever answered: the container, or the API server on its behalf (503 no endpoints, 504). */
export interface ProxyAnswer {
  status: number;
  /** Parsed JSON when the answer is JSON, otherwise the text. */
  body: unknown;
}

export interface KubeGateway {
  /**
   * Server-side apply (`application/apply-patch+yaml`, field manager FIELD_MANAGER, force) of one
   * object; returns the object as stored. When `manifest.metadata.resourceVersion` is set, the API
   * server applies only if the live object still has that version (HTTP 409 otherwise): the
   * control plane uses that as a compare-and-set on the CoreApp StatefulSet.
   */
  apply(cluster: ClusterTarget, manifest: KubeObject): Promise<KubeObject>;
  /** One object read straight from the API server; undefined when it does not exist. */
  get(cluster: ClusterTarget, ref: ObjectRef): Promise<KubeObject | undefined>;
  /** Deletes an object (background propagation); resolves 'absent' when it was already gone. */
  delete(cluster: ClusterTarget, ref: ObjectRef): Promise<'deleted' | 'absent'>;
  /**
   * GET through `/api/v1/namespaces/{ns}/services/[scheme:]{name}:{port}/proxy{path}`: resolves with
   * any HTTP answer, throws KubeApiError with status 0 when none came within `timeoutMs`. Never
   * retried (a probe's caller decides), and a timeout does not count against the cluster's
   * reachability: a hanging container is the pod's problem, not the API server's.
   */
  proxyGet(
    cluster: ClusterTarget,
    target: ServiceProxyTarget,
    options: { timeoutMs: number },
  ): Promise<ProxyAnswer>;
  /** The watch cache of a cluster, started on first use. */
  cache(cluster: ClusterTarget): ManagedObjectCache;
  /** From the outcome of recent requests and watches; 'unknown' before any. */
  reachability(clusterName: string): ClusterReachability;
  /** Stops every watch and forgets every client. */
  close(): Promise<void>;
}

/** A failed API call, with what the caller needs to decide between retrying and giving up. */
export class KubeApiError extends Error {
  constructor(
    readonly cluster: string,
    /** HTTP status; 0 when the server could not be reached or the request timed out. */
    readonly status: number,
    /** The Status object's reason (`Conflict`, `NotFound`, `Invalid`, `Forbidden`, …) when there is one. */
    readonly reason: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }

  /** Worth retrying: the server was unreachable, overloaded or failed (0, 429, 5xx) or a CAS lost (409). */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status === 409 || this.status >= 500;
  }
}

/** The credentials reference could not be resolved (missing file, context, secret): an operator must fix it. */
export class ClusterCredentialsError extends Error {
  constructor(
    readonly cluster: string,
    message: string,
  ) {
    super(message);
    this.name = 'ClusterCredentialsError';
  }
}
