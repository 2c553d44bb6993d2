export type CredentialsRef =
  | { type: 'kubeconfig'; path: string; context?: string }
  | { type: 'secret'; namespace: string; name: string; key: string }
  | { type: 'in-cluster' };

export const DEFAULT_SECRET_KEY = 'kubeconfig';

/**
 * Parses `kubeconfig:<path>[#<context>]`, `secret:<namespace>/<name>[#<key>]` or `in-cluster`.
 * Returns an error sentence instead of throwing so the caller can name the cluster.
 */
export function parseCredentialsRef(ref: string): CredentialsRef | { error: string } {
  const text = ref.trim();
  if (text === 'in-cluster') return { type: 'in-cluster' };
  const colon = text.indexOf(':');
  const scheme = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? '' : text.slice(colon + 1);
  const hash = rest.lastIndexOf('#');
  const target = hash < 0 ? rest : rest.slice(0, hash);
  const fragment = hash < 0 ? undefined : rest.slice(hash + 1);
  switch (scheme) {
    case 'kubeconfig':
      if (target === '') return { error: 'kubeconfig reference without a file path' };
      if (fragment === '') return { error: 'kubeconfig reference with an empty context after #' };
      return { type: 'kubeconfig', path: target, ...(fragment !== undefined ? { context: fragment } : {}) };
    case 'secret': {
      const parts = target.split('/');
      if (parts.length !== 2 || !parts[0] || !parts[1])
        return { error: 'secret reference must be secret:<namespace>/<name>[#<key>]' };
      if (fragment === '') return { error: 'secret reference with an empty key after #' };
      return { type: 'secret', namespace: parts[0], name: parts[1], key: fragment ?? DEFAULT_SECRET_KEY };
    }
    default:
      return { error: 'unknown credentials reference (expected kubeconfig:, secret: or in-cluster)' };
  }
}
