import { randomUUID } from 'node:crypto';
import {
  auditEvents,
  countRows,
  createNumber,
  createTenant,
  createUser,
  expectFieldError,
  expectProblem,
  expectStatus,
  freshPhoneNumber,
  issueApiKey,
  type RequestOptions,
  startTestApi,
  type TestApi,
  type TestResponse,
  withDb,
} from '@bsp/testing';

const CSV_HEADER =
  'id,occurred_at,actor_type,actor_id,actor_label,action,target_type,target_id,tenant_id,request_id,ip,before,after,metadata';
const SENSITIVE_NAME =
  /^(password|passwordhash|secret|secrethash|key|apikey|token|accesstoken|refreshtoken|credentials|authorization)$/i;

/** RFC 4180: quoted cells may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/** Every key in a JSON value with a secret-sounding name, with its value. */
function sensitiveEntries(value: unknown, out: [string, unknown][] = []): [string, unknown][] {
  if (Array.isArray(value)) value.forEach((v) => sensitiveEntries(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (SENSITIVE_NAME.test(k)) out.push([k, v]);
      sensitiveEntries(v, out);
    }
  }
  return out;
}

describe('audit trail', () => {
  let api: TestApi;
  let admin: string;
  let adminId: string;
  const secrets: string[] = [];

  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.login(api.adminEmail, api.adminPassword);
    adminId = (await api.request('GET', '/v1/me', { token: admin })).body.id;
    secrets.push(api.adminPassword, admin);
  });
  afterAll(() => api.close());

  /** A request with a fresh X-Request-Id; returns the response and the id the API echoed. */
  async function traced(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<TestResponse & { rid: string }> {
    const rid = `test-${randomUUID()}`;
    const res = await api.request(method, path, {
      ...options,
      headers: { ...options.headers, 'x-request-id': rid },
    });
    expect(res.headers.get('x-request-id')).toBe(rid);
    return Object.assign(res, { rid });
  }

  async function only(query: Record<string, string>): Promise<any> {
    const events = await auditEvents(api, admin, query);
    expect(events, JSON.stringify(query)).toHaveLength(1);
    return events[0];
  }

  const asAdmin = { type: 'user', id: '', label: '' };
  beforeAll(() => {
    Object.assign(asAdmin, { id: adminId, label: api.adminEmail });
  });

  describe('what is recorded', () => {
    it('tenants: create, update, suspend and activate, with before and after', async () => {
      const created = await traced('POST', '/v1/tenants', {
        token: admin,
        body: { name: 'Audited Co', dataRegion: 'eu-central' },
      });
      expectStatus(created, 201);
      const id = created.body.id;
      const createEvent = await only({ action: 'tenant.create', targetId: id });
      expect(createEvent).toEqual({
        id: expect.stringMatching(/^\d+$/),
        occurredAt: expect.any(String),
        actor: asAdmin,
        action: 'tenant.create',
        target: { type: 'tenant', id },
        tenantId: id,
        requestId: created.rid,
        ip: expect.stringMatching(/127\.0\.0\.1/),
        before: null,
        after: created.body,
        metadata: null,
      });

      const renamed = await traced('PATCH', `/v1/tenants/${id}`, {
        token: admin,
        body: { name: 'Audited Again' },
      });
      const update = await only({ action: 'tenant.update', targetId: id });
      expect(update).toMatchObject({
        requestId: renamed.rid,
        before: { name: 'Audited Co' },
        after: { name: 'Audited Again' },
      });

      const suspended = await traced('PATCH', `/v1/tenants/${id}`, {
        token: admin,
        body: { state: 'suspended' },
      });
      expect(await only({ action: 'tenant.suspend', targetId: id })).toMatchObject({
        requestId: suspended.rid,
        before: { state: 'active' },
        after: { state: 'suspended' },
      });
      await traced('PATCH', `/v1/tenants/${id}`, { token: admin, body: { state: 'active' } });
      expect(await only({ action: 'tenant.activate', targetId: id })).toMatchObject({
        after: { state: 'active' },
      });
    });

    it('uses the request id the API generated when the client sent none', async () => {
      const res = await api.request('POST', '/v1/tenants', {
        token: admin,
        body: { name: 'No Request Id', dataRegion: 'eu-central' },
      });
      expectStatus(res, 201);
      const rid = res.headers.get('x-request-id');
      expect(rid).toMatch(/^[0-9a-f-]{36}$/);
      expect((await only({ action: 'tenant.create', targetId: res.body.id })).requestId).toBe(rid);
    });

    it('users: create, without the password or its hash', async () => {
      const tenant = await createTenant(api, admin);
      const password = 'a-user-password-123';
      const res = await traced('POST', '/v1/users', {
        token: admin,
        body: { email: 'audited@example.test', password, role: 'tenant_admin', tenantId: tenant.id },
      });
      expectStatus(res, 201);
      const event = await only({ action: 'user.create', targetId: res.body.id });
      expect(event).toMatchObject({
        actor: asAdmin,
        target: { type: 'user', id: res.body.id },
        tenantId: tenant.id,
        requestId: res.rid,
      });
      expect(event.after).toEqual(res.body);
      expect(JSON.stringify(event)).not.toContain(password);
      expect(JSON.stringify(event)).not.toMatch(/scrypt/);
    });

    it('numbers and clusters', async () => {
      const tenant = await createTenant(api, admin);
      const created = await traced('POST', `/v1/tenants/${tenant.id}/numbers`, {
        token: admin,
        body: { phoneNumber: freshPhoneNumber() },
      });
      expectStatus(created, 201);
      expect(await only({ action: 'number.create', targetId: created.body.id })).toMatchObject({
        actor: asAdmin,
        target: { type: 'number', id: created.body.id },
        tenantId: tenant.id,
        requestId: created.rid,
        before: null,
        after: created.body,
      });
      const deleted = await traced('DELETE', `/v1/numbers/${created.body.id}`, { token: admin });
      expect(await only({ action: 'number.delete', targetId: created.body.id })).toMatchObject({
        requestId: deleted.rid,
        before: { state: 'requested' },
        after: { state: 'deprovisioning' },
      });

      const cluster = await traced('POST', '/v1/clusters', {
        token: admin,
        body: {
          name: 'audited-cluster',
          region: 'eu-central',
          zone: 'eu-central-1a',
          apiServerUrl: 'https://k8s.example:6443',
          credentialsRef: 'in-cluster',
          capacity: 10,
        },
      });
      expectStatus(cluster, 201);
      expect(await only({ action: 'cluster.create', targetId: cluster.body.id })).toMatchObject({
        actor: asAdmin,
        target: { type: 'cluster', id: cluster.body.id },
        tenantId: null,
        requestId: cluster.rid,
        after: cluster.body,
      });
    });

    it('API keys: issue, rotate and revoke, never with the key; actions by a key name the key', async () => {
      const tenant = await createTenant(api, admin);
      const issued = await traced('POST', `/v1/tenants/${tenant.id}/api-keys`, {
        token: admin,
        body: { name: 'audited-key', scopes: ['numbers:read', 'numbers:write'] },
      });
      expectStatus(issued, 201);
      secrets.push(issued.body.key);
      const issue = await only({ action: 'api_key.issue', targetId: issued.body.id });
      const { key: _key, ...publicPart } = issued.body;
      expect(issue).toMatchObject({
        actor: asAdmin,
        target: { type: 'api_key', id: issued.body.id },
        tenantId: tenant.id,
        requestId: issued.rid,
      });
      expect(issue.after).toEqual(publicPart);

      const viaKey = await traced('POST', `/v1/tenants/${tenant.id}/numbers`, {
        apiKey: issued.body.key,
        body: { phoneNumber: freshPhoneNumber() },
      });
      expectStatus(viaKey, 201);
      expect(await only({ action: 'number.create', targetId: viaKey.body.id })).toMatchObject({
        actor: { type: 'api_key', id: issued.body.id, label: 'audited-key' },
        requestId: viaKey.rid,
      });

      const rotated = await traced('POST', `/v1/api-keys/${issued.body.id}/rotate`, {
        token: admin,
        body: { graceSeconds: 30 },
      });
      expectStatus(rotated, 201);
      secrets.push(rotated.body.key);
      expect(await only({ action: 'api_key.rotate', targetId: issued.body.id })).toMatchObject({
        requestId: rotated.rid,
        before: { id: issued.body.id, status: 'active' },
        metadata: {
          newKeyId: rotated.body.id,
          graceSeconds: 30,
          oldKeyValidUntil: rotated.body.previous.validUntil,
        },
      });

      const revoked = await traced('DELETE', `/v1/api-keys/${rotated.body.id}`, { token: admin });
      expectStatus(revoked, 204);
      expect(await only({ action: 'api_key.revoke', targetId: rotated.body.id })).toMatchObject({
        requestId: revoked.rid,
        before: { status: 'active', revokedAt: null },
        after: { status: 'revoked', revokedAt: expect.any(String) },
      });
      // Revoking again changes nothing, so it records nothing.
      expectStatus(await api.request('DELETE', `/v1/api-keys/${rotated.body.id}`, { token: admin }), 204);
      await only({ action: 'api_key.revoke', targetId: rotated.body.id });
    });

    it('logins, failed logins and refresh-token reuse', async () => {
      const tenant = await createTenant(api, admin);
      const user = await createUser(api, admin, 'tenant_viewer', tenant.id);
      secrets.push(user.password, user.token);
      const wrongPassword = 'definitely-wrong-password';

      const bad = await traced('POST', '/v1/auth/login', {
        body: { email: user.email, password: wrongPassword },
      });
      expectProblem(bad, 401, 'invalid_credentials');
      const failed = await only({ action: 'auth.login_failed', targetId: user.id });
      expect(failed).toMatchObject({
        actor: { type: 'system', id: null, label: 'auth' },
        target: { type: 'user', id: user.id },
        tenantId: tenant.id,
        requestId: bad.rid,
        metadata: { email: user.email, reason: 'bad_password' },
      });
      expect(JSON.stringify(failed)).not.toContain(wrongPassword);

      const unknown = await traced('POST', '/v1/auth/login', {
        body: { email: 'Ghost@Example.test', password: wrongPassword },
      });
      expectProblem(unknown, 401, 'invalid_credentials');
      const ghost = (await auditEvents(api, admin, { action: 'auth.login_failed' })).find(
        (e) => e.requestId === unknown.rid,
      );
      expect(ghost).toMatchObject({
        target: { type: 'user', id: null },
        tenantId: null,
        metadata: { email: 'ghost@example.test', reason: 'unknown_user' },
      });

      const good = await traced('POST', '/v1/auth/login', {
        body: { email: user.email, password: user.password },
      });
      expectStatus(good, 200);
      secrets.push(good.body.accessToken, good.body.refreshToken);
      const logins = await auditEvents(api, admin, { action: 'auth.login', targetId: user.id });
      expect(logins.find((e) => e.requestId === good.rid)).toMatchObject({
        actor: { type: 'user', id: user.id, label: user.email },
        tenantId: tenant.id,
      });

      const refreshed = await api.request('POST', '/v1/auth/refresh', {
        body: { refreshToken: good.body.refreshToken },
      });
      expectStatus(refreshed, 200);
      secrets.push(refreshed.body.accessToken, refreshed.body.refreshToken);
      const reuse = await traced('POST', '/v1/auth/refresh', {
        body: { refreshToken: good.body.refreshToken },
      });
      expectProblem(reuse, 401, 'invalid_refresh_token');
      expect(await only({ action: 'auth.refresh_reuse_detected', targetId: user.id })).toMatchObject({
        actor: { type: 'system' },
        requestId: reuse.rid,
      });
    });

    it('holds no secret anywhere: sensitive fields are absent or redacted, raw secrets never appear', async () => {
      const all = await auditEvents(api, admin);
      expect(all.length).toBeGreaterThan(20);
      for (const [name, value] of sensitiveEntries(all)) expect(value, name).toBe('[redacted]');
      const text = JSON.stringify(all);
      for (const secret of secrets) expect(text).not.toContain(secret);
      for (const key of secrets.filter((s) => s.startsWith('bsp_')))
        expect(text).not.toContain(key.slice(-40));
      const hashes = await withDb(api, async (c) =>
        (await c.query('SELECT secret_hash FROM api_keys')).rows.map((r) => r.secret_hash),
      );
      for (const hash of hashes) expect(text).not.toContain(hash);
    });
  });

  describe('querying', () => {
    let tenantA: any;
    let tenantB: any;
    let key: any;
    let window: { from: string; to: string; ids: string[] };

    beforeAll(async () => {
      tenantA = await createTenant(api, admin);
      tenantB = await createTenant(api, admin);
      key = await issueApiKey(api, { token: admin }, tenantA.id, {
        name: 'query-key',
        scopes: ['numbers:write', 'numbers:read'],
      });
      for (let i = 0; i < 3; i++) await createNumber(api, { apiKey: key.key }, tenantA.id);
      await createNumber(api, { token: admin }, tenantB.id);
      const from = new Date();
      await new Promise((r) => setTimeout(r, 5));
      const a = await createNumber(api, { token: admin }, tenantA.id);
      const b = await createNumber(api, { token: admin }, tenantB.id);
      await new Promise((r) => setTimeout(r, 5));
      const to = new Date();
      window = { from: from.toISOString(), to: to.toISOString(), ids: [b.id, a.id] };
      await createNumber(api, { token: admin }, tenantA.id);
    });

    it('filters by tenant', async () => {
      const events = await auditEvents(api, admin, { tenantId: tenantA.id });
      expect(events.length).toBeGreaterThanOrEqual(7); // tenant.create, api_key.issue, 5 numbers
      expect(events.every((e) => e.tenantId === tenantA.id)).toBe(true);
    });

    it('filters by actor', async () => {
      const events = await auditEvents(api, admin, { actorId: key.id });
      expect(events).toHaveLength(3);
      expect(
        events.every(
          (e) => e.actor.type === 'api_key' && e.actor.id === key.id && e.action === 'number.create',
        ),
      ).toBe(true);
    });

    it('filters by action, and by target', async () => {
      const issues = await auditEvents(api, admin, { action: 'api_key.issue' });
      expect(issues.length).toBeGreaterThanOrEqual(1);
      expect(issues.every((e) => e.action === 'api_key.issue')).toBe(true);
      const target = await auditEvents(api, admin, { targetType: 'api_key', targetId: key.id });
      expect(target.map((e) => e.action)).toEqual(['api_key.issue']);
      expect(await auditEvents(api, admin, { targetType: 'tenant', targetId: key.id })).toEqual([]);
    });

    it('filters by time range (from inclusive, to exclusive)', async () => {
      const events = await auditEvents(api, admin, { from: window.from, to: window.to });
      expect(events.map((e) => e.target.id)).toEqual(window.ids);
      const fromOnly = await auditEvents(api, admin, { from: window.from });
      expect(fromOnly.length).toBe(3);
      expect(fromOnly.every((e) => e.occurredAt >= window.from)).toBe(true);
      const toOnly = await auditEvents(api, admin, { to: window.from, tenantId: tenantA.id });
      expect(toOnly.every((e) => e.occurredAt < window.from)).toBe(true);
      expect(toOnly.map((e) => e.target.id)).not.toContain(window.ids[1]);
    });

    it('pages newest first with a cursor, without duplicates or gaps', async () => {
      const all = await auditEvents(api, admin);
      const ids = all.map((e) => BigInt(e.id));
      expect([...ids].sort((x, y) => (x > y ? -1 : x < y ? 1 : 0))).toEqual(ids);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = new URLSearchParams({ limit: '4', ...(cursor && { cursor }) }).toString();
        const page: any = await api.request('GET', `/v1/audit-events?${query}`, { token: admin });
        expectStatus(page, 200);
        seen.push(...page.body.items.map((e: any) => e.id));
        cursor = page.body.nextCursor;
        pages += 1;
      } while (cursor && pages < 100);
      expect(seen).toEqual(all.map((e) => e.id));
    });

    it('validates its filters', async () => {
      const get = (q: string) => api.request('GET', `/v1/audit-events?${q}`, { token: admin });
      expectFieldError(await get('from=yesterday'), 'from');
      expectFieldError(await get('to=2026-13-45'), 'to');
      expectFieldError(await get('action=Not%20An%20Action'), 'action');
      expectFieldError(await get('tenantId=abc'), 'tenantId');
      expectFieldError(await get('cursor=abc'), 'cursor', 'invalidCursor');
      expectFieldError(await get('limit=0'), 'limit');
    });

    it("shows a tenant user only their tenant's events, and 404 for another tenant's", async () => {
      const viewer = await createUser(api, admin, 'tenant_viewer', tenantA.id);
      const res = await api.request('GET', '/v1/audit-events?limit=200', { token: viewer.token });
      expectStatus(res, 200);
      expect(res.body.items.length).toBeGreaterThanOrEqual(7);
      expect(res.body.items.every((e: any) => e.tenantId === tenantA.id)).toBe(true);
      const own = await api.request('GET', `/v1/audit-events?tenantId=${tenantA.id}&limit=200`, {
        token: viewer.token,
      });
      expect(own.body.items).toEqual(res.body.items);
      const other = await api.request('GET', `/v1/audit-events?tenantId=${tenantB.id}`, {
        token: viewer.token,
      });
      expectProblem(other, 404, 'not_found');
      const otherCsv = await api.request('GET', `/v1/audit-events?tenantId=${tenantB.id}`, {
        token: viewer.token,
        headers: { accept: 'text/csv' },
      });
      expectProblem(otherCsv, 404, 'not_found');
      const byTarget = await api.request('GET', `/v1/audit-events?targetType=tenant&targetId=${tenantB.id}`, {
        token: viewer.token,
      });
      expectStatus(byTarget, 200);
      expect(byTarget.body.items).toEqual([]);
    });
  });

  describe('CSV export', () => {
    it('returns text/csv with a header row and one row per event, in the same order as JSON', async () => {
      const tenant = await createTenant(api, admin, { name: 'Csv, "Quoted" Co' });
      for (let i = 0; i < 3; i++) await createNumber(api, { token: admin }, tenant.id);
      const res = await api.request('GET', `/v1/audit-events?tenantId=${tenant.id}`, {
        token: admin,
        headers: { accept: 'text/csv' },
      });
      expectStatus(res, 200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('content-disposition')).toMatch(
        /^attachment; filename="audit-events-\d{4}-\d{2}-\d{2}\.csv"$/,
      );
      const rows = parseCsv(res.text);
      expect(rows[0]!.join(',')).toBe(CSV_HEADER);
      const json = await auditEvents(api, admin, { tenantId: tenant.id });
      expect(rows.slice(1).map((r) => r[0])).toEqual(json.map((e) => e.id));
      expect(rows.every((r) => r.length === 14)).toBe(true);
      const first = rows[1]!;
      const event = json[0];
      expect(first.slice(1, 11)).toEqual([
        event.occurredAt,
        event.actor.type,
        event.actor.id ?? '',
        event.actor.label ?? '',
        event.action,
        event.target.type,
        event.target.id ?? '',
        event.tenantId ?? '',
        event.requestId ?? '',
        event.ip ?? '',
      ]);
      expect(JSON.parse(first[12]!)).toEqual(event.after);
      const tenantRow = rows.find((r) => r[5] === 'tenant.create')!;
      expect(JSON.parse(tenantRow[12]!).name).toBe('Csv, "Quoted" Co');
    });

    it('neutralises cells a spreadsheet would run as a formula', async () => {
      const tenant = await createTenant(api, admin);
      const names = ['=HYPERLINK("http://evil.example","click")', '+SUM(1,2)', '-2+3', '@cmd'];
      for (const name of names) {
        const key = await issueApiKey(api, { token: admin }, tenant.id, { name, scopes: ['numbers:write'] });
        await createNumber(api, { apiKey: key.key }, tenant.id);
      }
      const res = await api.request('GET', `/v1/audit-events?tenantId=${tenant.id}&action=number.create`, {
        token: admin,
        headers: { accept: 'text/csv' },
      });
      expectStatus(res, 200);
      const rows = parseCsv(res.text).slice(1);
      expect(rows).toHaveLength(4);
      expect(rows.map((r) => r[4]).sort()).toEqual(names.map((n) => `'${n}`).sort());
      for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    });

    it('exports an empty match as the header row alone', async () => {
      const res = await api.request('GET', '/v1/audit-events?action=nothing.matches', {
        token: admin,
        headers: { accept: 'text/csv' },
      });
      expectStatus(res, 200);
      expect(res.text).toBe(`${CSV_HEADER}\r\n`);
    });
  });

  describe('append-only storage', () => {
    it('the database refuses UPDATE, DELETE and TRUNCATE of audit rows', async () => {
      const before = await countRows(api, 'audit_events');
      expect(before).toBeGreaterThan(0);
      await withDb(api, async (c) => {
        await expect(c.query("UPDATE audit_events SET action = 'tampered.action'")).rejects.toThrow(
          /append-only/,
        );
        await expect(c.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
        await expect(
          c.query('DELETE FROM audit_events WHERE id = (SELECT min(id) FROM audit_events)'),
        ).rejects.toThrow(/append-only/);
        await expect(c.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
        const tampered = await c.query(
          "SELECT count(*)::int AS n FROM audit_events WHERE action = 'tampered.action'",
        );
        expect(tampered.rows[0].n).toBe(0);
      });
      expect(await countRows(api, 'audit_events')).toBe(before);
    });
  });
});
