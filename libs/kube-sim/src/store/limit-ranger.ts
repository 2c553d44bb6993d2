import { isObject, objects, text, type JsonObject } from '../resources/json-path';
import { parseQuantity } from '../resources/quantity';
import { ApiError } from './api-error';
import type { AdmissionRequest } from './object-store';

function entries(v: unknown): [string, unknown][] {
  return isObject(v) ? Object.entries(v) : [];
}

/**
 * The LimitRanger admission plugin for containers: fills default limits and requests from the
 * namespace's LimitRanges on pod creation and refuses pods outside their min/max.
 */
export function limitRanger(req: AdmissionRequest): void {
  if (
    req.operation !== 'CREATE' ||
    req.resource.plural !== 'pods' ||
    req.subresource ||
    !req.object ||
    !req.namespace
  )
    return;
  const ranges = req.store.list('limitranges', { namespace: req.namespace, raw: true }).items;
  if (ranges.length === 0) return;
  const pod = req.object;
  const spec = isObject(pod['spec']) ? pod['spec'] : {};
  const containers = [...objects(spec, 'containers'), ...objects(spec, 'initContainers')];
  const problems: string[] = [];
  const defaulted: string[] = [];
  for (const lr of ranges) {
    for (const item of objects(lr, 'spec.limits')) {
      if (item['type'] !== 'Container') continue;
      for (const c of containers) {
        const resources: JsonObject = isObject(c['resources']) ? c['resources'] : (c['resources'] = {});
        const limits: JsonObject = isObject(resources['limits']) ? resources['limits'] : {};
        const requests: JsonObject = isObject(resources['requests']) ? resources['requests'] : {};
        for (const [k, v] of entries(item['default'])) {
          if (limits[k] === undefined) {
            limits[k] = v;
            defaulted.push(`${k} limit for container ${text(c['name'])}`);
          }
        }
        for (const [k, v] of entries(item['defaultRequest'])) {
          if (requests[k] === undefined) {
            requests[k] = v;
            defaulted.push(`${k} request for container ${text(c['name'])}`);
          }
        }
        for (const [k, v] of Object.entries(limits)) if (requests[k] === undefined) requests[k] = v;
        if (Object.keys(limits).length) resources['limits'] = limits;
        if (Object.keys(requests).length) resources['requests'] = requests;
        for (const [k, min] of entries(item['min'])) {
          const r = requests[k];
          if (r === undefined)
            problems.push(`minimum ${k} usage per Container is ${text(min)}.  No request is specified`);
          else if (parseQuantity(r) < parseQuantity(min))
            problems.push(`minimum ${k} usage per Container is ${text(min)}, but request is ${text(r)}`);
        }
        for (const [k, max] of entries(item['max'])) {
          const l = limits[k];
          if (l === undefined)
            problems.push(`maximum ${k} usage per Container is ${text(max)}.  No limit is specified`);
          else if (parseQuantity(l) > parseQuantity(max))
            problems.push(`maximum ${k} usage per Container is ${text(max)}, but limit is ${text(l)}`);
        }
      }
    }
  }
  if (problems.length)
    throw ApiError.forbidden({ group: '', resource: 'pods' }, req.name, `[${problems.join(', ')}]`);
  if (defaulted.length) {
    const meta = (pod.metadata ??= {});
    meta.annotations = {
      ...(meta.annotations ?? {}),
      'kubernetes.io/limit-ranger': `LimitRanger plugin set: ${defaulted.join('; ')}`,
    };
  }
}
