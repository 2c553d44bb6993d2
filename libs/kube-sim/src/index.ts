export * from './store/object-store';
export {
  ApiError,
  fieldError,
  type FieldError,
  type StatusObject,
  type StatusCause,
} from './store/api-error';
export { LabelSelector, type LabelSelectorObject } from './store/label-selector';
export { FieldSelector } from './store/field-selector';
export { ResourceRegistry } from './resources/resource-registry';
export type {
  KubeObject,
  ObjectMeta,
  OwnerReference,
  ManagedFieldsEntry,
  ResourceDefinition,
  TableColumn,
} from './resources/resource-definition';
export { parseQuantity } from './resources/quantity';
export { startApiServer, type ApiServerOptions, type RunningApiServer } from './api/api-server';
export { writeKubeconfig, type KubeconfigEntry } from './api/kubeconfig-writer';
export { generateTlsMaterial, type TlsMaterial } from './api/tls-material';
export * from './cluster/public-api';
