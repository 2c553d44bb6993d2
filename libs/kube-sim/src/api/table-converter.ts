import type { KubeObject, ResourceDefinition } from '../resources/resource-definition';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

const nameColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description:
    'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};

export function columnDefinitions(def: ResourceDefinition): unknown[] {
  return [
    nameColumn,
    ...def.columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description,
      priority: c.priority,
    })),
  ];
}

function rowObject(obj: KubeObject, include: IncludeObject): unknown {
  switch (include) {
    case 'None':
      return undefined;
    case 'Object':
      return obj;
    case 'Metadata':
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
  }
}

export function tableRow(
  def: ResourceDefinition,
  obj: KubeObject,
  include: IncludeObject,
  now: number,
): unknown {
  const cells = [obj.metadata?.name ?? '', ...def.columns.map((c) => c.cell(obj, now))];
  const row: Record<string, unknown> = { cells };
  const o = rowObject(obj, include);
  if (o !== undefined) row['object'] = o;
  return row;
}

/** A meta.k8s.io/v1 Table, as kube-apiserver serves `kubectl get`. */
export function toTable(
  def: ResourceDefinition,
  items: KubeObject[],
  meta: { resourceVersion?: string; continue?: string; remainingItemCount?: number },
  include: IncludeObject,
  withColumns = true,
): unknown {
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
    columnDefinitions: withColumns ? columnDefinitions(def) : null,
    rows: items.map((o) => tableRow(def, o, include, now)),
  };
}
