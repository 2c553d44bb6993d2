import { expectStatus, type ProvisioningStack, startProvisioningStack } from '@bsp/testing';

const ready = (n: any) => n.state === 'active' && n.placements.every((p: any) => p.observed?.ready);
const redundant = (n: any) =>
  ready(n) &&
  n.placements.length === 2 &&
  n.placements.some((p: any) => p.role === 'standby') &&
  n.placements.some((p: any) => p.role === 'primary' && p.active);

describe('automatic failover: the health checks and the lease watchdog start it', () => {
  let stack: ProvisioningStack;
  let tenant: { id: string };

  beforeAll(async () => {
    stack = await startProvisioningStack({
      timings: 'fast',
      leaseFencing: true,
      env: {
        LEASE_DURATION_MS: '2000',
        LEASE_RENEW_INTERVAL_MS: '400',
        LEASE_CLOCK_SKEW_MARGIN_MS: '300',
        HEALTH_CHECK_INTERVAL_SECONDS: '1',
        HEALTH_FAILURE_THRESHOLD: '2',
        HEALTH_SUCCESS_THRESHOLD: '1',
        HEALTH_SHARDS: '2',
      },
    });
    tenant = await stack.tenant('eu-central');
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const failovers = async (numberId: string): Promise<any[]> => {
    const res = await stack.api.request('GET', `/v1/numbers/${numberId}/failovers`, {
      token: stack.adminToken,
    });
    expectStatus(res, 200);
    return res.body as any[];
  };
  const waitForCompletedFailover = async (numberId: string, ms = 60_000) => {
    const end = Date.now() + ms;
    let last: any[] = [];
    while (Date.now() < end) {
      last = await failovers(numberId);
      const done = last.find((f) => f.state === 'completed');
      if (done) return done;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no completed failover for ${numberId}: ${JSON.stringify(last)}`);
  };
  const haNumber = async () =>
    stack.waitFor((await stack.number(tenant.id, { mode: 'ha' })).id, redundant, 60_000);

  it('a lost node: the lease lapses, the instance is fenced by lease expiry, the standby takes over', async () => {
    const before = await haNumber();
    const holder = stack.sim.network.holder(before.phoneNumber)!;
    const primary = before.placements.find((p: any) => p.role === 'primary');
    const started = Date.now();
    stack.sim.cluster(primary.cluster.name).failNode(holder.node!);
    try {
      const done = await waitForCompletedFailover(before.id);
      expect(done).toMatchObject({ trigger: 'instance_lost', fenceMethod: 'lease_expired' });
      expect(Date.parse(done.connectedAt) - started).toBeLessThan(20_000);
      // Redundancy is back while the lost node's namespace still cannot finish deleting.
      const live = (p: any) => !['fenced', 'releasing'].includes(p.state);
      const after = await stack.waitFor(
        before.id,
        (n) =>
          n.placements.filter(live).length === 2 &&
          n.placements.filter(live).every((p: any) => p.observed?.ready),
        60_000,
      );
      const primaryNow = after.placements.find((p: any) => live(p) && p.role === 'primary');
      expect(primaryNow.id).toBe(before.placements.find((p: any) => p.role === 'standby').id);
      expect(stack.sim.network.violationCount()).toBe(0);
    } finally {
      stack.sim.cluster(primary.cluster.name).recoverNode(holder.node!);
    }
    // Back: the old pod is finally gone, its namespace with it, and the old instance never reconnects.
    await stack.waitFor(before.id, redundant, 60_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(stack.sim.network.violationCount()).toBe(0);
  }, 120_000);

  it('a lost zone: the number is served from the other cluster at once; redundancy returns with the zone', async () => {
    const before = await haNumber();
    const holder = stack.sim.network.holder(before.phoneNumber)!;
    const cluster = stack.sim.cluster(holder.cluster);
    const nodes = cluster.nodesInZone(holder.zone!);
    for (const node of nodes) cluster.failNode(node);
    try {
      // The only cluster with room for a new standby is the one whose zone is down: the failover
      // waits in `restoring` for it, the number already connected elsewhere.
      const end = Date.now() + 60_000;
      let failover: any;
      while (!failover?.connectedAt && Date.now() < end) {
        failover = (await failovers(before.id))[0];
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(failover).toMatchObject({ trigger: 'instance_lost', fenceMethod: 'lease_expired' });
      expect(stack.sim.network.holder(before.phoneNumber)!.zone).not.toBe(holder.zone);
      expect(stack.sim.network.violationCount()).toBe(0);
    } finally {
      for (const node of nodes) cluster.recoverNode(node);
    }
    expect((await waitForCompletedFailover(before.id)).restoredAt).not.toBeNull();
    await stack.waitFor(before.id, redundant, 60_000);
    expect(stack.sim.network.violationCount()).toBe(0);
  }, 120_000);

  it('an unhealthy gateway past the threshold fails the number over', async () => {
    const before = await haNumber();
    const holder = stack.sim.network.holder(before.phoneNumber)!;
    const res = await fetch(
      `${stack.sim.clusters.find((c) => c.name === holder.cluster)!.url}/sim/v1/namespaces/${holder.namespace}/pods/${holder.pod}/faults`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ gatewayDisconnected: true }),
      },
    );
    expect(res.status).toBeLessThan(300);
    const done = await waitForCompletedFailover(before.id);
    expect(done).toMatchObject({ trigger: 'unhealthy', fenceMethod: 'pod_gone' });
    await stack.waitFor(before.id, redundant, 60_000);
    expect(stack.sim.network.violationCount()).toBe(0);
  }, 120_000);

  it('a crashed CoreApp that restarts in place is not failed over', async () => {
    const before = await haNumber();
    const holder = stack.sim.network.holder(before.phoneNumber)!;
    stack.sim.cluster(holder.cluster).crash(holder.namespace, holder.pod, 'coreapp');
    await new Promise((r) => setTimeout(r, 5_000));
    const after = await stack.waitFor(before.id, redundant, 30_000);
    expect(await failovers(before.id)).toEqual([]);
    expect(after.placements.find((p: any) => p.role === 'primary').id).toBe(
      before.placements.find((p: any) => p.role === 'primary').id,
    );
    expect(stack.sim.network.holder(before.phoneNumber)?.namespace).toBe(holder.namespace);
    expect(stack.sim.network.violationCount()).toBe(0);
  }, 120_000);
});
