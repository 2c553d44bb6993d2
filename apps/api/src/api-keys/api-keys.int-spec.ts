import { ApiKeyUsageTracker } from '@bsp/domain-api-keys';
import {
  createNumber,
  createTenant,
  createUser,
  expectFieldError,
  expectProblem,
  expectStatus,
  freshPhoneNumber,
  issueApiKey,
  sleep,
  startTestApi,
  type TestApi,
  withDb,
} from '@bsp/testing';

const KEY_FORMAT = /^bsp_live_([0-9a-f]{32})_([0-9A-Za-z]{40})$/;
const ALL_SCOPES = ['numbers:read', 'numbers:write', 'keys:read', 'keys:write'];

describe('API keys', () => {
  let api: TestApi;
  let admin: string;
  let tenant: any;

  beforeAll(async () => {
    // Flushing last-used times only when the test asks, so the test controls every write.
    api = await startTestApi({ API_KEY_LAST_USED_FLUSH_MS: '3600000' });
    admin = await api.login(api.adminEmail, api.adminPassword);
    tenant = await createTenant(api, admin);
  });
  afterAll(() => api.close());

  const listKeys = async (tenantId = tenant.id) => {
    const res = await api.request('GET', `/v1/tenants/${tenantId}/api-keys`, { token: admin });
    expectStatus(res, 200);
    return res;
  };
  const numbersOf = (key: string, tenantId = tenant.id, apiKeyHeader?: 'x-api-key' | 'bearer') =>
    api.request('GET', `/v1/tenants/${tenantId}/numbers`, { apiKey: key, apiKeyHeader });
  const rotate = (
    keyId: string,
    body: unknown = {},
    auth: { token?: string; apiKey?: string } = { token: admin },
  ) => api.request('POST', `/v1/api-keys/${keyId}/rotate`, { ...auth, body });
  const revoke = (keyId: string, auth: { token?: string; apiKey?: string } = { token: admin }) =>
    api.request('DELETE', `/v1/api-keys/${keyId}`, auth);

  describe('issue and list', () => {
    it('returns the key once, as bsp_<env>_<id>_<secret>, and stores only a hash of the secret', async () => {
      const res = await api.request('POST', `/v1/tenants/${tenant.id}/api-keys`, {
        token: admin,
        body: { name: ' CRM integration ', scopes: ['numbers:read', 'numbers:write'] },
      });
      expectStatus(res, 201);
      const issued = res.body;
      expect(issued).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        tenantId: tenant.id,
        name: 'CRM integration',
        prefix: `bsp_live_${issued.id.replace(/-/g, '')}`,
        scopes: ['numbers:read', 'numbers:write'],
        numberIds: [],
        status: 'active',
        expiresAt: null,
        revokedAt: null,
        replacedById: null,
        lastUsedAt: null,
        createdAt: expect.any(String),
        key: expect.stringMatching(KEY_FORMAT),
      });
      const [, hexId, secret] = KEY_FORMAT.exec(issued.key)!;
      expect(hexId).toBe(issued.id.replace(/-/g, ''));
      expect(issued.key.startsWith(`${issued.prefix}_`)).toBe(true);

      const row = await withDb(
        api,
        async (c) => (await c.query('SELECT * FROM api_keys WHERE id = $1', [issued.id])).rows[0],
      );
      expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(row)).not.toContain(secret);

      const list = await listKeys();
      const listed = list.body.find((k: any) => k.id === issued.id);
      const { key: _key, ...withoutKey } = issued;
      expect(listed).toEqual(withoutKey);
      expect(list.body.every((k: any) => !('key' in k) && !('secretHash' in k))).toBe(true);
      expect(list.text).not.toContain(secret);
      expect(list.text).not.toContain(row.secret_hash);
    });

    it('works in X-API-Key and in Authorization: Bearer', async () => {
      const issued = await issueApiKey(api, { token: admin }, tenant.id, { scopes: ['numbers:read'] });
      expectStatus(await numbersOf(issued.key, tenant.id, 'x-api-key'), 200);
      expectStatus(await numbersOf(issued.key, tenant.id, 'bearer'), 200);
      const lowercaseBearer = await api.request('GET', `/v1/tenants/${tenant.id}/numbers`, {
        headers: { authorization: `bearer ${issued.key}` },
      });
      expectStatus(lowercaseBearer, 200);
    });

    it('refuses tampered keys, a key of another environment and a truncated key', async () => {
      const issued = await issueApiKey(api, { token: admin }, tenant.id);
      const last = issued.key.slice(-1);
      const tampered = issued.key.slice(0, -1) + (last === 'a' ? 'b' : 'a');
      for (const bad of [
        tampered,
        issued.key.replace('bsp_live_', 'bsp_test_'),
        issued.key.slice(0, -1),
        `${issued.key}x`,
      ]) {
        expectProblem(await numbersOf(bad), 401, 'unauthenticated');
        expectProblem(await numbersOf(bad, tenant.id, 'bearer'), 401, 'unauthenticated');
      }
    });

    it('enforces scopes', async () => {
      const reader = await issueApiKey(api, { token: admin }, tenant.id, { scopes: ['numbers:read'] });
      expectStatus(await numbersOf(reader.key), 200);
      const create = await api.request('POST', `/v1/tenants/${tenant.id}/numbers`, {
        apiKey: reader.key,
        body: { phoneNumber: freshPhoneNumber() },
      });
      expectProblem(create, 403, 'insufficient_scope');
      expectProblem(
        await api.request('GET', `/v1/tenants/${tenant.id}/api-keys`, { apiKey: reader.key }),
        403,
        'insufficient_scope',
      );
      const issue = await api.request('POST', `/v1/tenants/${tenant.id}/api-keys`, {
        apiKey: reader.key,
        body: { name: 'x', scopes: ['numbers:read'] },
      });
      expectProblem(issue, 403, 'insufficient_scope');
      expectProblem(await rotate(reader.id, {}, { apiKey: reader.key }), 403, 'insufficient_scope');
      expectProblem(await revoke(reader.id, { apiKey: reader.key }), 403, 'insufficient_scope');
      // Routes for people only.
      expectProblem(await api.request('GET', '/v1/tenants', { apiKey: reader.key }), 403, 'forbidden');
      expectProblem(await api.request('GET', '/v1/audit-events', { apiKey: reader.key }), 403, 'forbidden');

      const writer = await issueApiKey(api, { token: admin }, tenant.id, { scopes: ['numbers:write'] });
      await createNumber(api, { apiKey: writer.key }, tenant.id);
      expectProblem(await numbersOf(writer.key), 403, 'insufficient_scope');
    });

    it("confines a key to its tenant: another tenant's numbers are not found", async () => {
      const other = await createTenant(api, admin);
      const otherNumber = await createNumber(api, { token: admin }, other.id);
      const issued = await issueApiKey(api, { token: admin }, tenant.id, { scopes: ALL_SCOPES });
      expectProblem(await numbersOf(issued.key, other.id), 404, 'not_found');
      expectProblem(
        await api.request('GET', `/v1/numbers/${otherNumber.id}`, { apiKey: issued.key }),
        404,
        'not_found',
      );
      expectProblem(
        await api.request('DELETE', `/v1/numbers/${otherNumber.id}`, { apiKey: issued.key }),
        404,
        'not_found',
      );
      const create = await api.request('POST', `/v1/tenants/${other.id}/numbers`, {
        apiKey: issued.key,
        body: { phoneNumber: freshPhoneNumber() },
      });
      expectProblem(create, 404, 'not_found');
      const otherKey = await issueApiKey(api, { token: admin }, other.id);
      expectProblem(await rotate(otherKey.id, {}, { apiKey: issued.key }), 404, 'not_found');
      expectProblem(await revoke(otherKey.id, { apiKey: issued.key }), 404, 'not_found');
      expectStatus(await numbersOf(otherKey.key, other.id), 200);
    });

    it('validates the request', async () => {
      const issue = (body: unknown) =>
        api.request('POST', `/v1/tenants/${tenant.id}/api-keys`, { token: admin, body });
      expectFieldError(await issue({ name: 'x', scopes: ['numbers:delete'] }), 'scopes');
      expectFieldError(await issue({ name: 'x', scopes: [] }), 'scopes');
      expectFieldError(await issue({ name: 'x', scopes: ['numbers:read', 'numbers:read'] }), 'scopes');
      expectFieldError(await issue({ name: '', scopes: ['numbers:read'] }), 'name');
      expectFieldError(await issue({ name: '   ', scopes: ['numbers:read'] }), 'name', 'matches');
      expectFieldError(
        await issue({ name: 'x', scopes: ['numbers:read'], numberIds: ['not-a-uuid'] }),
        'numberIds',
      );
      expectFieldError(
        await issue({ name: 'x', scopes: ['numbers:read'], expiresAt: 'next tuesday' }),
        'expiresAt',
      );
      const past = await issue({
        name: 'x',
        scopes: ['numbers:read'],
        expiresAt: new Date(Date.now() - 60_000).toISOString(),
      });
      expectFieldError(past, 'expiresAt', 'inThePast');
    });
  });

  describe('number binding', () => {
    let numbers: any[];
    let bound: any;
    beforeAll(async () => {
      numbers = [];
      for (let i = 0; i < 3; i++) numbers.push(await createNumber(api, { token: admin }, tenant.id));
      bound = await issueApiKey(api, { token: admin }, tenant.id, {
        scopes: ALL_SCOPES,
        numberIds: [numbers[0].id, numbers[1].id],
      });
    });

    it('sees only its numbers in lists, and gets 404 for the others', async () => {
      const list = await numbersOf(bound.key);
      expectStatus(list, 200);
      expect(list.body.items.map((n: any) => n.id)).toEqual([numbers[0].id, numbers[1].id]);
      expectStatus(await api.request('GET', `/v1/numbers/${numbers[0].id}`, { apiKey: bound.key }), 200);
      expectProblem(
        await api.request('GET', `/v1/numbers/${numbers[2].id}`, { apiKey: bound.key }),
        404,
        'not_found',
      );
      expectProblem(
        await api.request('DELETE', `/v1/numbers/${numbers[2].id}`, { apiKey: bound.key }),
        404,
        'not_found',
      );
      const me = await api.request('GET', '/v1/me', { apiKey: bound.key });
      expect(me.body.numberIds).toEqual([numbers[0].id, numbers[1].id]);
    });

    it('cannot add numbers', async () => {
      const res = await api.request('POST', `/v1/tenants/${tenant.id}/numbers`, {
        apiKey: bound.key,
        body: { phoneNumber: freshPhoneNumber() },
      });
      expectProblem(res, 403, 'insufficient_scope');
    });

    it('cannot issue an unbound key or one bound to other numbers, but may narrow', async () => {
      const issue = (body: unknown) =>
        api.request('POST', `/v1/tenants/${tenant.id}/api-keys`, { apiKey: bound.key, body });
      expectProblem(await issue({ name: 'wide', scopes: ['numbers:read'] }), 403, 'insufficient_scope');
      expectProblem(
        await issue({ name: 'other', scopes: ['numbers:read'], numberIds: [numbers[2].id] }),
        403,
        'insufficient_scope',
      );
      const narrow = await issue({ name: 'narrow', scopes: ['numbers:read'], numberIds: [numbers[0].id] });
      expectStatus(narrow, 201);
      expect(narrow.body.numberIds).toEqual([numbers[0].id]);
    });

    it('refuses numberIds of another tenant with 400, and writes nothing', async () => {
      const other = await createTenant(api, admin);
      const foreign = await createNumber(api, { token: admin }, other.id);
      const before = (await listKeys()).body.length;
      const res = await api.request('POST', `/v1/tenants/${tenant.id}/api-keys`, {
        token: admin,
        body: { name: 'foreign', scopes: ['numbers:read'], numberIds: [numbers[0].id, foreign.id] },
      });
      expectFieldError(res, 'numberIds', 'unknownNumber');
      const unknown = await api.request('POST', `/v1/tenants/${tenant.id}/api-keys`, {
        token: admin,
        body: {
          name: 'unknown',
          scopes: ['numbers:read'],
          numberIds: ['00000000-0000-4000-8000-000000000000'],
        },
      });
      expectFieldError(unknown, 'numberIds', 'unknownNumber');
      expect((await listKeys()).body.length).toBe(before);
    });
  });

  describe('escalation', () => {
    it('a key with keys:write cannot grant scopes it lacks', async () => {
      const manager = await issueApiKey(api, { token: admin }, tenant.id, {
        scopes: ['keys:write', 'numbers:read'],
      });
      const issue = (scopes: string[]) =>
        api.request('POST', `/v1/tenants/${tenant.id}/api-keys`, {
          apiKey: manager.key,
          body: { name: 'child', scopes },
        });
      expectProblem(await issue(['numbers:write']), 403, 'insufficient_scope');
      expectProblem(await issue(['numbers:read', 'keys:read']), 403, 'insufficient_scope');
      const child = await issue(['numbers:read']);
      expectStatus(child, 201);
      expectStatus(await numbersOf(child.body.key), 200);
      const row = await withDb(
        api,
        async (c) =>
          (
            await c.query('SELECT created_by_type, created_by_id FROM api_keys WHERE id = $1', [
              child.body.id,
            ])
          ).rows[0],
      );
      expect(row).toEqual({ created_by_type: 'api_key', created_by_id: manager.id });
    });
  });

  describe('rotation and revocation', () => {
    it('rotates: a new key, the old one valid through the grace window, then a second rotation of the old one is refused', async () => {
      const old = await issueApiKey(api, { token: admin }, tenant.id, {
        name: 'rotating',
        scopes: ['numbers:read', 'keys:read'],
      });
      const before = Date.now();
      const res = await rotate(old.id, { graceSeconds: 600 });
      expectStatus(res, 201);
      expect(res.body).toMatchObject({
        name: 'rotating',
        tenantId: tenant.id,
        scopes: ['numbers:read', 'keys:read'],
        status: 'active',
        key: expect.stringMatching(KEY_FORMAT),
        previous: { id: old.id, validUntil: expect.any(String) },
      });
      expect(res.body.id).not.toBe(old.id);
      expect(res.body.key).not.toBe(old.key);
      const validUntil = new Date(res.body.previous.validUntil).getTime();
      expect(validUntil).toBeGreaterThanOrEqual(before + 600_000 - 1000);
      expect(validUntil).toBeLessThanOrEqual(Date.now() + 600_000 + 1000);

      expectStatus(await numbersOf(old.key), 200);
      expectStatus(await numbersOf(res.body.key), 200);
      const listed = (await listKeys()).body.find((k: any) => k.id === old.id);
      expect(listed).toMatchObject({
        status: 'rotating',
        replacedById: res.body.id,
        expiresAt: res.body.previous.validUntil,
      });

      expectProblem(await rotate(old.id, { graceSeconds: 60 }), 409, 'api_key_already_rotated');
      // The replacement can itself be rotated.
      expectStatus(await rotate(res.body.id, { graceSeconds: 60 }), 201);
    });

    it('defaults the grace window to 24 hours', async () => {
      const old = await issueApiKey(api, { token: admin }, tenant.id);
      const res = await rotate(old.id);
      expectStatus(res, 201);
      const graceMs = new Date(res.body.previous.validUntil).getTime() - Date.now();
      expect(graceMs).toBeGreaterThan(24 * 3600_000 - 60_000);
      expect(graceMs).toBeLessThanOrEqual(24 * 3600_000);
    });

    it('with no grace the old key stops at once', async () => {
      const old = await issueApiKey(api, { token: admin }, tenant.id);
      const res = await rotate(old.id, { graceSeconds: 0 });
      expectStatus(res, 201);
      expectProblem(await numbersOf(old.key), 401, 'unauthenticated');
      expectProblem(await numbersOf(old.key, tenant.id, 'bearer'), 401, 'unauthenticated');
      expectStatus(await numbersOf(res.body.key), 200);
    });

    it('validates graceSeconds', async () => {
      const old = await issueApiKey(api, { token: admin }, tenant.id);
      expectFieldError(await rotate(old.id, { graceSeconds: -1 }), 'graceSeconds');
      expectFieldError(await rotate(old.id, { graceSeconds: '60' }), 'graceSeconds');
      expectFieldError(await rotate(old.id, { graceSeconds: 31 * 24 * 3600 }), 'graceSeconds');
      expectStatus(await numbersOf(old.key), 200);
    });

    it('revokes at once; revoking twice is fine; a revoked key cannot be rotated', async () => {
      const issued = await issueApiKey(api, { token: admin }, tenant.id);
      expectStatus(await numbersOf(issued.key), 200);
      const res = await revoke(issued.id);
      expectStatus(res, 204);
      expect(res.text).toBe('');
      expectProblem(await numbersOf(issued.key), 401, 'unauthenticated');
      expectProblem(await numbersOf(issued.key, tenant.id, 'bearer'), 401, 'unauthenticated');
      expectStatus(await revoke(issued.id), 204);
      expectProblem(await rotate(issued.id), 409, 'api_key_revoked');
      const listed = (await listKeys()).body.find((k: any) => k.id === issued.id);
      expect(listed).toMatchObject({ status: 'revoked', revokedAt: expect.any(String) });
      expectProblem(await revoke('00000000-0000-4000-8000-000000000000'), 404, 'not_found');
    });

    it('a key may revoke itself', async () => {
      const self = await issueApiKey(api, { token: admin }, tenant.id, {
        scopes: ['keys:write', 'numbers:read'],
      });
      expectStatus(await revoke(self.id, { apiKey: self.key }), 204);
      expectProblem(await numbersOf(self.key), 401, 'unauthenticated');
    });

    it('expiry and the end of a grace window both make a key 401', async () => {
      const expiring = await issueApiKey(api, { token: admin }, tenant.id, {
        expiresAt: new Date(Date.now() + 2000).toISOString(),
      });
      const rotated = await issueApiKey(api, { token: admin }, tenant.id);
      const replacement = await rotate(rotated.id, { graceSeconds: 2 });
      expectStatus(replacement, 201);
      expectStatus(await numbersOf(expiring.key), 200);
      expectStatus(await numbersOf(rotated.key), 200);

      await sleep(2300);
      expectProblem(await numbersOf(expiring.key), 401, 'unauthenticated');
      expectProblem(await numbersOf(rotated.key), 401, 'unauthenticated');
      expectStatus(await numbersOf(replacement.body.key), 200);
      const list = (await listKeys()).body;
      expect(list.find((k: any) => k.id === expiring.id).status).toBe('expired');
      expect(list.find((k: any) => k.id === rotated.id).status).toBe('expired');
      expectProblem(await rotate(expiring.id), 409, 'invalid_state');
    });

    it("a tenant admin manages their tenant's keys only; a viewer lists them", async () => {
      const tenantAdmin = await createUser(api, admin, 'tenant_admin', tenant.id);
      const viewer = await createUser(api, admin, 'tenant_viewer', tenant.id);
      const own = await issueApiKey(api, { token: tenantAdmin.token }, tenant.id);
      expectStatus(
        await api.request('GET', `/v1/tenants/${tenant.id}/api-keys`, { token: viewer.token }),
        200,
      );
      const viewerIssue = await api.request('POST', `/v1/tenants/${tenant.id}/api-keys`, {
        token: viewer.token,
        body: { name: 'v', scopes: ['numbers:read'] },
      });
      expectProblem(viewerIssue, 403, 'forbidden');
      expectProblem(await revoke(own.id, { token: viewer.token }), 403, 'forbidden');

      const other = await createTenant(api, admin);
      const foreign = await issueApiKey(api, { token: admin }, other.id);
      expectProblem(
        await api.request('GET', `/v1/tenants/${other.id}/api-keys`, { token: tenantAdmin.token }),
        404,
        'not_found',
      );
      expectProblem(await rotate(foreign.id, {}, { token: tenantAdmin.token }), 404, 'not_found');
      expectProblem(await revoke(foreign.id, { token: tenantAdmin.token }), 404, 'not_found');
      expectStatus(await numbersOf(foreign.key, other.id), 200);
      expectStatus(await revoke(own.id, { token: tenantAdmin.token }), 204);
    });
  });

  describe('last-used time', () => {
    it('is recorded in batches, never by the request itself', async () => {
      const tracker = api.app.get(ApiKeyUsageTracker);
      await tracker.flush();
      const issued = await issueApiKey(api, { token: admin }, tenant.id);
      // xmin is the id of the transaction that last wrote the row: unchanged means not written at all.
      const lastUsed = () =>
        withDb(
          api,
          async (c) =>
            (
              await c.query('SELECT last_used_at, xmin::text AS xmin FROM api_keys WHERE id = $1', [
                issued.id,
              ])
            ).rows[0],
        );
      const initial = await lastUsed();
      expect(initial.last_used_at).toBeNull();

      for (let i = 0; i < 3; i++)
        expectStatus(await numbersOf(issued.key, tenant.id, i % 2 ? 'bearer' : 'x-api-key'), 200);
      expect(await lastUsed()).toEqual(initial);

      const beforeFlush = Date.now();
      await tracker.flush();
      const flushed = await lastUsed();
      expect(flushed.xmin).not.toBe(initial.xmin);
      expect(flushed.last_used_at).toBeInstanceOf(Date);
      expect(flushed.last_used_at.getTime()).toBeLessThanOrEqual(beforeFlush);
      expect(flushed.last_used_at.getTime()).toBeGreaterThanOrEqual(new Date(issued.createdAt).getTime());
      const listed = (await listKeys()).body.find((k: any) => k.id === issued.id);
      expect(listed.lastUsedAt).toBe(flushed.last_used_at.toISOString());

      await sleep(20);
      expectStatus(await numbersOf(issued.key), 200);
      expect(await lastUsed()).toEqual(flushed);
      await tracker.flush();
      const again = await lastUsed();
      expect(again.last_used_at.getTime()).toBeGreaterThan(flushed.last_used_at.getTime());
      expect(again.xmin).not.toBe(flushed.xmin);
    });

    it('is not touched by a failed authentication', async () => {
      const tracker = api.app.get(ApiKeyUsageTracker);
      const issued = await issueApiKey(api, { token: admin }, tenant.id);
      await revoke(issued.id);
      expectProblem(await numbersOf(issued.key), 401, 'unauthenticated');
      await tracker.flush();
      const row = await withDb(
        api,
        async (c) => (await c.query('SELECT last_used_at FROM api_keys WHERE id = $1', [issued.id])).rows[0],
      );
      expect(row.last_used_at).toBeNull();
    });
  });
});

describe('API key last-used time, flushed on a timer', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ API_KEY_LAST_USED_FLUSH_MS: '200' });
  });
  afterAll(() => api.close());

  it('appears in the list without an explicit flush', async () => {
    const admin = await api.login(api.adminEmail, api.adminPassword);
    const tenant = await createTenant(api, admin);
    const issued = await issueApiKey(api, { token: admin }, tenant.id);
    expectStatus(await api.request('GET', `/v1/tenants/${tenant.id}/numbers`, { apiKey: issued.key }), 200);
    let lastUsedAt: string | null = null;
    for (let i = 0; i < 50 && !lastUsedAt; i++) {
      await sleep(100);
      const list = await api.request('GET', `/v1/tenants/${tenant.id}/api-keys`, { token: admin });
      lastUsedAt = list.body.find((k: any) => k.id === issued.id).lastUsedAt;
    }
    expect(lastUsedAt).toEqual(expect.any(String));
  });
});
