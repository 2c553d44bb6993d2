import type { CoreAppPod, PodsSignal } from '../health.types';

interface CachedObject {
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec?: unknown;
  status?: unknown;
}

const COMPONENT = 'app.kubernetes.io/component';

/**
 * The CoreApp and WebApp of one pod set from its namespace's cached objects (the watch cache):
 * no request per number. `coreappContainer` names the container whose state matters (sidecars
 * such as the fencing agent are reported through their effect, not here).
 */
export function readPodSet(
  objects: readonly CachedObject[],
  names: { coreapp: string; webapp: string },
): Extract<PodsSignal, { kind: 'observed' }> {
  const pods = objects.filter((o) => o.kind === 'Pod' && o.metadata.labels?.[COMPONENT] === 'coreapp');
  // A StatefulSet of one: the live pod if there is one, else whatever is left terminating.
  const pod = pods.find((p) => !p.metadata.deletionTimestamp) ?? pods[0];
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === names.webapp);
  const spec = record(deployment?.spec);
  const status = record(deployment?.status);
  return {
    kind: 'observed',
    coreapp: pod ? coreAppPod(pod, names.coreapp) : MISSING,
    webapp: { desired: num(spec['replicas']), ready: num(status['readyReplicas']) },
  };
}

const MISSING: CoreAppPod = {
  name: null,
  ready: false,
  restarts: 0,
  node: null,
  state: 'missing',
  reason: null,
  lastRestartAt: null,
};

function coreAppPod(pod: CachedObject, container: string): CoreAppPod {
  const status = record(pod.status);
  const conditions = array(status['conditions']);
  const containers = array(status['containerStatuses']);
  const main = containers.find((c) => c['name'] === container) ?? containers[0] ?? {};
  const state = record(main['state']);
  const lastTerminated = record(record(main['lastState'])['terminated']);
  const waiting = record(state['waiting']);
  const terminated = record(state['terminated']);
  const restarts = containers.reduce((sum, c) => sum + num(c['restartCount']), 0);
  return {
    name: pod.metadata.name,
    ready: conditions.some((c) => c['type'] === 'Ready' && c['status'] === 'True'),
    restarts,
    node: typeof record(pod.spec)['nodeName'] === 'string' ? (record(pod.spec)['nodeName'] as string) : null,
    state: pod.metadata.deletionTimestamp
      ? 'terminating'
      : state['running']
        ? 'running'
        : state['terminated']
          ? 'terminated'
          : state['waiting']
            ? 'waiting'
            : 'missing',
    reason: str(waiting['reason']) ?? str(terminated['reason']) ?? null,
    lastRestartAt: restarts > 0 ? (str(lastTerminated['finishedAt']) ?? null) : null,
  };
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function array(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.map(record) : [];
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
