import { randomBytes } from 'node:crypto';
import { type SimTimings } from '../cluster/sim-timings';
import { type ContainerRuntime } from '../world/container-runtime';
import { decodeSecretData, resolveEnv } from '../world/env-resolver';
import { simRequest } from '../world/sim-http';
import { type SimProcess } from '../world/sim-process';
import { type ChangeType, type ClusterApi } from './cluster-api';
import { Controller, keyOf, splitKey, type ReconcileResult } from './controller';
import { clone, nowIso, setCondition } from './controller-utils';
import { type EventRecorder } from './event-recorder';
import {
  isTerminating,
  type Condition,
  type Container,
  type ContainerState,
  type ContainerStatus,
  type Node,
  type Obj,
  type Pod,
  type Probe,
} from './k8s-types';
import { type NodeHealth } from './node-health';

interface ContainerRun {
  spec: Container;
  process: SimProcess | undefined;
  containerId: string;
  restartCount: number;
  startedAt?: string;
  lastState: ContainerState;
  terminated?: NonNullable<ContainerState['terminated']>;
  waiting?: { reason: string; message?: string };
  nextStartAt?: number;
  ready: boolean;
  readyStreak: number;
  failStreak: number;
  liveFailStreak: number;
  lastProbeAt: number;
  startedAtMs: number;
  probing: boolean;
  killedByProbe: boolean;
}

interface PodRun {
  uid: string;
  key: string;
  node: string;
  stage: 'creating' | 'running' | 'terminating';
  startAt: number;
  deadline?: number;
  podIP?: string;
  hostIP?: string;
  startTime: string;
  containers: Map<string, ContainerRun>;
  probeTimer?: NodeJS.Timeout;
}

/**
 * Every simulated node's kubelet: pod stages (ContainerCreating → Running → Ready), simulated
 * processes, probes, restarts with back-off, and graceful termination that finally removes the
 * pod object. Nodes that are down run nothing and report nothing.
 */
export class KubeletController extends Controller {
  readonly name = 'kubelet';
  private readonly runs = new Map<string, PodRun>();
  private readonly orphans = new Map<string, PodRun>();
  private ipCounter = 0;
  private readonly unsubscribe: () => void;

  constructor(
    api: ClusterApi,
    private readonly events: EventRecorder,
    private readonly runtime: ContainerRuntime,
    private readonly health: NodeHealth,
    private readonly timings: SimTimings,
    private readonly ownsNode: (node: string) => boolean,
  ) {
    super(api);
    this.unsubscribe = health.onChange((node, up, mode) => {
      if (!up) {
        // An isolated machine keeps running its processes; only a powered-off one loses them.
        if (mode === 'down') this.runtime.vanishNode(node);
        for (const run of this.runs.values()) if (run.node === node) this.stopProbes(run);
      }
      for (const run of this.runs.values()) if (run.node === node) this.enqueue(run.key);
      if (up) {
        for (const orphan of [...this.orphans.values()]) if (orphan.node === node) this.cleanup(orphan);
        void this.resync();
      }
    });
  }

  override stop(): void {
    super.stop();
    this.unsubscribe();
    for (const run of [...this.runs.values(), ...this.orphans.values()]) this.stopProbes(run);
  }

  keysFor(_type: ChangeType, resource: string, obj: Obj): string[] {
    if (resource === 'pods')
      return (obj as Pod).spec.nodeName || this.runs.has(keyOf(obj)) ? [keyOf(obj)] : [];
    return [];
  }

  async allKeys(): Promise<string[]> {
    const keys = new Set((await this.api.scan<Pod>('pods')).filter((p) => p.spec.nodeName).map(keyOf));
    for (const k of this.runs.keys()) keys.add(k);
    return [...keys];
  }

  /** Crash a container (fault injection): the process dies, restart policy applies. */
  crash(pod: Pod, container?: string): boolean {
    const run = this.runs.get(keyOf(pod));
    if (!run || run.uid !== pod.metadata.uid) return false;
    const targets = container ? [container] : [...run.containers.keys()];
    for (const c of targets) this.runtime.crash(run.uid, c);
    this.enqueue(run.key);
    return true;
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const [ns, name] = splitKey(key);
    const pod = await this.api.get<Pod>('pods', ns, name);
    let run = this.runs.get(key);
    if (run && (!pod || pod.metadata.uid !== run.uid)) {
      // A kubelet cut off from the cluster learns nothing, not even that its pod was deleted: its
      // processes run on until the node is back, while a replacement may start elsewhere.
      if (this.health.isIsolated(run.node)) {
        this.stopProbes(run);
        this.orphans.set(run.uid, run);
        this.runs.delete(key);
      } else {
        this.cleanup(run);
      }
      run = undefined;
    }
    if (run && this.health.isIsolated(run.node)) return;
    if (!pod || !pod.spec.nodeName || !this.ownsNode(pod.spec.nodeName)) return;
    const node = pod.spec.nodeName;
    if (this.health.isDown(node)) return;
    if (isTerminating(pod)) return this.terminate(pod, run);
    if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') return;

    const now = Date.now();
    if (!run) {
      const nodeObj = await this.api.get<Node>('nodes', undefined, node);
      run = {
        uid: pod.metadata.uid,
        key,
        node,
        stage: 'creating',
        startAt: now + this.timings.containerCreatingMs,
        hostIP: nodeObj?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address,
        startTime: pod.status?.startTime ?? nowIso(),
        containers: new Map(
          pod.spec.containers.map((c) => [
            c.name,
            {
              spec: c,
              process: undefined,
              containerId: '',
              restartCount: 0,
              lastState: {},
              waiting: { reason: 'ContainerCreating' },
              ready: false,
              readyStreak: 0,
              failStreak: 0,
              liveFailStreak: 0,
              lastProbeAt: 0,
              startedAtMs: 0,
              probing: false,
              killedByProbe: false,
            },
          ]),
        ),
      };
      this.runs.set(key, run);
    }

    let requeue: number | undefined;
    const soon = (ms: number) => (requeue = Math.min(requeue ?? Infinity, Math.max(1, ms)));

    if (run.stage === 'creating') {
      if (now < run.startAt) {
        await this.writeStatus(pod, run);
        return { requeueAfterMs: run.startAt - now };
      }
      const env = await this.environment(pod);
      if (!env.ok) {
        for (const c of run.containers.values())
          c.waiting = { reason: 'CreateContainerConfigError', message: env.message };
        await this.writeStatus(pod, run);
        await this.events.record(pod, 'Warning', 'Failed', `Error: ${env.message}`, node);
        return { requeueAfterMs: Math.max(200, 2000 * this.timings.timeScale) };
      }
      run.podIP = this.allocateIp();
      run.stage = 'running';
      // Fencing agents first, so a CoreApp never connects before its agent has checked the lease.
      const order = [...run.containers.values()].sort(
        (a, b) =>
          agentFirst(this.runtime.kindOf(a.spec.image)) - agentFirst(this.runtime.kindOf(b.spec.image)),
      );
      for (const c of order) await this.startContainer(pod, run, c, env.envs.get(c.spec.name) ?? {});
    }

    if (run.stage === 'running' && !run.probeTimer) this.startProbes(run);
    // Running: notice dead processes, apply restart policy and back-off.
    const policy = pod.spec.restartPolicy ?? 'Always';
    for (const c of run.containers.values()) {
      if (c.process && !c.process.isRunning && !c.terminated && c.nextStartAt === undefined) {
        const exitCode: number = c.killedByProbe ? 137 : 1;
        c.terminated = {
          exitCode,
          reason: 'Error',
          startedAt: c.startedAt,
          finishedAt: nowIso(),
        };
        c.ready = false;
        c.readyStreak = 0;
        const restart = policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
        if (restart) {
          const backoff =
            c.restartCount === 0
              ? 0
              : Math.min(
                  this.timings.restartBackoffMaxMs,
                  this.timings.restartBackoffMs * 2 ** (c.restartCount - 1),
                );
          c.nextStartAt = now + backoff;
          if (backoff > 0) {
            c.waiting = {
              reason: 'CrashLoopBackOff',
              message: `back-off ${formatDuration(backoff)} restarting failed container=${c.spec.name} pod=${pod.metadata.name}_${ns}(${pod.metadata.uid})`,
            };
            await this.events.record(
              pod,
              'Warning',
              'BackOff',
              `Back-off restarting failed container ${c.spec.name} in pod ${pod.metadata.name}_${ns}(${pod.metadata.uid})`,
              node,
            );
          }
        }
      }
      if (c.nextStartAt !== undefined) {
        if (now >= c.nextStartAt) {
          c.lastState = {
            terminated: c.terminated ?? { exitCode: 137, reason: 'Error', finishedAt: nowIso() },
          };
          c.terminated = undefined;
          c.nextStartAt = undefined;
          c.restartCount++;
          const env = await this.environment(pod);
          await this.startContainer(pod, run, c, env.ok ? (env.envs.get(c.spec.name) ?? {}) : {});
        } else {
          soon(c.nextStartAt - now);
        }
      }
    }
    await this.writeStatus(pod, run);
    return requeue !== undefined ? { requeueAfterMs: requeue } : undefined;
  }

  private async terminate(pod: Pod, run: PodRun | undefined): Promise<ReconcileResult | void> {
    if (!run) {
      await this.finalDelete(pod);
      return;
    }
    const now = Date.now();
    if (run.stage !== 'terminating') {
      run.stage = 'terminating';
      this.stopProbes(run);
      const graceMs =
        (pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30) *
        1000 *
        this.timings.timeScale;
      const stubborn = [...run.containers.values()].some((c) => c.process?.currentFaults.ignoreSigterm);
      run.deadline = now + (stubborn ? graceMs : Math.min(this.timings.shutdownMs, graceMs));
      for (const c of run.containers.values()) {
        if (c.process?.isRunning) {
          if (!c.process.currentFaults.ignoreSigterm) c.process.stop(true);
          await this.events.record(pod, 'Normal', 'Killing', `Stopping container ${c.spec.name}`, run.node);
        }
      }
    }
    if (run.deadline !== undefined && now < run.deadline) return { requeueAfterMs: run.deadline - now };
    // SIGKILL for whatever is still running when the grace period ends.
    for (const c of run.containers.values())
      if (c.process?.isRunning) this.runtime.crash(run.uid, c.spec.name);
    this.cleanup(run);
    await this.finalDelete(pod);
  }

  private async finalDelete(pod: Pod): Promise<void> {
    try {
      await this.api.delete('pods', pod.metadata.namespace, pod.metadata.name, {
        gracePeriodSeconds: 0,
        uid: pod.metadata.uid,
      });
    } catch (err) {
      if ((err as { code?: number }).code !== 404 && (err as { code?: number }).code !== 409) throw err;
    }
  }

  private cleanup(run: PodRun): void {
    this.stopProbes(run);
    this.runtime.remove(run.uid);
    this.orphans.delete(run.uid);
    if (this.runs.get(run.key) === run) this.runs.delete(run.key);
  }

  private async startContainer(
    pod: Pod,
    run: PodRun,
    c: ContainerRun,
    env: Record<string, string>,
  ): Promise<void> {
    const nodeObj = await this.api.get<Node>('nodes', undefined, run.node);
    c.process = this.runtime.start(
      {
        namespace: pod.metadata.namespace ?? 'default',
        name: pod.metadata.name,
        uid: pod.metadata.uid,
        node: run.node,
        zone: nodeObj?.metadata.labels?.['topology.kubernetes.io/zone'],
        annotations: pod.metadata.annotations ?? {},
      },
      c.spec.name,
      c.spec.image,
      env,
    );
    c.containerId = `containerd://${randomBytes(32).toString('hex')}`;
    c.startedAt = nowIso();
    c.waiting = undefined;
    c.terminated = undefined;
    c.killedByProbe = false;
    c.ready = false;
    c.readyStreak = 0;
    c.failStreak = 0;
    c.liveFailStreak = 0;
    c.startedAtMs = Date.now();
    c.lastProbeAt = 0;
    await this.events.record(
      pod,
      'Normal',
      'Pulled',
      `Container image "${c.spec.image}" already present on machine`,
      run.node,
    );
    await this.events.record(pod, 'Normal', 'Created', `Created container: ${c.spec.name}`, run.node);
    await this.events.record(pod, 'Normal', 'Started', `Started container ${c.spec.name}`, run.node);
    if (!c.spec.readinessProbe) c.ready = true;
    // A node coming back has its probe workers stopped; they resume with the containers.
    if (!run.probeTimer) this.startProbes(run);
  }

  private async environment(
    pod: Pod,
  ): Promise<{ ok: true; envs: Map<string, Record<string, string>> } | { ok: false; message: string }> {
    const ns = pod.metadata.namespace;
    const secrets = new Map<string, Record<string, string> | undefined>();
    const configMaps = new Map<string, Record<string, string> | undefined>();
    for (const c of pod.spec.containers) {
      for (const e of c.env ?? []) {
        if (e.valueFrom?.secretKeyRef) secrets.set(e.valueFrom.secretKeyRef.name, undefined);
        if (e.valueFrom?.configMapKeyRef) configMaps.set(e.valueFrom.configMapKeyRef.name, undefined);
      }
      for (const f of c.envFrom ?? []) {
        if (f.secretRef) secrets.set(f.secretRef.name, undefined);
        if (f.configMapRef) configMaps.set(f.configMapRef.name, undefined);
      }
    }
    for (const name of secrets.keys()) {
      const s = await this.api.get<Obj & { data?: Record<string, string> }>('secrets', ns, name);
      secrets.set(name, s ? decodeSecretData(s.data) : undefined);
    }
    for (const name of configMaps.keys()) {
      const cm = await this.api.get<Obj & { data?: Record<string, string> }>('configmaps', ns, name);
      configMaps.set(name, cm ? { ...(cm.data ?? {}) } : undefined);
    }
    const source = {
      secret: (_: string, n: string) => secrets.get(n),
      configMap: (_: string, n: string) => configMaps.get(n),
    };
    const envs = new Map<string, Record<string, string>>();
    for (const c of pod.spec.containers) {
      const r = resolveEnv(pod, c, source);
      if (!r.ok) return r;
      envs.set(c.name, r.env);
    }
    return { ok: true, envs };
  }

  private allocateIp(): string {
    const n = this.ipCounter++;
    return `10.244.${Math.floor(n / 250) % 250}.${(n % 250) + 2}`;
  }

  private async writeStatus(pod: Pod, run: PodRun): Promise<void> {
    const containers = [...run.containers.values()];
    const statuses: ContainerStatus[] = containers.map((c) => {
      let state: ContainerState;
      if (c.waiting) state = { waiting: { ...c.waiting } };
      else if (c.terminated) state = { terminated: { ...c.terminated } };
      else if (c.process?.isRunning) state = { running: { startedAt: c.startedAt ?? nowIso() } };
      else state = { waiting: { reason: 'ContainerCreating' } };
      const status: ContainerStatus = {
        name: c.spec.name,
        image: c.spec.image,
        imageID: `sim.local/${c.spec.image.replace(/[:@].*$/, '')}@sha256:${shaOf(c.spec.image)}`,
        ready: c.ready && state.running !== undefined,
        started: state.running !== undefined,
        restartCount: c.restartCount,
        state,
        lastState: c.lastState,
      };
      if (c.containerId) status.containerID = c.containerId;
      return status;
    });
    const allReady = statuses.length > 0 && statuses.every((s) => s.ready);
    const running = run.stage === 'running';
    const notReady = statuses.filter((s) => !s.ready).map((s) => s.name);
    let conditions: Condition[] | undefined = pod.status?.conditions;
    conditions = setCondition(conditions, {
      type: 'PodReadyToStartContainers',
      status: running ? 'True' : 'False',
      lastProbeTime: null,
    });
    conditions = setCondition(conditions, { type: 'Initialized', status: 'True', lastProbeTime: null });
    const readyCond: Condition = allReady
      ? { type: 'Ready', status: 'True', lastProbeTime: null }
      : {
          type: 'Ready',
          status: 'False',
          reason: 'ContainersNotReady',
          message: `containers with unready status: [${notReady.join(' ')}]`,
          lastProbeTime: null,
        };
    conditions = setCondition(conditions, readyCond);
    conditions = setCondition(conditions, { ...readyCond, type: 'ContainersReady' });
    conditions = setCondition(conditions, { type: 'PodScheduled', status: 'True', lastProbeTime: null });
    const order = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];
    conditions.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));

    const policy = pod.spec.restartPolicy ?? 'Always';
    let phase: NonNullable<Pod['status']>['phase'] = running ? 'Running' : 'Pending';
    if (
      running &&
      policy !== 'Always' &&
      containers.every((c) => c.terminated && c.nextStartAt === undefined)
    ) {
      phase = containers.every((c) => c.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
    }
    const status: NonNullable<Pod['status']> = {
      ...pod.status,
      phase,
      conditions,
      startTime: run.startTime,
      containerStatuses: statuses,
    };
    if (run.hostIP) {
      status.hostIP = run.hostIP;
      status.hostIPs = [{ ip: run.hostIP }];
    }
    if (run.podIP) {
      status.podIP = run.podIP;
      status.podIPs = [{ ip: run.podIP }];
    }
    if (JSON.stringify(status) === JSON.stringify(pod.status)) return;
    const next = clone(pod);
    next.status = status;
    await this.api.updateStatus('pods', next);
  }

  // ---------------------------------------------------------------- probes

  private startProbes(run: PodRun): void {
    const probes = [...run.containers.values()]
      .flatMap((c) => [c.spec.readinessProbe, c.spec.livenessProbe])
      .filter((p) => p !== undefined);
    if (probes.length === 0) return;
    const tick = Math.max(10, Math.min(1000, ...probes.map((p) => this.periodMs(p) / 2)));
    run.probeTimer = setInterval(() => this.probeTick(run), tick);
    run.probeTimer.unref();
  }

  private stopProbes(run: PodRun): void {
    if (run.probeTimer) clearInterval(run.probeTimer);
    run.probeTimer = undefined;
  }

  private periodMs(p: Probe): number {
    return this.timings.probePeriodMs ?? (p.periodSeconds ?? 10) * 1000 * this.timings.timeScale;
  }

  private probeTick(run: PodRun): void {
    if (run.stage !== 'running' || this.health.isDown(run.node)) return;
    const now = Date.now();
    for (const c of run.containers.values()) {
      if (c.probing || !c.process?.isRunning) continue;
      const probe = c.spec.readinessProbe ?? c.spec.livenessProbe;
      if (!probe) continue;
      const delay = Math.min(
        ...[c.spec.readinessProbe, c.spec.livenessProbe]
          .filter((p) => p)
          .map((p) => (p!.initialDelaySeconds ?? 0) * 1000 * this.timings.timeScale),
      );
      // First probe once initialDelaySeconds have passed, then every periodSeconds.
      if (now - c.startedAtMs < delay) continue;
      if (now - c.lastProbeAt < this.periodMs(probe)) continue;
      c.lastProbeAt = now;
      c.probing = true;
      const process = c.process;
      void this.runProbes(run, c, process).finally(() => (c.probing = false));
    }
  }

  private async runProbes(run: PodRun, c: ContainerRun, process: SimProcess): Promise<void> {
    let changed = false;
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: splitKey(run.key)[1], namespace: splitKey(run.key)[0], uid: run.uid },
    } as Pod;
    if (c.spec.readinessProbe) {
      const r = await this.execute(c.spec.readinessProbe, c.spec, process);
      if (process !== c.process) return;
      if (r.ok) {
        c.failStreak = 0;
        c.readyStreak++;
        if (!c.ready && c.readyStreak >= (c.spec.readinessProbe.successThreshold ?? 1)) {
          c.ready = true;
          changed = true;
        }
      } else {
        c.readyStreak = 0;
        c.failStreak++;
        await this.events.record(
          pod,
          'Warning',
          'Unhealthy',
          `Readiness probe failed: ${r.message}`,
          run.node,
        );
        if (c.ready && c.failStreak >= (c.spec.readinessProbe.failureThreshold ?? 3)) {
          c.ready = false;
          changed = true;
        }
      }
    }
    if (c.spec.livenessProbe) {
      const r = await this.execute(c.spec.livenessProbe, c.spec, process);
      if (process !== c.process) return;
      if (r.ok) c.liveFailStreak = 0;
      else {
        c.liveFailStreak++;
        await this.events.record(
          pod,
          'Warning',
          'Unhealthy',
          `Liveness probe failed: ${r.message}`,
          run.node,
        );
        if (c.liveFailStreak >= (c.spec.livenessProbe.failureThreshold ?? 3)) {
          await this.events.record(
            pod,
            'Normal',
            'Killing',
            `Container ${c.spec.name} failed liveness probe, will be restarted`,
            run.node,
          );
          c.killedByProbe = true;
          process.stop(true);
          changed = true;
        }
      }
    }
    if (changed) this.enqueue(run.key);
  }

  private async execute(
    probe: Probe,
    container: Container,
    process: SimProcess,
  ): Promise<{ ok: boolean; message: string }> {
    if (!process.isRunning) return { ok: false, message: 'container not running' };
    if (!probe.httpGet) return { ok: true, message: '' };
    const timeoutMs = Math.max(50, (probe.timeoutSeconds ?? 1) * 1000 * this.timings.timeScale);
    const port =
      typeof probe.httpGet.port === 'number'
        ? probe.httpGet.port
        : (container.ports?.find((p) => p.name === probe.httpGet?.port)?.containerPort ?? probe.httpGet.port);
    const headers: Record<string, string> = {};
    for (const h of probe.httpGet.httpHeaders ?? []) headers[h.name.toLowerCase()] = h.value;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const res = await Promise.race([
      process.handle(simRequest('GET', probe.httpGet.path ?? '/', undefined, headers)),
      timeout,
    ]);
    clearTimeout(timer);
    if (res === 'timeout') {
      return {
        ok: false,
        message: `Get "http://${process.ctx.pod}:${port}${probe.httpGet.path ?? '/'}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
      };
    }
    if (res.status >= 200 && res.status < 400) return { ok: true, message: '' };
    return { ok: false, message: `HTTP probe failed with statuscode: ${res.status}` };
  }
}

function agentFirst(kind: string): number {
  return kind === 'fencing-agent' ? 0 : 1;
}

function shaOf(s: string): string {
  return Buffer.from(s).toString('hex').padEnd(64, '0').slice(0, 64);
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s}s`;
}
