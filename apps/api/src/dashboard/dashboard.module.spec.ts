import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DASHBOARD_CSP, DashboardModule } from './index';

@Controller('v1')
class PingController {
  @Get('ping')
  ping() {
    return { pong: true };
  }
}

async function start(rootDir: string | undefined): Promise<{ app: INestApplication; url: string }> {
  @Module({ imports: [DashboardModule.forRoot({ rootDir })], controllers: [PingController] })
  class TestModule {}
  const app = await NestFactory.create(TestModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

const html = { accept: 'text/html,application/xhtml+xml' };

describe('DashboardModule', () => {
  let dir: string;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dashboard-'));
    mkdirSync(join(dir, 'assets'));
    mkdirSync(join(dir, '.vite'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>page</title>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(dir, '.vite', 'manifest.json'), '{}');
    ({ app, url } = await start(dir));
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html for app routes, never cached, with the strict headers', async () => {
    for (const path of ['/', '/tenants/123', '/onboarding?step=key', '/index.html']) {
      const res = await fetch(`${url}${path}`, { headers: html });
      expect(res.status, path).toBe(200);
      expect(await res.text()).toContain('<title>page</title>');
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
    expect(DASHBOARD_CSP).toContain("default-src 'self'");
    expect(DASHBOARD_CSP).toContain("frame-ancestors 'none'");
    expect(DASHBOARD_CSP).not.toContain('unsafe-inline');
  });

  it('serves hashed assets with a long immutable cache', async () => {
    const res = await fetch(`${url}/assets/index-abc123.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await res.text()).toBe('console.log(1)');
  });

  it('leaves API paths, other methods, missing assets, dotfiles and non-HTML requests to the API', async () => {
    const ping = await fetch(`${url}/v1/ping`, { headers: html });
    expect(await ping.json()).toEqual({ pong: true });
    expect(ping.headers.get('content-security-policy')).toBeNull();
    expect((await fetch(`${url}/v1/nope`, { headers: html })).status).toBe(404);
    expect((await fetch(`${url}/v2/tenants`, { headers: { accept: '*/*' } })).status).toBe(404);
    expect((await fetch(`${url}/tenants`)).status).toBe(404);
    expect((await fetch(`${url}/assets/missing.js`, { headers: html })).status).toBe(404);
    expect((await fetch(`${url}/.vite/manifest.json`, { headers: html })).status).toBe(404);
    for (const path of [
      '/%2e%2e/%2e%2e/etc/passwd',
      '/assets/..%2f..%2f..%2fetc%2fhosts.txt',
      '/..%2f..%2fetc%2fpasswd.txt',
    ]) {
      const res = await fetch(`${url}${path}`, { headers: html });
      const body = await res.text();
      expect(body, path).not.toMatch(/root:|localhost/);
    }
    expect((await fetch(`${url}/tenants`, { headers: { accept: 'application/json' } })).status).toBe(404);
    expect((await fetch(`${url}/tenants`, { method: 'POST', headers: html })).status).toBe(404);
  });

  it('passes everything on when there is no build', async () => {
    const empty = await start(join(dir, 'does-not-exist'));
    try {
      expect((await fetch(`${empty.url}/`, { headers: html })).status).toBe(404);
      expect((await fetch(`${empty.url}/v1/ping`)).status).toBe(200);
    } finally {
      await empty.app.close();
    }
    const none = await start(undefined);
    try {
      expect((await fetch(`${none.url}/tenants`, { headers: html })).status).toBe(404);
    } finally {
      await none.app.close();
    }
  });
});
