import {
  auditEvents,
  countRows,
  createTenant,
  createUser,
  expectFieldError,
  expectProblem,
  expectStatus,
  issueApiKey,
  startTestApi,
  type TestApi,
  withDb,
} from '@bsp/testing';

describe('clusters', () => {
  let api: TestApi;
  let admin: string;

  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.login(api.adminEmail, api.adminPassword);
  });
  afterAll(() => api.close());

  const valid = (overrides: Record<string, unknown> = {}) => ({
    name: 'eu-central-1',
    region: 'eu-central',
    zone: 'eu-central-1a',
    apiServerUrl: 'https://k8s-eu-1.bsp.example:6443',
    credentialsRef: 'secret:bsp-system/cluster-eu-1',
    capacity: 500,
    ...overrides,
  });
  const register = (body: unknown, token = admin) => api.request('POST', '/v1/clusters', { token, body });

  it('registers a cluster as a platform admin, and audits it', async () => {
    const res = await register(valid());
    expectStatus(res, 201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'eu-central-1',
      region: 'eu-central',
      zone: 'eu-central-1a',
      apiServerUrl: 'https://k8s-eu-1.bsp.example:6443',
      credentialsRef: 'secret:bsp-system/cluster-eu-1',
      capacity: 500,
      state: 'active',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const [event] = await auditEvents(api, admin, { action: 'cluster.create', targetId: res.body.id });
    expect(event).toMatchObject({
      target: { type: 'cluster', id: res.body.id },
      tenantId: null,
      after: { name: 'eu-central-1' },
    });
  });

  it('accepts every form of credentials reference', async () => {
    for (const [i, credentialsRef] of [
      'in-cluster',
      'kubeconfig:/etc/bsp/kubeconfig#eu-2',
      'secret:ns/name.v1',
    ].entries()) {
      expectStatus(await register(valid({ name: `ref-${i}`, credentialsRef })), 201);
    }
  });

  it('refuses a duplicate name with 409 cluster_name_taken', async () => {
    expectStatus(await register(valid({ name: 'dup-cluster' })), 201);
    expectProblem(
      await register(valid({ name: 'dup-cluster', region: 'us-east' })),
      409,
      'cluster_name_taken',
    );
  });

  it.each([
    ['credentialsRef', { credentialsRef: 'password=hunter2' }],
    ['credentialsRef', { credentialsRef: 'kubeconfig:/no/context' }],
    ['credentialsRef', { credentialsRef: 'secret:Upper/Case' }],
    ['apiServerUrl', { apiServerUrl: 'not a url' }],
    ['apiServerUrl', { apiServerUrl: 'ftp://k8s.example' }],
    ['apiServerUrl', { apiServerUrl: 'k8s.example:6443' }],
    ['name', { name: 'Not_A_Label' }],
    ['zone', { zone: '' }],
    ['capacity', { capacity: -1 }],
    ['capacity', { capacity: '10' }],
    ['capacity', { capacity: 1.5 }],
  ])('refuses a bad %s with 400 and writes nothing', async (field, overrides) => {
    const before = await countRows(api, 'clusters');
    expectFieldError(await register(valid({ name: 'bad-one', ...overrides })), field);
    expect(await countRows(api, 'clusters')).toBe(before);
  });

  it('lists clusters, filtered by region', async () => {
    await register(valid({ name: 'us-1', region: 'us-east', zone: 'us-east-1a' }));
    await register(valid({ name: 'us-2', region: 'us-east', zone: 'us-east-1b' }));
    const all = await api.request('GET', '/v1/clusters', { token: admin });
    expectStatus(all, 200);
    expect(all.body.map((c: any) => c.name)).toEqual(
      expect.arrayContaining(['eu-central-1', 'us-1', 'us-2']),
    );
    const us = await api.request('GET', '/v1/clusters?region=us-east', { token: admin });
    expectStatus(us, 200);
    expect(us.body.map((c: any) => c.name)).toEqual(['us-1', 'us-2']);
    expect((await api.request('GET', '/v1/clusters?region=ap-south', { token: admin })).body).toEqual([]);
    expectFieldError(await api.request('GET', '/v1/clusters?region=Not%20Valid', { token: admin }), 'region');
  });

  it('is for platform staff: operators list, only platform admins register, tenants and keys neither', async () => {
    const operator = await createUser(api, admin, 'operator');
    expectStatus(await api.request('GET', '/v1/clusters', { token: operator.token }), 200);
    expectProblem(await register(valid({ name: 'by-operator' }), operator.token), 403, 'forbidden');
    const tenant = await createTenant(api, admin);
    const tenantAdmin = await createUser(api, admin, 'tenant_admin', tenant.id);
    expectProblem(await api.request('GET', '/v1/clusters', { token: tenantAdmin.token }), 403, 'forbidden');
    const key = await issueApiKey(api, { token: admin }, tenant.id, {
      scopes: ['numbers:read', 'numbers:write', 'keys:read', 'keys:write'],
    });
    expectProblem(await api.request('GET', '/v1/clusters', { apiKey: key.key }), 403, 'forbidden');
    expectProblem(
      await api.request('POST', '/v1/clusters', { apiKey: key.key, body: valid({ name: 'by-key' }) }),
      403,
      'forbidden',
    );
  });

  describe('cordon, capacity, retire', () => {
    const patch = (id: string, body: unknown, token = admin) =>
      api.request('PATCH', `/v1/clusters/${id}`, { token, body });

    it('an operator cordons a cluster and puts it back, audited with before and after', async () => {
      const created = await register(valid({ name: 'cordon-me' }));
      const operator = await createUser(api, admin, 'operator');
      const cordoned = await patch(created.body.id, { state: 'cordoned' }, operator.token);
      expectStatus(cordoned, 200);
      expect(cordoned.body).toMatchObject({ state: 'cordoned', capacity: 500 });
      const [event] = await auditEvents(api, admin, { action: 'cluster.update', targetId: created.body.id });
      expect(event).toMatchObject({ before: { state: 'active' }, after: { state: 'cordoned' } });
      const back = await patch(created.body.id, { state: 'active', capacity: 20 });
      expect(back.body).toMatchObject({ state: 'active', capacity: 20 });
    });

    it('refuses what it cannot do: unknown fields or states, negative capacity, missing cluster', async () => {
      const created = await register(valid({ name: 'patch-bad' }));
      expectFieldError(await patch(created.body.id, { state: 'unreachable' }), 'state');
      expectFieldError(await patch(created.body.id, { capacity: -1 }), 'capacity');
      expectProblem(await patch(created.body.id, { name: 'renamed' }), 400, 'validation_failed');
      expectProblem(await patch('00000000-0000-4000-8000-00000000dead', { capacity: 1 }), 404, 'not_found');
    });

    it('retires only an empty cluster', async () => {
      const created = await register(valid({ name: 'retire-me' }));
      const tenant = await createTenant(api, admin);
      const numberRes = await api.request('POST', `/v1/tenants/${tenant.id}/numbers`, {
        token: admin,
        body: { phoneNumber: '+4915199900011' },
      });
      expectStatus(numberRes, 201);
      await withDb(api, (pg) =>
        pg.query(
          `INSERT INTO placements (id, number_id, cluster_id, role, namespace, state, updated_at)
           VALUES (gen_random_uuid(), $1, $2, 'primary', 'wa-test', 'ready', now())`,
          [numberRes.body.id, created.body.id],
        ),
      );
      expectProblem(await patch(created.body.id, { state: 'retired' }), 409, 'invalid_state');
      const empty = await register(valid({ name: 'retire-empty' }));
      expect((await patch(empty.body.id, { state: 'retired' })).body.state).toBe('retired');
    });
  });
});
