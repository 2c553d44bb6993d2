import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig } from '@bsp/config';
import { createValidationPipe } from '@bsp/errors';
import { appFactory, registerAppFactories, startTestApi, type TestApi } from '@bsp/testing';
import { ApiModule } from '../../apps/api/src/api.module';
import { DASHBOARD_CSP, DashboardModule } from '../../apps/api/src/dashboard';
import { ensureDashboardBuild } from './support/dashboard-build';

@Module({})
class ApiWithDashboard {}

/**
 * DashboardModule imported next to ApiModule, as api.module.ts will import it: the page, its
 * assets and the API share the origin, and the API's own answers are untouched.
 */
describe('DashboardModule wired next to the API module', () => {
  let api: TestApi;
  let rootDir: string;

  beforeAll(async () => {
    rootDir = await ensureDashboardBuild();
    registerAppFactories({
      api: async (options) => {
        const root: DynamicModule = {
          module: ApiWithDashboard,
          imports: [
            ApiModule.forRoot(options),
            DashboardModule.forRootAsync({
              inject: [AppConfig],
              useFactory: (_config: AppConfig) => ({ rootDir }),
            }),
          ],
        };
        const app = await NestFactory.create<NestExpressApplication>(root, {
          bodyParser: false,
          logger: false,
        });
        app.useGlobalPipes(createValidationPipe());
        return app;
      },
      worker: appFactory('worker'),
    });
    api = await startTestApi();
  });
  afterAll(() => api?.close());

  it('serves the page for app routes and the hashed assets, with the CSP', async () => {
    for (const path of ['/', '/tenants/5b0c2a56-8f1a-4a43-9d2f-0f5f2b1f3c11', '/onboarding?step=key']) {
      const res = await api.request('GET', path, { headers: { accept: 'text/html' } });
      expect(res.status, path).toBe(200);
      expect(res.text).toContain('<div id="root"></div>');
      expect(res.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    const asset = readdirSync(join(rootDir, 'assets')).find((f) => f.endsWith('.js'))!;
    const res = await api.request('GET', `/assets/${asset}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('immutable');
  });

  it('leaves the API as it was: auth, problem+json 404s, probes, request bodies', async () => {
    const me = await api.request('GET', '/v1/me', { headers: { accept: 'text/html' } });
    expect(me.status).toBe(401);
    expect(me.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const missing = await api.request('GET', '/v1/no-such-route', { headers: { accept: 'text/html' } });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'route_not_found' });
    expect((await api.request('GET', '/healthz')).body).toEqual({ status: 'ok' });
    const token = await api.login(api.adminEmail, api.adminPassword);
    const created = await api.request('POST', '/v1/tenants', {
      token,
      body: { name: 'Wired', dataRegion: 'eu-central' },
    });
    expect(created.status).toBe(201);
    expect((await api.request('POST', '/tenants', { headers: { accept: 'text/html' } })).status).toBe(404);
  });
});
