import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export interface KubeconfigEntry {
  name: string;
  url: string;
  token?: string;
}

/** One kubeconfig, one context per simulated cluster; the first is current. */
export function renderKubeconfig(entries: KubeconfigEntry[]): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    'current-context': entries[0]?.name ?? '',
    clusters: entries.map((e) => ({ name: e.name, cluster: { server: e.url } })),
    users: entries.map((e) => ({ name: `${e.name}-admin`, user: e.token ? { token: e.token } : {} })),
    contexts: entries.map((e) => ({ name: e.name, context: { cluster: e.name, user: `${e.name}-admin` } })),
  });
}

export function writeKubeconfig(path: string, entries: KubeconfigEntry[]): void {
  writeFileSync(path, renderKubeconfig(entries), { mode: 0o600 });
}
