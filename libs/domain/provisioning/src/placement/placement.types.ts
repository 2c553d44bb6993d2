import type { ClusterState, NumberMode } from '@bsp/contracts';
import type { PlacementRole } from '../pod-set/pod-set.types';

export interface PlacementNumber {
  id: string;
  region: string;
  mode: NumberMode;
}

export interface CandidateCluster {
  id: string;
  name: string;
  region: string;
  zone: string;
  /** How many placements the cluster may hold. */
  capacity: number;
  state: ClusterState;
  /**
   * Placements it holds now, standbys included: a standby's namespace, warm WebApp and volume
   * occupy the cluster even while its CoreApp is scaled to zero.
   */
  activeCount: number;
}

/** The number's own placements that are not released. */
export interface ExistingPlacement {
  id: string;
  clusterId: string;
  role: PlacementRole;
}

export interface PlacementSelectionInput {
  number: PlacementNumber;
  clusters: readonly CandidateCluster[];
  existing: readonly ExistingPlacement[];
}

export interface PlacementChoice {
  clusterId: string;
  clusterName: string;
  zone: string;
  /** Set when the number already has this placement: keep it, create nothing. */
  existingPlacementId?: string;
}

export type PlacementSelection =
  | { kind: 'placed'; primary: PlacementChoice; standby?: PlacementChoice }
  | { kind: 'no-capacity'; region: string; message: string }
  /** HA number whose primary fits but no other cluster of the region can take its standby. */
  | { kind: 'no-standby'; region: string; primary: PlacementChoice; message: string };
