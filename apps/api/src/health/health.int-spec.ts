import { startTestApi, type TestApi } from '@bsp/testing';

describe('health, readiness, metrics and docs', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('answers liveness without authentication', async () => {
    const res = await api.request('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('reports readiness of PostgreSQL and Redis', async () => {
    const res = await api.request('GET', '/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { database: 'up', redis: 'up' } });
  });

  it('exposes Prometheus metrics labelled by route template and status', async () => {
    await api.request('GET', '/v1/tenants/00000000-0000-4000-8000-000000000000');
    const res = await api.request('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(res.text).toMatch(
      /http_requests_total\{method="GET",route="\/v1\/tenants\/:tenantId",status_code="401"\} 1/,
    );
    expect(res.text).toContain('http_request_duration_seconds_bucket');
    expect(res.text).toContain('process_cpu_seconds_total');
  });

  it('serves the OpenAPI document and the docs page', async () => {
    const json = await api.request('GET', '/docs-json');
    expect(json.status).toBe(200);
    expect(Object.keys(json.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/auth/login',
        '/v1/tenants',
        '/v1/tenants/{tenantId}/numbers',
        '/v1/api-keys/{keyId}/rotate',
        '/v1/audit-events',
      ]),
    );
    const page = await api.request('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger');
  });

  it('echoes a safe X-Request-Id and replaces an unsafe one', async () => {
    const kept = await api.request('GET', '/healthz', { headers: { 'x-request-id': 'abc-123' } });
    expect(kept.headers.get('x-request-id')).toBe('abc-123');
    const replaced = await api.request('GET', '/healthz', {
      headers: { 'x-request-id': `bad id ${'x'.repeat(120)}` },
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
