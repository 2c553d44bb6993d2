export * from './kube-gateway';
export { ClientNodeKubeGateway, type KubeGatewayOptions } from './kube-client-node.gateway';
export { createKubeGateway } from './kube-gateway.factory';
export type { KubeGatewayLogger } from './kube-gateway.logger';
export {
  KubeRequestRecorder,
  type KubeRequestCount,
  type KubeRequestFilter,
  type KubeRequestObserver,
  type KubeRequestSample,
  type KubeVerb,
} from './kube-request.recorder';
export { parseCredentialsRef, DEFAULT_SECRET_KEY, type CredentialsRef } from './credentials-ref.parser';
export {
  KUBE_RESOURCES,
  CACHED_RESOURCES,
  kubeGatewayPermissions,
  resourceFor,
  objectPath,
  collectionPath,
  UnsupportedKindError,
  type KubePermission,
  type KubeResource,
} from './kube-resource.table';
