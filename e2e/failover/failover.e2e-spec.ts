import { Client } from 'pg';
import { expectStatus, type ProvisioningStack, startProvisioningStack } from '@bsp/testing';

const ready = (n: any) => n.state === 'active' && n.placements.every((p: any) => p.observed?.ready);
const redundant = (n: any) =>
  ready(n) &&
  n.placements.some((p: any) => p.role === 'standby') &&
  n.placements.some((p: any) => p.role === 'primary' && p.active);
const LEASE_MS = 2_000;

describe('failover: fence first, advance the epoch, promote, confirm, restore', () => {
  let stack: ProvisioningStack;
  let tenant: { id: string };

  beforeAll(async () => {
    stack = await startProvisioningStack({
      timings: 'fast',
      leaseFencing: true,
      env: {
        LEASE_DURATION_MS: String(LEASE_MS),
        LEASE_RENEW_INTERVAL_MS: '400',
        LEASE_CLOCK_SKEW_MARGIN_MS: '300',
      },
    });
    tenant = await stack.tenant('eu-central');
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const requestFailover = async (numberId: string, reason: string) => {
    const res = await stack.api.request('POST', `/v1/numbers/${numberId}/failover`, {
      token: stack.adminToken,
      body: { reason },
    });
    expectStatus(res, 202);
    return res.body;
  };
  /** The automatic triggers may start the failover first (a lost lease is acted on at once). */
  const requestOrJoinFailover = async (numberId: string, reason: string) => {
    const res = await stack.api.request('POST', `/v1/numbers/${numberId}/failover`, {
      token: stack.adminToken,
      body: { reason },
    });
    if (res.status === 409 && res.body.code === 'failover_in_progress') {
      return (await failovers(numberId)).find((f) => !f.endedAt);
    }
    expectStatus(res, 202);
    return res.body;
  };
  const failovers = async (numberId: string): Promise<any[]> => {
    const res = await stack.api.request('GET', `/v1/numbers/${numberId}/failovers`, {
      token: stack.adminToken,
    });
    expectStatus(res, 200);
    return res.body as any[];
  };
  const waitForFailover = async (numberId: string, id: string, ms = 60_000) => {
    const end = Date.now() + ms;
    let last: any;
    while (Date.now() < end) {
      last = (await failovers(numberId)).find((f) => f.id === id);
      if (last?.state === 'completed' || last?.state === 'failed') return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`failover ${id} did not end: ${JSON.stringify(last)}`);
  };
  const holderOf = (phone: string) => stack.sim.network.holder(phone);

  it('an active instance renews its lease through the control plane; a pod set without a lease stays fenced', async () => {
    const n = await stack.waitFor((await stack.number(tenant.id, { mode: 'single' })).id, ready, 60_000);
    const pg = new Client({ connectionString: stack.api.db.url });
    await pg.connect();
    try {
      const { rows } = await pg.query(
        'SELECT renewals, granted_until > now() AS valid, revoked_at FROM activation_leases WHERE number_id = $1',
        [n.id],
      );
      expect(rows).toHaveLength(1);
      expect(Number(rows[0].renewals)).toBeGreaterThan(0);
      expect(rows[0].valid).toBe(true);
    } finally {
      await pg.end();
    }
    expect(holderOf(n.phoneNumber)).toBeDefined();
    const wrong = await stack.api.request('POST', '/internal/v1/leases/renew', {
      headers: { authorization: 'Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      body: { placementId: n.placements[0].id, epoch: String(n.fencingEpoch) },
    });
    expect(wrong.body).toMatchObject({ code: 'lease_token_invalid' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ code: 'lease_token_invalid' });
    expect(JSON.stringify(wrong.body)).not.toContain('AAAAAAAA');
  });

  it('manual failover of an HA number: the standby takes over, a new standby comes up, never two instances', async () => {
    const created = await stack.number(tenant.id, { mode: 'ha' });
    const before = await stack.waitFor(created.id, redundant, 60_000);
    const oldPrimary = before.placements.find((p: any) => p.role === 'primary');
    const oldStandby = before.placements.find((p: any) => p.role === 'standby');

    const requested = await requestFailover(before.id, 'planned maintenance');
    expect(requested).toMatchObject({ trigger: 'manual', state: 'fencing', reason: 'planned maintenance' });
    const second = await stack.api.request('POST', `/v1/numbers/${before.id}/failover`, {
      token: stack.adminToken,
      body: { reason: 'again' },
    });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'failover_in_progress' });

    const done = await waitForFailover(before.id, requested.id);
    expect(done).toMatchObject({
      state: 'completed',
      fenceMethod: 'pod_gone',
      from: { placementId: oldPrimary.id, epoch: String(before.fencingEpoch) },
      to: { placementId: oldStandby.id, epoch: String(Number(before.fencingEpoch) + 1) },
      error: null,
    });
    for (const step of ['fencedAt', 'promotedAt', 'connectedAt', 'restoredAt', 'endedAt'])
      expect(done[step]).not.toBeNull();

    const after = await stack.waitFor(before.id, (n) => redundant(n) && n.placements.length === 2, 60_000);
    const primary = after.placements.find((p: any) => p.role === 'primary');
    expect(primary.id).toBe(oldStandby.id);
    expect(String(after.fencingEpoch)).toBe(done.to.epoch);
    expect(after.placements.find((p: any) => p.role === 'standby').id).not.toBe(oldPrimary.id);
    expect(holderOf(after.phoneNumber)?.namespace).toBe(primary.namespace);
    expect(stack.sim.network.violationCount()).toBe(0);
  }, 120_000);

  it('a partitioned primary is fenced by its lease running out, then the standby is promoted', async () => {
    const before = await stack.waitFor((await stack.number(tenant.id, { mode: 'ha' })).id, redundant, 60_000);
    const oldPrimary = before.placements.find((p: any) => p.role === 'primary');
    const cluster = stack.sim.cluster(oldPrimary.cluster.name);
    cluster.setPartitioned(true);
    try {
      const started = Date.now();
      const requested = await requestOrJoinFailover(before.id, 'cluster partitioned');
      const done = await waitForFailover(before.id, requested.id);
      expect(done).toMatchObject({ state: 'completed', fenceMethod: 'lease_expired' });
      // Never promoted before the old lease (renewed at most until the partition) had run out.
      expect(Date.parse(done.promotedAt) - started).toBeGreaterThanOrEqual(LEASE_MS - 500);
      expect(stack.sim.network.violationCount()).toBe(0);
    } finally {
      cluster.setPartitioned(false);
    }
    // Healed: the old instance's agent is refused (revoked), so it never takes the number back.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(stack.sim.network.violationCount()).toBe(0);
    const after = await stack.get(before.id);
    expect(after.state).toBe('active');
    expect(holderOf(after.phoneNumber)?.namespace).toBe(
      after.placements.find((p: any) => p.role === 'primary' && p.active).namespace,
    );
  }, 120_000);

  it('manual failover of a single number moves it to a new placement in its region', async () => {
    const before = await stack.waitFor((await stack.number(tenant.id, { mode: 'single' })).id, ready, 60_000);
    const requested = await requestFailover(before.id, 'move it');
    const done = await waitForFailover(before.id, requested.id);
    expect(done.state).toBe('completed');
    // The fenced placement goes once its namespace is confirmed deleted.
    const after = await stack.waitFor(before.id, (n) => ready(n) && n.placements.length === 1, 60_000);
    expect(after.placements[0].id).not.toBe(before.placements[0].id);
    expect(after.placements[0].cluster.region).toBe('eu-central');
    expect(BigInt(after.fencingEpoch)).toBeGreaterThan(BigInt(before.fencingEpoch));
    expect(stack.sim.network.violationCount()).toBe(0);
  }, 120_000);

  it('refuses a failover of a number that has no active instance, and hides other tenants’ numbers', async () => {
    const other = await stack.tenant('eu-central');
    const theirs = await stack.number(other.id, { mode: 'single' });
    const suspended = await stack.waitFor(theirs.id, ready, 60_000);
    expectStatus(
      await stack.api.request('POST', `/v1/numbers/${suspended.id}/suspend`, { token: stack.adminToken }),
      202,
    );
    await stack.waitFor(suspended.id, (n) => n.state === 'suspended', 60_000);
    const refused = await stack.api.request('POST', `/v1/numbers/${suspended.id}/failover`, {
      token: stack.adminToken,
      body: { reason: 'not now' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'failover_not_possible' });
  }, 120_000);
});
