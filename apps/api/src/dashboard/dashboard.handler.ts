import { existsSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import { DASHBOARD_SECURITY_HEADERS, HSTS } from './dashboard-security-headers';
import { DEFAULT_API_PREFIXES, type DashboardOptions } from './dashboard.options';

export type DashboardHandler = (req: Request, res: Response, next: NextFunction) => void;

const HASHED_ASSETS = '/assets/';
const YEAR_SECONDS = 365 * 24 * 3600;

/** Whether `rootDir` holds a built dashboard. */
export function dashboardBuildExists(rootDir: string | undefined): boolean {
  return !!rootDir && existsSync(join(rootDir, 'index.html'));
}

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

function setSecurityHeaders(req: Request, res: Response): void {
  for (const [name, value] of Object.entries(DASHBOARD_SECURITY_HEADERS)) res.setHeader(name, value);
  if (req.secure) res.setHeader('Strict-Transport-Security', HSTS);
}

/**
 * Serves the built single-page app next to the API on one origin:
 * - files of the build as they are: hashed `/assets/*` cached for a year (immutable), others revalidated;
 * - any other GET of a page (Accept: text/html, not below an API prefix) gets index.html with no-store,
 *   so the client-side router takes over and a new deployment is picked up at once;
 * - everything else (API paths, other methods, missing assets) goes on to the API.
 */
export function createDashboardHandler(options: DashboardOptions): DashboardHandler {
  if (!options.rootDir || !dashboardBuildExists(options.rootDir)) return (_req, _res, next) => next();
  const root = resolve(options.rootDir);
  const apiPrefixes = options.apiPrefixes ?? DEFAULT_API_PREFIXES;

  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // Nest mounts middleware with a path pattern, and Express strips the mount from req.url.
    const rawPath = (req.originalUrl || req.url).split('?')[0] ?? '/';
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      return next();
    }
    if (path.includes('\0') || apiPrefixes.some((prefix) => isUnder(path, prefix))) return next();

    if (path === '/index.html') path = '/';
    const isAsset = path.startsWith(HASHED_ASSETS);
    const candidate = path === '/' ? undefined : path;
    if (candidate && extname(candidate) && !candidate.split('/').some((part) => part.startsWith('.'))) {
      const file = resolve(root, `.${candidate}`);
      const inside = file.startsWith(`${root}/`);
      if (inside && existsSync(file) && statSync(file).isFile()) {
        setSecurityHeaders(req, res);
        res.setHeader('Cache-Control', isAsset ? `public, max-age=${YEAR_SECONDS}, immutable` : 'no-cache');
        res.sendFile(
          file,
          { dotfiles: 'deny', cacheControl: false, lastModified: true, etag: true },
          (error?: Error) => {
            if (error && !res.headersSent) next(error);
          },
        );
        return;
      }
    }
    // A missing asset is a 404, not the page: a browser would otherwise run HTML as a script.
    // Only a request that names text/html gets the page (a browser navigating does); API clients
    // sending */* for a path that does not exist keep getting a problem+json 404.
    if (isAsset || extname(path) || !/\btext\/html\b/i.test(req.headers.accept ?? '')) return next();

    setSecurityHeaders(req, res);
    res.setHeader('Cache-Control', 'no-store');
    res.sendFile(
      join(root, 'index.html'),
      { cacheControl: false, lastModified: false, etag: false },
      (error?: Error) => {
        if (error && !res.headersSent) next(error);
      },
    );
  };
}
