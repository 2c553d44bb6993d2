import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { expect } from 'vitest';
import type { TestApi, TestResponse } from './test-api';

/** Asserts an RFC 9457 problem response with our stable code; returns the body for further checks. */
export function expectProblem(res: TestResponse, status: number, code: string): any {
  expect({ status: res.status, code: res.body?.code }, res.text).toEqual({ status, code });
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: `urn:bsp:problem:${code}`, status, code });
  expect(typeof res.body.title).toBe('string');
  expect(typeof res.body.detail).toBe('string');
  return res.body;
}

/** Asserts a 400 validation_failed naming the field (and the rule, if given). */
export function expectFieldError(res: TestResponse, field: string, code?: string): any {
  const body = expectProblem(res, 400, 'validation_failed');
  expect(body.errors).toEqual(
    expect.arrayContaining([expect.objectContaining({ field, ...(code && { code }) })]),
  );
  return body;
}

export function expectStatus(res: TestResponse, status: number): void {
  expect(res.status, `${res.status} ${res.text}`).toBe(status);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function unique(prefix = 't'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

let numberCounter = 0;
/** A distinct valid German mobile number (E.164) per call within a process. */
export function freshPhoneNumber(): string {
  numberCounter += 1;
  const tail = (process.pid % 1000) * 100_000 + numberCounter;
  return `+49151${String(tail).padStart(8, '0')}`;
}

export async function createTenant(
  api: TestApi,
  token: string,
  body: { name?: string; slug?: string; dataRegion?: string } = {},
): Promise<any> {
  const res = await api.request('POST', '/v1/tenants', {
    token,
    body: {
      name: body.name ?? unique('Tenant'),
      dataRegion: body.dataRegion ?? 'eu-central',
      ...(body.slug && { slug: body.slug }),
    },
  });
  expectStatus(res, 201);
  return res.body;
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  token: string;
}

/** Creates a user through the API (as `creatorToken`) and logs in as them. */
export async function createUser(
  api: TestApi,
  creatorToken: string,
  role: 'platform_admin' | 'operator' | 'tenant_admin' | 'tenant_viewer',
  tenantId?: string,
): Promise<TestUser> {
  const email = `${unique(role.replace('_', '-'))}@example.test`;
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const res = await api.request('POST', '/v1/users', {
    token: creatorToken,
    body: { email, password, role, tenantId },
  });
  expectStatus(res, 201);
  return { id: res.body.id, email, password, token: await api.login(email, password) };
}

export async function createNumber(
  api: TestApi,
  auth: { token?: string; apiKey?: string },
  tenantId: string,
  body: { phoneNumber?: string; displayName?: string; region?: string; mode?: string } = {},
): Promise<any> {
  const res = await api.request('POST', `/v1/tenants/${tenantId}/numbers`, {
    ...auth,
    body: { phoneNumber: freshPhoneNumber(), ...body },
  });
  expectStatus(res, 201);
  return res.body;
}

export async function issueApiKey(
  api: TestApi,
  auth: { token?: string; apiKey?: string },
  tenantId: string,
  body: { name?: string; scopes?: string[]; numberIds?: string[]; expiresAt?: string } = {},
): Promise<any> {
  const res = await api.request('POST', `/v1/tenants/${tenantId}/api-keys`, {
    ...auth,
    body: { name: body.name ?? unique('key'), scopes: body.scopes ?? ['numbers:read'], ...body },
  });
  expectStatus(res, 201);
  return res.body;
}

/** Runs `fn` with a direct connection to the test API's database. */
export async function withDb<T>(api: TestApi, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: api.db.url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function countRows(api: TestApi, table: string): Promise<number> {
  return withDb(api, async (c) =>
    Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}"`)).rows[0]!.n),
  );
}

/** Row counts of every domain table, to prove that rejected requests wrote nothing. */
export async function countAllRows(api: TestApi): Promise<Record<string, number>> {
  const tables = [
    'tenants',
    'users',
    'refresh_tokens',
    'clusters',
    'phone_numbers',
    'placements',
    'api_keys',
    'audit_events',
  ];
  return withDb(api, async (c) => {
    const out: Record<string, number> = {};
    for (const table of tables)
      out[table] = Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}"`)).rows[0]!.n);
    return out;
  });
}

/** Audit events matching a query string (as the platform admin), newest first. */
export async function auditEvents(
  api: TestApi,
  token: string,
  query: Record<string, string> = {},
): Promise<any[]> {
  const res = await api.request(
    'GET',
    `/v1/audit-events?${new URLSearchParams({ limit: '200', ...query }).toString()}`,
    {
      token,
    },
  );
  expectStatus(res, 200);
  return res.body.items;
}
