import { randomBytes } from 'node:crypto';
import type { ApiKeyScope, UserRole } from '@bsp/contracts';

/**
 * The principals and resources of the authorization matrix (authorization-matrix.int-spec.ts):
 * two tenants with numbers and keys, people of every role, and API keys in every state.
 */

export type TenantName = 'A' | 'B';

export interface PrincipalSpec {
  name: string;
  /** anonymous: no credentials; invalid: credentials the API must refuse with 401. */
  kind: 'anonymous' | 'invalid' | 'user' | 'key';
  role?: UserRole;
  /** The tenant a tenant user or API key is confined to (staff: none). */
  tenant?: TenantName;
  scopes?: readonly ApiKeyScope[];
  /** A key bound to some numbers of its tenant. */
  bound?: boolean;
  /** A valid key with an end of life (here: the old key in its rotation grace window). */
  expires?: boolean;
}

const ALL_SCOPES: readonly ApiKeyScope[] = ['numbers:read', 'numbers:write', 'keys:read', 'keys:write'];

export const PRINCIPALS: readonly PrincipalSpec[] = [
  { name: 'anonymous', kind: 'anonymous' },
  { name: 'garbage X-API-Key', kind: 'invalid' },
  { name: 'malformed bsp_ key', kind: 'invalid' },
  { name: 'forged key (real id, wrong secret)', kind: 'invalid' },
  { name: 'forged JWT (role edited)', kind: 'invalid' },
  { name: 'revoked key(A)', kind: 'invalid' },
  { name: 'expired key(A)', kind: 'invalid' },
  { name: 'rotated key(A) after grace', kind: 'invalid' },
  { name: 'key(C) of a suspended tenant', kind: 'invalid' },
  { name: 'platform_admin', kind: 'user', role: 'platform_admin' },
  { name: 'operator', kind: 'user', role: 'operator' },
  { name: 'tenant_admin(A)', kind: 'user', role: 'tenant_admin', tenant: 'A' },
  { name: 'tenant_viewer(A)', kind: 'user', role: 'tenant_viewer', tenant: 'A' },
  { name: 'tenant_admin(B)', kind: 'user', role: 'tenant_admin', tenant: 'B' },
  { name: 'key(A, numbers:read)', kind: 'key', tenant: 'A', scopes: ['numbers:read'] },
  { name: 'key(A, numbers:write)', kind: 'key', tenant: 'A', scopes: ['numbers:write'] },
  { name: 'key(A, keys:read)', kind: 'key', tenant: 'A', scopes: ['keys:read'] },
  { name: 'key(A, keys:write)', kind: 'key', tenant: 'A', scopes: ['keys:write'] },
  { name: 'key(A, all scopes)', kind: 'key', tenant: 'A', scopes: ALL_SCOPES },
  { name: 'key(A, all scopes) as Bearer', kind: 'key', tenant: 'A', scopes: ALL_SCOPES },
  { name: 'key(A, all scopes, number-bound)', kind: 'key', tenant: 'A', scopes: ALL_SCOPES, bound: true },
  { name: 'rotated key(A) within grace', kind: 'key', tenant: 'A', scopes: ALL_SCOPES, expires: true },
  { name: 'replacement key(A)', kind: 'key', tenant: 'A', scopes: ALL_SCOPES },
  { name: 'key(B, all scopes)', kind: 'key', tenant: 'B', scopes: ALL_SCOPES },
];

export interface Credentials {
  token?: string;
  apiKey?: string;
  apiKeyHeader?: 'x-api-key' | 'bearer';
  headers?: Record<string, string>;
}

export interface Res<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export type Requester = (
  method: string,
  path: string,
  options?: Credentials & { body?: unknown },
) => Promise<Res>;

export interface World {
  tenantIds: Record<TenantName | 'C', string>;
  /** Number 1 of each tenant; the bound key is bound to A's number 1. */
  number1: Record<TenantName, string>;
  /** A number of tenant A that the bound key is not bound to. */
  numberA2: string;
  /** Numbers of A the bound key is bound to, one per cell that changes one, so each call has a fresh target. */
  boundPool: string[];
  /** Every number id the bound key is bound to. */
  boundNumberIds: string[];
  credentials: Record<string, Credentials>;
  /** The user or key id each valid principal should see in GET /v1/me. */
  principalIds: Record<string, string>;
  probeUser: { email: string; password: string };
  admin: Requester;
}

let phoneCounter = Math.floor(Math.random() * 5_000_000);
/** A distinct valid German mobile number in E.164 (the database is this file's own). */
export function freshPhoneNumber(): string {
  phoneCounter += 1;
  return `+49151${String(10_000_000 + phoneCounter).slice(-8)}`;
}

export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

function expectStatus(res: Res, status: number, what: string): void {
  if (res.status !== status) throw new Error(`fixture: ${what} answered ${res.status}: ${res.text}`);
}

interface IdBody {
  id: string;
}
interface KeyBody extends IdBody {
  key: string;
}

/** Builds the world through the API itself, as the platform admin. */
export async function buildWorld(
  request: Requester,
  login: (email: string, password: string) => Promise<string>,
  adminEmail: string,
  adminPassword: string,
): Promise<World> {
  const adminToken = await login(adminEmail, adminPassword);
  const admin: Requester = (method, path, options = {}) =>
    request(method, path, { token: adminToken, ...options });
  const tag = uniqueSuffix();

  const tenant = async (label: string): Promise<string> => {
    const res = await admin('POST', '/v1/tenants', {
      body: {
        name: `Matrix ${label} ${tag}`,
        slug: `matrix-${label.toLowerCase()}-${tag}`,
        dataRegion: 'eu-central',
      },
    });
    expectStatus(res, 201, `create tenant ${label}`);
    return (res.body as IdBody).id;
  };
  const tenantIds = { A: await tenant('A'), B: await tenant('B'), C: await tenant('C') };

  const password = `pw-${randomBytes(12).toString('hex')}`;
  const principalIds: Record<string, string> = {};
  const credentials: Record<string, Credentials> = {};
  const me = await admin('GET', '/v1/me');
  principalIds.platform_admin = (me.body as IdBody).id;
  credentials.platform_admin = { token: adminToken };

  const user = async (
    name: string,
    role: UserRole,
    tenantId?: string,
  ): Promise<{ email: string; id: string }> => {
    const email = `${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-${tag}@matrix.test`;
    const res = await admin('POST', '/v1/users', {
      body: { email, password, role, ...(tenantId && { tenantId }) },
    });
    expectStatus(res, 201, `create user ${name}`);
    return { email, id: (res.body as IdBody).id };
  };
  const people: [string, UserRole, string | undefined][] = [
    ['operator', 'operator', undefined],
    ['tenant_admin(A)', 'tenant_admin', tenantIds.A],
    ['tenant_viewer(A)', 'tenant_viewer', tenantIds.A],
    ['tenant_admin(B)', 'tenant_admin', tenantIds.B],
  ];
  for (const [name, role, tenantId] of people) {
    const created = await user(name, role, tenantId);
    principalIds[name] = created.id;
    credentials[name] = { token: await login(created.email, password) };
  }
  const probe = await user('login-probe', 'tenant_viewer', tenantIds.A);

  const number = async (tenantId: string): Promise<string> => {
    const res = await admin('POST', `/v1/tenants/${tenantId}/numbers`, {
      body: { phoneNumber: freshPhoneNumber() },
    });
    expectStatus(res, 201, 'create number');
    return (res.body as IdBody).id;
  };
  const number1 = { A: await number(tenantIds.A), B: await number(tenantIds.B) };
  const numberA2 = await number(tenantIds.A);
  const boundPool: string[] = [];
  // One per cell that changes a number of A: DELETE, suspend and resume.
  for (let i = 0; i < PRINCIPALS.length * 3; i += 1) boundPool.push(await number(tenantIds.A));
  const boundNumberIds = [number1.A, ...boundPool];

  const issue = async (
    tenantId: string,
    scopes: readonly ApiKeyScope[],
    extra: object = {},
  ): Promise<KeyBody> => {
    const res = await admin('POST', `/v1/tenants/${tenantId}/api-keys`, {
      body: { name: `matrix ${uniqueSuffix()}`, scopes, ...extra },
    });
    expectStatus(res, 201, 'issue key');
    return res.body as KeyBody;
  };
  const rotate = async (keyId: string, graceSeconds: number): Promise<KeyBody> => {
    const res = await admin('POST', `/v1/api-keys/${keyId}/rotate`, { body: { graceSeconds } });
    expectStatus(res, 201, 'rotate key');
    return res.body as KeyBody;
  };
  const asKey = (name: string, key: KeyBody, header: 'x-api-key' | 'bearer' = 'x-api-key'): void => {
    principalIds[name] = key.id;
    credentials[name] = { apiKey: key.key, apiKeyHeader: header };
  };

  for (const scope of ALL_SCOPES) asKey(`key(A, ${scope})`, await issue(tenantIds.A, [scope]));
  const all = await issue(tenantIds.A, ALL_SCOPES);
  asKey('key(A, all scopes)', all);
  asKey('key(A, all scopes) as Bearer', all, 'bearer');
  asKey(
    'key(A, all scopes, number-bound)',
    await issue(tenantIds.A, ALL_SCOPES, { numberIds: boundNumberIds }),
  );
  asKey('key(B, all scopes)', await issue(tenantIds.B, ALL_SCOPES));

  const graceful = await issue(tenantIds.A, ALL_SCOPES);
  asKey('replacement key(A)', await rotate(graceful.id, 3600));
  asKey('rotated key(A) within grace', graceful);

  const graceEndsSoon = await issue(tenantIds.A, ALL_SCOPES);
  await rotate(graceEndsSoon.id, 1);
  const graceEnd = Date.now() + 1000;
  asKey('rotated key(A) after grace', graceEndsSoon);

  const expiresAt = Date.now() + 1500;
  asKey(
    'expired key(A)',
    await issue(tenantIds.A, ALL_SCOPES, { expiresAt: new Date(expiresAt).toISOString() }),
  );

  const revoked = await issue(tenantIds.A, ALL_SCOPES);
  expectStatus(await admin('DELETE', `/v1/api-keys/${revoked.id}`), 204, 'revoke key');
  asKey('revoked key(A)', revoked);

  asKey('key(C) of a suspended tenant', await issue(tenantIds.C, ALL_SCOPES));
  expectStatus(
    await admin('PATCH', `/v1/tenants/${tenantIds.C}`, { body: { state: 'suspended' } }),
    200,
    'suspend C',
  );

  // Keys that look right but are not: a garbage header, a bsp_ prefix with a broken shape, and a
  // well-formed key with a real key id and a wrong secret.
  credentials['garbage X-API-Key'] = { headers: { 'x-api-key': 'not-a-key' } };
  credentials['malformed bsp_ key'] = { apiKey: 'bsp_live_0123_short', apiKeyHeader: 'bearer' };
  const [prefix] = /^bsp_[a-z0-9]+_[0-9a-f]{32}_/.exec(all.key) ?? [];
  if (!prefix) throw new Error('fixture: unexpected API key format');
  credentials['forged key (real id, wrong secret)'] = { apiKey: `${prefix}${'Ab1'.repeat(14).slice(0, 40)}` };

  // The viewer's own token with the role claim edited: the signature no longer matches.
  const [head, payload, signature] = credentials['tenant_viewer(A)']!.token!.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
  const forged = Buffer.from(JSON.stringify({ ...claims, role: 'platform_admin', tid: null })).toString(
    'base64url',
  );
  credentials['forged JWT (role edited)'] = { token: `${head}.${forged}.${signature}` };
  credentials.anonymous = {};

  // Let the expiry and the short grace window pass before the matrix runs.
  const wait = Math.max(graceEnd, expiresAt) + 200 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));

  for (const p of PRINCIPALS)
    if (!credentials[p.name]) throw new Error(`fixture: no credentials for ${p.name}`);
  return {
    tenantIds,
    number1,
    numberA2,
    boundPool,
    boundNumberIds,
    credentials,
    principalIds,
    probeUser: { email: probe.email, password },
    admin,
  };
}
