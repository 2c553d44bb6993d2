import type { FieldError } from '../store/api-error';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  managedFields?: ManagedFieldsEntry[];
  [key: string]: unknown;
}

/** Any Kubernetes object as JSON. Fields beyond metadata are read through small typed helpers. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [key: string]: unknown;
}

export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description: string;
  priority: number;
  /** Cell for one object; `now` is the time the table is built (for AGE). */
  cell(obj: KubeObject, now: number): unknown;
}

/** What a resource hook can look at besides the object (e.g. to allocate a free cluster IP). */
export interface ResourceContext {
  /** Every stored object of a resource (read-only, do not mutate). */
  all(resource: string): Iterable<KubeObject>;
  now(): Date;
}

/**
 * Per-kind behaviour as data plus small hooks; the store and the HTTP handler are generic.
 */
export interface ResourceDefinition {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** HTTP sub-resources (`status`, `scale`, `log`, `proxy`, `eviction`, `binding`). */
  subresources: string[];
  /** Status is only writable through /status and is reset on create. */
  statusSubresource: boolean;
  /** metadata.generation is kept and bumped on spec changes. */
  tracksGeneration: boolean;
  /** PUT without metadata.resourceVersion is refused (coordination leases). */
  requireResourceVersion: boolean;
  /** PUT of a missing object creates it (leases, endpoints, events). */
  allowCreateOnUpdate?: boolean;
  /** Type name in the generated type schemas. */
  schemaType: string;
  /** Extra field-selector fields beyond metadata.name / metadata.namespace. */
  fieldSelectors: Record<string, (obj: KubeObject) => string | undefined>;
  /** Table columns after NAME (and NAMESPACE, which kubectl adds itself). */
  columns: TableColumn[];
  /** Mutates a new object into its defaulted form (also on updates, like the real defaulting). */
  defaults?(obj: KubeObject): void;
  /** Runs once on create after defaulting, e.g. to reset status or allocate an IP. */
  prepareCreate?(obj: KubeObject, ctx: ResourceContext): void;
  validate?(obj: KubeObject): FieldError[];
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /**
   * Create-only review kinds (access reviews): answers a POST with the object plus its status and
   * stores nothing.
   */
  review?(obj: KubeObject): KubeObject;
}

export function groupVersion(def: Pick<ResourceDefinition, 'group' | 'version'>): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}
