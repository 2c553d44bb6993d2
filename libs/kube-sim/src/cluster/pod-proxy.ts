import { type IncomingMessage, type ServerResponse } from 'node:http';
import { ApiError } from '../store/api-error';
import { type LogTarget, type ProxyTarget } from '../store/object-store';
import { isPodReady, type Pod, type Service } from '../controllers/k8s-types';
import { type SimHttpResponse } from '../world/sim-http';
import { type SimProcess } from '../world/sim-process';
import { type SimCluster } from './sim-cluster';

interface EndpointsObject {
  subsets?: {
    addresses?: { ip: string; targetRef?: { name: string } }[];
    ports?: { name?: string; port: number }[];
  }[];
}

/**
 * pods/proxy and services/proxy: how a control plane outside the cluster reaches containers.
 * Requests are handed to the simulated process in-process; failures read like the API server's.
 */
export class PodProxy {
  private roundRobin = 0;

  constructor(
    private readonly cluster: SimCluster,
    private readonly timeoutMs = 30_000,
  ) {}

  async proxy(target: ProxyTarget, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    let pod: Pod | undefined;
    let port: number | undefined;
    const ns = target.namespace ?? 'default';
    if (target.resource === 'pods') {
      pod = this.cluster.pod(ns, target.name);
      if (!pod) return sendStatus(res, ApiError.notFound({ group: '', resource: 'pods' }, target.name));
      port = target.port ? containerPort(pod, target.port) : undefined;
    } else if (target.resource === 'services') {
      const svc = this.cluster.store.find('services', ns, target.name) as unknown as Service | undefined;
      if (!svc) return sendStatus(res, ApiError.notFound({ group: '', resource: 'services' }, target.name));
      const picked = this.pickEndpoint(svc, target.port);
      if (!picked) {
        return sendStatus(
          res,
          new ApiError(503, 'ServiceUnavailable', `no endpoints available for service "${target.name}"`),
        );
      }
      pod = this.cluster.pod(ns, picked.pod);
      port = picked.port;
      if (!pod)
        return sendStatus(
          res,
          new ApiError(503, 'ServiceUnavailable', `no endpoints available for service "${target.name}"`),
        );
    } else {
      return sendStatus(res, new ApiError(503, 'ServiceUnavailable', 'node proxy is not simulated'));
    }
    const address = `${pod.status?.podIP ?? pod.metadata.name}:${port ?? 80}`;
    const process = processFor(this.cluster, pod, port);
    if (pod.spec.nodeName && this.cluster.health.isDown(pod.spec.nodeName)) {
      return sendStatus(res, unreachable(`dial tcp ${address}: connect: no route to host`));
    }
    if (!process?.isRunning)
      return sendStatus(res, unreachable(`dial tcp ${address}: connect: connection refused`));
    const url = new URL(target.path, 'http://pod');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), this.timeoutMs)));
    const onClose = new Promise<'closed'>((r) => res.on('close', () => r('closed')));
    const answer = await Promise.race([
      process.handle({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
      }),
      timeout,
      onClose,
    ]);
    clearTimeout(timer);
    if (answer === 'closed') return;
    if (answer === 'timeout')
      return sendStatus(
        res,
        new ApiError(504, 'Timeout', `error trying to reach service: context deadline exceeded`),
      );
    writeResponse(res, answer);
  }

  log(target: LogTarget, res: ServerResponse): void {
    const pod = this.cluster.pod(target.namespace, target.pod);
    if (!pod) return sendStatus(res, ApiError.notFound({ group: '', resource: 'pods' }, target.pod));
    const container = target.container || pod.spec.containers[0]?.name || '';
    if (!pod.spec.containers.some((c) => c.name === container)) {
      return sendStatus(
        res,
        ApiError.badRequest(`container ${container} is not valid for pod ${target.pod}`),
      );
    }
    const log = this.cluster.runtime.log(pod.metadata.uid, container, target.previous);
    if (!log) {
      if (target.previous) {
        return sendStatus(
          res,
          ApiError.badRequest(
            `previous terminated container "${container}" in pod "${target.pod}" not found`,
          ),
        );
      }
      const waiting =
        pod.status?.containerStatuses?.find((c) => c.name === container)?.state.waiting?.reason ??
        'ContainerCreating';
      return sendStatus(
        res,
        ApiError.badRequest(
          `container "${container}" in pod "${target.pod}" is waiting to start: ${waiting}`,
        ),
      );
    }
    res.statusCode = 200;
    if (!res.hasHeader('content-type')) res.setHeader('Content-Type', 'text/plain');
    const text = log.read({
      tailLines: target.tailLines,
      sinceSeconds: target.sinceSeconds,
      timestamps: target.timestamps,
      limitBytes: target.limitBytes,
    });
    if (!target.follow) {
      res.end(text);
      return;
    }
    res.write(text);
    const stop = log.follow((line) =>
      res.write(`${target.timestamps ? `${line.time.toISOString()} ` : ''}${line.text}\n`),
    );
    const check = setInterval(() => {
      if (this.cluster.runtime.log(pod.metadata.uid, container) !== log) {
        clearInterval(check);
        stop();
        res.end();
      }
    }, 200);
    check.unref();
    res.on('close', () => {
      clearInterval(check);
      stop();
    });
  }

  private pickEndpoint(svc: Service, portRef: string | undefined): { pod: string; port: number } | undefined {
    const ep = this.cluster.store.find('endpoints', svc.metadata.namespace, svc.metadata.name) as unknown as
      EndpointsObject | undefined;
    const svcPort =
      portRef === undefined
        ? svc.spec.ports?.[0]
        : svc.spec.ports?.find((p) => p.name === portRef || String(p.port) === portRef);
    const candidates: { pod: string; port: number }[] = [];
    for (const subset of ep?.subsets ?? []) {
      const port =
        subset.ports?.find((p) => (svcPort?.name ? p.name === svcPort.name : true))?.port ??
        svcPort?.port ??
        80;
      for (const a of subset.addresses ?? [])
        if (a.targetRef?.name) candidates.push({ pod: a.targetRef.name, port });
    }
    const live = candidates.filter((c) => {
      const p = this.cluster.pod(svc.metadata.namespace ?? 'default', c.pod);
      return p && isPodReady(p);
    });
    if (live.length === 0) return undefined;
    return live[this.roundRobin++ % live.length];
  }
}

function containerPort(pod: Pod, ref: string): number | undefined {
  const n = Number(ref);
  if (Number.isInteger(n)) return n;
  return pod.spec.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === ref)?.containerPort;
}

function processFor(cluster: SimCluster, pod: Pod, port: number | undefined): SimProcess | undefined {
  const container =
    (port !== undefined
      ? pod.spec.containers.find((c) => c.ports?.some((p) => p.containerPort === port))
      : undefined) ?? pod.spec.containers[0];
  return container ? cluster.runtime.process(pod.metadata.uid, container.name) : undefined;
}

function unreachable(detail: string): ApiError {
  return new ApiError(503, 'ServiceUnavailable', `error trying to reach service: ${detail}`);
}

export function sendStatus(res: ServerResponse, err: ApiError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.statusCode = err.code;
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(err.toStatus()));
}

function writeResponse(res: ServerResponse, answer: SimHttpResponse): void {
  res.statusCode = answer.status;
  for (const [k, v] of Object.entries(answer.headers)) res.setHeader(k, v);
  if (!res.hasHeader('content-type')) res.setHeader('Content-Type', 'text/plain');
  res.end(answer.body);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
