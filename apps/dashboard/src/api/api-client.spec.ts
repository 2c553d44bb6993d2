import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from './api-client';
import { ApiError, plainMessage } from './api-error';

function json(status: number, body: unknown, type = 'application/json'): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
}

const tokens = (n: number) => ({
  accessToken: `access-${n}`,
  refreshToken: `refresh-${n}`,
  tokenType: 'Bearer',
  expiresIn: 900,
});
const unauthenticated = () =>
  json(401, { code: 'unauthenticated', detail: 'Authentication is required' }, 'application/problem+json');

/** A fake API: access-N is valid only while N is the current generation; refresh-N gives N+1 once. */
function fakeApi() {
  let generation = 1;
  const calls: string[] = [];
  const fetchMock = vi.fn(async (url: string, init: RequestInit) => {
    const auth = (init.headers as Record<string, string>).authorization;
    calls.push(`${init.method} ${url}`);
    if (url === '/v1/auth/login') return json(200, tokens(generation));
    if (url === '/v1/auth/refresh') {
      const { refreshToken } = JSON.parse(init.body as string) as { refreshToken: string };
      if (refreshToken !== `refresh-${generation}`) {
        return json(401, { code: 'invalid_refresh_token' }, 'application/problem+json');
      }
      await new Promise((r) => setTimeout(r, 5));
      generation += 1;
      return json(200, tokens(generation));
    }
    if (auth !== `Bearer access-${generation}`) return unauthenticated();
    return json(200, { ok: url });
  });
  return {
    fetchMock,
    calls,
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('ApiClient', () => {
  it('logs in and sends the access token', async () => {
    const fake = fakeApi();
    vi.stubGlobal('fetch', fake.fetchMock);
    const client = new ApiClient();
    await client.login({ email: 'a@b.test', password: 'pw' });
    expect(await client.get('/v1/me')).toEqual({ ok: '/v1/me' });
    expect(fake.calls).toEqual(['POST /v1/auth/login', 'GET /v1/me']);
  });

  it('refreshes once for concurrent 401s and retries each request once', async () => {
    const fake = fakeApi();
    vi.stubGlobal('fetch', fake.fetchMock);
    const client = new ApiClient();
    await client.login({ email: 'a@b.test', password: 'pw' });
    // Every request with the current token now fails once, as when the access token expires.
    for (let i = 0; i < 3; i++)
      fake.fetchMock.mockImplementationOnce(() => Promise.resolve(unauthenticated()));
    const results = await Promise.all([client.get('/v1/a'), client.get('/v1/b'), client.get('/v1/c')]);
    expect(results).toEqual([{ ok: '/v1/a' }, { ok: '/v1/b' }, { ok: '/v1/c' }]);
    expect(fake.calls.filter((c) => c === 'POST /v1/auth/refresh')).toHaveLength(1);
  });

  it('ends the session when the refresh is refused', async () => {
    const fetchMock = vi.fn((url: string) =>
      Promise.resolve(
        url === '/v1/auth/login'
          ? json(200, tokens(1))
          : url === '/v1/auth/refresh'
            ? json(401, { code: 'invalid_refresh_token' }, 'application/problem+json')
            : unauthenticated(),
      ),
    );
    vi.stubGlobal('fetch', fetchMock);
    const client = new ApiClient();
    const changes: boolean[] = [];
    client.onSessionChange((signedIn) => changes.push(signedIn));
    await client.login({ email: 'a@b.test', password: 'pw' });
    await expect(client.get('/v1/me')).rejects.toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(client.hasSession).toBe(false);
    expect(changes).toEqual([true, false]);
    expect(fetchMock.mock.calls.map(([url]) => url)).toEqual([
      '/v1/auth/login',
      '/v1/me',
      '/v1/auth/refresh',
    ]);
  });

  it('turns problem+json into plain words, per field', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() =>
        Promise.resolve(
          json(
            400,
            {
              code: 'validation_failed',
              detail: 'The request has invalid fields',
              errors: [
                {
                  field: 'phoneNumber',
                  code: 'invalidPhoneNumber',
                  message: 'phoneNumber is not a valid number in any numbering plan',
                },
              ],
            },
            'application/problem+json',
          ),
        ),
      ),
    );
    const client = new ApiClient();
    const error = (await client
      .login({ email: 'a@b.test', password: 'pw' })
      .catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe('Some fields need attention: see the messages next to them.');
    expect(error.forField('phoneNumber')).toBe('This is not a valid number in any numbering plan');
    expect(error.forField('email')).toBeUndefined();
  });

  it('reports an unreachable API in plain words', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.reject(new TypeError('fetch failed'))),
    );
    const client = new ApiClient();
    await expect(client.login({ email: 'a@b.test', password: 'pw' })).rejects.toMatchObject({
      code: 'network',
      message: 'The API cannot be reached. Check your connection and try again.',
    });
  });
});

describe('plainMessage', () => {
  it('says why a failover was refused, in plain words', () => {
    expect(plainMessage('failover_in_progress', 409, 'Failover 123 of this number is still running')).toBe(
      'A failover of this number is already running: follow it under Failovers below.',
    );
    expect(plainMessage('failover_not_possible', 409, 'The number has no active instance to fail over')).toBe(
      'This number cannot fail over now: the number has no active instance to fail over.',
    );
    expect(plainMessage('failover_not_possible', 409)).toBe('This number cannot fail over now.');
  });
});
