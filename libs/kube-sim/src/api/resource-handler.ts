import type { IncomingMessage, ServerResponse } from 'node:http';
import { groupVersion, type KubeObject, type ResourceDefinition } from '../resources/resource-definition';
import { at, isObject } from '../resources/json-path';
import { ApiError } from '../store/api-error';
import { LabelSelector } from '../store/label-selector';
import type { DeleteOptions, ObjectStore, WatchEvent } from '../store/object-store';
import { applyPatch, patchContentTypes } from '../store/patch-apply';
import { evictPod } from './pod-eviction';
import { listJson, objectJson, watchEventJson } from './json-cache';
import { decodeBody, mediaType, readBody } from './request-body';
import type { ResourceRoute } from './request-router';
import { typeMismatch, unknownFields } from './strict-decoder';
import { columnDefinitions, tableRow, toTable, type IncludeObject } from './table-converter';

const maxWatchBuffer = 32 * 1024 * 1024;

export interface HandlerOptions {
  bookmarkIntervalMs: number;
  watchTimeoutSeconds: number;
}

type Output =
  { kind: 'json' } | { kind: 'table'; apiVersion: string } | { kind: 'metadata'; apiVersion: string };

function outputFor(req: IncomingMessage): Output {
  const accept = req.headers.accept ?? '';
  for (const part of accept.split(',')) {
    const params = new Map(
      part
        .split(';')
        .slice(1)
        .map((p) => p.trim().split('=') as [string, string]),
    );
    const as = params.get('as');
    const g = params.get('g');
    const v = params.get('v') ?? 'v1';
    if (g !== 'meta.k8s.io' || (v !== 'v1' && v !== 'v1beta1')) continue;
    if (as === 'Table') return { kind: 'table', apiVersion: `meta.k8s.io/${v}` };
    if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList')
      return { kind: 'metadata', apiVersion: `meta.k8s.io/${v}` };
  }
  return { kind: 'json' };
}

function sendText(
  res: ServerResponse,
  code: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}

function userAgentManager(req: IncomingMessage): string {
  const ua = req.headers['user-agent'] ?? 'unknown';
  return ua.split('/')[0]!.slice(0, 128) || 'unknown';
}

function statusSuccess(code: number, details?: Record<string, unknown>): unknown {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    ...(details ? { details } : {}),
    code,
  };
}

function qualified(def: ResourceDefinition): string {
  return def.group ? `${def.plural}.${def.group}` : def.plural;
}

/** Verbs on one resource route: the one generic handler for every kind. */
export class ResourceHandler {
  constructor(
    private readonly store: ObjectStore,
    private readonly opts: HandlerOptions,
  ) {}

  async handle(route: ResourceRoute, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const { def, subresource } = route;
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    if (route.namespace === undefined && def.namespaced && route.name !== undefined)
      throw ApiError.notFound({ group: def.group, resource: def.plural }, route.name);
    if (subresource && !def.subresources.includes(subresource))
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    if (subresource === 'proxy') return this.proxy(route, req, res, url);
    if (subresource === 'log') return this.log(route, res, q);
    const ns = route.namespace;
    const name = route.name;
    const warnings: string[] = [];
    if (def.review && method !== 'POST')
      throw ApiError.methodNotAllowed('the server does not allow this method on the requested resource');
    switch (method) {
      case 'GET': {
        if (name === undefined) {
          if (route.watchPrefix || flag(q, 'watch')) return this.watch(route, req, res, q);
          return this.list(route, req, res, q);
        }
        const obj = this.store.get(qualified(def), ns, name, { raw: true });
        if (subresource === 'scale') return sendJson(res, 200, this.scale(def, obj));
        return this.sendObject(req, res, 200, def, obj);
      }
      case 'POST': {
        const body = await this.body(req);
        if (name !== undefined && subresource === 'eviction') return this.evict(route, body, res);
        if (name !== undefined && subresource === 'binding') return this.bind(route, body, res, q);
        if (name !== undefined)
          throw ApiError.methodNotAllowed('the server does not allow this method on the requested resource');
        const obj = this.expectObject(def, body);
        if (def.review) {
          obj.apiVersion = groupVersion(def);
          obj.kind = def.kind;
          return sendJson(res, 201, def.review(obj));
        }
        this.checkFields(def, obj, q, warnings);
        const created = this.store.create(qualified(def), obj, {
          namespace: ns,
          dryRun: q.get('dryRun') === 'All',
          fieldManager: q.get('fieldManager') ?? userAgentManager(req),
          raw: true,
        });
        return this.sendObject(req, res, 201, def, created, warnings);
      }
      case 'PUT': {
        if (name === undefined)
          throw ApiError.methodNotAllowed('the server does not allow this method on the requested resource');
        const body = this.expectObject(def, await this.body(req), subresource === 'scale');
        this.checkFields(def, body, q, warnings, subresource === 'scale' ? 'V1Scale' : undefined);
        if (body.metadata?.name && body.metadata.name !== name)
          throw ApiError.badRequest(
            `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`,
          );
        const meta = (body.metadata ??= {});
        meta.name = name;
        if (subresource === 'scale') return this.writeScale(route, body, req, res, q);
        const existed = this.store.find(qualified(def), ns, name) !== undefined;
        const updated = this.store.update(qualified(def), body, {
          namespace: ns,
          subresource,
          dryRun: q.get('dryRun') === 'All',
          fieldManager: q.get('fieldManager') ?? userAgentManager(req),
          raw: true,
        });
        return this.sendObject(req, res, existed ? 200 : 201, def, updated, warnings);
      }
      case 'PATCH': {
        if (name === undefined)
          throw ApiError.methodNotAllowed('the server does not allow this method on the requested resource');
        const type = patchContentTypes[mediaType(req)];
        if (!type)
          throw ApiError.unsupportedMediaType(
            `the body of the request was in an unknown format - accepted media types include: ${Object.keys(patchContentTypes).join(', ')}`,
          );
        const body = await this.body(req);
        if (subresource === 'scale') {
          const current = this.scale(def, this.store.get(qualified(def), ns, name, { raw: true }));
          const scaleDef = { ...def, schemaType: 'V1Scale' };
          const next = applyPatch(scaleDef, current as KubeObject, type === 'apply' ? 'merge' : type, body);
          return this.writeScale(route, next, req, res, q);
        }
        if (type === 'apply') {
          const unknown = isObject(body) ? unknownFields(body, def.schemaType) : [];
          if (unknown.length)
            throw ApiError.badRequest(
              `failed to create typed patch object (${ns ? `${ns}/` : ''}${name}; ${groupVersion(def)}, Kind=${def.kind}): ${unknown.map((u) => `.${u}: field not declared in schema`).join(', ')}`,
            );
        } else if (type !== 'json' && isObject(body))
          this.checkFields(def, stripDirectives(body) as KubeObject, q, warnings);
        const existed = type === 'apply' ? this.store.find(qualified(def), ns, name) !== undefined : true;
        const patched = this.store.patch(qualified(def), ns, name, type, body, {
          subresource,
          dryRun: q.get('dryRun') === 'All',
          fieldManager: q.get('fieldManager') ?? (type === 'apply' ? undefined : userAgentManager(req)),
          force: flag(q, 'force'),
          raw: true,
        });
        return this.sendObject(req, res, existed ? 200 : 201, def, patched, warnings);
      }
      case 'DELETE': {
        const body = await this.body(req);
        const opts = this.deleteOptions(body, q);
        if (name === undefined) {
          const deleted = this.store.deleteCollection(
            qualified(def),
            {
              namespace: ns,
              labelSelector: q.get('labelSelector') ?? undefined,
              fieldSelector: q.get('fieldSelector') ?? undefined,
            },
            opts,
          );
          return sendJson(res, 200, {
            apiVersion: groupVersion(def),
            kind: `${def.kind}List`,
            metadata: { resourceVersion: this.store.resourceVersion() },
            items: deleted,
          });
        }
        const out = this.store.delete(qualified(def), ns, name, opts);
        const pending = !opts.dryRun && this.store.find(qualified(def), ns, name) !== undefined;
        return sendJson(res, pending ? 202 : 200, out);
      }
      default:
        throw ApiError.methodNotAllowed(`the server does not allow this method on the requested resource`);
    }
  }

  private async body(req: IncomingMessage): Promise<unknown> {
    return decodeBody(await readBody(req), mediaType(req));
  }

  private expectObject(def: ResourceDefinition, body: unknown, scale = false): KubeObject {
    if (!isObject(body)) throw ApiError.badRequest('the body of the request was empty or not an object');
    const obj = body as KubeObject;
    const kind = scale ? 'Scale' : def.kind;
    if (obj.kind !== undefined && obj.kind !== kind)
      throw ApiError.badRequest(
        `the object provided is unrecognized (must be of type ${kind}): couldn't get version/kind; json parse error`,
      );
    const expected = scale ? 'autoscaling/v1' : groupVersion(def);
    if (obj.apiVersion !== undefined && obj.apiVersion !== expected)
      throw ApiError.badRequest(
        `${kind} in version "${obj.apiVersion}" cannot be handled as a ${kind}: no kind "${kind}" is registered for version "${obj.apiVersion}"`,
      );
    return obj;
  }

  private checkFields(
    def: ResourceDefinition,
    obj: KubeObject,
    q: URLSearchParams,
    warnings: string[],
    schema?: string,
  ): void {
    const kindName = schema === 'V1Scale' ? 'Scale' : def.kind;
    const mismatch = typeMismatch(obj, schema ?? def.schemaType);
    if (mismatch)
      throw ApiError.badRequest(
        `${kindName} in version "${def.version}" cannot be handled as a ${kindName}: ${mismatch}`,
      );
    const mode = q.get('fieldValidation') ?? 'Warn';
    if (mode === 'Ignore') return;
    const unknown = unknownFields(obj, schema ?? def.schemaType);
    if (unknown.length === 0) return;
    if (mode === 'Strict') {
      const kind = schema === 'V1Scale' ? 'Scale' : def.kind;
      throw ApiError.badRequest(
        `${kind} in version "${def.version}" cannot be handled as a ${kind}: strict decoding error: ${unknown.map((u) => `unknown field "${u}"`).join(', ')}`,
      );
    }
    for (const u of unknown) warnings.push(`unknown field "${u}"`);
  }

  private sendObject(
    req: IncomingMessage,
    res: ServerResponse,
    code: number,
    def: ResourceDefinition,
    obj: KubeObject,
    warnings: string[] = [],
  ): void {
    const headers: Record<string, string> = {};
    if (warnings.length) headers['Warning'] = warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ');
    const out = outputFor(req);
    const url = new URL(req.url ?? '/', 'http://x');
    if (out.kind === 'table' && req.method === 'GET') {
      const table = toTable(
        def,
        [obj],
        { resourceVersion: obj.metadata?.resourceVersion },
        includeObject(url),
      );
      return sendJson(res, code, { ...(table as object), apiVersion: out.apiVersion }, headers);
    }
    if (out.kind === 'metadata' && req.method === 'GET')
      return sendJson(
        res,
        code,
        { kind: 'PartialObjectMetadata', apiVersion: out.apiVersion, metadata: obj.metadata },
        headers,
      );
    sendText(res, code, objectJson(obj), headers);
  }

  private list(route: ResourceRoute, req: IncomingMessage, res: ServerResponse, q: URLSearchParams): void {
    const def = route.def;
    const limit = q.get('limit');
    const result = this.store.list(qualified(def), {
      namespace: route.namespace,
      labelSelector: q.get('labelSelector') ?? undefined,
      fieldSelector: q.get('fieldSelector') ?? undefined,
      limit: limit ? Number(limit) : undefined,
      continue: q.get('continue') ?? undefined,
      raw: true,
    });
    const out = outputFor(req);
    switch (out.kind) {
      case 'table': {
        const table = toTable(
          def,
          result.items,
          result.metadata,
          includeObject(new URL(req.url ?? '/', 'http://x')),
        );
        return sendJson(res, 200, { ...(table as object), apiVersion: out.apiVersion });
      }
      case 'metadata':
        return sendJson(res, 200, {
          kind: 'PartialObjectMetadataList',
          apiVersion: out.apiVersion,
          metadata: result.metadata,
          items: result.items.map((o) => ({
            kind: 'PartialObjectMetadata',
            apiVersion: out.apiVersion,
            metadata: o.metadata,
          })),
        });
      case 'json':
        return sendText(res, 200, listJson(result));
    }
  }

  private watch(route: ResourceRoute, req: IncomingMessage, res: ServerResponse, q: URLSearchParams): void {
    const def = route.def;
    const out = outputFor(req);
    const include = includeObject(new URL(req.url ?? '/', 'http://x'));
    const labelSelector = q.get('labelSelector') ?? undefined;
    const fieldSelector = q.get('fieldSelector') ?? undefined;
    let rv = q.get('resourceVersion') ?? '';
    const sendInitial = q.get('sendInitialEvents');
    const initial: WatchEvent[] = [];
    if (rv === '' || rv === '0' || sendInitial === 'true') {
      const listed = this.store.list(qualified(def), {
        namespace: route.namespace,
        labelSelector,
        fieldSelector,
        raw: true,
      });
      for (const o of listed.items) initial.push({ type: 'ADDED', object: o });
      rv = listed.metadata.resourceVersion;
    }
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache, private',
    });
    res.flushHeaders();
    let columnsSent = false;
    const encode = (ev: WatchEvent): string => {
      if (out.kind === 'table' && (ev.type === 'ADDED' || ev.type === 'MODIFIED' || ev.type === 'DELETED')) {
        const table = {
          kind: 'Table',
          apiVersion: out.apiVersion,
          metadata: { resourceVersion: ev.object.metadata?.resourceVersion },
          columnDefinitions: columnsSent ? null : columnDefinitions(def),
          rows: [tableRow(def, ev.object, include, Date.now())],
        };
        columnsSent = true;
        return JSON.stringify({ type: ev.type, object: table }) + '\n';
      }
      if (out.kind === 'metadata' && ev.type !== 'ERROR' && ev.type !== 'BOOKMARK')
        return (
          JSON.stringify({
            type: ev.type,
            object: {
              kind: 'PartialObjectMetadata',
              apiVersion: out.apiVersion,
              metadata: ev.object.metadata,
            },
          }) + '\n'
        );
      if (ev.type === 'ADDED' || ev.type === 'MODIFIED' || ev.type === 'DELETED')
        return watchEventJson(ev.type, ev.object);
      return JSON.stringify(ev) + '\n';
    };
    let lastRv = rv;
    let watch: { stop(): void } | undefined;
    const write = (ev: WatchEvent) => {
      if (res.writableEnded || res.destroyed) return;
      if (ev.object.metadata?.resourceVersion) lastRv = ev.object.metadata.resourceVersion;
      res.write(encode(ev));
      // Like kube-apiserver with a watcher that cannot keep up: end the watch (the client
      // re-watches from its last resourceVersion) instead of buffering without bound.
      if (res.writableLength > maxWatchBuffer) {
        watch?.stop();
        res.end();
      }
    };
    const bookmarkObject = (annotations?: Record<string, string>): KubeObject => ({
      kind: def.kind,
      apiVersion: groupVersion(def),
      metadata: { resourceVersion: lastRv, ...(annotations ? { annotations } : {}) },
    });
    for (const ev of initial) write(ev);
    const bookmarks = flag(q, 'allowWatchBookmarks');
    if (sendInitial === 'true' && bookmarks)
      write({ type: 'BOOKMARK', object: bookmarkObject({ 'k8s.io/initial-events-end': 'true' }) });
    try {
      watch = this.store.watch(
        qualified(def),
        { namespace: route.namespace, labelSelector, fieldSelector, resourceVersion: rv, raw: true },
        write,
      );
    } catch (e) {
      if (e instanceof ApiError) {
        res.write(JSON.stringify({ type: 'ERROR', object: e.toStatus() }) + '\n');
        res.end();
        return;
      }
      throw e;
    }
    const timeout = Number(q.get('timeoutSeconds') ?? this.opts.watchTimeoutSeconds);
    const timers: NodeJS.Timeout[] = [];
    const stop = () => {
      watch?.stop();
      for (const t of timers) clearTimeout(t);
    };
    timers.push(
      setTimeout(() => {
        stop();
        res.end();
      }, timeout * 1000),
    );
    if (bookmarks) {
      const tick = () => {
        write({ type: 'BOOKMARK', object: bookmarkObject() });
        timers.push(setTimeout(tick, this.opts.bookmarkIntervalMs).unref());
      };
      timers.push(setTimeout(tick, this.opts.bookmarkIntervalMs).unref());
    }
    res.on('close', stop);
  }

  private deleteOptions(body: unknown, q: URLSearchParams): DeleteOptions {
    const b = isObject(body) ? body : {};
    const policy = (b['propagationPolicy'] ??
      q.get('propagationPolicy') ??
      undefined) as DeleteOptions['propagationPolicy'];
    if (policy !== undefined && !['Background', 'Foreground', 'Orphan'].includes(policy))
      throw ApiError.unprocessable(
        `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${String(policy)}": supported values: "Foreground", "Background", "Orphan"`,
      );
    const orphan = b['orphanDependents'] ?? (q.get('orphanDependents') === 'true' ? true : undefined);
    const grace = b['gracePeriodSeconds'] ?? q.get('gracePeriodSeconds') ?? undefined;
    const dryRun = Array.isArray(b['dryRun']) ? b['dryRun'].includes('All') : q.get('dryRun') === 'All';
    return {
      propagationPolicy: policy ?? (orphan === true ? 'Orphan' : undefined),
      gracePeriodSeconds: grace === undefined || grace === null ? undefined : Number(grace),
      preconditions: isObject(b['preconditions']) ? b['preconditions'] : undefined,
      dryRun,
    };
  }

  private scale(def: ResourceDefinition, obj: KubeObject): unknown {
    const m = obj.metadata ?? {};
    const sel = at(obj, 'spec.selector');
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: m.name,
        namespace: m.namespace,
        uid: m.uid,
        resourceVersion: m.resourceVersion,
        creationTimestamp: m.creationTimestamp,
      },
      spec: { replicas: at(obj, 'spec.replicas') ?? 0 },
      status: {
        replicas: at(obj, 'status.replicas') ?? 0,
        selector: isObject(sel) ? LabelSelector.fromObject(sel).toString() : '',
      },
    };
  }

  private writeScale(
    route: ResourceRoute,
    scale: KubeObject,
    req: IncomingMessage,
    res: ServerResponse,
    q: URLSearchParams,
  ): void {
    const def = route.def;
    const name = route.name ?? '';
    const current = this.store.get(qualified(def), route.namespace, name, { raw: true });
    const rv = scale.metadata?.resourceVersion;
    if (rv && rv !== current.metadata?.resourceVersion)
      throw ApiError.conflict({ group: def.group, resource: def.plural }, name);
    const replicas = at(scale, 'spec.replicas');
    if (typeof replicas !== 'number' || replicas < 0)
      throw ApiError.invalid({ group: 'autoscaling', resource: 'scale', kind: 'Scale' }, name, [
        {
          field: 'spec.replicas',
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${String(replicas)}: must be greater than or equal to 0`,
        },
      ]);
    const updated = this.store.patch(
      qualified(def),
      route.namespace,
      name,
      'merge',
      { spec: { replicas } },
      {
        dryRun: q.get('dryRun') === 'All',
        fieldManager: q.get('fieldManager') ?? userAgentManager(req),
      },
    );
    sendJson(res, 200, this.scale(def, updated));
  }

  private evict(route: ResourceRoute, body: unknown, res: ServerResponse): void {
    const ns = route.namespace ?? 'default';
    const name = route.name ?? '';
    const eviction = (isObject(body) ? body : {}) as KubeObject;
    if (this.store.hooks.eviction) this.store.hooks.eviction({ namespace: ns, name, eviction });
    else evictPod(this.store, ns, name, eviction);
    sendJson(res, 201, statusSuccess(201));
  }

  private bind(route: ResourceRoute, body: unknown, res: ServerResponse, q: URLSearchParams): void {
    const node = at(body, 'target.name');
    if (typeof node !== 'string' || !node) throw ApiError.badRequest('binding target name is required');
    const pod = this.store.get('pods', route.namespace, route.name ?? '', { raw: true });
    if (at(pod, 'spec.nodeName'))
      throw ApiError.conflict(
        { group: '', resource: 'pods' },
        route.name ?? '',
        `pod ${route.name ?? ''} is already assigned to node "${String(at(pod, 'spec.nodeName'))}"`,
      );
    this.store.patch(
      'pods',
      route.namespace,
      route.name ?? '',
      'merge',
      { spec: { nodeName: node } },
      {
        fieldManager: q.get('fieldManager') ?? 'kube-scheduler',
        dryRun: q.get('dryRun') === 'All',
      },
    );
    sendJson(res, 201, statusSuccess(201));
  }

  private async log(route: ResourceRoute, res: ServerResponse, q: URLSearchParams): Promise<void> {
    const ns = route.namespace ?? 'default';
    const name = route.name ?? '';
    const pod = this.store.get('pods', ns, name, { raw: true });
    const containers = ((at(pod, 'spec.containers') as { name: string }[] | undefined) ?? []).map(
      (c) => c.name,
    );
    const inits = ((at(pod, 'spec.initContainers') as { name: string }[] | undefined) ?? []).map(
      (c) => c.name,
    );
    let container = q.get('container') ?? undefined;
    if (!container) {
      if (containers.length !== 1)
        throw ApiError.badRequest(
          `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]${inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : ''}`,
        );
      container = containers[0]!;
    } else if (!containers.includes(container) && !inits.includes(container)) {
      throw ApiError.badRequest(`container ${container} is not valid for pod ${name}`);
    }
    const num = (k: string) => (q.get(k) === null ? undefined : Number(q.get(k)));
    res.setHeader('Content-Type', 'text/plain');
    if (!this.store.hooks.log) {
      res.writeHead(200);
      res.end();
      return;
    }
    await this.store.hooks.log(
      {
        namespace: ns,
        pod: name,
        container,
        follow: flag(q, 'follow'),
        previous: flag(q, 'previous'),
        timestamps: flag(q, 'timestamps'),
        tailLines: num('tailLines'),
        sinceSeconds: num('sinceSeconds'),
        limitBytes: num('limitBytes'),
      },
      res,
    );
  }

  private async proxy(
    route: ResourceRoute,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<void> {
    const def = route.def;
    const raw = route.name ?? '';
    const parts = raw.split(':');
    let scheme: string | undefined;
    let name: string;
    let port: string | undefined;
    if (parts.length === 3) [scheme, name, port] = parts as [string, string, string];
    else [name, port] = parts as [string, string | undefined];
    this.store.get(qualified(def), route.namespace, name, { raw: true });
    if (!this.store.hooks.proxy)
      throw new ApiError(503, 'ServiceUnavailable', `no endpoints available for service "${name}"`);
    await this.store.hooks.proxy(
      {
        resource: def.plural as 'pods' | 'services' | 'nodes',
        namespace: route.namespace,
        name,
        port: port || undefined,
        scheme,
        path: (route.rest || '/') + url.search,
      },
      req,
      res,
    );
  }
}

function includeObject(url: URL): IncludeObject {
  const v = url.searchParams.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(x);
  return out;
}
