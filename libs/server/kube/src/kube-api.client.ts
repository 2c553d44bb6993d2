import * as http from 'node:http';
import * as https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterCredentialsError, type KubeApiError } from './kube-gateway';
import {
  KubeRequestTimeoutError,
  kubeApiErrorFromResponse,
  kubeApiErrorFromTransport,
} from './kube-error.mapper';
import type { KubeRequestRecorder, KubeVerb } from './kube-request.recorder';

export interface KubeRequestSpec {
  method: 'GET' | 'PATCH' | 'DELETE';
  /** Path below the server URL, e.g. `/apis/apps/v1/namespaces/n/statefulsets/s`. */
  path: string;
  query?: Record<string, string>;
  body?: string;
  contentType?: string;
  verb: KubeVerb;
  resource: string;
  /** For error messages: `apply apps/v1 StatefulSet n/s`. */
  what: string;
}

export interface KubeWatchSpec extends KubeRequestSpec {
  /** Abort a watch that has delivered nothing (not even a bookmark) for this long. */
  idleTimeoutMs: number;
}

export interface RawWatchEvent {
  type: string;
  object: Record<string, unknown>;
}

export type WatchEnd =
  /** The server ended the stream normally (its timeout): watch again from the last version. */
  | { kind: 'closed' }
  /** No stream (HTTP error, unreachable) or a broken one. */
  | { kind: 'failed'; error: KubeApiError; established: boolean };

export interface WatchHandlers {
  onEvent(event: RawWatchEvent): void;
  onEnd(end: WatchEnd): void;
}

export interface WatchHandle {
  /** Ends the watch without calling `onEnd`. */
  stop(): void;
}

export interface KubeApiClientOptions {
  cluster: string;
  server: URL;
  kubeConfig: KubeConfig;
  agent: http.Agent;
  requestTimeoutMs: number;
  recorder: KubeRequestRecorder;
}

const JSON_TYPE = 'application/json';

/**
 * HTTP to one cluster's API server with the TLS material and credentials of a client-node
 * KubeConfig, over one keep-alive agent. Plain `node:http` rather than client-node's generated
 * clients so that every request has a hard deadline, is counted exactly once, and every socket
 * can be closed on shutdown.
 */
export class KubeApiClient {
  private readonly inFlight = new Set<http.ClientRequest>();
  private readonly watches = new Set<WatchHandle>();
  private closed = false;

  constructor(private readonly opts: KubeApiClientOptions) {}

  get cluster(): string {
    return this.opts.cluster;
  }

  /** Resolves with the parsed JSON body of a 2xx answer; throws KubeApiError otherwise. */
  async request<T>(spec: KubeRequestSpec): Promise<T> {
    const { status, text } = await this.exchange(spec, this.opts.requestTimeoutMs, true);
    if (status >= 200 && status < 300) {
      try {
        return (text === '' ? {} : JSON.parse(text)) as T;
      } catch {
        throw kubeApiErrorFromResponse(this.cluster, spec.what, status, `invalid JSON: ${text}`);
      }
    }
    throw kubeApiErrorFromResponse(this.cluster, spec.what, status, text);
  }

  /**
   * One request whose answer belongs to someone behind the API server (services/proxy): resolves
   * with any HTTP answer, throws KubeApiError (status 0) when none came. Running out of time says
   * nothing about the cluster — the container may be the one hanging — so a timeout is counted but
   * not taken as a sign that the cluster is unreachable; a refused or broken connection is.
   */
  proxy(spec: KubeRequestSpec, timeoutMs: number): Promise<{ status: number; text: string }> {
    return this.exchange(spec, timeoutMs, false);
  }

  private async exchange(
    spec: KubeRequestSpec,
    timeoutMs: number,
    timeoutIsSilence: boolean,
  ): Promise<{ status: number; text: string }> {
    const prepared = await this.prepare(spec);
    const started = performance.now();
    return new Promise((resolve, reject) => {
      let settled = false;
      let timedOut = false;
      const settle = (code: number, outcome: () => void, reachabilityEvidence = true) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.inFlight.delete(req);
        this.record(spec, code, started, reachabilityEvidence);
        outcome();
      };
      const failTransport = (error: unknown) =>
        settle(
          0,
          () => reject(kubeApiErrorFromTransport(this.cluster, spec.what, error)),
          timeoutIsSilence || !timedOut,
        );
      const req = this.send(prepared, (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', failTransport);
        res.on('close', () => {
          if (!res.complete) return failTransport(new Error('connection closed during the response'));
          const text = Buffer.concat(chunks).toString('utf8');
          settle(status, () => resolve({ status, text }));
        });
      });
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy(new KubeRequestTimeoutError(timeoutMs));
      }, timeoutMs);
      req.on('error', failTransport);
      req.end(prepared.body);
    });
  }

  /** Opens a watch; events arrive one JSON object per line until the stream ends or is stopped. */
  watch(spec: KubeWatchSpec, handlers: WatchHandlers): WatchHandle {
    let stopped = false;
    let req: http.ClientRequest | undefined;
    let connectTimer: NodeJS.Timeout | undefined;
    let idleTimer: NodeJS.Timeout | undefined;
    const clearTimers = () => {
      clearTimeout(connectTimer);
      clearTimeout(idleTimer);
    };
    const handle: WatchHandle = {
      stop: () => {
        if (stopped) return;
        stopped = true;
        clearTimers();
        this.watches.delete(handle);
        if (req) {
          this.inFlight.delete(req);
          req.destroy();
        }
      },
    };
    this.watches.add(handle);
    const end = (result: WatchEnd) => {
      if (stopped) return;
      handle.stop();
      handlers.onEnd(result);
    };
    const started = performance.now();
    let recorded = false;
    const record = (code: number) => {
      if (recorded) return;
      recorded = true;
      this.record(spec, code, started);
    };
    const fail = (error: unknown, established: boolean) => {
      record(0);
      end({ kind: 'failed', error: kubeApiErrorFromTransport(this.cluster, spec.what, error), established });
    };

    this.prepare(spec).then(
      (prepared) => {
        if (stopped) return;
        req = this.send(prepared, (res) => {
          const status = res.statusCode ?? 0;
          if (status !== 200) {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('error', (e) => fail(e, false));
            res.on('close', () => {
              if (!res.complete) return fail(new Error('connection closed during the response'), false);
              record(status);
              const text = Buffer.concat(chunks).toString('utf8');
              const error = kubeApiErrorFromResponse(this.cluster, spec.what, status, text);
              end({ kind: 'failed', error, established: false });
            });
            return;
          }
          record(200);
          clearTimeout(connectTimer);
          const armIdle = () => {
            clearTimeout(idleTimer);
            idleTimer = setTimeout(
              () => req?.destroy(new KubeRequestTimeoutError(spec.idleTimeoutMs)),
              spec.idleTimeoutMs,
            );
          };
          armIdle();
          let buffered = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            armIdle();
            buffered += chunk;
            let newline = buffered.indexOf('\n');
            while (newline >= 0 && !stopped) {
              const line = buffered.slice(0, newline).trim();
              buffered = buffered.slice(newline + 1);
              newline = buffered.indexOf('\n');
              if (line === '') continue;
              let event: RawWatchEvent;
              try {
                event = JSON.parse(line) as RawWatchEvent;
              } catch {
                return fail(new Error('undecodable watch event'), true);
              }
              handlers.onEvent(event);
            }
          });
          res.on('error', (e) => fail(e, true));
          res.on('close', () => {
            if (res.complete) end({ kind: 'closed' });
            else fail(new Error('watch connection lost'), true);
          });
        });
        connectTimer = setTimeout(
          () => req?.destroy(new KubeRequestTimeoutError(this.opts.requestTimeoutMs)),
          this.opts.requestTimeoutMs,
        );
        req.on('error', (e) => fail(e, recorded));
        req.end();
      },
      (error: unknown) => {
        if (stopped) return;
        this.watches.delete(handle);
        stopped = true;
        handlers.onEnd({
          kind: 'failed',
          error: kubeApiErrorFromTransport(this.cluster, spec.what, error),
          established: false,
        });
      },
    );
    return handle;
  }

  /** Stops every watch, aborts requests in flight and closes every socket. */
  close(): void {
    this.closed = true;
    for (const w of [...this.watches]) w.stop();
    for (const req of [...this.inFlight]) req.destroy(new Error('client closed'));
    this.inFlight.clear();
    this.opts.agent.destroy();
  }

  private record(spec: KubeRequestSpec, code: number, started: number, reachabilityEvidence = true): void {
    this.opts.recorder.record(
      {
        cluster: this.cluster,
        verb: spec.verb,
        resource: spec.resource,
        code,
        durationMs: performance.now() - started,
      },
      { reachabilityEvidence },
    );
  }

  private async prepare(
    spec: KubeRequestSpec,
  ): Promise<{ url: URL; options: https.RequestOptions; body?: string }> {
    if (this.closed) throw new Error('client closed');
    // Credentials per request: token files and exec plugins may rotate them.
    const auth: https.RequestOptions = {};
    try {
      await this.opts.kubeConfig.applyToHTTPSOptions(auth);
    } catch (error) {
      throw new ClusterCredentialsError(
        this.cluster,
        `cluster ${this.cluster}: credentials could not be applied (${error instanceof Error ? error.name : 'error'})`,
      );
    }
    const base = this.opts.server.href.replace(/\/+$/, '');
    const url = new URL(base + spec.path);
    for (const [k, v] of Object.entries(spec.query ?? {})) url.searchParams.set(k, v);
    const headers: http.OutgoingHttpHeaders = { ...headersOf(auth), Accept: JSON_TYPE };
    if (spec.body !== undefined) {
      headers['Content-Type'] = spec.contentType ?? JSON_TYPE;
      headers['Content-Length'] = Buffer.byteLength(spec.body);
    }
    return {
      url,
      options: {
        method: spec.method,
        headers,
        agent: this.opts.agent,
        ...(auth.auth ? { auth: auth.auth } : {}),
      },
      ...(spec.body !== undefined ? { body: spec.body } : {}),
    };
  }

  private send(
    prepared: { url: URL; options: https.RequestOptions },
    onResponse: (res: http.IncomingMessage) => void,
  ): http.ClientRequest {
    const transport = prepared.url.protocol === 'https:' ? https : http;
    const req = transport.request(prepared.url, prepared.options, onResponse);
    this.inFlight.add(req);
    req.on('close', () => this.inFlight.delete(req));
    return req;
  }
}

function headersOf(options: https.RequestOptions): http.OutgoingHttpHeaders {
  const h = options.headers;
  return h === undefined || Array.isArray(h) ? {} : (h as http.OutgoingHttpHeaders);
}
