import { isObject, objects, setDefault, text, type JsonObject } from './json-path';

function defaultContainer(c: JsonObject): void {
  const image = typeof c['image'] === 'string' ? c['image'] : '';
  const lastPart = image.split('/').pop() ?? '';
  const tagged = lastPart.includes(':') && !lastPart.endsWith(':latest');
  setDefault(c, 'imagePullPolicy', tagged || image.includes('@') ? 'IfNotPresent' : 'Always');
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  setDefault(c, 'resources', {});
  const res = c['resources'];
  if (isObject(res) && isObject(res['limits'])) {
    // Requests default to limits for every resource that only has a limit.
    const requests = isObject(res['requests']) ? res['requests'] : {};
    for (const [k, v] of Object.entries(res['limits'])) if (requests[k] === undefined) requests[k] = v;
    res['requests'] = requests;
  }
  for (const p of objects(c, 'ports')) setDefault(p, 'protocol', 'TCP');
  for (const probeName of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const probe = c[probeName];
    if (!isObject(probe)) continue;
    setDefault(probe, 'timeoutSeconds', 1);
    setDefault(probe, 'periodSeconds', 10);
    setDefault(probe, 'successThreshold', 1);
    setDefault(probe, 'failureThreshold', 3);
    const http = probe['httpGet'];
    if (isObject(http)) {
      setDefault(http, 'path', '/');
      setDefault(http, 'scheme', 'HTTP');
    }
  }
  for (const e of objects(c, 'env')) {
    const fieldRef = isObject(e['valueFrom']) ? e['valueFrom']['fieldRef'] : undefined;
    if (isObject(fieldRef)) setDefault(fieldRef, 'apiVersion', 'v1');
  }
}

/** The defaults kube-apiserver fills into a PodSpec (also inside pod templates). */
export function defaultPodSpec(spec: JsonObject): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  for (const c of objects(spec, 'containers')) defaultContainer(c);
  for (const c of objects(spec, 'initContainers')) defaultContainer(c);
  for (const v of objects(spec, 'volumes')) {
    for (const [key, mode] of [
      ['secret', 'defaultMode'],
      ['configMap', 'defaultMode'],
    ] as const) {
      const src = v[key];
      if (isObject(src)) setDefault(src, mode, 420);
    }
  }
}

/** QoS class as the API server computes it on pod creation. */
export function qosClass(spec: JsonObject): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...objects(spec, 'containers'), ...objects(spec, 'initContainers')];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const res = isObject(c['resources']) ? c['resources'] : {};
    const req = isObject(res['requests']) ? res['requests'] : {};
    const lim = isObject(res['limits']) ? res['limits'] : {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) {
      if (lim[r] === undefined || (req[r] !== undefined && text(req[r]) !== text(lim[r]))) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
