export * from './pod-set/pod-set.types';
export { InvalidPodSetInputError } from './pod-set/pod-set.errors';
export { POD_SET_NAMES, isDns1123Label, phoneNumberHash, podSetNamespace } from './pod-set/pod-set.names';
export { coreAppReplicas, webAppReplicas } from './pod-set/pod-set.replicas';
export { renderPodSet } from './pod-set/pod-set.renderer';
export { leaseToken, leaseTokenHash } from './pod-set/lease-token';
export * from './placement/placement.types';
export { selectPlacement } from './placement/placement.selector';
export { ProvisioningModule, ReconcileStatusModule } from './provisioning.module';
export { Reconciler, clusterTarget, isRetiring, tenantDatabaseName } from './reconcile/reconciler.service';
export {
  ProvisioningRepository,
  FENCED_PLACEMENT_STATES,
  RETIRING_PLACEMENT_STATES,
  type NumberWithPlacements,
  type PlacementWithCluster,
} from './reconcile/provisioning.repository';
export { PermanentReconcileError } from './reconcile/reconcile.errors';
export type { ReconcileOutcome } from './reconcile/reconcile.outcome';
export { KUBE_GATEWAY, TENANT_DATABASES } from './reconcile/reconcile.tokens';
export { ReconcileStatusStore, type ReconcileStatus } from './reconcile/reconcile-status.store';
export type { ObservedPodSet, ObservedPod, ObservedObject } from './reconcile/pod-set.observer';
export { ProvisioningSettings, DEFAULT_RUNTIME_PROFILE } from './settings/provisioning-settings';
export { NumberCredentialsService } from './credentials/number-credentials.service';
export { SPEC_HASH_ANNOTATION } from './reconcile/pod-set.diff';
