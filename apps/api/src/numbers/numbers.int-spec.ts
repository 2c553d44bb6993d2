import { Client } from 'pg';
import {
  auditEvents,
  countRows,
  createNumber,
  createTenant,
  createUser,
  expectFieldError,
  expectProblem,
  expectStatus,
  freshPhoneNumber,
  startTestApi,
  type TestApi,
  withDb,
} from '@bsp/testing';

describe('phone numbers', () => {
  let api: TestApi;
  let admin: string;
  let tenant: any;

  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.login(api.adminEmail, api.adminPassword);
    tenant = await createTenant(api, admin, { dataRegion: 'eu-central' });
  });
  afterAll(() => api.close());

  const create = (tenantId: string, body: unknown, token = admin) =>
    api.request('POST', `/v1/tenants/${tenantId}/numbers`, { token, body });

  describe('create', () => {
    it("creates a requested number in the tenant's region by default", async () => {
      const phoneNumber = freshPhoneNumber();
      const res = await create(tenant.id, { phoneNumber, displayName: '  Support line ' });
      expectStatus(res, 201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        tenantId: tenant.id,
        phoneNumber,
        country: 'DE',
        displayName: 'Support line',
        region: 'eu-central',
        mode: 'single',
        state: 'requested',
        desiredState: 'active',
        stateReason: null,
        fencingEpoch: 0,
        healthStatus: null,
        healthChangedAt: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
    });

    it('takes an explicit region and mode', async () => {
      const res = await create(tenant.id, { phoneNumber: '+14155552671', region: 'us-west', mode: 'ha' });
      expectStatus(res, 201);
      expect(res.body).toMatchObject({
        phoneNumber: '+14155552671',
        country: 'US',
        region: 'us-west',
        mode: 'ha',
        state: 'requested',
      });
    });

    it.each([
      ['no plus sign', '4915123456789'],
      ['letters', '+49151abc45678'],
      ['spaces', '+49 151 23456789'],
      ['too short', '+12345'],
      ['too long', '+1234567890123456'],
      ['a leading zero country code', '+0915123456789'],
      ['the right shape but no real number', '+4900000000'],
      ['an empty string', ''],
    ])('refuses %s with 400 on phoneNumber and writes nothing', async (_label, phoneNumber) => {
      const before = await countRows(api, 'phone_numbers');
      const res = await create(tenant.id, { phoneNumber });
      const body = expectFieldError(res, 'phoneNumber');
      expect(body.errors.every((e: any) => e.field === 'phoneNumber')).toBe(true);
      expect(await countRows(api, 'phone_numbers')).toBe(before);
    });

    it('refuses a phone number of the wrong type and a missing one', async () => {
      expectFieldError(await create(tenant.id, { phoneNumber: 4915123456789 }), 'phoneNumber', 'isString');
      expectFieldError(await create(tenant.id, { displayName: 'no number' }), 'phoneNumber');
      expectFieldError(await create(tenant.id, { phoneNumber: freshPhoneNumber(), mode: 'triple' }), 'mode');
      expectFieldError(
        await create(tenant.id, { phoneNumber: freshPhoneNumber(), region: 'Not A Region' }),
        'region',
      );
    });

    it('refuses the same number twice, in the same or another tenant', async () => {
      const phoneNumber = freshPhoneNumber();
      expectStatus(await create(tenant.id, { phoneNumber }), 201);
      expectProblem(await create(tenant.id, { phoneNumber }), 409, 'number_taken');
      const other = await createTenant(api, admin);
      expectProblem(await create(other.id, { phoneNumber }), 409, 'number_taken');
    });

    it('lets exactly one of 20 concurrent creates of one number across two tenants win', async () => {
      const other = await createTenant(api, admin);
      const phoneNumber = freshPhoneNumber();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => create(i % 2 === 0 ? tenant.id : other.id, { phoneNumber })),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(19);
      for (const loser of results.filter((r) => r.status === 409)) expectProblem(loser, 409, 'number_taken');

      const rows = await withDb(api, (c) =>
        c.query('SELECT id, tenant_id FROM phone_numbers WHERE phone_number = $1', [phoneNumber]),
      );
      expect(rows.rowCount).toBe(1);
      const winner = results.find((r) => r.status === 201)!;
      expect(rows.rows[0].id).toBe(winner.body.id);
      const audits = await auditEvents(api, admin, {
        action: 'number.create',
        targetType: 'number',
        targetId: winner.body.id,
      });
      expect(audits).toHaveLength(1);
      const allCreates = await auditEvents(api, admin, { action: 'number.create' });
      expect(allCreates.filter((e: any) => e.after?.phoneNumber === phoneNumber)).toHaveLength(1);
    });

    it('refuses a tenant viewer and is 404 for a tenant admin of another tenant', async () => {
      const viewer = await createUser(api, admin, 'tenant_viewer', tenant.id);
      expectProblem(
        await create(tenant.id, { phoneNumber: freshPhoneNumber() }, viewer.token),
        403,
        'forbidden',
      );
      const other = await createTenant(api, admin);
      const otherAdmin = await createUser(api, admin, 'tenant_admin', other.id);
      expectProblem(
        await create(tenant.id, { phoneNumber: freshPhoneNumber() }, otherAdmin.token),
        404,
        'not_found',
      );
      expectStatus(await create(other.id, { phoneNumber: freshPhoneNumber() }, otherAdmin.token), 201);
    });

    it('is 404 for an unknown tenant', async () => {
      expectProblem(
        await create('00000000-0000-4000-8000-000000000000', { phoneNumber: freshPhoneNumber() }),
        404,
        'not_found',
      );
    });
  });

  describe('list, get and delete', () => {
    let own: any;
    let numbers: any[];
    beforeAll(async () => {
      own = await createTenant(api, admin);
      numbers = [];
      for (let i = 0; i < 7; i++) numbers.push(await createNumber(api, { token: admin }, own.id));
    });

    it('pages with limit and nextCursor, without duplicates or gaps', async () => {
      const seen: string[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page: any = await api.request('GET', `/v1/tenants/${own.id}/numbers?${query}`, {
          token: admin,
        });
        expectStatus(page, 200);
        sizes.push(page.body.items.length);
        seen.push(...page.body.items.map((n: any) => n.id));
        expect(page.body.items.every((n: any) => n.tenantId === own.id)).toBe(true);
        cursor = page.body.nextCursor;
      } while (cursor && sizes.length < 20);
      expect(sizes).toEqual([3, 3, 1]);
      expect(seen).toEqual(numbers.map((n) => n.id));
    });

    it('gets one number with its (not yet made) placements, transitions and last reconcile', async () => {
      const res = await api.request('GET', `/v1/numbers/${numbers[0].id}`, { token: admin });
      expectStatus(res, 200);
      expect(res.body).toEqual({ ...numbers[0], placements: [], transitions: [], lastReconcile: null });
    });

    it('deletes asynchronously (202, deprovisioning) and idempotently', async () => {
      const target = numbers[6];
      const first = await api.request('DELETE', `/v1/numbers/${target.id}`, { token: admin });
      expectStatus(first, 202);
      expect(first.body).toMatchObject({ id: target.id, state: 'deprovisioning', desiredState: 'deleted' });
      const second = await api.request('DELETE', `/v1/numbers/${target.id}`, { token: admin });
      expectStatus(second, 202);
      expect(second.body).toEqual(first.body);
      const got = await api.request('GET', `/v1/numbers/${target.id}`, { token: admin });
      expect(got.body.state).toBe('deprovisioning');
      const audits = await auditEvents(api, admin, {
        action: 'number.delete',
        targetType: 'number',
        targetId: target.id,
      });
      expect(audits).toHaveLength(1);
      expect(audits[0]).toMatchObject({
        before: { state: 'requested' },
        after: { state: 'deprovisioning', desiredState: 'deleted' },
      });
    });

    it('filters by state', async () => {
      const deleting = await api.request('GET', `/v1/tenants/${own.id}/numbers?state=deprovisioning`, {
        token: admin,
      });
      expectStatus(deleting, 200);
      expect(deleting.body.items.map((n: any) => n.id)).toEqual([numbers[6].id]);
      const requested = await api.request('GET', `/v1/tenants/${own.id}/numbers?state=requested&limit=200`, {
        token: admin,
      });
      expect(requested.body.items.map((n: any) => n.id)).toEqual(numbers.slice(0, 6).map((n) => n.id));
      expect(
        (await api.request('GET', `/v1/tenants/${own.id}/numbers?state=active`, { token: admin })).body,
      ).toEqual({
        items: [],
        nextCursor: null,
      });
      expectFieldError(
        await api.request('GET', `/v1/tenants/${own.id}/numbers?state=nonsense`, { token: admin }),
        'state',
      );
    });

    it('filters by region', async () => {
      const elsewhere = await api.request('POST', `/v1/tenants/${own.id}/numbers`, {
        token: admin,
        body: { phoneNumber: freshPhoneNumber(), region: 'us-east' },
      });
      expectStatus(elsewhere, 201);
      const us = await api.request('GET', `/v1/tenants/${own.id}/numbers?region=us-east`, { token: admin });
      expectStatus(us, 200);
      expect(us.body.items.map((n: any) => n.id)).toEqual([elsewhere.body.id]);
      const eu = await api.request('GET', `/v1/tenants/${own.id}/numbers?region=eu-central&limit=200`, {
        token: admin,
      });
      expect(eu.body.items.map((n: any) => n.id)).not.toContain(elsewhere.body.id);
      expectFieldError(
        await api.request('GET', `/v1/tenants/${own.id}/numbers?region=Not%20A%20Region`, { token: admin }),
        'region',
      );
    });

    it('filters by health and shows the health the checks concluded', async () => {
      const pg = new Client({ connectionString: api.db.url });
      await pg.connect();
      try {
        await pg.query(
          "UPDATE phone_numbers SET health_status = 'unhealthy', health_changed_at = now() WHERE id = $1",
          [numbers[1].id],
        );
      } finally {
        await pg.end();
      }
      const unhealthy = await api.request('GET', `/v1/tenants/${own.id}/numbers?health=unhealthy`, {
        token: admin,
      });
      expectStatus(unhealthy, 200);
      expect(unhealthy.body.items.map((n: any) => [n.id, n.healthStatus])).toEqual([
        [numbers[1].id, 'unhealthy'],
      ]);
      expect(unhealthy.body.items[0].healthChangedAt).toEqual(expect.any(String));
      expectFieldError(
        await api.request('GET', `/v1/tenants/${own.id}/numbers?health=poorly`, { token: admin }),
        'health',
      );
    });

    it("is 404 for another tenant's number and list, and for an unknown id", async () => {
      const other = await createTenant(api, admin);
      const otherAdmin = await createUser(api, admin, 'tenant_admin', other.id);
      const id = numbers[0].id;
      expectProblem(
        await api.request('GET', `/v1/numbers/${id}`, { token: otherAdmin.token }),
        404,
        'not_found',
      );
      expectProblem(
        await api.request('DELETE', `/v1/numbers/${id}`, { token: otherAdmin.token }),
        404,
        'not_found',
      );
      expectProblem(
        await api.request('GET', `/v1/tenants/${own.id}/numbers`, { token: otherAdmin.token }),
        404,
        'not_found',
      );
      const unknown = '00000000-0000-4000-8000-000000000000';
      expectProblem(await api.request('GET', `/v1/numbers/${unknown}`, { token: admin }), 404, 'not_found');
      expectProblem(
        await api.request('DELETE', `/v1/numbers/${unknown}`, { token: admin }),
        404,
        'not_found',
      );
      const still = await api.request('GET', `/v1/numbers/${id}`, { token: admin });
      expect(still.body.state).toBe('requested');
    });

    it('lets a tenant viewer read but not delete', async () => {
      const viewer = await createUser(api, admin, 'tenant_viewer', own.id);
      expectStatus(await api.request('GET', `/v1/numbers/${numbers[1].id}`, { token: viewer.token }), 200);
      expectStatus(await api.request('GET', `/v1/tenants/${own.id}/numbers`, { token: viewer.token }), 200);
      expectProblem(
        await api.request('DELETE', `/v1/numbers/${numbers[1].id}`, { token: viewer.token }),
        403,
        'forbidden',
      );
    });
  });
});
