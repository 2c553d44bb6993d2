import { MetricsService } from '@bsp/observability';
import {
  expectStatus,
  issueApiKey,
  type ProvisioningStack,
  startProvisioningStack,
  STACK_CLUSTERS,
} from '@bsp/testing';

/*
 * Health checks across the real stack: API, a worker sweeping every second, the emulator's
 * clusters and its fault API. One shard on purpose: every number is in the same sweep, so a
 * hanging probe would stall the others if its deadline did not hold.
 */

const FAILURE_THRESHOLD = 3;

interface Health {
  status: string | null;
  lastVerdict: string | null;
  reason: string | null;
  checkedAt: string | null;
  [k: string]: any;
}

describe('health checks: sweeps over the emulator, hysteresis, history and the API', () => {
  let stack: ProvisioningStack;
  let tenantA: { id: string };
  let tenantB: { id: string };
  let tenantUs: { id: string };
  const n: Record<'gateway' | 'crash' | 'hang' | 'other' | 'b' | 'us', any> = {} as never;

  beforeAll(async () => {
    stack = await startProvisioningStack({
      timings: 'fast',
      env: {
        HEALTH_CHECK_INTERVAL_SECONDS: '1',
        HEALTH_SHARDS: '1',
        HEALTH_PROBE_TIMEOUT_MS: '500',
        HEALTH_FAILURE_THRESHOLD: String(FAILURE_THRESHOLD),
        HEALTH_SUCCESS_THRESHOLD: '2',
      },
    });
    tenantA = await stack.tenant('eu-central');
    tenantB = await stack.tenant('eu-central');
    tenantUs = await stack.tenant('us-east');
    n.gateway = await stack.number(tenantA.id);
    n.crash = await stack.number(tenantA.id);
    n.hang = await stack.number(tenantA.id);
    n.other = await stack.number(tenantA.id);
    n.b = await stack.number(tenantB.id);
    n.us = await stack.number(tenantUs.id);
    for (const key of Object.keys(n) as (keyof typeof n)[])
      n[key] = await stack.waitFor(n[key].id, (x) => x.state === 'active', 60_000);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const health = async (numberId: string): Promise<Health> => {
    const res = await stack.api.request('GET', `/v1/numbers/${numberId}/health`, { token: stack.adminToken });
    expectStatus(res, 200);
    return res.body;
  };

  /** Polls a number's health until `done`; returns every distinct (status, verdict) pair seen on the way. */
  const watch = async (numberId: string, done: (h: Health) => boolean, ms = 20_000) => {
    const seen: string[] = [];
    const end = Date.now() + ms;
    let last: Health | undefined;
    while (Date.now() < end) {
      last = await health(numberId);
      const pair = `${last.status}/${last.lastVerdict}`;
      if (seen.at(-1) !== pair) seen.push(pair);
      if (done(last)) return { last, seen };
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(
      `health of ${numberId} did not get there; seen ${seen.join(' → ')}; last ${JSON.stringify(last)}`,
    );
  };

  const placementOf = (number: any) => number.placements.find((p: any) => p.active);
  const clusterUrl = (name: string) => stack.sim.clusters.find((c) => c.name === name)!.url;
  const sim = async (cluster: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${clusterUrl(cluster)}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  /** Clears a pod's faults; the pod may be gone already if an automatic failover fenced it. */
  const clearFaults = async (cluster: string, ns: string, pod: string) => {
    const res = await fetch(`${clusterUrl(cluster)}/sim/v1/namespaces/${ns}/pods/${pod}/faults`, {
      method: 'DELETE',
    });
    expect([200, 404]).toContain(res.status);
  };
  const podOf = async (number: any, component: 'webapp' | 'coreapp') => {
    const fresh = await stack.get(number.id);
    return placementOf(fresh).observed.pods.find((p: any) => p.component === component).name as string;
  };

  it('every provisioned number becomes healthy, with what the check saw', async () => {
    for (const number of Object.values(n)) await watch(number.id, (h) => h.status === 'healthy');
    const h = await health(n.gateway.id);
    const p = placementOf(n.gateway);
    expect(h).toMatchObject({
      numberId: n.gateway.id,
      monitored: true,
      status: 'healthy',
      cause: null,
      lastVerdict: 'healthy',
      reason: 'gateway connected, CoreApp ready',
      placement: { id: p.id, namespace: p.namespace },
      cluster: { id: p.cluster.id, name: p.cluster.name, reachability: 'reachable' },
      probe: { outcome: 'answered', httpStatus: 200 },
      gateway: [{ node: 'default', gatewayStatus: 'connected', role: null }],
      coreapp: { name: 'coreapp-0', ready: true, state: 'running', restarts: 0 },
      webapp: { desired: 1, ready: 1 },
      lease: { state: 'none' },
    });
    expect(h.transitions).toEqual([
      expect.objectContaining({
        fromStatus: null,
        toStatus: 'healthy',
        placementId: p.id,
        clusterId: p.cluster.id,
      }),
    ]);
  });

  it('a disconnected gateway is unhealthy only after the threshold, with a transition and its reason; cleared, healthy again', async () => {
    const p = placementOf(n.gateway);
    const pod = await podOf(n.gateway, 'coreapp');
    await sim(p.cluster.name, 'POST', `/sim/v1/namespaces/${p.namespace}/pods/${pod}/faults`, {
      gatewayDisconnected: true,
    });
    const down = await watch(n.gateway.id, (h) => h.status === 'unhealthy');
    // Hysteresis: failing checks were seen while the status still read healthy.
    expect(down.seen).toContain('healthy/unhealthy');
    expect(down.last).toMatchObject({ cause: 'unhealthy', reason: 'gateway disconnected' });
    expect(down.last.transitions[0]).toMatchObject({
      fromStatus: 'healthy',
      toStatus: 'unhealthy',
      reason: 'gateway disconnected',
      detail: { gateway: [{ gatewayStatus: 'disconnected' }], probe: { httpStatus: 200 } },
    });

    await clearFaults(p.cluster.name, p.namespace, pod);
    // Healthy again: the cleared gateway reconnects (or the failover side, told of the unhealthy
    // number, has moved it to a new instance meanwhile).
    const up = await watch(n.gateway.id, (h) => h.status === 'healthy', 60_000);
    expect(up.seen).toContain('unhealthy/healthy');
    const history = up.last.transitions.map((t: any) => `${t.fromStatus}→${t.toStatus}`);
    expect(history[0]).toBe('unhealthy→healthy');
    expect(history).toContain('healthy→unhealthy');
    expect(history.at(-1)).toBe('null→healthy');
  });

  it('a crashed CoreApp container restarts in place and the number ends healthy again', async () => {
    const p = placementOf(n.crash);
    const pod = await podOf(n.crash, 'coreapp');
    await sim(p.cluster.name, 'POST', `/sim/v1/namespaces/${p.namespace}/pods/${pod}/crash`, {
      container: 'coreapp',
    });
    const restarted = await watch(n.crash.id, (h) => (h.coreapp?.restarts ?? 0) >= 1);
    const healed = await watch(
      n.crash.id,
      (h) => h.status === 'healthy' && h.lastVerdict === 'healthy',
      30_000,
    );
    const path = [...restarted.seen, ...healed.seen];
    console.log(`crashed CoreApp, status/verdict seen: ${path.join(' → ')}`);
    const statuses = healed.last.transitions.map((t: any) => t.toStatus).reverse();
    console.log(`crashed CoreApp, transitions: ${statuses.join(' → ')}`);
    expect(healed.last.coreapp).toMatchObject({ name: pod, ready: true });
    expect(healed.last.coreapp.restarts).toBeGreaterThanOrEqual(1);
    // A recent restart reads as degraded, never as a failure long enough to count.
    expect(path.some((s) => s.endsWith('/degraded'))).toBe(true);
    expect(statuses.at(-1)).toBe('healthy');
  });

  it('a hanging WebApp does not stall the sweep: the other numbers keep being checked', async () => {
    const p = placementOf(n.hang);
    const pod = await podOf(n.hang, 'webapp');
    await sim(p.cluster.name, 'POST', `/sim/v1/namespaces/${p.namespace}/pods/${pod}/faults`, {
      health: 'hanging',
    });
    // The emulator takes a hanging WebApp out of its Service (readiness) and restarts it (liveness);
    // a hanging API server proxy is what keeps the probe itself waiting.
    const rule = await sim(p.cluster.name, 'POST', '/sim/v1/api-faults', {
      verb: 'get',
      resource: 'services/proxy',
      namespace: p.namespace,
      latencyMs: 120_000,
    });
    try {
      const hung = await watch(
        n.hang.id,
        (h) => h.lastVerdict === 'unhealthy' && /timed out/.test(h.reason ?? ''),
      );
      expect(hung.last.probe).toMatchObject({ outcome: 'failed' });
      const checks = new Map<string, Set<string>>();
      for (const number of [n.other, n.b]) checks.set(number.id, new Set());
      const end = Date.now() + 20_000;
      while ([...checks.values()].some((s) => s.size < 4) && Date.now() < end) {
        for (const [id, seen] of checks) {
          const h = await health(id);
          expect(h.status).toBe('healthy');
          if (h.checkedAt) seen.add(h.checkedAt);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      for (const seen of checks.values()) expect(seen.size).toBeGreaterThanOrEqual(4);
      await watch(n.hang.id, (h) => h.status === 'unhealthy');
    } finally {
      await sim(p.cluster.name, 'DELETE', `/sim/v1/api-faults/${rule.id}`);
    }
    await watch(n.hang.id, (h) => h.status === 'healthy', 30_000);
  });

  it('a partitioned cluster makes its numbers unknown (cluster unreachable), and healthy once it heals', async () => {
    const cluster = placementOf(n.us).cluster.name;
    expect(cluster).toBe(STACK_CLUSTERS.find((c) => c.region === 'us-east')!.name);
    await sim(cluster, 'POST', '/sim/v1/partition');
    try {
      const lost = await watch(n.us.id, (h) => h.status === 'unknown');
      expect(lost.last).toMatchObject({ cause: 'cluster_unreachable', lastVerdict: 'unknown' });
      expect(lost.last.transitions[0]).toMatchObject({ fromStatus: 'healthy', toStatus: 'unknown' });
      const summary = await stack.api.request('GET', '/v1/health/summary', { token: stack.adminToken });
      expectStatus(summary, 200);
      expect(summary.body.byCluster.find((c: any) => c.name === cluster)).toMatchObject({
        reachability: 'unreachable',
        counts: { unknown: 1 },
      });
      // Numbers elsewhere are not affected.
      expect((await health(n.b.id)).status).toBe('healthy');
    } finally {
      await sim(cluster, 'DELETE', '/sim/v1/partition');
    }
    await watch(n.us.id, (h) => h.status === 'healthy', 30_000);
  });

  it('the API: tenant isolation, API-key scope and number binding, summary per tenant and per cluster', async () => {
    for (const number of Object.values(n))
      await watch(number.id, (h) => h.status === 'healthy' && h.monitored, 60_000);
    const tokenB = await stack.api.login(...(await userOf(stack, tenantB.id)));
    expect(
      (await stack.api.request('GET', `/v1/numbers/${n.gateway.id}/health`, { token: tokenB })).status,
    ).toBe(404);
    expect((await stack.api.request('GET', `/v1/numbers/${n.b.id}/health`, { token: tokenB })).status).toBe(
      200,
    );
    const keyB = await issueApiKey(stack.api, { token: stack.adminToken }, tenantB.id, {
      scopes: ['numbers:read'],
    });
    const asKey = (key: string, path: string) => stack.api.request('GET', path, { apiKey: key });
    const denied = await asKey(keyB.key, `/v1/numbers/${n.gateway.id}/health`);
    expect(denied.status).toBe(404);
    expect(denied.body).toMatchObject({ code: 'not_found' });
    expect(denied.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    const keyA = await issueApiKey(stack.api, { token: stack.adminToken }, tenantA.id, {
      scopes: ['numbers:read'],
    });
    expect((await asKey(keyA.key, `/v1/numbers/${n.gateway.id}/health`)).body).toMatchObject({
      status: 'healthy',
    });
    const noScope = await issueApiKey(stack.api, { token: stack.adminToken }, tenantA.id, {
      scopes: ['keys:read'],
    });
    expect((await asKey(noScope.key, `/v1/numbers/${n.gateway.id}/health`)).body).toMatchObject({
      code: 'insufficient_scope',
    });
    const bound = await issueApiKey(stack.api, { token: stack.adminToken }, tenantA.id, {
      scopes: ['numbers:read'],
      numberIds: [n.other.id],
    });
    expect((await asKey(bound.key, `/v1/numbers/${n.gateway.id}/health`)).status).toBe(404);
    expect((await asKey(bound.key, `/v1/numbers/${n.other.id}/health`)).status).toBe(200);

    const mine = await asKey(keyA.key, '/v1/health/summary');
    expect(mine.body).toMatchObject({ tenantId: tenantA.id, total: 4 });
    expect(mine.body.byCluster).toBeUndefined();
    expect((await asKey(bound.key, '/v1/health/summary')).body).toMatchObject({ total: 1 });
    expect((await asKey(keyA.key, `/v1/health/summary?tenantId=${tenantB.id}`)).status).toBe(404);
    const staff = await stack.api.request('GET', `/v1/health/summary?tenantId=${tenantA.id}`, {
      token: stack.adminToken,
    });
    expect(staff.body).toMatchObject({ tenantId: tenantA.id, total: 4 });
    expect(staff.body.byCluster.reduce((sum: number, c: any) => sum + c.total, 0)).toBe(4);
    const all = await stack.api.request('GET', '/v1/health/summary', { token: stack.adminToken });
    expect(all.body).toMatchObject({ tenantId: null, total: 6 });
  });

  it('the worker exports the health metrics', async () => {
    const { body } = await stack.workers[0]!.app!.get(MetricsService).render();
    expect(body).toMatch(/^bsp_health_check_duration_seconds_count\{result="healthy"\} \d+$/m);
    expect(body).toMatch(/^bsp_health_check_duration_seconds_count\{result="unhealthy"\} \d+$/m);
    expect(body).toMatch(/^bsp_health_transitions_total\{from="healthy",to="unhealthy"\} [1-9]\d*$/m);
    expect(body).toMatch(/^bsp_health_transitions_total\{from="none",to="healthy"\} 6$/m);
    expect(body).toMatch(/^bsp_health_numbers\{status="healthy"\} \d+$/m);
    expect(body).toMatch(/^bsp_health_sweep_duration_seconds_count [1-9]\d*$/m);
  });
});

/** A tenant admin of the tenant, created by the platform admin: email and password for login. */
async function userOf(stack: ProvisioningStack, tenantId: string): Promise<[string, string]> {
  const email = `health-${tenantId.slice(0, 8)}@bsp.test`;
  const password = `pw-${tenantId}`;
  const res = await stack.api.request('POST', '/v1/users', {
    token: stack.adminToken,
    body: { email, password, role: 'tenant_admin', tenantId },
  });
  expectStatus(res, 201);
  return [email, password];
}
