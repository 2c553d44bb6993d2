import {
  countRows,
  createTenant,
  createUser,
  expectFieldError,
  expectProblem,
  expectStatus,
  issueApiKey,
  startTestApi,
  type TestApi,
  type TestUser,
  withDb,
} from '@bsp/testing';

describe('users', () => {
  let api: TestApi;
  let admin: string;
  let tenantA: any;
  let tenantB: any;
  let adminA: TestUser;

  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.login(api.adminEmail, api.adminPassword);
    tenantA = await createTenant(api, admin);
    tenantB = await createTenant(api, admin);
    adminA = await createUser(api, admin, 'tenant_admin', tenantA.id);
  });
  afterAll(() => api.close());

  const create = (token: string, body: Record<string, unknown>) =>
    api.request('POST', '/v1/users', { token, body: { password: 'a-long-enough-password', ...body } });

  it('creates a user with a normalised email, hashes the password and never returns it', async () => {
    const password = 'operator-password-1';
    const res = await create(admin, {
      email: 'Ops.Person@Example.TEST',
      password,
      role: 'operator',
      displayName: 'Ops',
    });
    expectStatus(res, 201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      email: 'ops.person@example.test',
      displayName: 'Ops',
      role: 'operator',
      tenantId: null,
      disabled: false,
      lastLoginAt: null,
      createdAt: expect.any(String),
    });
    expect(res.text).not.toContain(password);
    const row = await withDb(
      api,
      async (c) => (await c.query('SELECT password_hash FROM users WHERE id = $1', [res.body.id])).rows[0],
    );
    expect(row.password_hash).toMatch(/^\$scrypt\$ln=\d+,r=8,p=1\$/);
    expect(row.password_hash).not.toContain(password);

    await api.login('ops.person@example.test', password);
    const listed = await api.request('GET', '/v1/users', { token: admin });
    expect(listed.body.find((u: any) => u.id === res.body.id).lastLoginAt).toEqual(expect.any(String));
  });

  it('refuses an email that exists, whatever its case, with 409 email_taken', async () => {
    expectStatus(await create(admin, { email: 'twice@example.test', role: 'operator' }), 201);
    expectProblem(
      await create(admin, { email: 'TWICE@example.test', role: 'tenant_viewer', tenantId: tenantA.id }),
      409,
      'email_taken',
    );
  });

  it('requires a tenant for tenant roles and refuses one for staff roles', async () => {
    const before = await countRows(api, 'users');
    expectFieldError(
      await create(admin, { email: 'a@example.test', role: 'tenant_admin' }),
      'tenantId',
      'requiredForRole',
    );
    expectFieldError(
      await create(admin, { email: 'b@example.test', role: 'operator', tenantId: tenantA.id }),
      'tenantId',
      'forbiddenForRole',
    );
    expectFieldError(
      await create(admin, { email: 'c@example.test', role: 'tenant_viewer', tenantId: 'nope' }),
      'tenantId',
      'isUuid',
    );
    expectProblem(
      await create(admin, {
        email: 'd@example.test',
        role: 'tenant_viewer',
        tenantId: '00000000-0000-4000-8000-000000000000',
      }),
      404,
      'not_found',
    );
    expect(await countRows(api, 'users')).toBe(before);
  });

  it('lets a tenant admin create users of their own tenant only, and no staff', async () => {
    const viewer = await create(adminA.token, {
      email: 'viewer-a@example.test',
      role: 'tenant_viewer',
      tenantId: tenantA.id,
    });
    expectStatus(viewer, 201);
    expect(viewer.body).toMatchObject({ role: 'tenant_viewer', tenantId: tenantA.id });
    expectProblem(
      await create(adminA.token, { email: 'x-b@example.test', role: 'tenant_admin', tenantId: tenantB.id }),
      404,
      'not_found',
    );
    expectProblem(
      await create(adminA.token, { email: 'x-op@example.test', role: 'operator' }),
      403,
      'forbidden',
    );
    expectProblem(
      await create(adminA.token, { email: 'x-pa@example.test', role: 'platform_admin' }),
      403,
      'forbidden',
    );
  });

  it('lets an operator create tenant users but not staff; viewers create nobody', async () => {
    const operator = await createUser(api, admin, 'operator');
    expectStatus(
      await create(operator.token, {
        email: 'by-op@example.test',
        role: 'tenant_admin',
        tenantId: tenantB.id,
      }),
      201,
    );
    expectProblem(
      await create(operator.token, { email: 'op2@example.test', role: 'operator' }),
      403,
      'forbidden',
    );
    const viewer = await createUser(api, admin, 'tenant_viewer', tenantA.id);
    expectProblem(
      await create(viewer.token, {
        email: 'by-viewer@example.test',
        role: 'tenant_viewer',
        tenantId: tenantA.id,
      }),
      403,
      'forbidden',
    );
  });

  it('lists everyone for staff, one tenant on request, and only their tenant for tenant users', async () => {
    const all = await api.request('GET', '/v1/users', { token: admin });
    expectStatus(all, 200);
    expect(all.body.map((u: any) => u.email)).toEqual(expect.arrayContaining([api.adminEmail, adminA.email]));
    expect(all.body.every((u: any) => !('passwordHash' in u) && !('password' in u))).toBe(true);

    const onlyA = await api.request('GET', `/v1/users?tenantId=${tenantA.id}`, { token: admin });
    expect(onlyA.body.length).toBeGreaterThan(0);
    expect(onlyA.body.every((u: any) => u.tenantId === tenantA.id)).toBe(true);

    const asTenant = await api.request('GET', '/v1/users', { token: adminA.token });
    expectStatus(asTenant, 200);
    expect(asTenant.body.map((u: any) => u.id).sort()).toEqual(onlyA.body.map((u: any) => u.id).sort());
    expectProblem(
      await api.request('GET', `/v1/users?tenantId=${tenantB.id}`, { token: adminA.token }),
      404,
      'not_found',
    );
  });

  it('is closed to API keys', async () => {
    const key = await issueApiKey(api, { token: admin }, tenantA.id, {
      scopes: ['numbers:read', 'numbers:write', 'keys:read', 'keys:write'],
    });
    expectProblem(await api.request('GET', '/v1/users', { apiKey: key.key }), 403, 'forbidden');
    const res = await api.request('POST', '/v1/users', {
      apiKey: key.key,
      body: {
        email: 'by-key@example.test',
        password: 'a-long-enough-password',
        role: 'tenant_admin',
        tenantId: tenantA.id,
      },
    });
    expectProblem(res, 403, 'forbidden');
  });
});
