import {
  auditEvents,
  createNumber,
  createTenant,
  createUser,
  expectFieldError,
  expectProblem,
  expectStatus,
  freshPhoneNumber,
  issueApiKey,
  startTestApi,
  type TestApi,
  type TestUser,
  unique,
} from '@bsp/testing';

describe('tenants', () => {
  let api: TestApi;
  let admin: string;

  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.login(api.adminEmail, api.adminPassword);
  });
  afterAll(() => api.close());

  const patch = (token: string, id: string, body: unknown) =>
    api.request('PATCH', `/v1/tenants/${id}`, { token, body });

  describe('create', () => {
    it('creates an active tenant with a slug derived from the name', async () => {
      const res = await api.request('POST', '/v1/tenants', {
        token: admin,
        body: { name: '  Café Zürich & Söhne GmbH ', dataRegion: 'eu-central' },
      });
      expectStatus(res, 201);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Café Zürich & Söhne GmbH',
        slug: 'cafe-zurich-sohne-gmbh',
        dataRegion: 'eu-central',
        state: 'active',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const got = await api.request('GET', `/v1/tenants/${res.body.id}`, { token: admin });
      expectStatus(got, 200);
      expect(got.body).toEqual(res.body);
    });

    it('keeps an explicit slug', async () => {
      const res = await api.request('POST', '/v1/tenants', {
        token: admin,
        body: { name: 'Whatever', slug: 'explicit-slug', dataRegion: 'us-east' },
      });
      expectStatus(res, 201);
      expect(res.body).toMatchObject({ slug: 'explicit-slug', dataRegion: 'us-east' });
    });

    it('refuses a slug that is taken, explicit or derived, with 409 slug_taken', async () => {
      await createTenant(api, admin, { name: 'Duplicate Co' });
      const derived = await api.request('POST', '/v1/tenants', {
        token: admin,
        body: { name: 'Duplicate   Co', dataRegion: 'eu-central' },
      });
      expectProblem(derived, 409, 'slug_taken');
      const explicit = await api.request('POST', '/v1/tenants', {
        token: admin,
        body: { name: 'Other', slug: 'duplicate-co', dataRegion: 'eu-central' },
      });
      expectProblem(explicit, 409, 'slug_taken');
    });

    it('refuses a blank name, which would be stored empty once trimmed', async () => {
      expectFieldError(
        await api.request('POST', '/v1/tenants', {
          token: admin,
          body: { name: '   ', dataRegion: 'eu-central' },
        }),
        'name',
        'matches',
      );
      const tenant = await createTenant(api, admin);
      expectFieldError(await patch(admin, tenant.id, { name: ' \t ' }), 'name', 'matches');
      expect((await api.request('GET', `/v1/tenants/${tenant.id}`, { token: admin })).body.name).toBe(
        tenant.name,
      );
    });

    it('validates slug and region', async () => {
      const res = await api.request('POST', '/v1/tenants', {
        token: admin,
        body: { name: 'X', slug: 'Not A Slug', dataRegion: 'EU Central' },
      });
      const body = expectFieldError(res, 'slug');
      expect(body.errors.map((e: any) => e.field)).toEqual(expect.arrayContaining(['slug', 'dataRegion']));
    });

    it('is for BSP staff only', async () => {
      const tenant = await createTenant(api, admin);
      const tenantAdmin = await createUser(api, admin, 'tenant_admin', tenant.id);
      const res = await api.request('POST', '/v1/tenants', {
        token: tenantAdmin.token,
        body: { name: 'Nope', dataRegion: 'eu-central' },
      });
      expectProblem(res, 403, 'forbidden');
      const operator = await createUser(api, admin, 'operator');
      expectStatus(
        await api.request('POST', '/v1/tenants', {
          token: operator.token,
          body: { name: unique('Op'), dataRegion: 'eu-central' },
        }),
        201,
      );
    });
  });

  describe('list', () => {
    it('pages with a cursor in creation order, without duplicates or gaps', async () => {
      for (let i = 0; i < 5; i++) await createTenant(api, admin);
      const all = await api.request('GET', '/v1/tenants?limit=200', { token: admin });
      expectStatus(all, 200);
      expect(all.body.nextCursor).toBeNull();
      const expected = all.body.items.map((t: any) => t.id);
      expect(expected.length).toBeGreaterThanOrEqual(5);

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page: any = await api.request('GET', `/v1/tenants?${query}`, { token: admin });
        expectStatus(page, 200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.items.map((t: any) => t.id));
        cursor = page.body.nextCursor;
        pages += 1;
      } while (cursor && pages < 100);
      expect(seen).toEqual(expected);
      expect(new Set(seen).size).toBe(seen.length);
      expect(pages).toBe(Math.ceil(expected.length / 2));
    });

    it('filters by state', async () => {
      const suspended = await createTenant(api, admin);
      expectStatus(await patch(admin, suspended.id, { state: 'suspended' }), 200);
      const onlySuspended = await api.request('GET', '/v1/tenants?state=suspended&limit=200', {
        token: admin,
      });
      expectStatus(onlySuspended, 200);
      expect(onlySuspended.body.items.length).toBeGreaterThanOrEqual(1);
      expect(onlySuspended.body.items.every((t: any) => t.state === 'suspended')).toBe(true);
      expect(onlySuspended.body.items.map((t: any) => t.id)).toContain(suspended.id);
      const active = await api.request('GET', '/v1/tenants?state=active&limit=200', { token: admin });
      expect(active.body.items.every((t: any) => t.state === 'active')).toBe(true);
      expect(active.body.items.map((t: any) => t.id)).not.toContain(suspended.id);
      expectFieldError(await api.request('GET', '/v1/tenants?state=gone', { token: admin }), 'state');
    });

    it('shows a tenant user only their own tenant', async () => {
      const tenant = await createTenant(api, admin);
      const viewer = await createUser(api, admin, 'tenant_viewer', tenant.id);
      const res = await api.request('GET', '/v1/tenants', { token: viewer.token });
      expectStatus(res, 200);
      expect(res.body).toEqual({ items: [expect.objectContaining({ id: tenant.id })], nextCursor: null });
    });

    it('refuses a forged cursor and bad limits', async () => {
      expectFieldError(
        await api.request('GET', '/v1/tenants?cursor=not-a-cursor', { token: admin }),
        'cursor',
        'invalidCursor',
      );
      expectFieldError(await api.request('GET', '/v1/tenants?limit=0', { token: admin }), 'limit');
      expectFieldError(await api.request('GET', '/v1/tenants?limit=201', { token: admin }), 'limit');
      expectFieldError(await api.request('GET', '/v1/tenants?limit=ten', { token: admin }), 'limit');
    });
  });

  describe('get', () => {
    it('is 404 for an unknown tenant, and for another tenant asked by a tenant user', async () => {
      expectProblem(
        await api.request('GET', '/v1/tenants/00000000-0000-4000-8000-000000000000', { token: admin }),
        404,
        'not_found',
      );
      const mine = await createTenant(api, admin);
      const other = await createTenant(api, admin);
      const viewer = await createUser(api, admin, 'tenant_viewer', mine.id);
      expectStatus(await api.request('GET', `/v1/tenants/${mine.id}`, { token: viewer.token }), 200);
      expectProblem(
        await api.request('GET', `/v1/tenants/${other.id}`, { token: viewer.token }),
        404,
        'not_found',
      );
    });
  });

  describe('update', () => {
    let tenant: any;
    let tenantAdmin: TestUser;
    beforeAll(async () => {
      tenant = await createTenant(api, admin, { dataRegion: 'eu-central' });
      tenantAdmin = await createUser(api, admin, 'tenant_admin', tenant.id);
    });

    it('writes nothing when a patch changes nothing', async () => {
      const fresh = await createTenant(api, admin, { dataRegion: 'eu-central' });
      const before = await auditEvents(api, admin, { targetType: 'tenant', targetId: fresh.id });
      for (const body of [
        {},
        { name: fresh.name },
        { name: ` ${fresh.name} `, state: 'active', dataRegion: 'eu-central' },
      ]) {
        const res = await patch(admin, fresh.id, body);
        expectStatus(res, 200);
        expect(res.body).toEqual(fresh);
      }
      expect(await auditEvents(api, admin, { targetType: 'tenant', targetId: fresh.id })).toEqual(before);
    });

    it('lets staff change name, slug and state', async () => {
      const res = await patch(admin, tenant.id, { name: 'Renamed by staff', slug: unique('renamed') });
      expectStatus(res, 200);
      expect(res.body).toMatchObject({
        id: tenant.id,
        name: 'Renamed by staff',
        dataRegion: 'eu-central',
        state: 'active',
      });
      expect(new Date(res.body.updatedAt).getTime()).toBeGreaterThanOrEqual(
        new Date(tenant.updatedAt).getTime(),
      );
    });

    it('lets a tenant admin change the name only', async () => {
      const res = await patch(tenantAdmin.token, tenant.id, { name: 'Renamed by tenant' });
      expectStatus(res, 200);
      expect(res.body.name).toBe('Renamed by tenant');
      for (const body of [
        { slug: 'sneaky' },
        { state: 'suspended' },
        { dataRegion: 'us-east' },
        { name: 'ok', slug: 'also-sneaky' },
      ]) {
        expectProblem(await patch(tenantAdmin.token, tenant.id, body), 403, 'forbidden');
      }
      const after = await api.request('GET', `/v1/tenants/${tenant.id}`, { token: admin });
      expect(after.body).toMatchObject({
        name: 'Renamed by tenant',
        state: 'active',
        dataRegion: 'eu-central',
      });
      expect(after.body.slug).not.toMatch(/sneaky/);
    });

    it('refuses a tenant viewer, and a tenant admin on another tenant (404)', async () => {
      const viewer = await createUser(api, admin, 'tenant_viewer', tenant.id);
      expectProblem(await patch(viewer.token, tenant.id, { name: 'x' }), 403, 'forbidden');
      const other = await createTenant(api, admin);
      expectProblem(await patch(tenantAdmin.token, other.id, { name: 'x' }), 404, 'not_found');
    });

    it('refuses a slug another tenant has', async () => {
      const other = await createTenant(api, admin);
      expectProblem(await patch(admin, tenant.id, { slug: other.slug }), 409, 'slug_taken');
    });

    it('changes the data region only while the tenant has no numbers', async () => {
      const empty = await createTenant(api, admin, { dataRegion: 'eu-central' });
      const moved = await patch(admin, empty.id, { dataRegion: 'eu-west' });
      expectStatus(moved, 200);
      expect(moved.body.dataRegion).toBe('eu-west');

      await createNumber(api, { token: admin }, empty.id);
      expectProblem(await patch(admin, empty.id, { dataRegion: 'us-east' }), 409, 'tenant_has_numbers');
      // Naming the current region changes nothing, so it is allowed.
      expectStatus(await patch(admin, empty.id, { dataRegion: 'eu-west' }), 200);
      const after = await api.request('GET', `/v1/tenants/${empty.id}`, { token: admin });
      expect(after.body.dataRegion).toBe('eu-west');
    });
  });

  describe('suspension', () => {
    it('stops new numbers and API keys of a suspended tenant, and resumes on activation', async () => {
      const tenant = await createTenant(api, admin);
      const issued = await issueApiKey(api, { token: admin }, tenant.id, {
        scopes: ['numbers:read', 'numbers:write'],
      });
      expectStatus(await api.request('GET', `/v1/tenants/${tenant.id}/numbers`, { apiKey: issued.key }), 200);

      const suspended = await patch(admin, tenant.id, { state: 'suspended' });
      expectStatus(suspended, 200);
      expect(suspended.body.state).toBe('suspended');

      const number = await api.request('POST', `/v1/tenants/${tenant.id}/numbers`, {
        token: admin,
        body: { phoneNumber: freshPhoneNumber() },
      });
      expectProblem(number, 409, 'tenant_suspended');
      expectProblem(
        await api.request('GET', `/v1/tenants/${tenant.id}/numbers`, { apiKey: issued.key }),
        401,
        'unauthenticated',
      );
      expectProblem(
        await api.request('GET', `/v1/tenants/${tenant.id}/numbers`, {
          apiKey: issued.key,
          apiKeyHeader: 'bearer',
        }),
        401,
        'unauthenticated',
      );
      const key = await api.request('POST', `/v1/tenants/${tenant.id}/api-keys`, {
        token: admin,
        body: { name: 'k', scopes: ['numbers:read'] },
      });
      expectProblem(key, 409, 'tenant_suspended');

      expectStatus(await patch(admin, tenant.id, { state: 'active' }), 200);
      expectStatus(await api.request('GET', `/v1/tenants/${tenant.id}/numbers`, { apiKey: issued.key }), 200);
      await createNumber(api, { apiKey: issued.key }, tenant.id);
    });
  });
});
