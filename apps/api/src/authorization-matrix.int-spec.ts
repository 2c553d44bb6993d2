import type { ApiKeyScope, UserRole } from '@bsp/contracts';
import { startTestApi, type TestApi } from '@bsp/testing';
import {
  buildWorld,
  type Credentials,
  freshPhoneNumber,
  PRINCIPALS,
  type PrincipalSpec,
  type Res,
  type TenantName,
  uniqueSuffix,
  type World,
} from './authorization-matrix.fixture';

/*
 * Authorization matrix: every route the running API mounts × every principal × own / other tenant.
 *
 * The table below (ROUTES) is written by hand, independently of the @Access decorators: for each
 * route, which roles and which API-key scope may call it, what a success answers, and the few rules
 * beyond role/scope/tenant (number-bound keys, staff-only fields, no privilege escalation by keys).
 * `expected()` turns it into one expectation per cell:
 *   invalid or missing credentials → 401 unauthenticated (whatever was wrong: no oracle)
 *   a person whose role is not listed → 403 forbidden
 *   an API key on a route keys may not call → 403 forbidden; without the route's scope → 403 insufficient_scope
 *   another tenant's resource, or one outside a number-bound key's numbers → 404 not_found (as if absent)
 * Each cell also checks that a refused call changed nothing (mutations get a fresh target per cell,
 * so the order of cells does not matter) and that no 2xx answer to a tenant-confined principal
 * contains the other tenant's id.
 * The first test fails when the app mounts a route the table does not describe, or the table
 * describes a route that no longer exists, so no route can ship without its authorization row.
 */

type TargetName = 'none' | 'A' | 'B' | 'A unbound' | 'missing' | 'staff';

const TARGET_LABEL: Record<TargetName, string> = {
  none: '',
  A: ' on tenant A',
  B: ' on tenant B',
  'A unbound': ' on tenant A outside the bound numbers',
  missing: ' on a missing id',
  staff: ' for a staff account',
};

const TARGET_TENANT: Record<TargetName, TenantName | undefined> = {
  none: undefined,
  A: 'A',
  B: 'B',
  'A unbound': 'A',
  missing: undefined,
  staff: undefined,
};

const MISSING_ID = '00000000-0000-4000-8000-00000000dead';

interface Expectation {
  status: number;
  code?: string;
}

interface Call {
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Checks on a 2xx answer beyond its status. */
  onSuccess?: (res: Res<any>) => Promise<void> | void;
  /** After a refusal: proves that the refused call changed nothing. */
  unchanged?: () => Promise<void>;
}

interface Ctx {
  world: World;
  principal: PrincipalSpec;
  target: TargetName;
  /** The target's tenant id, or a missing one. */
  tenantId: string;
}

interface Variant {
  label?: string;
  targets: readonly TargetName[];
  /** Status of an allowed call (and its problem code, for a public route that answers an error). */
  success: number;
  successCode?: string;
  /** Rules beyond role, scope and tenant, checked after them (undefined: allowed). */
  extra?: (p: PrincipalSpec, target: TargetName) => Expectation | undefined;
  prepare: (ctx: Ctx) => Promise<Call> | Call;
}

interface RouteSpec {
  /** Public routes answer the same whatever credentials come along (even broken ones). */
  public?: boolean;
  roles?: readonly UserRole[];
  /** The API-key scope the route needs ('any': every valid key); absent: keys may not call it. */
  scope?: ApiKeyScope | 'any';
  variants: readonly Variant[];
}

const EVERY_ROLE: readonly UserRole[] = ['platform_admin', 'operator', 'tenant_admin', 'tenant_viewer'];
const STAFF_ROLES: readonly UserRole[] = ['platform_admin', 'operator'];
const WRITER_ROLES: readonly UserRole[] = ['platform_admin', 'operator', 'tenant_admin'];

const isStaff = (p: PrincipalSpec): boolean => p.kind === 'user' && STAFF_ROLES.includes(p.role!);
const forbidden: Expectation = { status: 403, code: 'forbidden' };
const insufficientScope: Expectation = { status: 403, code: 'insufficient_scope' };
const notFound: Expectation = { status: 404, code: 'not_found' };

/**
 * A key may hand out (issue, or obtain by rotating) at most what it has itself: its scopes, and its
 * lifetime: an expiring key (such as an old key in its grace window) cannot mint a longer-lived one.
 */
const keyMayNotGrant =
  (scopes: readonly ApiKeyScope[], expiring = false) =>
  (p: PrincipalSpec): Expectation | undefined => {
    if (p.kind !== 'key') return undefined;
    if (!scopes.every((s) => p.scopes!.includes(s))) return insufficientScope;
    return p.expires && !expiring ? insufficientScope : undefined;
  };

function other(tenant: TenantName): TenantName {
  return tenant === 'A' ? 'B' : 'A';
}

// ---------------------------------------------------------------------------------------------
// Helpers the routes use to set up fresh targets and to check that refusals changed nothing.

async function adminOk(world: World, method: string, path: string, body?: unknown): Promise<any> {
  const res = await world.admin(method, path, body === undefined ? {} : { body });
  if (res.status >= 300) throw new Error(`admin ${method} ${path} answered ${res.status}: ${res.text}`);
  return res.body;
}

async function freshNumber(world: World, tenantId: string): Promise<string> {
  return (
    (await adminOk(world, 'POST', `/v1/tenants/${tenantId}/numbers`, {
      phoneNumber: freshPhoneNumber(),
    })) as { id: string }
  ).id;
}

/**
 * A number a cell may change without disturbing others: one of A's bound numbers (so a bound key
 * may act on it), a fresh one of the target tenant, or a missing id.
 */
async function numberToChange({ world, target, tenantId }: Ctx): Promise<string> {
  if (target === 'missing') return MISSING_ID;
  if (target === 'A') return world.boundPool.pop()!;
  return freshNumber(world, tenantId);
}

/** Suspend and resume: writers with numbers:write, on their own tenant's numbers (and a bound key's). */
function numberActionRoute(action: 'suspend' | 'resume', after: Record<string, unknown>): RouteSpec {
  return {
    roles: WRITER_ROLES,
    scope: 'numbers:write',
    variants: [
      {
        targets: ['A', 'B', 'A unbound', 'missing'],
        success: 202,
        prepare: async (ctx) => {
          const { world, target } = ctx;
          const id = await numberToChange(ctx);
          return {
            path: `/v1/numbers/${id}/${action}`,
            onSuccess: (res) => expect(res.body).toMatchObject({ id, ...after }),
            unchanged:
              target === 'missing' || action === 'resume'
                ? undefined
                : async () => {
                    const n = await adminOk(world, 'GET', `/v1/numbers/${id}`);
                    expect(n.desiredState).toBe('active');
                  },
          };
        },
      },
    ],
  };
}

async function allNumbers(world: World, tenantId: string): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const page = await adminOk(
      world,
      'GET',
      `/v1/tenants/${tenantId}/numbers?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

async function keyOf(world: World, tenantId: string, keyId: string): Promise<any> {
  const keys = (await adminOk(world, 'GET', `/v1/tenants/${tenantId}/api-keys`)) as any[];
  return keys.find((k) => k.id === keyId);
}

/** A fresh key of the target tenant, bound to its number 1 (which the bound key may reach) or unbound. */
async function freshKey(ctx: Ctx, scopes: ApiKeyScope[]): Promise<string> {
  if (ctx.target === 'missing') return MISSING_ID;
  const tenant = TARGET_TENANT[ctx.target]!;
  const numberIds = ctx.target === 'A unbound' ? [] : [ctx.world.number1[tenant]];
  const key = await adminOk(ctx.world, 'POST', `/v1/tenants/${ctx.tenantId}/api-keys`, {
    name: `target ${uniqueSuffix()}`,
    scopes,
    numberIds,
  });
  return (key as { id: string }).id;
}

function keyUnchanged(ctx: Ctx, keyId: string): (() => Promise<void>) | undefined {
  if (ctx.target === 'missing') return undefined;
  return async () => {
    const key = await keyOf(ctx.world, ctx.tenantId, keyId);
    expect(key).toMatchObject({ status: 'active', revokedAt: null, replacedById: null });
  };
}

function rotateVariant(label: string | undefined, scopes: ApiKeyScope[]): Variant {
  return {
    label,
    targets: ['A', 'B', 'A unbound', 'missing'],
    success: 201,
    extra: keyMayNotGrant(scopes),
    prepare: async (ctx) => {
      const keyId = await freshKey(ctx, scopes);
      return {
        path: `/v1/api-keys/${keyId}/rotate`,
        body: { graceSeconds: 60 },
        onSuccess: (res) => {
          expect(res.body).toMatchObject({ tenantId: ctx.tenantId, scopes, previous: { id: keyId } });
          expect(res.body.key).toMatch(/^bsp_/);
        },
        unchanged: keyUnchanged(ctx, keyId),
      };
    },
  };
}

function issueVariant(
  label: string | undefined,
  scopes: ApiKeyScope[],
  options: { bind: boolean; expiring?: boolean },
  extra?: Variant['extra'],
): Variant {
  const mayNotGrant = keyMayNotGrant(scopes, options.expiring);
  return {
    label,
    targets: ['A', 'B', 'missing'],
    success: 201,
    extra: (p, target) => extra?.(p, target) ?? mayNotGrant(p),
    prepare: (ctx) => {
      const name = `issued ${uniqueSuffix()}`;
      const tenant = TARGET_TENANT[ctx.target] ?? 'A';
      return {
        path: `/v1/tenants/${ctx.tenantId}/api-keys`,
        body: {
          name,
          scopes,
          ...(options.bind && { numberIds: [ctx.world.number1[tenant]] }),
          ...(options.expiring && { expiresAt: new Date(Date.now() + 600_000).toISOString() }),
        },
        onSuccess: (res) => {
          expect(res.body).toMatchObject({ name, tenantId: ctx.tenantId, scopes });
          expect(res.body.key).toMatch(/^bsp_/);
        },
        unchanged:
          ctx.target === 'missing'
            ? undefined
            : async () => {
                const keys = (await adminOk(
                  ctx.world,
                  'GET',
                  `/v1/tenants/${ctx.tenantId}/api-keys`,
                )) as any[];
                expect(keys.map((k) => k.name)).not.toContain(name);
              },
      };
    },
  };
}

function patchTenantVariant(
  label: string,
  body: (ctx: Ctx) => Record<string, string>,
  staffOnly: boolean,
): Variant {
  return {
    label,
    targets: ['A', 'B', 'missing'],
    success: 200,
    extra: staffOnly ? (p) => (isStaff(p) ? undefined : forbidden) : undefined,
    prepare: async (ctx) => {
      const change = body(ctx);
      const before =
        ctx.target === 'missing' ? undefined : await adminOk(ctx.world, 'GET', `/v1/tenants/${ctx.tenantId}`);
      return {
        path: `/v1/tenants/${ctx.tenantId}`,
        body: change,
        onSuccess: (res) => expect(res.body).toMatchObject({ id: ctx.tenantId, ...change }),
        unchanged: before
          ? async () => expect(await adminOk(ctx.world, 'GET', `/v1/tenants/${ctx.tenantId}`)).toEqual(before)
          : undefined,
      };
    },
  };
}

function auditVariant(label: string | undefined, headers: Record<string, string> | undefined): Variant {
  return {
    label,
    targets: ['none', 'A', 'B'],
    success: 200,
    prepare: (ctx) => ({
      path:
        ctx.target === 'none'
          ? '/v1/audit-events?limit=200'
          : `/v1/audit-events?limit=200&tenantId=${ctx.tenantId}`,
      headers,
      onSuccess: (res) => {
        if (headers) {
          expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
          expect(res.text.split('\r\n')[0]).toContain('tenant_id');
          return;
        }
        const own = ctx.principal.tenant ? ctx.world.tenantIds[ctx.principal.tenant] : undefined;
        const only = ctx.target === 'none' ? own : ctx.tenantId;
        expect(res.body.items.length).toBeGreaterThan(0);
        if (only) for (const event of res.body.items) expect(event.tenantId).toBe(only);
      },
    }),
  };
}

const publicGet = (
  path: string,
  check?: (res: Res<any>) => void,
  status = 200,
  code?: string,
): RouteSpec => ({
  public: true,
  variants: [
    { targets: ['none'], success: status, successCode: code, prepare: () => ({ path, onSuccess: check }) },
  ],
});

async function loginProbe(world: World): Promise<string> {
  const res = await world.admin('POST', '/v1/auth/login', { token: undefined, body: world.probeUser });
  if (res.status !== 200) throw new Error(`probe login answered ${res.status}: ${res.text}`);
  return (res.body as { refreshToken: string }).refreshToken;
}

// ---------------------------------------------------------------------------------------------
// The matrix: one row per mounted route ('METHOD /path/{param}').

const ROUTES: Record<string, RouteSpec> = {
  // People log in and refresh without being authenticated; broken credentials alongside change nothing.
  'POST /v1/auth/login': {
    public: true,
    variants: [
      {
        targets: ['none'],
        success: 200,
        prepare: ({ world }) => ({
          path: '/v1/auth/login',
          body: world.probeUser,
          onSuccess: (res) => expect(res.body.accessToken).toEqual(expect.any(String)),
        }),
      },
    ],
  },
  'POST /v1/auth/refresh': {
    public: true,
    variants: [
      {
        targets: ['none'],
        success: 200,
        prepare: async ({ world }) => ({
          path: '/v1/auth/refresh',
          body: { refreshToken: await loginProbe(world) },
          onSuccess: (res) => expect(res.body.refreshToken).toEqual(expect.any(String)),
        }),
      },
    ],
  },
  'POST /v1/auth/logout': {
    public: true,
    variants: [
      {
        targets: ['none'],
        success: 204,
        prepare: async ({ world }) => {
          const refreshToken = await loginProbe(world);
          return {
            path: '/v1/auth/logout',
            body: { refreshToken },
            onSuccess: async () => {
              const reuse = await world.admin('POST', '/v1/auth/refresh', {
                token: undefined,
                body: { refreshToken },
              });
              expect(reuse.status).toBe(401);
            },
          };
        },
      },
    ],
  },
  'GET /v1/me': {
    roles: EVERY_ROLE,
    scope: 'any',
    variants: [
      {
        targets: ['none'],
        success: 200,
        prepare: ({ world, principal }) => ({
          path: '/v1/me',
          onSuccess: (res) => expect(res.body.id).toBe(world.principalIds[principal.name]),
        }),
      },
    ],
  },

  'POST /v1/users': {
    roles: WRITER_ROLES,
    variants: [
      {
        // A tenant user of the target tenant; staff accounts only by a platform admin.
        targets: ['A', 'B', 'missing', 'staff'],
        success: 201,
        extra: (p, target) =>
          target === 'staff' && !(p.kind === 'user' && p.role === 'platform_admin') ? forbidden : undefined,
        prepare: (ctx) => {
          const email = `made-${uniqueSuffix()}@matrix.test`;
          const staff = ctx.target === 'staff';
          return {
            path: '/v1/users',
            body: {
              email,
              password: `pw-${uniqueSuffix()}-${uniqueSuffix()}`,
              role: staff ? 'operator' : 'tenant_viewer',
              ...(!staff && { tenantId: ctx.tenantId }),
            },
            onSuccess: (res) =>
              expect(res.body).toMatchObject({ email, tenantId: staff ? null : ctx.tenantId }),
            unchanged: async () => {
              const users = (await adminOk(ctx.world, 'GET', '/v1/users')) as any[];
              expect(users.map((u) => u.email)).not.toContain(email);
            },
          };
        },
      },
    ],
  },
  'GET /v1/users': {
    roles: EVERY_ROLE,
    variants: [
      {
        targets: ['none', 'A', 'B'],
        success: 200,
        prepare: (ctx) => ({
          path: ctx.target === 'none' ? '/v1/users' : `/v1/users?tenantId=${ctx.tenantId}`,
          onSuccess: (res) => {
            const own = ctx.principal.tenant ? ctx.world.tenantIds[ctx.principal.tenant] : undefined;
            const only = ctx.target === 'none' ? own : ctx.tenantId;
            expect(res.body.length).toBeGreaterThan(0);
            if (only) for (const u of res.body) expect(u.tenantId).toBe(only);
            else
              expect(res.body.map((u: any) => u.tenantId)).toEqual(
                expect.arrayContaining([ctx.world.tenantIds.A, ctx.world.tenantIds.B]),
              );
          },
        }),
      },
    ],
  },

  'POST /v1/tenants': {
    roles: STAFF_ROLES,
    variants: [
      {
        targets: ['none'],
        success: 201,
        prepare: ({ world }) => {
          const slug = `made-${uniqueSuffix()}`;
          return {
            path: '/v1/tenants',
            body: { name: `Made ${slug}`, slug, dataRegion: 'eu-central' },
            onSuccess: (res) => expect(res.body.slug).toBe(slug),
            unchanged: async () => {
              const page = await adminOk(world, 'GET', '/v1/tenants?limit=200');
              expect(page.items.map((t: any) => t.slug)).not.toContain(slug);
            },
          };
        },
      },
    ],
  },
  'GET /v1/tenants': {
    roles: EVERY_ROLE,
    variants: [
      {
        targets: ['none'],
        success: 200,
        prepare: ({ world, principal }) => ({
          path: '/v1/tenants?limit=200',
          onSuccess: (res) => {
            const ids = res.body.items.map((t: any) => t.id);
            if (principal.tenant) expect(ids).toEqual([world.tenantIds[principal.tenant]]);
            else expect(ids).toEqual(expect.arrayContaining(Object.values(world.tenantIds)));
          },
        }),
      },
    ],
  },
  'GET /v1/tenants/{tenantId}': {
    roles: EVERY_ROLE,
    variants: [
      {
        targets: ['A', 'B', 'missing'],
        success: 200,
        prepare: ({ tenantId }) => ({
          path: `/v1/tenants/${tenantId}`,
          onSuccess: (res) => expect(res.body.id).toBe(tenantId),
        }),
      },
    ],
  },
  'PATCH /v1/tenants/{tenantId}': {
    roles: WRITER_ROLES,
    variants: [
      patchTenantVariant('name', () => ({ name: `Renamed ${uniqueSuffix()}` }), false),
      // Slug, data region and state are BSP staff's: a tenant admin must not e.g. lift a suspension.
      patchTenantVariant('slug', () => ({ slug: `renamed-${uniqueSuffix()}` }), true),
      patchTenantVariant('state', () => ({ state: 'active' }), true),
      patchTenantVariant('dataRegion', () => ({ dataRegion: 'eu-central' }), true),
    ],
  },

  'POST /v1/tenants/{tenantId}/numbers': {
    roles: WRITER_ROLES,
    scope: 'numbers:write',
    variants: [
      {
        targets: ['A', 'B', 'missing'],
        success: 201,
        // A key bound to some numbers cannot widen its own reach by adding numbers.
        extra: (p) => (p.bound ? insufficientScope : undefined),
        prepare: (ctx) => {
          const phoneNumber = freshPhoneNumber();
          return {
            path: `/v1/tenants/${ctx.tenantId}/numbers`,
            body: { phoneNumber },
            onSuccess: (res) =>
              expect(res.body).toMatchObject({ tenantId: ctx.tenantId, phoneNumber, state: 'requested' }),
            unchanged:
              ctx.target === 'missing'
                ? undefined
                : async () => {
                    const phones = (await allNumbers(ctx.world, ctx.tenantId)).map((n) => n.phoneNumber);
                    expect(phones).not.toContain(phoneNumber);
                  },
          };
        },
      },
    ],
  },
  'GET /v1/tenants/{tenantId}/numbers': {
    roles: EVERY_ROLE,
    scope: 'numbers:read',
    variants: [
      {
        targets: ['A', 'B', 'missing'],
        success: 200,
        prepare: ({ world, principal, tenantId }) => ({
          path: `/v1/tenants/${tenantId}/numbers?limit=200`,
          onSuccess: (res) => {
            const ids = res.body.items.map((n: any) => n.id);
            for (const n of res.body.items) expect(n.tenantId).toBe(tenantId);
            if (principal.bound) {
              expect(ids).toContain(world.number1.A);
              for (const id of ids) expect(world.boundNumberIds).toContain(id);
            } else if (tenantId === world.tenantIds.A) {
              expect(ids).toEqual(expect.arrayContaining([world.number1.A, world.numberA2]));
            }
          },
        }),
      },
    ],
  },
  'GET /v1/numbers/{numberId}': {
    roles: EVERY_ROLE,
    scope: 'numbers:read',
    variants: [
      {
        targets: ['A', 'B', 'A unbound', 'missing'],
        success: 200,
        prepare: ({ world, target }) => {
          const ids: Partial<Record<TargetName, string>> = {
            A: world.number1.A,
            B: world.number1.B,
            'A unbound': world.numberA2,
          };
          const id = ids[target] ?? MISSING_ID;
          return { path: `/v1/numbers/${id}`, onSuccess: (res) => expect(res.body.id).toBe(id) };
        },
      },
    ],
  },
  'DELETE /v1/numbers/{numberId}': {
    roles: WRITER_ROLES,
    scope: 'numbers:write',
    variants: [
      {
        targets: ['A', 'B', 'A unbound', 'missing'],
        success: 202,
        prepare: async (ctx) => {
          const { world, target } = ctx;
          const id = await numberToChange(ctx);
          return {
            path: `/v1/numbers/${id}`,
            onSuccess: (res) =>
              expect(res.body).toMatchObject({ id, state: 'deprovisioning', desiredState: 'deleted' }),
            unchanged:
              target === 'missing'
                ? undefined
                : async () => {
                    const n = await adminOk(world, 'GET', `/v1/numbers/${id}`);
                    expect(n).toMatchObject({ state: 'requested' });
                    expect(n.desiredState).not.toBe('deleted');
                  },
          };
        },
      },
    ],
  },

  'POST /v1/numbers/{numberId}/suspend': numberActionRoute('suspend', { desiredState: 'suspended' }),
  'POST /v1/numbers/{numberId}/resume': numberActionRoute('resume', { desiredState: 'active' }),
  'GET /v1/numbers/{numberId}/health': {
    roles: EVERY_ROLE,
    scope: 'numbers:read',
    variants: [
      {
        // Tenant B's people and keys get 404 for A's number health, as for the number itself.
        targets: ['A', 'B', 'A unbound', 'missing'],
        success: 200,
        prepare: ({ world, target }) => {
          const ids: Partial<Record<TargetName, string>> = {
            A: world.number1.A,
            B: world.number1.B,
            'A unbound': world.numberA2,
          };
          const id = ids[target] ?? MISSING_ID;
          return {
            path: `/v1/numbers/${id}/health`,
            // No worker runs here: nothing is monitored or checked yet.
            onSuccess: (res) =>
              expect(res.body).toMatchObject({
                numberId: id,
                monitored: false,
                status: null,
                transitions: [],
              }),
          };
        },
      },
    ],
  },
  'GET /v1/health/summary': {
    roles: EVERY_ROLE,
    scope: 'numbers:read',
    variants: [
      {
        // Own tenant without a tenantId (staff: every tenant), or the given tenant; counts per cluster for staff only.
        targets: ['none', 'A', 'B', 'missing'],
        success: 200,
        prepare: ({ world, principal, target, tenantId }) => ({
          path: target === 'none' ? '/v1/health/summary' : `/v1/health/summary?tenantId=${tenantId}`,
          onSuccess: (res) => {
            const own = principal.tenant ? world.tenantIds[principal.tenant] : null;
            expect(res.body.tenantId).toBe(target === 'none' ? own : tenantId);
            expect(res.body).toMatchObject({ total: 0, counts: { healthy: 0, unchecked: 0 } });
            expect('byCluster' in res.body).toBe(isStaff(principal));
          },
        }),
      },
    ],
  },
  'POST /v1/numbers/{numberId}/reconcile': {
    roles: STAFF_ROLES,
    variants: [
      {
        targets: ['A', 'B', 'missing'],
        success: 202,
        prepare: ({ world, target }) => {
          const id = target === 'A' ? world.number1.A : target === 'B' ? world.number1.B : MISSING_ID;
          return { path: `/v1/numbers/${id}/reconcile`, onSuccess: (res) => expect(res.body.id).toBe(id) };
        },
      },
    ],
  },

  'POST /v1/numbers/{numberId}/failover': {
    roles: WRITER_ROLES,
    scope: 'numbers:write',
    variants: [
      {
        // No worker runs here, so no number has an active instance: an allowed call is refused
        // for that reason, after authorization, and changes nothing.
        targets: ['A', 'B', 'A unbound', 'missing'],
        success: 409,
        extra: () => ({ status: 409, code: 'failover_not_possible' }),
        prepare: ({ world, target }) => {
          const ids: Partial<Record<TargetName, string>> = {
            A: world.number1.A,
            B: world.number1.B,
            'A unbound': world.numberA2,
          };
          return {
            path: `/v1/numbers/${ids[target] ?? MISSING_ID}/failover`,
            body: { reason: 'authorization matrix' },
          };
        },
      },
    ],
  },
  'GET /v1/numbers/{numberId}/failovers': {
    roles: EVERY_ROLE,
    scope: 'numbers:read',
    variants: [
      {
        targets: ['A', 'B', 'A unbound', 'missing'],
        success: 200,
        prepare: ({ world, target }) => {
          const ids: Partial<Record<TargetName, string>> = {
            A: world.number1.A,
            B: world.number1.B,
            'A unbound': world.numberA2,
          };
          return {
            path: `/v1/numbers/${ids[target] ?? MISSING_ID}/failovers`,
            onSuccess: (res) => expect(res.body).toEqual([]),
          };
        },
      },
    ],
  },
  // Fencing agents only: the pod set's lease token authenticates it, never a user's or key's credentials.
  'POST /internal/v1/leases/renew': {
    public: true,
    variants: [
      {
        targets: ['none'],
        success: 401,
        successCode: 'lease_token_invalid',
        prepare: () => ({
          path: '/internal/v1/leases/renew',
          body: { placementId: MISSING_ID, epoch: '1' },
        }),
      },
    ],
  },

  'POST /v1/clusters': {
    roles: ['platform_admin'],
    variants: [
      {
        targets: ['none'],
        success: 201,
        prepare: ({ world }) => {
          const name = `c-${uniqueSuffix()}`;
          return {
            path: '/v1/clusters',
            body: {
              name,
              region: 'eu-central',
              zone: 'eu-central-1a',
              apiServerUrl: 'https://k8s.matrix.test:6443',
              credentialsRef: 'secret:bsp-system/matrix',
              capacity: 10,
            },
            onSuccess: (res) => expect(res.body.name).toBe(name),
            unchanged: async () => {
              const clusters = (await adminOk(world, 'GET', '/v1/clusters')) as any[];
              expect(clusters.map((c) => c.name)).not.toContain(name);
            },
          };
        },
      },
    ],
  },
  'GET /v1/clusters': {
    roles: STAFF_ROLES,
    variants: [{ targets: ['none'], success: 200, prepare: () => ({ path: '/v1/clusters' }) }],
  },
  'PATCH /v1/clusters/{clusterId}': {
    roles: STAFF_ROLES,
    variants: [
      {
        targets: ['none', 'missing'],
        success: 200,
        prepare: async ({ world, target }) => {
          if (target === 'missing') return { path: `/v1/clusters/${MISSING_ID}`, body: { capacity: 7 } };
          const cluster = (await adminOk(world, 'POST', '/v1/clusters', {
            name: `c-${uniqueSuffix()}`,
            region: 'eu-central',
            zone: 'eu-central-1a',
            apiServerUrl: 'https://k8s.matrix.test:6443',
            credentialsRef: 'secret:bsp-system/matrix#kubeconfig',
            capacity: 10,
          })) as { id: string };
          return {
            path: `/v1/clusters/${cluster.id}`,
            body: { state: 'cordoned', capacity: 7 },
            onSuccess: (res) => expect(res.body).toMatchObject({ state: 'cordoned', capacity: 7 }),
            unchanged: async () => {
              const clusters = (await adminOk(world, 'GET', '/v1/clusters')) as any[];
              expect(clusters.find((c) => c.id === cluster.id)).toMatchObject({
                state: 'active',
                capacity: 10,
              });
            },
          };
        },
      },
    ],
  },
  'GET /v1/queues': {
    roles: STAFF_ROLES,
    variants: [
      {
        targets: ['none'],
        success: 200,
        prepare: () => ({
          path: '/v1/queues',
          onSuccess: (res) =>
            expect(res.body.map((q: any) => q.name).sort()).toEqual([
              'failover',
              'health',
              'maintenance',
              'provisioning',
            ]),
        }),
      },
    ],
  },
  'GET /v1/queues/{queue}/failed': {
    roles: STAFF_ROLES,
    variants: [
      { targets: ['none'], success: 200, prepare: () => ({ path: '/v1/queues/provisioning/failed' }) },
    ],
  },
  'POST /v1/queues/{queue}/jobs/{jobId}/retry': {
    roles: STAFF_ROLES,
    // No job has failed in this world: an allowed caller learns that there is no such failed job.
    variants: [
      {
        targets: ['missing'],
        success: 202,
        prepare: () => ({ path: '/v1/queues/provisioning/jobs/reconcile.x/retry' }),
      },
    ],
  },

  'POST /v1/tenants/{tenantId}/api-keys': {
    roles: WRITER_ROLES,
    scope: 'keys:write',
    variants: [
      issueVariant('bound to a number', ['keys:write'], { bind: true }),
      issueVariant('bound, expiring in 10 min', ['keys:write'], { bind: true, expiring: true }),
      // A number-bound key may only issue keys bound to its own numbers.
      issueVariant('unbound', ['keys:write'], { bind: false }, (p) =>
        p.bound ? insufficientScope : undefined,
      ),
      // A key may not grant a scope it lacks.
      issueVariant('with numbers:read', ['keys:write', 'numbers:read'], { bind: true }),
    ],
  },
  'GET /v1/tenants/{tenantId}/api-keys': {
    roles: EVERY_ROLE,
    scope: 'keys:read',
    variants: [
      {
        targets: ['A', 'B', 'missing'],
        success: 200,
        prepare: ({ world, principal, tenantId }) => ({
          path: `/v1/tenants/${tenantId}/api-keys`,
          onSuccess: (res) => {
            expect(res.body.length).toBeGreaterThan(0);
            for (const k of res.body) {
              expect(k.tenantId).toBe(tenantId);
              expect(k).not.toHaveProperty('key');
              expect(k).not.toHaveProperty('secretHash');
              // A number-bound key sees only keys confined to numbers it can reach itself.
              if (principal.bound) {
                expect(k.numberIds.length).toBeGreaterThan(0);
                for (const id of k.numberIds) expect(world.boundNumberIds).toContain(id);
              }
            }
            if (principal.kind === 'key')
              expect(res.body.map((k: any) => k.id)).toContain(world.principalIds[principal.name]);
          },
        }),
      },
    ],
  },
  'POST /v1/api-keys/{keyId}/rotate': {
    roles: WRITER_ROLES,
    scope: 'keys:write',
    variants: [
      rotateVariant(undefined, ['keys:write']),
      // Rotating hands over the replacement's secret: a key must not obtain scopes it lacks that way.
      rotateVariant('of a key with numbers scopes', ['numbers:read', 'numbers:write']),
    ],
  },
  'DELETE /v1/api-keys/{keyId}': {
    roles: WRITER_ROLES,
    scope: 'keys:write',
    variants: [
      {
        targets: ['A', 'B', 'A unbound', 'missing'],
        success: 204,
        prepare: async (ctx) => {
          const keyId = await freshKey(ctx, ['numbers:read']);
          return {
            path: `/v1/api-keys/${keyId}`,
            onSuccess: async () =>
              expect(await keyOf(ctx.world, ctx.tenantId, keyId)).toMatchObject({ status: 'revoked' }),
            unchanged: keyUnchanged(ctx, keyId),
          };
        },
      },
    ],
  },

  'GET /v1/audit-events': {
    roles: EVERY_ROLE,
    variants: [auditVariant(undefined, undefined), auditVariant('as CSV', { accept: 'text/csv' })],
  },

  // Operations endpoints (probes and Prometheus scraping) and the API documentation are public.
  'GET /healthz': publicGet('/healthz'),
  'GET /readyz': publicGet('/readyz'),
  'GET /metrics': publicGet('/metrics', (res) => expect(res.text).toContain('http_requests_total')),
  'GET /docs': publicGet('/docs'),
  'GET /docs/': publicGet('/docs/'),
  'GET /docs/index.html': publicGet('/docs/index.html'),
  'GET /docs/swagger-ui-init.js': publicGet('/docs/swagger-ui-init.js'),
  'GET /docs/docs/swagger-ui-init.js': publicGet('/docs/docs/swagger-ui-init.js'),
  // Mounted by @nestjs/swagger, but the file is not in the installed swagger-ui-dist: passes on to 404.
  'GET /docs/LICENSE': publicGet('/docs/LICENSE', undefined, 404, 'route_not_found'),
  'GET /docs-json': publicGet('/docs-json', (res) => expect(res.body.openapi).toEqual(expect.any(String))),
  'GET /docs-yaml': publicGet('/docs-yaml'),
};

/**
 * Nest mounts the global middleware chain (shutdown drain, HTTP metrics, JSON body parsing;
 * `forRoutes('*')`) as two all-methods wildcard routes that only pass requests on; they are not endpoints.
 */
const MIDDLEWARE_MOUNTS = ['ALL /{*path}', 'ALL /{*path}'];

// ---------------------------------------------------------------------------------------------

function expected(route: RouteSpec, variant: Variant, p: PrincipalSpec, target: TargetName): Expectation {
  if (route.public) return { status: variant.success, code: variant.successCode };
  if (p.kind === 'anonymous' || p.kind === 'invalid') return { status: 401, code: 'unauthenticated' };
  if (p.kind === 'user') {
    if (!route.roles!.includes(p.role!)) return forbidden;
  } else if (!route.scope) {
    return forbidden;
  } else if (route.scope !== 'any' && !p.scopes!.includes(route.scope)) {
    return insufficientScope;
  }
  if (target === 'missing') return notFound;
  const tenant = TARGET_TENANT[target];
  if (tenant && p.tenant && p.tenant !== tenant) return notFound;
  if (target === 'A unbound' && p.bound) return notFound;
  return variant.extra?.(p, target) ?? { status: variant.success };
}

interface Cell {
  name: string;
  method: string;
  route: RouteSpec;
  variant: Variant;
  principal: PrincipalSpec;
  target: TargetName;
  expect: Expectation;
}

const CELLS: Cell[] = Object.entries(ROUTES).flatMap(([key, route]) => {
  const [method, path] = key.split(' ') as [string, string];
  return route.variants.flatMap((variant) =>
    variant.targets.flatMap((target) =>
      PRINCIPALS.map((principal) => {
        const want = expected(route, variant, principal, target);
        const label = variant.label ? ` [${variant.label}]` : '';
        return {
          name: `${method} ${path}${label} as ${principal.name}${TARGET_LABEL[target]} → ${want.status}${want.code ? ` ${want.code}` : ''}`,
          method,
          route,
          variant,
          principal,
          target,
          expect: want,
        };
      }),
    ),
  );
});

function mountedRoutes(api: TestApi): string[] {
  const router = api.app.getHttpAdapter().getInstance().router as { stack: any[] };
  return router.stack
    .filter((layer) => layer.route)
    .flatMap((layer) => {
      const path = String(layer.route.path).replace(/:(\w+)/g, '{$1}');
      const methods = Object.keys(layer.route.methods as Record<string, boolean>).map((m) => m.toUpperCase());
      return methods.length > 20 ? [`ALL ${path}`] : methods.map((m) => `${m} ${path}`);
    });
}

describe('authorization matrix', () => {
  let api: TestApi;
  let world: World;

  beforeAll(async () => {
    // Two thousand requests: request logging at info level would cost more CPU than the checks.
    api = await startTestApi({ LOG_LEVEL: 'warn' });
    world = await buildWorld(
      (method, path, options = {}) => api.request(method, path, options),
      (email, password) => api.login(email, password),
      api.adminEmail,
      api.adminPassword,
    );
  });
  afterAll(() => api?.close());

  it('describes every route the app mounts, and no other', async () => {
    const described = [...Object.keys(ROUTES), ...MIDDLEWARE_MOUNTS].sort();
    expect(
      mountedRoutes(api).sort(),
      'every mounted route needs its row in ROUTES (a new global middleware: an entry in MIDDLEWARE_MOUNTS)',
    ).toEqual(described);
    const doc = await api.request('GET', '/docs-json');
    const documented = Object.entries(doc.body.paths as Record<string, object>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(Object.keys(ROUTES)).toEqual(expect.arrayContaining(documented));
  });

  it.each(CELLS)('$name', async (cell) => {
    const creds: Credentials = world.credentials[cell.principal.name]!;
    const tenant = TARGET_TENANT[cell.target];
    const tenantId = tenant ? world.tenantIds[tenant] : MISSING_ID;
    const call = await cell.variant.prepare({
      world,
      principal: cell.principal,
      target: cell.target,
      tenantId,
    });
    const res = await api.request(cell.method, call.path, {
      ...creds,
      body: call.body,
      headers: { ...creds.headers, ...call.headers },
    });
    expect({ status: res.status, code: res.status >= 400 ? res.body?.code : undefined }, res.text).toEqual({
      status: cell.expect.status,
      code: cell.expect.code,
    });
    if (res.status >= 400) {
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      await call.unchanged?.();
      return;
    }
    await call.onSuccess?.(res);
    // Nothing of the other tenant leaks into what a tenant-confined principal sees.
    if (cell.principal.tenant && !cell.route.public)
      expect(res.text).not.toContain(world.tenantIds[other(cell.principal.tenant)]);
  });
});
