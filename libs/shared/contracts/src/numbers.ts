import type { HealthStatus } from './health';

export const NUMBER_MODES = ['single', 'ha'] as const;
export type NumberMode = (typeof NUMBER_MODES)[number];

export const NUMBER_STATES = [
  'requested',
  'provisioning',
  'active',
  'suspended',
  'deprovisioning',
  'deleted',
  'failed',
] as const;
export type NumberState = (typeof NUMBER_STATES)[number];

export const DESIRED_STATES = ['active', 'suspended', 'deleted'] as const;
export type DesiredState = (typeof DESIRED_STATES)[number];

export interface CreateNumberRequest {
  /** E.164, e.g. +4915123456789. */
  phoneNumber: string;
  displayName?: string;
  /** Data-residency region; defaults to the tenant's. */
  region?: string;
  mode?: NumberMode;
}

export interface NumberResponse {
  id: string;
  tenantId: string;
  phoneNumber: string;
  /** ISO 3166-1 alpha-2 country of the number. */
  country: string | null;
  displayName: string | null;
  region: string;
  mode: NumberMode;
  state: NumberState;
  desiredState: DesiredState;
  stateReason: string | null;
  fencingEpoch: number;
  /** What the health checks last concluded (null before the first check of an active number). */
  healthStatus: HealthStatus | null;
  healthChangedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export const PLACEMENT_ROLES = ['primary', 'standby'] as const;
export type PlacementRole = (typeof PLACEMENT_ROLES)[number];

export const PLACEMENT_STATES = [
  'pending',
  'provisioning',
  'ready',
  'fencing',
  'fenced',
  'releasing',
  'released',
  'failed',
] as const;
export type PlacementState = (typeof PLACEMENT_STATES)[number];

/** A pod-set object of a placement and whether the cluster has it. */
export interface ObservedObjectResponse {
  kind: string;
  name: string;
  present: boolean;
}

export interface ObservedPodResponse {
  name: string;
  /** webapp | coreapp */
  component: string;
  phase: string;
  ready: boolean;
  restarts: number;
  node: string | null;
}

/** A placement's pod set as last observed in its cluster. */
export interface ObservedPodSetResponse {
  namespace: 'active' | 'terminating' | 'missing';
  objects: ObservedObjectResponse[];
  webapp: { desired: number; ready: number; available: number };
  coreapp: { desired: number; ready: number; epoch: string | null };
  pods: ObservedPodResponse[];
  ready: boolean;
}

export interface PlacementResponse {
  id: string;
  role: PlacementRole;
  state: PlacementState;
  /** Whether this placement holds the number's single active instance. */
  active: boolean;
  epoch: number;
  cluster: { id: string; name: string; region: string; zone: string };
  namespace: string;
  stateReason: string | null;
  observed: ObservedPodSetResponse | null;
  observedAt: string | null;
  createdAt: string;
}

export interface ReconcileStatusResponse {
  at: string;
  outcome: 'converged' | 'waiting' | 'failed' | 'superseded' | 'gone' | 'error';
  applied: number;
  durationMs: number;
  jobId: string | null;
  detail: string | null;
}

export interface NumberTransitionResponse {
  fromState: NumberState | null;
  toState: NumberState;
  reason: string | null;
  at: string;
}

/** One number with where and how it runs. */
export interface NumberDetailResponse extends NumberResponse {
  placements: PlacementResponse[];
  lastReconcile: ReconcileStatusResponse | null;
  /** The latest lifecycle transitions, newest first. */
  transitions: NumberTransitionResponse[];
}
