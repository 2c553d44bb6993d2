export const CLUSTER_STATES = ['active', 'cordoned', 'unreachable', 'retired'] as const;
export type ClusterState = (typeof CLUSTER_STATES)[number];

export interface CreateClusterRequest {
  name: string;
  region: string;
  zone: string;
  apiServerUrl: string;
  /** `kubeconfig:<path>#<context>`, `secret:<namespace>/<name>` or `in-cluster`. */
  credentialsRef: string;
  capacity: number;
}

export interface ClusterResponse {
  id: string;
  name: string;
  region: string;
  zone: string;
  apiServerUrl: string;
  credentialsRef: string;
  capacity: number;
  state: ClusterState;
  createdAt: string;
  updatedAt: string;
}

/** Staff: cordon a cluster (no new numbers), put it back, retire it (once empty), or change its capacity. */
export interface UpdateClusterRequest {
  state?: Exclude<ClusterState, 'unreachable'>;
  capacity?: number;
}
