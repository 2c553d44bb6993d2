import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export interface KubeconfigEntry {
  /** Used for the cluster, user and context names. */
  name: string;
  server: string;
  /** PEM of the CA that signed the server certificate (TLS servers). */
  caCert?: string;
  token?: string;
  namespace?: string;
}

/** Writes a kubeconfig with one context per server; the first is current unless told otherwise. */
export function writeKubeconfig(path: string, entries: KubeconfigEntry[], currentContext?: string): void {
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: entries.map((e) => ({
      name: e.name,
      cluster: {
        server: e.server,
        ...(e.caCert ? { 'certificate-authority-data': Buffer.from(e.caCert).toString('base64') } : {}),
      },
    })),
    users: entries.map((e) => ({ name: e.name, user: e.token ? { token: e.token } : {} })),
    contexts: entries.map((e) => ({
      name: e.name,
      context: { cluster: e.name, user: e.name, ...(e.namespace ? { namespace: e.namespace } : {}) },
    })),
    'current-context': currentContext ?? entries[0]?.name ?? '',
    preferences: {},
  };
  writeFileSync(path, stringify(doc), { mode: 0o600 });
}
