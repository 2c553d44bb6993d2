import { INSTANT_WORLD_TIMINGS, REALISTIC_WORLD_TIMINGS, type WorldTimings } from '../world/sim-process';

/** How long the simulated cluster takes for each stage; `instant` for benchmarks, `realistic` for demos. */
export interface SimTimings extends WorldTimings {
  /** Pod created → bound to a node. */
  schedulingMs: number;
  /** Bound → containers running (image pull, sandbox, ContainerCreating). */
  containerCreatingMs: number;
  /** How long a process takes to exit after SIGTERM; capped by terminationGracePeriodSeconds. */
  shutdownMs: number;
  /** Overrides every probe's periodSeconds when set (tests); otherwise periodSeconds is honoured. */
  probePeriodMs?: number;
  /** Multiplies terminationGracePeriodSeconds and probe timings (1 = real seconds). */
  timeScale: number;
  /** First restart back-off after a container exits (doubles up to restartBackoffMaxMs). */
  restartBackoffMs: number;
  restartBackoffMaxMs: number;
  /** Node stops reporting → node NotReady and its pods Ready=False (node-monitor-grace-period). */
  nodeMonitorGraceMs: number;
  /** Node NotReady → its pods are marked for deletion (the not-ready toleration); they stay Terminating until the node returns. */
  podEvictionMs: number;
  /** PVC created → Bound. */
  pvcBindMs: number;
  /** Controllers' periodic resync. */
  resyncMs: number;
}

export type TimingPreset = 'instant' | 'fast' | 'realistic';

export const TIMING_PRESETS: Record<TimingPreset, SimTimings> = {
  instant: {
    ...INSTANT_WORLD_TIMINGS,
    schedulingMs: 0,
    containerCreatingMs: 0,
    shutdownMs: 0,
    probePeriodMs: 100,
    timeScale: 0.001,
    restartBackoffMs: 10,
    restartBackoffMaxMs: 200,
    nodeMonitorGraceMs: 0,
    podEvictionMs: 60_000,
    pvcBindMs: 0,
    resyncMs: 5000,
  },
  fast: {
    coreAppConnectMs: 50,
    kickedRetryMs: 0,
    connectionDropMs: 300,
    fenceCheckMs: 50,
    schedulingMs: 10,
    containerCreatingMs: 50,
    shutdownMs: 30,
    probePeriodMs: 100,
    timeScale: 0.01,
    restartBackoffMs: 100,
    restartBackoffMaxMs: 1000,
    nodeMonitorGraceMs: 200,
    podEvictionMs: 60_000,
    pvcBindMs: 20,
    resyncMs: 5000,
  },
  realistic: {
    ...REALISTIC_WORLD_TIMINGS,
    schedulingMs: 200,
    containerCreatingMs: 2000,
    shutdownMs: 1000,
    timeScale: 1,
    restartBackoffMs: 10_000,
    restartBackoffMaxMs: 300_000,
    nodeMonitorGraceMs: 40_000,
    podEvictionMs: 300_000,
    pvcBindMs: 1000,
    resyncMs: 10_000,
  },
};

export function resolveTimings(t: TimingPreset | Partial<SimTimings> | undefined): SimTimings {
  if (t === undefined) return { ...TIMING_PRESETS.fast };
  if (typeof t === 'string') return { ...TIMING_PRESETS[t] };
  return { ...TIMING_PRESETS.fast, ...t };
}
