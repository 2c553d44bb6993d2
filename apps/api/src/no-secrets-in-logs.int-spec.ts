import { AppConfig } from '@bsp/config';
import {
  createTenant,
  expectStatus,
  freshPhoneNumber,
  type RequestOptions,
  startTestApi,
  type TestApi,
  type TestResponse,
} from '@bsp/testing';

interface Recorded {
  label: string;
  status: number;
  text: string;
  /** Secrets this response legitimately carries (the tokens of a login, the key of an issue). */
  carries: string[];
}

describe('no secret in any log line or error body', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ LOG_LEVEL: 'trace' });
  });
  afterAll(() => api.close());

  it('holds through a full session of people, tenants, numbers and API keys', async () => {
    const secrets = new Map<string, string>();
    const secret = (label: string, value: string): string => {
      expect(value.length, label).toBeGreaterThanOrEqual(12);
      secrets.set(value, label);
      return value;
    };
    const responses: Recorded[] = [];
    const call = async (
      label: string,
      method: string,
      path: string,
      options: RequestOptions = {},
    ): Promise<TestResponse> => {
      const res = await api.request(method, path, options);
      responses.push({ label, status: res.status, text: res.text, carries: [] });
      return res;
    };
    /** Registers the secrets a successful response hands out, and marks the response as allowed to hold them. */
    const handsOut = (res: TestResponse, ...values: [string, string][]) => {
      const recorded = responses[responses.length - 1]!;
      for (const [label, value] of values) {
        secret(label, value);
        recorded.carries.push(value);
        if (label.startsWith('api key ')) {
          const secretPart = value.slice(-40);
          secret(`${label} (secret part)`, secretPart);
          recorded.carries.push(secretPart);
        }
        if (label.includes('access token')) {
          const signature = value.split('.')[2]!;
          secret(`${label} (signature)`, signature);
          recorded.carries.push(signature);
        }
      }
      expect(res.status).toBeLessThan(300);
    };

    const config = api.app.get(AppConfig);
    secret('JWT_SECRET', config.get('JWT_SECRET'));
    secret('API_KEY_PEPPER', config.get('API_KEY_PEPPER'));
    secret('admin password', api.adminPassword);

    // People: login, users, refresh, logout, failed logins.
    const adminLogin = await call('admin login', 'POST', '/v1/auth/login', {
      body: { email: api.adminEmail, password: api.adminPassword },
    });
    handsOut(
      adminLogin,
      ['admin access token', adminLogin.body.accessToken],
      ['admin refresh token', adminLogin.body.refreshToken],
    );
    const admin = adminLogin.body.accessToken as string;
    const tenant = await createTenant(api, admin, { name: 'Secretive Co' });

    const userPassword = secret('user password', 'user-password-9f8e7d6c');
    expectStatus(
      await call('create user', 'POST', '/v1/users', {
        token: admin,
        body: {
          email: 'person@example.test',
          password: userPassword,
          role: 'tenant_admin',
          tenantId: tenant.id,
        },
      }),
      201,
    );
    const wrongPassword = secret('wrong password', 'almost-the-password-9f8e7d6');
    await call('wrong password', 'POST', '/v1/auth/login', {
      body: { email: 'person@example.test', password: wrongPassword },
    });
    await call('unknown user', 'POST', '/v1/auth/login', {
      body: { email: 'ghost@example.test', password: wrongPassword },
    });
    const leakyJson = secret('password in malformed JSON', 'malformed-body-password-1');
    await call('malformed login', 'POST', '/v1/auth/login', {
      rawBody: `{"email":"person@example.test","password":"${leakyJson}",`,
    });
    const badField = secret('password in a bad field', 'bad-field-password-12345');
    await call('login with extra field', 'POST', '/v1/auth/login', {
      body: { email: 'person@example.test', password: userPassword, passwd: badField },
    });
    await call('login with wrong type', 'POST', '/v1/auth/login', {
      body: { email: 'person@example.test', password: [userPassword] },
    });

    const userLogin = await call('user login', 'POST', '/v1/auth/login', {
      body: { email: 'person@example.test', password: userPassword },
    });
    handsOut(
      userLogin,
      ['user access token', userLogin.body.accessToken],
      ['user refresh token 1', userLogin.body.refreshToken],
    );
    const refreshed = await call('refresh', 'POST', '/v1/auth/refresh', {
      body: { refreshToken: userLogin.body.refreshToken },
    });
    handsOut(
      refreshed,
      ['refreshed access token', refreshed.body.accessToken],
      ['user refresh token 2', refreshed.body.refreshToken],
    );
    await call('refresh reuse', 'POST', '/v1/auth/refresh', {
      body: { refreshToken: userLogin.body.refreshToken },
    });
    const again = await call('user login again', 'POST', '/v1/auth/login', {
      body: { email: 'person@example.test', password: userPassword },
    });
    handsOut(
      again,
      ['second access token', again.body.accessToken],
      ['user refresh token 3', again.body.refreshToken],
    );
    await call('logout', 'POST', '/v1/auth/logout', { body: { refreshToken: again.body.refreshToken } });
    await call('refresh after logout', 'POST', '/v1/auth/refresh', {
      body: { refreshToken: again.body.refreshToken },
    });
    const person = again.body.accessToken as string;
    await call('me', 'GET', '/v1/me', { token: person });
    await call('token in a query string', 'GET', `/v1/me?access_token=${person}`, { token: person });
    await call('bad bearer', 'GET', '/v1/me', { token: `${person}x` });

    // Tenants and numbers.
    await call('rename tenant', 'PATCH', `/v1/tenants/${tenant.id}`, {
      token: person,
      body: { name: 'Still Secretive' },
    });
    const number = await call('create number', 'POST', `/v1/tenants/${tenant.id}/numbers`, {
      token: person,
      body: { phoneNumber: freshPhoneNumber() },
    });
    expectStatus(number, 201);

    // API keys: issue, use both ways, rotate, use old and new, revoke, use revoked.
    const issued = await call('issue key', 'POST', `/v1/tenants/${tenant.id}/api-keys`, {
      token: person,
      body: { name: 'integration', scopes: ['numbers:read', 'numbers:write', 'keys:read', 'keys:write'] },
    });
    handsOut(issued, ['api key 1', issued.body.key]);
    const key1 = issued.body.key as string;
    await call('key via header', 'GET', `/v1/tenants/${tenant.id}/numbers`, { apiKey: key1 });
    await call('key via bearer', 'GET', `/v1/numbers/${number.body.id}`, {
      apiKey: key1,
      apiKeyHeader: 'bearer',
    });
    const child = await call('key issues key', 'POST', `/v1/tenants/${tenant.id}/api-keys`, {
      apiKey: key1,
      body: { name: 'child', scopes: ['numbers:read'] },
    });
    handsOut(child, ['api key child', child.body.key]);
    await call('child escalates', 'POST', `/v1/tenants/${tenant.id}/api-keys`, {
      apiKey: child.body.key,
      apiKeyHeader: 'bearer',
      body: { name: 'grandchild', scopes: ['keys:write'] },
    });
    await call('key in a query string', 'GET', `/v1/tenants/${tenant.id}/numbers?apiKey=${key1}`, {
      apiKey: key1,
    });
    await call('key in a body', 'POST', `/v1/tenants/${tenant.id}/numbers`, {
      apiKey: key1,
      body: { phoneNumber: freshPhoneNumber(), apiKey: key1 },
    });
    await call('list keys', 'GET', `/v1/tenants/${tenant.id}/api-keys`, { apiKey: key1 });

    const rotated = await call('rotate key', 'POST', `/v1/api-keys/${issued.body.id}/rotate`, {
      token: person,
      body: { graceSeconds: 60 },
    });
    handsOut(rotated, ['api key 2', rotated.body.key]);
    const key2 = rotated.body.key as string;
    await call('old key in grace', 'GET', `/v1/tenants/${tenant.id}/numbers`, { apiKey: key1 });
    await call('new key', 'GET', `/v1/tenants/${tenant.id}/numbers`, {
      apiKey: key2,
      apiKeyHeader: 'bearer',
    });
    await call('rotate old again', 'POST', `/v1/api-keys/${issued.body.id}/rotate`, {
      token: person,
      body: {},
    });
    await call('revoke new', 'DELETE', `/v1/api-keys/${rotated.body.id}`, { apiKey: key2 });
    await call('revoked key', 'GET', `/v1/tenants/${tenant.id}/numbers`, { apiKey: key2 });
    await call('revoked key via bearer', 'GET', `/v1/tenants/${tenant.id}/numbers`, {
      apiKey: key2,
      apiKeyHeader: 'bearer',
    });
    await call('tampered key', 'GET', `/v1/tenants/${tenant.id}/numbers`, {
      apiKey: `${key1.slice(0, -1)}Z`,
    });
    await call('key as x-api-key garbage', 'GET', '/v1/me', { headers: { 'x-api-key': `${key1} ${key2}` } });

    // A fencing agent's lease renewal with a pod-set token (refused here: no such lease).
    const leaseToken = secret('lease token', 'LeAsEtOkEn_0123456789abcdefghijklmnopqrstuv');
    await call('lease renewal', 'POST', '/internal/v1/leases/renew', {
      headers: { authorization: `Bearer ${leaseToken}` },
      body: { placementId: '00000000-0000-4000-8000-000000000001', epoch: '1' },
    });

    // Reading the trail back, as JSON and as CSV.
    await call('audit json', 'GET', '/v1/audit-events?limit=200', { token: admin });
    await call('audit csv', 'GET', '/v1/audit-events', { token: admin, headers: { accept: 'text/csv' } });

    // Let the last request log lines and the usage tracker's flush land.
    await new Promise((resolve) => setTimeout(resolve, 100));

    // Sanity: the session really ran, and every request was logged (plus createTenant's).
    expect(responses.filter((r) => r.status >= 400).length).toBeGreaterThanOrEqual(12);
    expect(secrets.size).toBeGreaterThanOrEqual(20);
    expect(api.logs.length).toBeGreaterThan(responses.length);
    expect(api.logs.filter((line) => line.includes('"msg":"request completed"')).length).toBe(
      responses.length + 1,
    );

    const logText = api.logs.join('\n');
    const leaks: string[] = [];
    for (const [value, label] of secrets) {
      if (logText.includes(value)) leaks.push(`logs contain ${label}`);
      for (const r of responses) {
        if (r.text.includes(value) && !r.carries.includes(value))
          leaks.push(`response "${r.label}" (${r.status}) contains ${label}`);
      }
    }
    expect(leaks).toEqual([]);

    // Error bodies carry no secret at all, not even one the caller sent.
    for (const r of responses.filter((x) => x.status >= 400)) {
      expect(r.carries).toEqual([]);
      expect(r.text).not.toMatch(/bsp_live_[0-9a-f]{32}_[0-9A-Za-z]{40}/);
      expect(r.text).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    }
  });
});
