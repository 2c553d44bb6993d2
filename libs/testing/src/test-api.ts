import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { appFactory } from './app-factories';
import { createTestDatabase, type TestDatabase } from './test-database';
import { applyTestEnvironment, deleteRedisPrefix } from './test-environment';
import { uniqueName } from './test-env';

export interface TestResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is: lets tests send malformed JSON or other content types. */
  rawBody?: string;
  token?: string;
  apiKey?: string;
  /** How to send the API key: the X-API-Key header (default) or Authorization: Bearer. */
  apiKeyHeader?: 'x-api-key' | 'bearer';
  headers?: Record<string, string>;
}

export interface TestApi {
  url: string;
  app: INestApplication;
  db: TestDatabase;
  /** Every log line the API wrote. */
  logs: string[];
  adminEmail: string;
  adminPassword: string;
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<TestResponse<T>>;
  login(email: string, password: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real API on a random port, against a fresh PostgreSQL database and its own Redis key prefix,
 * with a seeded platform admin. Everything it creates is removed by close().
 */
export async function startTestApi(env: Record<string, string> = {}): Promise<TestApi> {
  const db = await createTestDatabase();
  const prefix = uniqueName('bsptest');
  const adminEmail = 'admin@bsp.test';
  const adminPassword = `admin-${randomBytes(8).toString('hex')}`;
  applyTestEnvironment({
    databaseUrl: db.url,
    redisPrefix: prefix,
    BSP_ADMIN_EMAIL: adminEmail,
    BSP_ADMIN_PASSWORD: adminPassword,
    ...env,
  });
  const logs: string[] = [];
  const app = await appFactory('api')({ logStream: { write: (line: string) => void logs.push(line) } });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');

  const request = async <T>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<TestResponse<T>> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined || options.rawBody !== undefined)
      headers['content-type'] ??= 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.apiKey) {
      if (options.apiKeyHeader === 'bearer') headers.authorization = `Bearer ${options.apiKey}`;
      else headers['x-api-key'] = options.apiKey;
    }
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
    const text = await res.text();
    let body: unknown = text;
    if (/json/.test(res.headers.get('content-type') ?? '') && text) body = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: body as T, text };
  };

  const login = async (email: string, password: string): Promise<string> => {
    const res = await request<{ accessToken: string }>('POST', '/v1/auth/login', {
      body: { email, password },
    });
    if (res.status !== 200) throw new Error(`login as ${email} failed: ${res.status} ${res.text}`);
    return res.body.accessToken;
  };

  const close = async (): Promise<void> => {
    await app.close();
    await deleteRedisPrefix(prefix);
    await db.drop();
  };

  return { url, app, db, logs, adminEmail, adminPassword, request, login, close };
}
