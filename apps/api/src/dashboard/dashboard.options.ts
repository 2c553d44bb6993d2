export const DASHBOARD_OPTIONS = Symbol('DASHBOARD_OPTIONS');

export interface DashboardOptions {
  /** The built dashboard (`dist/apps/dashboard`); absent or without index.html: the API serves no page. */
  rootDir: string | undefined;
  /**
   * Paths the API owns: never answered with the page, so unknown API routes stay problem+json 404s.
   * Each entry matches itself and everything below it.
   */
  apiPrefixes?: readonly string[];
}

export const DEFAULT_API_PREFIXES = [
  '/v1',
  '/docs',
  '/docs-json',
  '/healthz',
  '/readyz',
  '/metrics',
] as const;
