export * from './pod-set/pod-set.types';
export { InvalidPodSetInputError } from './pod-set/pod-set.errors';
export { POD_SET_NAMES, isDns1123Label, phoneNumberHash, podSetNamespace } from './pod-set/pod-set.names';
export { coreAppReplicas, webAppReplicas } from './pod-set/pod-set.replicas';
export { renderPodSet } from './pod-set/pod-set.renderer';
export * from './placement/placement.types';
export { selectPlacement } from './placement/placement.selector';
