import { type Container, type Pod } from '../controllers/k8s-types';

export interface ConfigSource {
  secret(namespace: string, name: string): Record<string, string> | undefined;
  configMap(namespace: string, name: string): Record<string, string> | undefined;
}

export type EnvResult = { ok: true; env: Record<string, string> } | { ok: false; message: string };

/** Resolves a container's environment as the kubelet does, failing like CreateContainerConfigError. */
export function resolveEnv(pod: Pod, container: Container, source: ConfigSource): EnvResult {
  const ns = pod.metadata.namespace ?? 'default';
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.secretRef) {
      const data = source.secret(ns, from.secretRef.name);
      if (!data && !from.secretRef.optional)
        return { ok: false, message: `secret "${from.secretRef.name}" not found` };
      for (const [k, v] of Object.entries(data ?? {})) env[prefix + k] = v;
    }
    if (from.configMapRef) {
      const data = source.configMap(ns, from.configMapRef.name);
      if (!data && !from.configMapRef.optional) {
        return { ok: false, message: `configmap "${from.configMapRef.name}" not found` };
      }
      for (const [k, v] of Object.entries(data ?? {})) env[prefix + k] = v;
    }
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined) {
      env[e.name] = e.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string) => env[name] ?? m);
      continue;
    }
    const ref = e.valueFrom;
    if (ref?.secretKeyRef) {
      const { name, key, optional } = ref.secretKeyRef;
      const data = source.secret(ns, name);
      if (!data) {
        if (optional) continue;
        return { ok: false, message: `secret "${name}" not found` };
      }
      const v = data[key];
      if (v === undefined) {
        if (optional) continue;
        return { ok: false, message: `couldn't find key ${key} in Secret ${ns}/${name}` };
      }
      env[e.name] = v;
    } else if (ref?.configMapKeyRef) {
      const { name, key, optional } = ref.configMapKeyRef;
      const data = source.configMap(ns, name);
      if (!data) {
        if (optional) continue;
        return { ok: false, message: `configmap "${name}" not found` };
      }
      const v = data[key];
      if (v === undefined) {
        if (optional) continue;
        return { ok: false, message: `couldn't find key ${key} in ConfigMap ${ns}/${name}` };
      }
      env[e.name] = v;
    } else if (ref?.fieldRef) {
      env[e.name] = fieldValue(pod, ref.fieldRef.fieldPath) ?? '';
    } else {
      env[e.name] = '';
    }
  }
  return { ok: true, env };
}

function fieldValue(pod: Pod, path: string): string | undefined {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return pod.metadata[m[1] as 'labels' | 'annotations']?.[m[2] ?? ''];
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name;
    case 'metadata.namespace':
      return pod.metadata.namespace;
    case 'metadata.uid':
      return pod.metadata.uid;
    case 'spec.nodeName':
      return pod.spec.nodeName;
    case 'status.podIP':
      return pod.status?.podIP;
    case 'status.hostIP':
      return pod.status?.hostIP;
    default:
      return undefined;
  }
}

/** Secret `data` is base64; the container sees the decoded bytes. */
export function decodeSecretData(data: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  return out;
}
