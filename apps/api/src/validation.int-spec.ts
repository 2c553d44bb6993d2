import {
  countAllRows,
  createNumber,
  createTenant,
  expectFieldError,
  expectProblem,
  expectStatus,
  freshPhoneNumber,
  issueApiKey,
  startTestApi,
  type TestApi,
} from '@bsp/testing';

describe('request validation', () => {
  let api: TestApi;
  let admin: string;
  let tenant: any;
  let number: any;
  let key: any;
  let rowsBefore: Record<string, number>;

  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.login(api.adminEmail, api.adminPassword);
    tenant = await createTenant(api, admin);
    number = await createNumber(api, { token: admin }, tenant.id);
    key = await issueApiKey(api, { token: admin }, tenant.id, {
      scopes: ['numbers:read', 'numbers:write', 'keys:read', 'keys:write'],
    });
    rowsBefore = await countAllRows(api);
  });
  afterAll(() => api.close());

  const post = (path: string, body: unknown) => api.request('POST', path, { token: admin, body });

  describe('unknown fields', () => {
    it.each([
      [
        'POST /v1/tenants',
        'POST',
        '/v1/tenants',
        { name: 'X', dataRegion: 'eu-central', isVip: true },
        'isVip',
      ],
      [
        'PATCH /v1/tenants/:id',
        'PATCH',
        'tenant',
        { name: 'X', id: '00000000-0000-4000-8000-000000000000' },
        'id',
      ],
      ['POST numbers', 'POST', 'numbers', { phoneNumber: '+4915199999999', state: 'active' }, 'state'],
      [
        'POST api-keys',
        'POST',
        'api-keys',
        { name: 'k', scopes: ['numbers:read'], secret: 'mine' },
        'secret',
      ],
      ['POST rotate', 'POST', 'rotate', { graceSeconds: 10, keepOld: true }, 'keepOld'],
      [
        'POST /v1/clusters',
        'POST',
        '/v1/clusters',
        {
          name: 'c',
          region: 'eu',
          zone: 'eu-1',
          apiServerUrl: 'https://k.example',
          credentialsRef: 'in-cluster',
          capacity: 1,
          token: 'x',
        },
        'token',
      ],
      [
        'POST /v1/users',
        'POST',
        '/v1/users',
        { email: 'u@example.test', password: 'long-enough-pw', role: 'operator', isAdmin: true },
        'isAdmin',
      ],
      [
        'POST /v1/auth/login',
        'POST',
        '/v1/auth/login',
        { email: 'a@example.test', password: 'x', remember: true },
        'remember',
      ],
    ])('%s refuses an unknown field', async (_label, method, where, body, field) => {
      const paths: Record<string, string> = {
        tenant: `/v1/tenants/${tenant.id}`,
        numbers: `/v1/tenants/${tenant.id}/numbers`,
        'api-keys': `/v1/tenants/${tenant.id}/api-keys`,
        rotate: `/v1/api-keys/${key.id}/rotate`,
      };
      const res = await api.request(method, paths[where] ?? where, { token: admin, body });
      const problem = expectFieldError(res, field, 'unknownField');
      expect(problem.errors).toEqual([
        { field, code: 'unknownField', message: `${field} is not a known field` },
      ]);
    });

    it('refuses unknown query parameters', async () => {
      expectFieldError(
        await api.request('GET', '/v1/tenants?sort=name', { token: admin }),
        'sort',
        'unknownField',
      );
      expectFieldError(
        await api.request('GET', `/v1/tenants/${tenant.id}/numbers?tenantId=x`, { token: admin }),
        'tenantId',
        'unknownField',
      );
    });
  });

  describe('wrong types and missing fields', () => {
    it('names every failing field', async () => {
      const res = await post('/v1/tenants', { name: 42, dataRegion: ['eu-central'] });
      const body = expectFieldError(res, 'name', 'isString');
      expect(body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'dataRegion', code: 'isString' })]),
      );
    });

    it.each([
      ['tenant name', '/v1/tenants', { name: true, dataRegion: 'eu-central' }, 'name'],
      ['scopes as a string', 'api-keys', { name: 'k', scopes: 'numbers:read' }, 'scopes'],
      [
        'numberIds as a string',
        'api-keys',
        { name: 'k', scopes: ['numbers:read'], numberIds: 'abc' },
        'numberIds',
      ],
      [
        'expiresAt as a number',
        'api-keys',
        { name: 'k', scopes: ['numbers:read'], expiresAt: 1893456000000 },
        'expiresAt',
      ],
      [
        'capacity as a string',
        '/v1/clusters',
        {
          name: 'c',
          region: 'eu',
          zone: 'eu-1',
          apiServerUrl: 'https://k.example',
          credentialsRef: 'in-cluster',
          capacity: '5',
        },
        'capacity',
      ],
      [
        'role not a role',
        '/v1/users',
        { email: 'u@example.test', password: 'long-enough-pw', role: 'root' },
        'role',
      ],
      [
        'email not an email',
        '/v1/users',
        { email: 'not-an-email', password: 'long-enough-pw', role: 'operator' },
        'email',
      ],
      [
        'short password',
        '/v1/users',
        { email: 'u@example.test', password: 'short', role: 'operator' },
        'password',
      ],
      ['mode as a number', 'numbers', { phoneNumber: '+4915199999999', mode: 1 }, 'mode'],
      ['graceSeconds as a string', 'rotate', { graceSeconds: '10' }, 'graceSeconds'],
      ['refresh token as a number', '/v1/auth/refresh', { refreshToken: 1234567890123 }, 'refreshToken'],
    ])('refuses %s', async (_label, where, body, field) => {
      const paths: Record<string, string> = {
        numbers: `/v1/tenants/${tenant.id}/numbers`,
        'api-keys': `/v1/tenants/${tenant.id}/api-keys`,
        rotate: `/v1/api-keys/${key.id}/rotate`,
      };
      expectFieldError(await post(paths[where] ?? where, body), field);
    });

    it('lists every missing required field', async () => {
      const tenantRes = expectFieldError(await post('/v1/tenants', {}), 'name');
      expect(new Set(tenantRes.errors.map((e: any) => e.field))).toEqual(new Set(['name', 'dataRegion']));
      const cluster = expectFieldError(await post('/v1/clusters', {}), 'name');
      expect(new Set(cluster.errors.map((e: any) => e.field))).toEqual(
        new Set(['name', 'region', 'zone', 'apiServerUrl', 'credentialsRef', 'capacity']),
      );
      expectFieldError(await post(`/v1/tenants/${tenant.id}/api-keys`, { name: 'k' }), 'scopes');
      expectFieldError(await post(`/v1/tenants/${tenant.id}/numbers`, {}), 'phoneNumber');
      expectFieldError(
        await post('/v1/users', { email: 'x@example.test', password: 'long-enough-pw' }),
        'role',
      );
    });

    it('treats a POST without a body as an empty object', async () => {
      const res = await api.request('POST', '/v1/tenants', { token: admin });
      expectFieldError(res, 'name');
    });

    it('refuses a JSON body that is not an object', async () => {
      for (const rawBody of [
        '[]',
        '[{"name":"X","dataRegion":"eu-central"}]',
        '"just a string"',
        '42',
        'null',
      ]) {
        const res = await api.request('POST', '/v1/tenants', { token: admin, rawBody });
        expect([400], `${rawBody}: ${res.status} ${res.text}`).toContain(res.status);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(['validation_failed', 'malformed_request']).toContain(res.body.code);
      }
    });
  });

  describe('malformed and oversized bodies', () => {
    it('answers malformed JSON with 400 malformed_request', async () => {
      for (const rawBody of ['{"name": ', "{'name': 'single quotes'}", '{"name": "X",}', 'name=X']) {
        const res = await api.request('POST', '/v1/tenants', { token: admin, rawBody });
        const problem = expectProblem(res, 400, 'malformed_request');
        expect(problem.detail).not.toContain(rawBody);
      }
    });

    it('answers a body over the limit with 413 payload_too_large, even before authentication', async () => {
      const big = { name: 'X', dataRegion: 'eu-central', padding: 'x'.repeat(110 * 1024) };
      expectProblem(await post('/v1/tenants', big), 413, 'payload_too_large');
      expectProblem(await api.request('POST', '/v1/tenants', { body: big }), 413, 'payload_too_large');
      // Just under the limit is parsed (and then refused for the unknown field, not for its size).
      const fits = await post('/v1/tenants', { ...big, padding: 'x'.repeat(90 * 1024) });
      expectFieldError(fits, 'padding', 'unknownField');
    });

    it('answers a body that is not JSON with 415 unsupported_media_type', async () => {
      const cases: [string, string][] = [
        ['text/plain', '{"name":"X","dataRegion":"eu-central"}'],
        ['application/x-www-form-urlencoded', 'name=X&dataRegion=eu-central'],
        ['application/xml', '<tenant/>'],
        ['application/json; charset=iso-8859-1', '{"name":"X","dataRegion":"eu-central"}'],
      ];
      for (const [contentType, rawBody] of cases) {
        const res = await api.request('POST', '/v1/tenants', {
          token: admin,
          rawBody,
          headers: { 'content-type': contentType },
        });
        expectProblem(res, 415, 'unsupported_media_type');
      }
    });
  });

  describe('paths', () => {
    it('refuses a path id that is not a UUID, naming the parameter', async () => {
      const cases: [string, string, string][] = [
        ['GET', '/v1/tenants/not-a-uuid', 'tenantId'],
        ['PATCH', '/v1/tenants/123', 'tenantId'],
        ['GET', '/v1/tenants/abc/numbers', 'tenantId'],
        ['GET', '/v1/numbers/abc', 'numberId'],
        ['DELETE', '/v1/numbers/1%27%20OR%201=1', 'numberId'],
        ['POST', '/v1/api-keys/xyz/rotate', 'keyId'],
        ['DELETE', '/v1/api-keys/xyz', 'keyId'],
        ['GET', '/v1/tenants/abc/api-keys', 'tenantId'],
      ];
      for (const [method, path, field] of cases) {
        const res = await api.request(method, path, {
          token: admin,
          ...(method === 'PATCH' || method === 'POST' ? { body: {} } : {}),
        });
        const problem = expectFieldError(res, field, 'isUuid');
        expect(problem.errors).toHaveLength(1);
      }
    });

    it('answers an unknown route with 404 route_not_found, authenticated or not', async () => {
      for (const [method, path] of [
        ['GET', '/v1/nope'],
        ['GET', '/v2/tenants'],
        ['PUT', `/v1/tenants/${tenant.id}`],
        ['DELETE', '/v1/tenants'],
        ['POST', `/v1/numbers/${number.id}`],
      ] as const) {
        const authed = await api.request(method, path, { token: admin });
        const problem = expectProblem(authed, 404, 'route_not_found');
        expect(problem.instance).toBe(path);
        expect(problem.requestId).toBe(authed.headers.get('x-request-id'));
        expectProblem(await api.request(method, path), 404, 'route_not_found');
      }
    });
  });

  it('wrote nothing for any rejected request', async () => {
    // Counted after the set-up in beforeAll: every request since was rejected (or only read).
    expect(await countAllRows(api)).toEqual(rowsBefore);
    expect(
      (await api.request('GET', `/v1/tenants/${tenant.id}/numbers`, { token: admin })).body.items,
    ).toHaveLength(1);
    expectStatus(
      await api.request('POST', `/v1/tenants/${tenant.id}/numbers`, {
        token: admin,
        body: { phoneNumber: freshPhoneNumber() },
      }),
      201,
    );
  });
});
