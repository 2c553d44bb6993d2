import type { LoginRequest, MeResponse, TokenResponse } from '@bsp/contracts';
import { ApiError, apiErrorFrom, networkError } from './api-error';

/**
 * The access token lives in memory only. The refresh token is kept in sessionStorage so a reload
 * of the tab keeps the session, and it is single-use (the API rotates it on every refresh).
 */
const REFRESH_KEY = 'bsp.refreshToken';

type Listener = (signedIn: boolean) => void;

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined | null>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

function readStoredRefresh(): string | null {
  try {
    return sessionStorage.getItem(REFRESH_KEY);
  } catch {
    return null;
  }
}

function storeRefresh(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(REFRESH_KEY, token);
    else sessionStorage.removeItem(REFRESH_KEY);
  } catch {
    // Storage may be disabled; the session then lasts as long as the page.
  }
}

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export class ApiClient {
  private accessToken: string | null = null;
  private refreshToken: string | null = readStoredRefresh();
  private refreshing: Promise<boolean> | null = null;
  private readonly listeners = new Set<Listener>();

  get hasSession(): boolean {
    return this.refreshToken !== null || this.accessToken !== null;
  }

  onSessionChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async login(credentials: LoginRequest): Promise<void> {
    const res = await this.send('POST', '/v1/auth/login', { body: credentials }, null);
    this.adopt((await res.json()) as TokenResponse);
  }

  async logout(): Promise<void> {
    const refreshToken = this.refreshToken;
    this.clear();
    if (refreshToken) {
      // Ending the session server-side is best effort: the tokens are already gone from this tab.
      await this.send('POST', '/v1/auth/logout', { body: { refreshToken } }, null).catch(() => undefined);
    }
  }

  me(): Promise<MeResponse> {
    return this.get<MeResponse>('/v1/me');
  }

  get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.json<T>('GET', path, options);
  }

  post<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.json<T>('POST', path, { ...options, body });
  }

  patch<T>(path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
    return this.json<T>('PATCH', path, { ...options, body });
  }

  delete<T = void>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.json<T>('DELETE', path, options);
  }

  /** A raw authorized response, e.g. for CSV downloads. */
  async raw(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    return this.authorized(method, path, options);
  }

  private async json<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const res = await this.authorized(method, path, options);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Sends with the access token; on a 401, refreshes once (shared by concurrent callers) and retries once. */
  private async authorized(method: string, path: string, options: RequestOptions): Promise<Response> {
    if (!this.accessToken && this.refreshToken) await this.refresh();
    try {
      return await this.send(method, path, options, this.accessToken);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401 || !this.refreshToken) {
        if (error instanceof ApiError && error.status === 401) this.clear();
        throw error;
      }
      const tokenUsed = this.accessToken;
      const ok = await this.refresh(tokenUsed);
      if (!ok) throw error;
      try {
        return await this.send(method, path, options, this.accessToken);
      } catch (retryError) {
        if (retryError instanceof ApiError && retryError.status === 401) this.clear();
        throw retryError;
      }
    }
  }

  /**
   * Single flight: every request that hit a 401 waits for the same refresh, because the refresh
   * token is single use and a second concurrent refresh would look like token theft to the API.
   */
  private refresh(staleAccessToken?: string | null): Promise<boolean> {
    if (staleAccessToken !== undefined && this.accessToken !== staleAccessToken && this.accessToken) {
      return Promise.resolve(true); // someone else refreshed while this request was in flight
    }
    this.refreshing ??= (async () => {
      const refreshToken = this.refreshToken;
      if (!refreshToken) return false;
      try {
        const res = await this.send('POST', '/v1/auth/refresh', { body: { refreshToken } }, null);
        this.adopt((await res.json()) as TokenResponse);
        return true;
      } catch {
        this.clear();
        return false;
      }
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async send(
    method: string,
    path: string,
    options: RequestOptions,
    token: string | null,
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await fetch(buildUrl(path, options.query), {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        credentials: 'omit',
        cache: 'no-store',
        signal: options.signal,
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw networkError();
    }
    if (!res.ok) throw await apiErrorFrom(res);
    return res;
  }

  private adopt(tokens: TokenResponse): void {
    const wasSignedIn = this.hasSession;
    this.accessToken = tokens.accessToken;
    this.refreshToken = tokens.refreshToken;
    storeRefresh(tokens.refreshToken);
    if (!wasSignedIn) this.emit(true);
  }

  private clear(): void {
    const wasSignedIn = this.hasSession;
    this.accessToken = null;
    this.refreshToken = null;
    storeRefresh(null);
    if (wasSignedIn) this.emit(false);
  }

  private emit(signedIn: boolean): void {
    for (const listener of this.listeners) listener(signedIn);
  }
}

export const api = new ApiClient();
