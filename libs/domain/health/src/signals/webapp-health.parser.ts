import type { GatewayNode } from '../health.types';

/**
 * The gateway status per CoreApp node from a WebApp `/v1/health` body. Two shapes exist: one
 * instance `{"health":{"gateway_status":"connected"}}`, and high availability with one entry per
 * node `{"health":{"core-0:6250":{"gateway_status":"connected","role":"primary_master"}}}`.
 * Anything else is not understood (null).
 */
export function parseWebAppHealth(body: unknown): GatewayNode[] | null {
  const health = record(record(body)?.['health']);
  if (!health) return null;
  if (typeof health['gateway_status'] === 'string')
    return [{ node: 'default', gatewayStatus: health['gateway_status'], role: null }];
  const nodes: GatewayNode[] = [];
  for (const [node, value] of Object.entries(health)) {
    const entry = record(value);
    if (!entry || typeof entry['gateway_status'] !== 'string') continue;
    nodes.push({
      node,
      gatewayStatus: entry['gateway_status'],
      role: typeof entry['role'] === 'string' ? entry['role'] : null,
    });
  }
  if (nodes.length === 0) return null;
  return nodes.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
}

/**
 * The number's gateway as a whole: connected when any node holds the connection (in HA the
 * secondary masters report `disconnected` by design), else the most hopeful state reported.
 */
export function overallGatewayStatus(nodes: readonly GatewayNode[]): string {
  const statuses = nodes.map((n) => n.gatewayStatus);
  for (const s of ['connected', 'connecting', 'disconnected', 'unregistered', 'uninitialized'])
    if (statuses.includes(s)) return s;
  return statuses[0] ?? 'unknown';
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}
