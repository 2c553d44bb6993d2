import type { PodSetNumber, PodSetPlacement, RuntimeProfile } from './pod-set.types';

/**
 * The single-instance rule in the manifest: only the primary placement of a number that is wanted
 * active runs a CoreApp, and not once a failover has started fencing it. A standby keeps its
 * StatefulSet at zero until failover promotes it.
 */
export function coreAppReplicas(number: PodSetNumber, placement: PodSetPlacement): 0 | 1 {
  return placement.role === 'primary' && !placement.fenced && number.desiredState === 'active' ? 1 : 0;
}

/** The WebApp holds no WhatsApp connection, so a standby keeps it warm; a suspended number serves nothing. */
export function webAppReplicas(number: PodSetNumber, profile: RuntimeProfile): number {
  return number.desiredState === 'active' ? profile.replicas.webapp : 0;
}
