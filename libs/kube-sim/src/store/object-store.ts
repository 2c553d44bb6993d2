/*
 * ObjectStore: the emulator's etcd + apiserver registry, used in-process by controllers and by
 * the HTTP API server. Everything is synchronous except watch delivery.
 *
 *   const store = new ObjectStore();                  // has namespaces default, kube-system, ...
 *   store.create('pods', pod, { namespace: 'ns' });   // defaulting, validation, admission → stored copy
 *   store.get('deployments', 'ns', 'web');            // throws ApiError 404 (Status via err.toStatus())
 *   store.list('pods', { namespace, labelSelector: 'app=web', fieldSelector: 'spec.nodeName=n1' })
 *   store.update('pods', pod, { subresource: 'status' })   // 409 on stale metadata.resourceVersion
 *   store.patch('deployments', ns, name, 'merge', { spec: { replicas: 3 } }, { subresource: 'scale' })
 *   store.delete('pods', ns, name, { gracePeriodSeconds: 0, propagationPolicy: 'Foreground' })
 *   const w = store.watch('pods', { namespace, resourceVersion }, (ev) => ...); w.stop();
 *
 * Resources are named by plural ("pods"), "deployments.apps", kind or short name. Returned objects
 * are copies (mutate freely) unless `raw: true` is passed (then they are the stored objects and
 * must not be mutated: cheap reads for big lists). Patch types: 'json' | 'merge' | 'strategic' |
 * 'apply' (server-side apply: needs fieldManager; `force` takes conflicting fields).
 *
 * Semantics kept like kube-apiserver: one global resourceVersion; bounded watch history (410
 * Expired beyond it); generation bumps on spec changes; status only via subresource 'status';
 * graceful pod deletion (a scheduled pod gets deletionTimestamp and stays until someone deletes it
 * again with gracePeriodSeconds 0: that is the kubelet's job); finalizers; garbage collection by
 * owner uid (Background / Foreground / Orphan); namespace lifecycle (Terminating refuses new
 * content with 403, then is emptied and removed; a new namespace gets its `default`
 * ServiceAccount shortly after, like the service account controller does); creating in a missing
 * namespace is 404.
 *
 * Hooks for the simulated world (store.hooks):
 *   admission: [(req) => void]   throw ApiError to refuse; may mutate req.object (create/update/delete);
 *                                starts with the built-in LimitRanger, push yours after it
 *   proxy(target, req, res)      pods/{name}/proxy/... and services/{name}/proxy/... over HTTP
 *   log(target, res)             pods/{name}/log (res has Content-Type text/plain set; write + end)
 *   eviction(target)             replaces the built-in pods/{name}/eviction (PDB computed from live pods)
 *   request(info, req, res)      before every HTTP request (fault injection); return true if handled
 *
 * The HTTP server (api/api-server.ts, startApiServer) serves this store to kubectl and client-node.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ResourceRegistry } from '../resources/resource-registry';
import { normalizeTimes } from '../resources/time-normalizer';
import {
  groupVersion,
  type KubeObject,
  type ObjectMeta,
  type ResourceContext,
  type ResourceDefinition,
} from '../resources/resource-definition';
import { at, clone, deepEqual, isObject, type JsonObject } from '../resources/json-path';
import { ApiError, fieldError, type FieldError } from './api-error';
import { FieldSelector } from './field-selector';
import { limitRanger } from './limit-ranger';
import { LabelSelector } from './label-selector';
import { ManagedFields } from './managed-fields';
import { applyPatch, type PatchType } from './patch-apply';

export type { PatchType } from './patch-apply';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string | LabelSelector;
  fieldSelector?: string | FieldSelector;
  limit?: number;
  continue?: string;
  /** Hand out stored objects without copying (read-only!). For the HTTP layer. */
  raw?: boolean;
}

export interface ListResult {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: KubeObject[];
}

export interface WriteOptions {
  namespace?: string;
  /** Return the stored object itself (read-only!) instead of a copy. For the HTTP layer. */
  raw?: boolean;
  dryRun?: boolean;
  fieldManager?: string;
  subresource?: string;
}

export interface PatchOptions extends WriteOptions {
  force?: boolean;
}

export interface DeleteOptions {
  dryRun?: boolean;
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string | LabelSelector;
  fieldSelector?: string | FieldSelector;
  /** Unset, "" or "0": start now with synthetic ADDED events for what exists. */
  resourceVersion?: string;
  /** Hand out stored objects without copying (read-only!). */
  raw?: boolean;
}

export interface Watch {
  stop(): void;
}

export interface AdmissionRequest {
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  resource: ResourceDefinition;
  subresource?: string;
  namespace?: string;
  name: string;
  /** New state (CREATE/UPDATE); hooks may mutate it. */
  object?: KubeObject;
  oldObject?: KubeObject;
  dryRun: boolean;
  store: ObjectStore;
}

export interface ProxyTarget {
  resource: 'pods' | 'services' | 'nodes';
  namespace?: string;
  name: string;
  /** Port name or number from "name:port" (services: also "scheme:name:port"). */
  port?: string;
  scheme?: string;
  /** Path after /proxy, always starting with "/", plus the query string. */
  path: string;
}

export interface LogTarget {
  namespace: string;
  pod: string;
  container: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  limitBytes?: number;
}

export interface RequestInfo {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface StoreHooks {
  admission: ((req: AdmissionRequest) => void)[];
  proxy?: (target: ProxyTarget, req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
  log?: (target: LogTarget, res: ServerResponse) => void | Promise<void>;
  eviction?: (target: { namespace: string; name: string; eviction: KubeObject }) => void;
  request?: (info: RequestInfo, req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
}

export interface ObjectStoreOptions {
  registry?: ResourceRegistry;
  /** Watch events kept for resuming watches; older resourceVersions get 410 Expired. */
  historyLimit?: number;
  /**
   * How long a deleted namespace stays Terminating before its content is deleted, like the
   * namespace controller's reaction time (so `kubectl delete -f` of a manifest with its namespace
   * still finds the other objects). Default 1000 ms.
   */
  namespaceDeletionDelayMs?: number;
  clock?: () => Date;
  /** Namespaces created at start (default, kube-system, kube-public, kube-node-lease). */
  namespaces?: string[];
  /** The selectorless `kubernetes` Service in `default` (10.96.0.1:443), as every cluster has. Default true. */
  kubernetesService?: boolean;
}

interface HistoryEntry {
  rv: number;
  def: ResourceDefinition;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
  prev?: KubeObject;
}

interface Watcher {
  def: ResourceDefinition;
  namespace?: string;
  labels: LabelSelector;
  fields: FieldSelector;
  raw: boolean;
  lastRv: number;
  send: (ev: WatchEvent) => void;
  stopped: boolean;
  /** Initial and replayed events, delivered before anything newer. */
  backlog: WatchEvent[];
}

type Bucket = Map<string, Map<string, KubeObject>>;

const idAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

function randomSuffix(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += idAlphabet[Math.floor(Math.random() * idAlphabet.length)];
  return s;
}

export function timestamp(d: Date): string {
  return new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function refKey(def: ResourceDefinition, ns: string, name: string): string {
  return `${def.plural}.${def.group}|${ns}|${name}`;
}

export class ObjectStore {
  readonly registry: ResourceRegistry;
  /** Admission hooks run in order; the built-in LimitRanger comes first, as in kube-apiserver. */
  readonly hooks: StoreHooks = { admission: [limitRanger] };
  private readonly clock: () => Date;
  private readonly historyLimit: number;
  private readonly namespaceDelayMs: number;
  private readonly namespaceFinalizeAt = new Map<string, number>();
  private readonly buckets = new Map<ResourceDefinition, Bucket>();
  private readonly history: HistoryEntry[] = [];
  private historyStart = 0;
  private compactedRv = 0;
  private rv = 1;
  private readonly watchers = new Set<Watcher>();
  private pending: HistoryEntry[] = [];
  private flushScheduled = false;
  private readonly byUid = new Map<string, string>();
  private readonly dependents = new Map<string, Set<string>>();
  private readonly gcQueue = new Set<string>();
  private gcScheduled = false;
  private readonly managed: ManagedFields;
  private readonly sorted = new WeakMap<Map<string, KubeObject>, string[]>();

  constructor(opts: ObjectStoreOptions = {}) {
    this.registry = opts.registry ?? new ResourceRegistry();
    this.clock = opts.clock ?? (() => new Date());
    this.historyLimit = opts.historyLimit ?? 10_000;
    this.namespaceDelayMs = opts.namespaceDeletionDelayMs ?? 1000;
    this.managed = new ManagedFields(() => timestamp(this.clock()));
    const namespaces = opts.namespaces ?? ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
    for (const ns of namespaces) {
      this.create('namespaces', { metadata: { name: ns } }, { fieldManager: 'kube-apiserver' });
    }
    if (namespaces.includes('default') && opts.kubernetesService !== false) {
      this.create(
        'services',
        {
          metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
          spec: {
            clusterIP: '10.96.0.1',
            ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
          },
        },
        { namespace: 'default', fieldManager: 'kube-apiserver' },
      );
    }
  }

  /** The current global resourceVersion (what a list would return). */
  resourceVersion(): string {
    return String(this.rv);
  }

  resolve(resource: string): ResourceDefinition {
    return this.registry.resolve(resource);
  }

  // ---------------------------------------------------------------- reads

  get(
    resource: string,
    namespace: string | undefined,
    name: string,
    opts: { raw?: boolean } = {},
  ): KubeObject {
    const def = this.resolve(resource);
    const obj = this.peek(def, namespace, name);
    if (!obj) throw ApiError.notFound({ group: def.group, resource: def.plural }, name);
    return opts.raw ? obj : clone(obj);
  }

  /** The stored object or undefined; never throws for a missing object. */
  /** Parsed label and field selectors of a list or watch; unsupported field selectors are refused. */
  private selectors(
    def: ResourceDefinition,
    opts: Pick<ListOptions, 'labelSelector' | 'fieldSelector'>,
  ): { labels: LabelSelector; fields: FieldSelector } {
    const labels =
      opts.labelSelector instanceof LabelSelector
        ? opts.labelSelector
        : LabelSelector.parse(opts.labelSelector);
    const fields =
      opts.fieldSelector instanceof FieldSelector
        ? opts.fieldSelector
        : FieldSelector.parse(opts.fieldSelector);
    fields.check((f) => this.fieldAllowed(def, f));
    return { labels, fields };
  }

  find(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const obj = this.peek(this.resolve(resource), namespace, name);
    return obj && clone(obj);
  }

  list(resource: string, opts: ListOptions = {}): ListResult {
    const def = this.resolve(resource);
    const { labels, fields } = this.selectors(def, opts);
    const ns = def.namespaced ? opts.namespace || undefined : undefined;
    let rv = this.rv;
    let after: string | undefined;
    if (opts.continue) {
      try {
        const token = JSON.parse(Buffer.from(opts.continue, 'base64').toString('utf8')) as {
          rv: number;
          start: string;
        };
        rv = token.rv;
        after = token.start;
      } catch {
        throw ApiError.badRequest('continue key is not valid: illegal base64 data at input byte 0');
      }
      if (rv < this.compactedRv)
        throw new ApiError(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        );
    }
    const bucket = this.bucket(def);
    const nsNames = ns !== undefined ? [ns] : [...bucket.keys()].sort();
    const items: KubeObject[] = [];
    let cont: string | undefined;
    let remaining = 0;
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const exact = fields.exactName();
    for (const n of nsNames) {
      const m = bucket.get(n);
      if (!m) continue;
      const names = exact !== undefined ? (m.has(exact) ? [exact] : []) : this.sortedNames(m);
      for (const name of names) {
        const key = `${n}/${name}`;
        if (after !== undefined && key <= after) continue;
        const obj = m.get(name)!;
        if (!this.matches(def, obj, labels, fields)) continue;
        if (items.length >= limit) {
          if (cont === undefined) {
            const last = items[items.length - 1]!;
            cont = Buffer.from(
              JSON.stringify({ rv, start: `${last.metadata?.namespace ?? ''}/${last.metadata?.name ?? ''}` }),
            ).toString('base64');
          }
          remaining++;
          continue;
        }
        items.push(opts.raw ? obj : clone(obj));
      }
    }
    const metadata: ListResult['metadata'] = { resourceVersion: String(rv) };
    if (cont !== undefined) {
      metadata.continue = cont;
      metadata.remainingItemCount = remaining;
    }
    return { apiVersion: groupVersion(def), kind: `${def.kind}List`, metadata, items };
  }

  // ---------------------------------------------------------------- writes

  create(resource: string, input: KubeObject, opts: WriteOptions = {}): KubeObject {
    const def = this.resolve(resource);
    const obj = clone(input);
    obj.apiVersion = groupVersion(def);
    obj.kind = def.kind;
    const meta: ObjectMeta = (obj.metadata ??= {});
    const ns = this.namespaceFor(def, meta, opts.namespace);
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomSuffix(5)}`;
    const name = meta.name ?? '';
    if (!name)
      throw ApiError.invalid(this.target(def), '', [
        fieldError.required('metadata.name', 'name or generateName is required'),
      ]);
    if (ns !== undefined) {
      meta.namespace = ns;
      this.checkNamespaceOpen(def, ns, name);
    } else delete meta.namespace;
    if (this.peek(def, ns, name))
      throw ApiError.alreadyExists({ group: def.group, resource: def.plural }, name);
    const now = this.clock();
    meta.uid = randomUUID();
    meta.creationTimestamp = timestamp(now);
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta['selfLink'];
    if (def.tracksGeneration) meta.generation = 1;
    else delete meta.generation;
    def.defaults?.(obj);
    def.prepareCreate?.(obj, this.context());
    normalizeTimes(obj, def.schemaType);
    this.validate(def, obj);
    this.admit({
      operation: 'CREATE',
      resource: def,
      namespace: ns,
      name,
      object: obj,
      dryRun: !!opts.dryRun,
      store: this,
    });
    this.managed.recordUpdate(def, undefined, obj, opts.fieldManager, opts.subresource);
    if (opts.dryRun) return obj;
    this.commit(def, 'ADDED', obj, undefined);
    return opts.raw ? obj : clone(obj);
  }

  update(resource: string, input: KubeObject, opts: WriteOptions = {}): KubeObject {
    const def = this.resolve(resource);
    const meta = input.metadata ?? {};
    const name = meta.name ?? '';
    const ns = this.namespaceFor(def, meta, opts.namespace);
    const old = this.peek(def, ns, name);
    if (!old && def.allowCreateOnUpdate && !opts.subresource) {
      if (meta.resourceVersion) throw ApiError.notFound({ group: def.group, resource: def.plural }, name);
      return this.create(resource, input, opts);
    }
    if (!old) throw ApiError.notFound({ group: def.group, resource: def.plural }, name);
    if (meta.resourceVersion) {
      if (meta.resourceVersion !== old.metadata?.resourceVersion)
        throw ApiError.conflict({ group: def.group, resource: def.plural }, name);
    } else if (def.requireResourceVersion) {
      throw ApiError.invalid(this.target(def), name, [
        fieldError.invalid('metadata.resourceVersion', '0x0', 'must be specified for an update'),
      ]);
    }
    if (meta.uid && meta.uid !== old.metadata?.uid)
      throw ApiError.conflict(
        { group: def.group, resource: def.plural },
        name,
        `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${old.metadata?.uid ?? ''}`,
      );
    return this.replace(def, old, clone(input), opts, 'UPDATE');
  }

  patch(
    resource: string,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: unknown,
    opts: PatchOptions = {},
  ): KubeObject {
    const def = this.resolve(resource);
    const ns = def.namespaced ? namespace || 'default' : undefined;
    const old = this.peek(def, ns, name);
    if (type === 'apply') {
      if (!isObject(body))
        throw ApiError.badRequest('error decoding patch: the apply patch must be an object');
      const applied = body as KubeObject;
      if (applied.metadata?.name && applied.metadata.name !== name)
        throw ApiError.badRequest(
          'the name of the object (' +
            applied.metadata.name +
            ') does not match the name on the URL (' +
            name +
            ')',
        );
      if (!opts.fieldManager)
        throw ApiError.badRequest(
          'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        );
      if (!old) {
        if (opts.subresource) throw ApiError.notFound({ group: def.group, resource: def.plural }, name);
        const fresh = this.managed.applyCreate(def, applied, opts.fieldManager);
        fresh.metadata = { ...(fresh.metadata ?? {}), name, ...(ns !== undefined ? { namespace: ns } : {}) };
        const created = this.createWithManaged(def, fresh, opts);
        return created;
      }
      // An applied metadata.resourceVersion is a precondition, as in kube-apiserver.
      const appliedRv = applied.metadata?.resourceVersion;
      if (appliedRv && appliedRv !== old.metadata?.resourceVersion)
        throw ApiError.conflict({ group: def.group, resource: def.plural }, name);
      const merged = this.managed.apply(def, old, applied, opts.fieldManager, !!opts.force, opts.subresource);
      return this.replace(def, old, merged, { ...opts, fieldManager: undefined }, 'UPDATE', true);
    }
    if (!old) throw ApiError.notFound({ group: def.group, resource: def.plural }, name);
    const next = applyPatch(def, clone(old), type, body);
    if (
      isObject(next) &&
      next.metadata?.resourceVersion &&
      next.metadata.resourceVersion !== old.metadata?.resourceVersion
    )
      throw ApiError.conflict({ group: def.group, resource: def.plural }, name);
    if (isObject(next) && next.metadata?.uid && next.metadata.uid !== old.metadata?.uid)
      throw ApiError.conflict(
        { group: def.group, resource: def.plural },
        name,
        'Precondition failed: UID in precondition',
      );
    return this.replace(def, old, next, opts, 'UPDATE');
  }

  delete(
    resource: string,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions = {},
  ): KubeObject {
    const def = this.resolve(resource);
    const ns = def.namespaced ? namespace || 'default' : undefined;
    const old = this.peek(def, ns, name);
    if (!old) throw ApiError.notFound({ group: def.group, resource: def.plural }, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== old.metadata?.uid)
      throw ApiError.conflict(
        { group: def.group, resource: def.plural },
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata?.uid ?? ''}`,
      );
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata?.resourceVersion)
      throw ApiError.conflict(
        { group: def.group, resource: def.plural },
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata?.resourceVersion ?? ''}`,
      );
    if (def.plural === 'namespaces' && ['default', 'kube-system', 'kube-public'].includes(name))
      throw ApiError.forbidden(
        { group: '', resource: 'namespaces' },
        name,
        'this namespace may not be deleted',
      );
    this.admit({
      operation: 'DELETE',
      resource: def,
      namespace: ns,
      name,
      oldObject: old,
      dryRun: !!opts.dryRun,
      store: this,
    });
    const next = clone(old);
    const meta = next.metadata!;
    const finalizers = [...(meta.finalizers ?? [])];
    const policy = opts.propagationPolicy;
    if ((policy === 'Foreground' || policy === 'Orphan') && def.plural !== 'namespaces') {
      const f = policy === 'Foreground' ? 'foregroundDeletion' : 'orphan';
      const other = policy === 'Foreground' ? 'orphan' : 'foregroundDeletion';
      const i = finalizers.indexOf(other);
      if (i >= 0 && !meta.deletionTimestamp) finalizers.splice(i, 1);
      if (!finalizers.includes(f)) finalizers.push(f);
    }
    if (def.plural === 'namespaces') {
      if (!meta.deletionTimestamp) {
        meta.deletionTimestamp = timestamp(this.clock());
        meta.deletionGracePeriodSeconds = 0;
        next['status'] = { ...(isObject(next['status']) ? next['status'] : {}), phase: 'Terminating' };
      }
      meta.finalizers = finalizers.length ? finalizers : undefined;
      if (!meta.finalizers) delete meta.finalizers;
      if (opts.dryRun) return next;
      if (!deepEqual(next, old)) this.commit(def, 'MODIFIED', next, old);
      if (!this.namespaceFinalizeAt.has(name)) {
        this.namespaceFinalizeAt.set(name, Date.now() + this.namespaceDelayMs);
        setTimeout(() => this.enqueueGc(refKey(def, '', name)), this.namespaceDelayMs).unref();
      }
      return clone(next);
    }
    let grace = 0;
    if (def.plural === 'pods') {
      const phase = at(old, 'status.phase');
      const scheduled = typeof at(old, 'spec.nodeName') === 'string' && at(old, 'spec.nodeName') !== '';
      const requested =
        opts.gracePeriodSeconds ??
        (at(old, 'spec.terminationGracePeriodSeconds') as number | undefined) ??
        30;
      grace = scheduled && phase !== 'Succeeded' && phase !== 'Failed' ? Math.max(0, requested) : 0;
      if (meta.deletionGracePeriodSeconds !== undefined && meta.deletionGracePeriodSeconds < grace)
        grace = meta.deletionGracePeriodSeconds;
    }
    if (finalizers.length === 0 && grace === 0) {
      if (opts.dryRun) return next;
      this.remove(def, old);
      return clone(old);
    }
    const now = this.clock();
    if (!meta.deletionTimestamp || grace < (meta.deletionGracePeriodSeconds ?? Infinity)) {
      meta.deletionTimestamp = timestamp(new Date(now.getTime() + grace * 1000));
      meta.deletionGracePeriodSeconds = grace;
    }
    if (finalizers.length) meta.finalizers = finalizers;
    if (def.tracksGeneration && !old.metadata?.deletionTimestamp)
      meta.generation = (meta.generation ?? 0) + 1;
    if (opts.dryRun) return next;
    if (!deepEqual(next, old)) this.commit(def, 'MODIFIED', next, old);
    this.enqueueGc(refKey(def, ns ?? '', name));
    return clone(next);
  }

  /** Deletes everything a list with these selectors returns; returns what was deleted. */
  deleteCollection(resource: string, listOpts: ListOptions, opts: DeleteOptions = {}): KubeObject[] {
    const items = this.list(resource, {
      ...listOpts,
      limit: undefined,
      continue: undefined,
      raw: true,
    }).items;
    const out: KubeObject[] = [];
    for (const o of items) {
      try {
        out.push(this.delete(resource, o.metadata?.namespace, o.metadata?.name ?? '', opts));
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 404)) throw e;
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- watch

  /**
   * Delivers events asynchronously (never inside the write that caused them). Throws ApiError 410
   * when resourceVersion is older than the kept history.
   */
  watch(resource: string, opts: WatchOptions, send: (ev: WatchEvent) => void): Watch {
    const def = this.resolve(resource);
    const { labels, fields } = this.selectors(def, opts);
    const w: Watcher = {
      def,
      namespace: def.namespaced ? opts.namespace || undefined : undefined,
      labels,
      fields,
      raw: !!opts.raw,
      lastRv: this.rv,
      send,
      stopped: false,
      backlog: [],
    };
    const rvText = opts.resourceVersion;
    const initial: WatchEvent[] = [];
    if (!rvText || rvText === '0') {
      for (const obj of this.list(resource, {
        namespace: w.namespace,
        labelSelector: labels,
        fieldSelector: fields,
        raw: true,
      }).items)
        initial.push({ type: 'ADDED', object: w.raw ? obj : clone(obj) });
    } else {
      const from = Number(rvText);
      if (!Number.isInteger(from) || from < 0)
        throw ApiError.badRequest(`invalid resource version: ${rvText}`);
      if (from < this.compactedRv)
        throw ApiError.expired(`too old resource version: ${from} (${this.compactedRv + 1})`);
      w.lastRv = from;
      for (let i = this.historyStart; i < this.history.length; i++) {
        const e = this.history[i]!;
        if (e.rv <= from) continue;
        const ev = this.translate(w, e);
        if (ev) initial.push(ev);
        w.lastRv = e.rv;
      }
      for (const e of this.pending) if (e.rv <= w.lastRv) w.lastRv = Math.max(w.lastRv, e.rv);
    }
    this.watchers.add(w);
    if (initial.length) {
      w.backlog = initial;
      queueMicrotask(() => this.drain(w));
    }
    return {
      stop: () => {
        w.stopped = true;
        this.watchers.delete(w);
      },
    };
  }

  /** Number of open watches (for tests and metrics). */
  watchCount(): number {
    return this.watchers.size;
  }

  // ---------------------------------------------------------------- internals

  private peek(def: ResourceDefinition, namespace: string | undefined, name: string): KubeObject | undefined {
    const ns = def.namespaced ? namespace || 'default' : '';
    return this.bucket(def).get(ns)?.get(name);
  }

  private sortedNames(m: Map<string, KubeObject>): string[] {
    let names = this.sorted.get(m);
    if (!names) {
      names = [...m.keys()].sort();
      this.sorted.set(m, names);
    }
    return names;
  }

  private bucket(def: ResourceDefinition): Bucket {
    let b = this.buckets.get(def);
    if (!b) {
      b = new Map();
      this.buckets.set(def, b);
    }
    return b;
  }

  private context(): ResourceContext {
    return {
      all: (resource) => {
        const b = this.bucket(this.resolve(resource));
        return (function* () {
          for (const m of b.values()) yield* m.values();
        })();
      },
      now: () => this.clock(),
    };
  }

  private target(def: ResourceDefinition) {
    return { group: def.group, resource: def.plural, kind: def.kind };
  }

  private namespaceFor(
    def: ResourceDefinition,
    meta: ObjectMeta,
    requested: string | undefined,
  ): string | undefined {
    if (!def.namespaced) return undefined;
    if (requested && meta.namespace && meta.namespace !== requested)
      throw ApiError.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    return requested || meta.namespace || 'default';
  }

  private checkNamespaceOpen(def: ResourceDefinition, ns: string, name: string): void {
    const nsDef = this.resolve('namespaces');
    const nsObj = this.peek(nsDef, undefined, ns);
    if (!nsObj) throw ApiError.notFound({ group: '', resource: 'namespaces' }, ns);
    if (nsObj.metadata?.deletionTimestamp) {
      throw ApiError.forbidden(
        { group: def.group, resource: def.plural },
        name,
        `unable to create new content in namespace ${ns} because it is being terminated`,
        [
          {
            reason: 'NamespaceTerminating',
            message: `namespace ${ns} is being terminated`,
            field: 'metadata.namespace',
          },
        ],
      );
    }
  }

  private validate(def: ResourceDefinition, obj: KubeObject, old?: KubeObject): void {
    const errs: FieldError[] = [...(def.validate?.(obj) ?? [])];
    if (old) errs.push(...(def.validateUpdate?.(obj, old) ?? []));
    if (errs.length) throw ApiError.invalid(this.target(def), obj.metadata?.name ?? '', errs);
  }

  private admit(req: AdmissionRequest): void {
    for (const hook of this.hooks.admission) hook(req);
  }

  private createWithManaged(def: ResourceDefinition, obj: KubeObject, opts: WriteOptions): KubeObject {
    const managed = obj.metadata?.managedFields;
    const created = this.create(def.plural + (def.group ? `.${def.group}` : ''), obj, {
      ...opts,
      fieldManager: undefined,
      dryRun: true,
    });
    created.metadata!.managedFields = managed;
    if (opts.dryRun) return created;
    this.commit(def, 'ADDED', created, undefined);
    return clone(created);
  }

  /** Shared tail of update and patch: status split, defaulting, validation, generation, commit. */
  private replace(
    def: ResourceDefinition,
    old: KubeObject,
    next: KubeObject,
    opts: WriteOptions,
    operation: 'UPDATE',
    managedAlreadySet = false,
  ): KubeObject {
    const name = old.metadata?.name ?? '';
    const sub = opts.subresource;
    let obj: KubeObject;
    if (sub === 'finalize') {
      // Only the finalize subresource changes a namespace's spec.finalizers.
      obj = clone(old);
      const spec = isObject(obj['spec']) ? obj['spec'] : (obj['spec'] = {});
      spec['finalizers'] = clone(at(next, 'spec.finalizers'));
    } else if (sub === 'status') {
      obj = clone(old);
      if (next['status'] === undefined) delete obj['status'];
      else obj['status'] = clone(next['status']);
      if (managedAlreadySet) obj.metadata!.managedFields = next.metadata?.managedFields;
    } else {
      obj = next;
      obj.apiVersion = groupVersion(def);
      obj.kind = def.kind;
      if (def.statusSubresource) {
        if (old['status'] === undefined) delete obj['status'];
        else obj['status'] = clone(old['status']);
      }
      const m: ObjectMeta = (obj.metadata ??= {});
      const om = old.metadata ?? {};
      if (m.name !== undefined && m.name !== name)
        throw ApiError.badRequest(
          `the name of the object (${m.name}) does not match the name on the URL (${name})`,
        );
      m.name = name;
      if (om.namespace !== undefined) m.namespace = om.namespace;
      else delete m.namespace;
      m.uid = om.uid;
      m.creationTimestamp = om.creationTimestamp;
      if (om.deletionTimestamp) {
        m.deletionTimestamp = om.deletionTimestamp;
        m.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
      } else {
        delete m.deletionTimestamp;
        delete m.deletionGracePeriodSeconds;
      }
      if (def.tracksGeneration) m.generation = om.generation;
      else delete m.generation;
      delete m['selfLink'];
      // A client may rewrite managedFields (kubectl does when upgrading client-side apply).
      if (!managedAlreadySet && (m.managedFields === undefined || m.managedFields.length === 0)) {
        if (m.managedFields === undefined) m.managedFields = om.managedFields;
        else delete m.managedFields;
      }
      if (om.deletionTimestamp) {
        const added = (m.finalizers ?? []).filter((f) => !(om.finalizers ?? []).includes(f));
        if (added.length)
          throw ApiError.invalid(this.target(def), name, [
            fieldError.forbidden(
              'metadata.finalizers',
              'no new finalizers can be added if the object is being deleted',
            ),
          ]);
      }
      if (def.plural === 'namespaces') {
        const spec = isObject(obj['spec']) ? obj['spec'] : (obj['spec'] = {});
        spec['finalizers'] = clone(at(old, 'spec.finalizers'));
      }
      def.defaults?.(obj);
    }
    obj.metadata!.resourceVersion = old.metadata?.resourceVersion;
    normalizeTimes(obj, def.schemaType);
    this.validate(def, obj, old);
    if (def.tracksGeneration && sub !== 'status' && !deepEqual(specPart(obj), specPart(old)))
      obj.metadata!.generation = (old.metadata?.generation ?? 0) + 1;
    this.admit({
      operation,
      resource: def,
      subresource: sub,
      namespace: old.metadata?.namespace,
      name,
      object: obj,
      oldObject: old,
      dryRun: !!opts.dryRun,
      store: this,
    });
    if (!managedAlreadySet) this.managed.recordUpdate(def, old, obj, opts.fieldManager, sub);
    const managedRewritten =
      !managedAlreadySet && !deepEqual(obj.metadata?.managedFields ?? [], old.metadata?.managedFields ?? []);
    if (!managedRewritten && deepEqual(withoutVolatile(obj), withoutVolatile(old)))
      return opts.raw ? old : clone(old);
    if (opts.dryRun) return obj;
    const m = obj.metadata!;
    if (
      m.deletionTimestamp &&
      (m.finalizers ?? []).length === 0 &&
      (def.plural !== 'pods' || m.deletionGracePeriodSeconds === 0)
    ) {
      if (def.plural !== 'namespaces') {
        this.remove(def, obj);
        return clone(obj);
      }
    }
    if (m.finalizers && m.finalizers.length === 0) delete m.finalizers;
    this.commit(def, 'MODIFIED', obj, old);
    if (m.deletionTimestamp) this.enqueueGc(refKey(def, m.namespace ?? '', name));
    return opts.raw ? obj : clone(obj);
  }

  private remove(def: ResourceDefinition, obj: KubeObject): void {
    this.commit(def, 'DELETED', obj, obj);
  }

  private commit(
    def: ResourceDefinition,
    type: HistoryEntry['type'],
    obj: KubeObject,
    prev: KubeObject | undefined,
  ): void {
    const rv = ++this.rv;
    const stored = type === 'DELETED' ? clone(obj) : obj;
    stored.metadata!.resourceVersion = String(rv);
    const meta = stored.metadata!;
    const ns = def.namespaced ? (meta.namespace ?? 'default') : '';
    const name = meta.name ?? '';
    const bucket = this.bucket(def);
    const key = refKey(def, ns, name);
    if (prev) this.unindex(key, prev);
    if (type === 'DELETED') {
      const m = bucket.get(ns);
      if (m?.delete(name)) this.sorted.delete(m);
      if (m && m.size === 0) bucket.delete(ns);
      this.enqueueGc(`uid|${meta.uid ?? ''}`);
      for (const ref of meta.ownerReferences ?? []) this.recheckOwner(ref.uid);
      if (def.namespaced) this.enqueueGc(refKey(this.resolve('namespaces'), '', ns));
    } else {
      let m = bucket.get(ns);
      if (!m) {
        m = new Map();
        bucket.set(ns, m);
      }
      if (!m.has(name)) this.sorted.delete(m);
      m.set(name, stored);
      this.index(key, stored);
      if (type === 'ADDED' && def.plural === 'namespaces') this.enqueueGc(`ns-init|${name}`);
      // A dependent whose owners are already gone is collected too (the GC's dangling check).
      for (const ref of meta.ownerReferences ?? [])
        if (!this.byUid.has(ref.uid)) this.enqueueGc(`uid|${ref.uid}`);
    }
    const entry: HistoryEntry = { rv, def, type, object: stored, prev };
    this.history.push(entry);
    if (this.history.length - this.historyStart > this.historyLimit) {
      this.compactedRv = this.history[this.historyStart]!.rv;
      this.historyStart++;
      if (this.historyStart > 4096) {
        this.history.splice(0, this.historyStart);
        this.historyStart = 0;
      }
    }
    this.pending.push(entry);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const events = this.pending;
    this.pending = [];
    for (const e of events) {
      for (const w of this.watchers) {
        if (w.def !== e.def || w.stopped || e.rv <= w.lastRv) continue;
        w.lastRv = e.rv;
        const ev = this.translate(w, e);
        if (ev) {
          if (w.backlog.length) this.drain(w);
          this.deliver(w, ev);
        }
      }
    }
  }

  private drain(w: Watcher): void {
    const events = w.backlog;
    w.backlog = [];
    for (const ev of events) this.deliver(w, ev);
  }

  private deliver(w: Watcher, ev: WatchEvent): void {
    if (w.stopped) return;
    try {
      w.send(ev);
    } catch {
      // A throwing consumer must not break delivery to the others.
    }
  }

  private translate(w: Watcher, e: HistoryEntry): WatchEvent | undefined {
    const match = (o: KubeObject | undefined) =>
      !!o &&
      (w.namespace === undefined || o.metadata?.namespace === w.namespace) &&
      this.matches(w.def, o, w.labels, w.fields);
    const now = match(e.object);
    const before = e.type === 'ADDED' ? false : e.type === 'DELETED' ? now : match(e.prev);
    let type: WatchEventType | undefined;
    if (e.type === 'DELETED') type = now ? 'DELETED' : undefined;
    else if (now && before) type = 'MODIFIED';
    else if (now) type = 'ADDED';
    else if (before) type = 'DELETED';
    if (!type) return undefined;
    return { type, object: w.raw ? e.object : clone(e.object) };
  }

  private matches(
    def: ResourceDefinition,
    obj: KubeObject,
    labels: LabelSelector,
    fields: FieldSelector,
  ): boolean {
    if (!labels.isEmpty() && !labels.matches(obj.metadata?.labels)) return false;
    if (fields.isEmpty()) return true;
    return fields.matches((f) => {
      if (f === 'metadata.name') return obj.metadata?.name;
      if (f === 'metadata.namespace') return obj.metadata?.namespace;
      return def.fieldSelectors[f]?.(obj);
    });
  }

  private fieldAllowed(def: ResourceDefinition, f: string): boolean {
    return f === 'metadata.name' || f === 'metadata.namespace' || def.fieldSelectors[f] !== undefined;
  }

  private index(key: string, obj: KubeObject): void {
    const uid = obj.metadata?.uid;
    if (uid) this.byUid.set(uid, key);
    for (const ref of obj.metadata?.ownerReferences ?? []) {
      let s = this.dependents.get(ref.uid);
      if (!s) {
        s = new Set();
        this.dependents.set(ref.uid, s);
      }
      s.add(key);
    }
  }

  private unindex(key: string, obj: KubeObject): void {
    const uid = obj.metadata?.uid;
    if (uid && this.byUid.get(uid) === key) this.byUid.delete(uid);
    for (const ref of obj.metadata?.ownerReferences ?? []) {
      const s = this.dependents.get(ref.uid);
      s?.delete(key);
      if (s && s.size === 0) this.dependents.delete(ref.uid);
    }
  }

  private lookupKey(key: string): { def: ResourceDefinition; obj: KubeObject } | undefined {
    const [res, ns, name] = key.split('|') as [string, string, string];
    const def = this.registry.find(res.endsWith('.') ? res.slice(0, -1) : res);
    if (!def) return undefined;
    const obj = this.bucket(def)
      .get(def.namespaced ? ns : '')
      ?.get(name);
    return obj ? { def, obj } : undefined;
  }

  private enqueueGc(key: string): void {
    this.gcQueue.add(key);
    if (!this.gcScheduled) {
      this.gcScheduled = true;
      setImmediate(() => this.runGc());
    }
  }

  /** Garbage collector and namespace lifecycle, driven by a queue of touched keys and uids. */
  private runGc(): void {
    this.gcScheduled = false;
    const keys = [...this.gcQueue];
    this.gcQueue.clear();
    for (const key of keys) {
      try {
        if (key.startsWith('uid|')) this.collectDependents(key.slice(4));
        else if (key.startsWith('ns-init|')) this.initNamespace(key.slice(8));
        else this.finalize(key);
      } catch (e) {
        // Conflicts and 404s resolve themselves on the next pass; anything else (say, a throwing
        // admission hook) must not take the process down from a timer callback.
        if (!(e instanceof ApiError)) process.emitWarning(`kube-sim garbage collector: ${String(e)}`);
      }
    }
  }

  /** What the service account controller does for every new namespace. */
  private initNamespace(ns: string): void {
    const nsObj = this.peek(this.resolve('namespaces'), undefined, ns);
    if (!nsObj || nsObj.metadata?.deletionTimestamp) return;
    if (this.peek(this.resolve('serviceaccounts'), ns, 'default')) return;
    this.create(
      'serviceaccounts',
      { metadata: { name: 'default' } },
      { namespace: ns, fieldManager: 'kube-controller-manager' },
    );
  }

  /** Owner gone: delete dependents whose owners are all gone (Background propagation). */
  private collectDependents(uid: string): void {
    for (const key of [...(this.dependents.get(uid) ?? [])]) {
      const hit = this.lookupKey(key);
      if (!hit) continue;
      const alive = (hit.obj.metadata?.ownerReferences ?? []).some((r) => this.byUid.has(r.uid));
      if (alive || hit.obj.metadata?.deletionTimestamp) continue;
      this.delete(this.qualified(hit.def), hit.obj.metadata?.namespace, hit.obj.metadata?.name ?? '', {
        propagationPolicy: 'Background',
      });
    }
  }

  private finalize(key: string): void {
    const hit = this.lookupKey(key);
    if (!hit) return;
    const { def, obj } = hit;
    const meta = obj.metadata ?? {};
    if (!meta.deletionTimestamp) return;
    const finalizers = meta.finalizers ?? [];
    const uid = meta.uid ?? '';
    if (def.plural === 'namespaces') {
      this.finalizeNamespace(obj);
      return;
    }
    if (finalizers.includes('orphan')) {
      for (const depKey of [...(this.dependents.get(uid) ?? [])]) {
        const dep = this.lookupKey(depKey);
        if (!dep) continue;
        const next = clone(dep.obj);
        next.metadata!.ownerReferences = (next.metadata!.ownerReferences ?? []).filter((r) => r.uid !== uid);
        if (next.metadata!.ownerReferences.length === 0) delete next.metadata!.ownerReferences;
        this.replace(dep.def, dep.obj, next, { fieldManager: 'garbage-collector' }, 'UPDATE');
      }
      this.dropFinalizer(def, obj, 'orphan');
      return;
    }
    if (finalizers.includes('foregroundDeletion')) {
      const deps = [...(this.dependents.get(uid) ?? [])]
        .map((k) => this.lookupKey(k))
        .filter((d) => d !== undefined);
      for (const dep of deps) {
        if (dep.obj.metadata?.deletionTimestamp) continue;
        const ownersLeft = (dep.obj.metadata?.ownerReferences ?? []).filter(
          (r) => r.uid !== uid && this.byUid.has(r.uid),
        );
        if (ownersLeft.length) continue;
        this.delete(this.qualified(dep.def), dep.obj.metadata?.namespace, dep.obj.metadata?.name ?? '', {
          propagationPolicy: 'Foreground',
        });
      }
      const blocking = deps.filter((d) =>
        (d.obj.metadata?.ownerReferences ?? []).some((r) => r.uid === uid && r.blockOwnerDeletion === true),
      );
      // Otherwise the owner is re-queued when a blocking dependent goes away (see commit).
      if (blocking.length === 0) this.dropFinalizer(def, obj, 'foregroundDeletion');
    }
  }

  private dropFinalizer(def: ResourceDefinition, obj: KubeObject, f: string): void {
    const next = clone(obj);
    next.metadata!.finalizers = (next.metadata!.finalizers ?? []).filter((x) => x !== f);
    this.replace(def, obj, next, { fieldManager: 'garbage-collector' }, 'UPDATE');
  }

  private finalizeNamespace(nsObj: KubeObject): void {
    const ns = nsObj.metadata?.name ?? '';
    const wait = (this.namespaceFinalizeAt.get(ns) ?? 0) - Date.now();
    if (wait > 0) {
      // A timer may fire a little before the wall clock reaches its time: look again then, or
      // nothing would ever start deleting the namespace's content.
      setTimeout(() => this.enqueueGc(refKey(this.resolve('namespaces'), '', ns)), wait).unref();
      return;
    }
    let remaining = 0;
    for (const def of this.registry.all) {
      if (!def.namespaced) continue;
      const m = this.bucket(def).get(ns);
      if (!m) continue;
      for (const obj of [...m.values()]) {
        remaining++;
        if (!obj.metadata?.deletionTimestamp)
          this.delete(this.qualified(def), ns, obj.metadata?.name ?? '', { propagationPolicy: 'Background' });
      }
    }
    if (remaining > 0) return;
    const nsDef = this.resolve('namespaces');
    const current = this.peek(nsDef, undefined, ns);
    if (!current) return;
    const specFinalizers = (at(current, 'spec.finalizers') as string[] | undefined) ?? [];
    if ((current.metadata?.finalizers ?? []).length > 0) return;
    if (specFinalizers.length > 0 && !specFinalizers.every((f) => f === 'kubernetes')) return;
    this.namespaceFinalizeAt.delete(ns);
    this.remove(nsDef, current);
  }

  private qualified(def: ResourceDefinition): string {
    return def.group ? `${def.plural}.${def.group}` : def.plural;
  }

  /** Re-queues an owner (by uid) so a foreground deletion waiting for dependents can finish. */
  private recheckOwner(uid: string): void {
    const key = this.byUid.get(uid);
    if (key) this.enqueueGc(key);
  }
}

function specPart(o: KubeObject): JsonObject {
  const rest: JsonObject = {};
  for (const [k, v] of Object.entries(o))
    if (k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind') rest[k] = v;
  return rest;
}

function withoutVolatile(o: KubeObject): KubeObject {
  const c = { ...o, metadata: { ...(o.metadata ?? {}) } };
  delete c.metadata.resourceVersion;
  delete c.metadata.managedFields;
  return c;
}
