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
