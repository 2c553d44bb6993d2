import { createHmac } from 'node:crypto';
import {
  createTenant,
  createUser,
  expectProblem,
  expectStatus,
  issueApiKey,
  sleep,
  startTestApi,
  type TestApi,
  withDb,
} from '@bsp/testing';

function login(api: TestApi, email: string, password: string) {
  return api.request('POST', '/v1/auth/login', { body: { email, password } });
}

/** An HS256 JWT with the right shape, signed with a secret of our choosing. */
function forgeJwt(secret: string, claims: Record<string, unknown>): string {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const unsigned = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

describe('auth', () => {
  let api: TestApi;
  let adminToken: string;

  beforeAll(async () => {
    api = await startTestApi();
    adminToken = await api.login(api.adminEmail, api.adminPassword);
  });
  afterAll(() => api.close());

  describe('login', () => {
    it('returns an access token, a refresh token, their type and lifetime', async () => {
      const res = await login(api, api.adminEmail, api.adminPassword);
      expectStatus(res, 200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        refreshToken: expect.stringMatching(/^[\w-]{20,}$/),
        tokenType: 'Bearer',
        expiresIn: 900,
      });
      const me = await api.request('GET', '/v1/me', { token: res.body.accessToken });
      expectStatus(me, 200);
    });

    it('treats the email case-insensitively', async () => {
      expectStatus(await login(api, api.adminEmail.toUpperCase(), api.adminPassword), 200);
    });

    it('answers a wrong password and an unknown email identically', async () => {
      const wrong = await login(api, api.adminEmail, 'not-the-password');
      const unknown = await login(api, 'nobody@example.test', 'not-the-password');
      const a = expectProblem(wrong, 401, 'invalid_credentials');
      const b = expectProblem(unknown, 401, 'invalid_credentials');
      const strip = ({ requestId: _r, ...rest }: any) => rest;
      expect(strip(a)).toEqual(strip(b));
      expect(wrong.text).not.toContain('not-the-password');
    });

    it('rejects a body without a password as a validation failure', async () => {
      const res = await api.request('POST', '/v1/auth/login', { body: { email: api.adminEmail } });
      const body = expectProblem(res, 400, 'validation_failed');
      expect(body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'password' })]));
    });
  });

  describe('/v1/me', () => {
    it('describes a person', async () => {
      const res = await api.request('GET', '/v1/me', { token: adminToken });
      expectStatus(res, 200);
      expect(res.body).toEqual({
        kind: 'user',
        id: expect.any(String),
        email: api.adminEmail,
        displayName: 'Platform admin',
        role: 'platform_admin',
        tenantId: null,
      });
    });

    it('describes a tenant user with their tenant', async () => {
      const tenant = await createTenant(api, adminToken);
      const viewer = await createUser(api, adminToken, 'tenant_viewer', tenant.id);
      const res = await api.request('GET', '/v1/me', { token: viewer.token });
      expectStatus(res, 200);
      expect(res.body).toMatchObject({
        kind: 'user',
        id: viewer.id,
        email: viewer.email,
        role: 'tenant_viewer',
        tenantId: tenant.id,
      });
    });

    it('describes an API key, sent either way', async () => {
      const tenant = await createTenant(api, adminToken);
      const issued = await issueApiKey(api, { token: adminToken }, tenant.id, {
        name: 'me-key',
        scopes: ['numbers:read'],
      });
      for (const apiKeyHeader of ['x-api-key', 'bearer'] as const) {
        const res = await api.request('GET', '/v1/me', { apiKey: issued.key, apiKeyHeader });
        expectStatus(res, 200);
        expect(res.body).toEqual({
          kind: 'api_key',
          id: issued.id,
          name: 'me-key',
          tenantId: tenant.id,
          scopes: ['numbers:read'],
          numberIds: [],
          expiresAt: null,
        });
      }
    });

    it('is 401 without credentials, with an unknown token, a forged token or a token of a disabled user', async () => {
      expectProblem(await api.request('GET', '/v1/me'), 401, 'unauthenticated');
      expectProblem(await api.request('GET', '/v1/me', { token: 'not-a-token' }), 401, 'unauthenticated');
      const me = await api.request('GET', '/v1/me', { token: adminToken });
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        sub: me.body.id,
        role: 'platform_admin',
        tid: null,
        typ: 'access',
        iat: now,
        exp: now + 600,
      };
      const forged = forgeJwt('some-other-secret-that-is-long-enough-000', {
        ...claims,
        iss: 'bsp-control-plane',
        aud: 'bsp-api',
      });
      expectProblem(await api.request('GET', '/v1/me', { token: forged }), 401, 'unauthenticated');
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(
        JSON.stringify(claims),
      ).toString('base64url')}.`;
      expectProblem(await api.request('GET', '/v1/me', { token: unsigned }), 401, 'unauthenticated');

      const tenant = await createTenant(api, adminToken);
      const user = await createUser(api, adminToken, 'tenant_admin', tenant.id);
      expectStatus(await api.request('GET', '/v1/me', { token: user.token }), 200);
      await withDb(api, (c) => c.query('UPDATE users SET disabled_at = now() WHERE id = $1', [user.id]));
      expectProblem(await api.request('GET', '/v1/me', { token: user.token }), 401, 'unauthenticated');
      expectProblem(await login(api, user.email, user.password), 401, 'invalid_credentials');
    });

    it('is 401 for a malformed or unknown API key', async () => {
      for (const apiKey of [
        'bsp_live_nothex_x',
        `bsp_live_${'0'.repeat(32)}_${'A'.repeat(40)}`,
        'plainly-wrong',
      ]) {
        expectProblem(await api.request('GET', '/v1/me', { apiKey }), 401, 'unauthenticated');
        expectProblem(
          await api.request('GET', '/v1/me', { apiKey, apiKeyHeader: 'bearer' }),
          401,
          'unauthenticated',
        );
      }
    });
  });

  describe('refresh and logout', () => {
    it('rotates the refresh token; reusing the old one fails and revokes the new one too', async () => {
      const first = await login(api, api.adminEmail, api.adminPassword);
      const second = await api.request('POST', '/v1/auth/refresh', {
        body: { refreshToken: first.body.refreshToken },
      });
      expectStatus(second, 200);
      expect(second.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
      expect(second.body.refreshToken).not.toBe(first.body.refreshToken);
      expectStatus(await api.request('GET', '/v1/me', { token: second.body.accessToken }), 200);

      const reused = await api.request('POST', '/v1/auth/refresh', {
        body: { refreshToken: first.body.refreshToken },
      });
      expectProblem(reused, 401, 'invalid_refresh_token');
      const afterTheft = await api.request('POST', '/v1/auth/refresh', {
        body: { refreshToken: second.body.refreshToken },
      });
      expectProblem(afterTheft, 401, 'invalid_refresh_token');
    });

    it('chains several refreshes', async () => {
      let refreshToken = (await login(api, api.adminEmail, api.adminPassword)).body.refreshToken;
      for (let i = 0; i < 3; i++) {
        const res = await api.request('POST', '/v1/auth/refresh', { body: { refreshToken } });
        expectStatus(res, 200);
        refreshToken = res.body.refreshToken;
      }
    });

    it('refuses an unknown refresh token', async () => {
      const res = await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: 'x'.repeat(43) } });
      expectProblem(res, 401, 'invalid_refresh_token');
    });

    it('logout ends the session; logging out again is harmless', async () => {
      const session = await login(api, api.adminEmail, api.adminPassword);
      const out = await api.request('POST', '/v1/auth/logout', {
        body: { refreshToken: session.body.refreshToken },
      });
      expectStatus(out, 204);
      expect(out.text).toBe('');
      const res = await api.request('POST', '/v1/auth/refresh', {
        body: { refreshToken: session.body.refreshToken },
      });
      expectProblem(res, 401, 'invalid_refresh_token');
      expectStatus(
        await api.request('POST', '/v1/auth/logout', { body: { refreshToken: session.body.refreshToken } }),
        204,
      );
      expectStatus(
        await api.request('POST', '/v1/auth/logout', { body: { refreshToken: 'y'.repeat(43) } }),
        204,
      );
    });

    it('refuses to refresh for a user disabled since', async () => {
      const tenant = await createTenant(api, adminToken);
      const user = await createUser(api, adminToken, 'tenant_viewer', tenant.id);
      const session = await login(api, user.email, user.password);
      await withDb(api, (c) => c.query('UPDATE users SET disabled_at = now() WHERE id = $1', [user.id]));
      const res = await api.request('POST', '/v1/auth/refresh', {
        body: { refreshToken: session.body.refreshToken },
      });
      expectProblem(res, 401, 'invalid_refresh_token');
    });
  });
});

describe('login throttling', () => {
  let api: TestApi;
  let adminToken: string;
  beforeAll(async () => {
    // TRUST_PROXY lets each scenario come from its own client address (X-Forwarded-For).
    api = await startTestApi({
      LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '3',
      LOGIN_MAX_ATTEMPTS_PER_IP: '5',
      TRUST_PROXY: '1',
    });
    adminToken = await api.login(api.adminEmail, api.adminPassword);
  });
  afterAll(() => api.close());

  const loginFrom = (ip: string, email: string, password: string) =>
    api.request('POST', '/v1/auth/login', { body: { email, password }, headers: { 'x-forwarded-for': ip } });

  it('lets no more guesses through than the limits, however many arrive at once', async () => {
    const tenant = await createTenant(api, adminToken);
    const victim = await createUser(api, adminToken, 'tenant_viewer', tenant.id);
    const tally = (responses: { status: number }[]) => ({
      evaluated: responses.filter((r) => r.status === 401).length,
      throttled: responses.filter((r) => r.status === 429).length,
    });
    const ip = '203.0.113.7';
    const sameAccount = await Promise.all(
      Array.from({ length: 10 }, (_, i) => loginFrom(ip, victim.email, `guess-${i}`)),
    );
    expect(tally(sameAccount)).toEqual({ evaluated: 3, throttled: 7 });
    for (const r of sameAccount.filter((x) => x.status === 429)) expectProblem(r, 429, 'too_many_attempts');
    expectProblem(await loginFrom('198.51.100.1', victim.email, victim.password), 429, 'too_many_attempts');

    // 3 of the address's 5 are used; spreading guesses over many accounts gets only the other 2 evaluated.
    const manyAccounts = await Promise.all(
      Array.from({ length: 10 }, (_, i) => loginFrom(ip, `spray-${i}@example.test`, 'guess')),
    );
    expect(tally(manyAccounts)).toEqual({ evaluated: 2, throttled: 8 });
  });

  it('blocks an account after too many failures, even with the right password, then the whole address', async () => {
    const tenant = await createTenant(api, adminToken);
    const user = await createUser(api, adminToken, 'tenant_admin', tenant.id); // its own login does not count
    const ip = '203.0.113.20';

    for (let i = 0; i < 3; i++)
      expectProblem(await loginFrom(ip, user.email, `wrong-${i}`), 401, 'invalid_credentials');
    const blocked = await loginFrom(ip, user.email, user.password);
    expectProblem(blocked, 429, 'too_many_attempts');
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(blocked.text).not.toContain(user.password);
    // The account is blocked from every address.
    expectProblem(await loginFrom('203.0.113.21', user.email, user.password), 429, 'too_many_attempts');

    // Another account from the same address is not blocked yet (3 of 5 failures) ...
    expectStatus(await loginFrom(ip, api.adminEmail, api.adminPassword), 200);
    // ... until the address reaches its own limit, with accounts it has never tried before.
    expectProblem(await loginFrom(ip, 'ghost-1@example.test', 'x'), 401, 'invalid_credentials');
    expectProblem(await loginFrom(ip, 'ghost-2@example.test', 'x'), 401, 'invalid_credentials');
    const byIp = await loginFrom(ip, api.adminEmail, api.adminPassword);
    expectProblem(byIp, 429, 'too_many_attempts');
    expect(Number(byIp.headers.get('retry-after'))).toBeGreaterThan(0);
    // Other addresses are unaffected.
    expectStatus(await loginFrom('203.0.113.22', api.adminEmail, api.adminPassword), 200);

    // Tokens already issued keep working: the throttle guards login only.
    expectStatus(await api.request('GET', '/v1/me', { token: user.token }), 200);
  });
});

describe('access token expiry', () => {
  let api: TestApi;
  beforeAll(async () => {
    // 2 s rather than 1 s: JWT times are whole seconds, so a 1 s token may already be dead when first used.
    // The environment is per process, so the throttling suite's overrides are set back to defaults.
    api = await startTestApi({
      JWT_ACCESS_TTL_SECONDS: '2',
      LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '5',
      LOGIN_MAX_ATTEMPTS_PER_IP: '30',
      TRUST_PROXY: '0',
    });
  });
  afterAll(() => api.close());

  it('refuses an expired access token; a refresh gives a working one', async () => {
    const session = await login(api, api.adminEmail, api.adminPassword);
    expect(session.body.expiresIn).toBe(2);
    expectStatus(await api.request('GET', '/v1/me', { token: session.body.accessToken }), 200);
    await sleep(3100);
    expectProblem(
      await api.request('GET', '/v1/me', { token: session.body.accessToken }),
      401,
      'unauthenticated',
    );
    const refreshed = await api.request('POST', '/v1/auth/refresh', {
      body: { refreshToken: session.body.refreshToken },
    });
    expectStatus(refreshed, 200);
    expectStatus(await api.request('GET', '/v1/me', { token: refreshed.body.accessToken }), 200);
  });
});
