import type { KubeObject, ResourceDefinition } from '../resources/resource-definition';
import { isObject } from '../resources/json-path';
import { ApiError } from './api-error';
import { jsonPatch, mergePatch } from './json-patch';
import { strategicMerge } from './strategic-merge';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export const patchContentTypes: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
};

/** Applies a json / merge / strategic patch to a copy of an object (apply is ManagedFields' job). */
export function applyPatch(
  def: ResourceDefinition,
  obj: KubeObject,
  type: Exclude<PatchType, 'apply'> | 'apply',
  body: unknown,
): KubeObject {
  let out: unknown;
  switch (type) {
    case 'json':
      out = jsonPatch(obj, body);
      break;
    case 'merge':
      out = mergePatch(obj, body);
      break;
    case 'strategic':
      out = strategicMerge(obj, body, def.schemaType);
      break;
    case 'apply':
      throw ApiError.internal('apply patches go through server-side apply');
  }
  if (!isObject(out)) throw ApiError.badRequest('the patch produced something that is not an object');
  return out;
}
