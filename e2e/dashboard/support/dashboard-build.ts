import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

export const REPO = resolve(__dirname, '../../..');
export const DASHBOARD_DIR = join(REPO, 'apps/dashboard');
export const DASHBOARD_DIST = join(REPO, 'dist/apps/dashboard');
const CONFIG_FILE = join(DASHBOARD_DIR, 'vite.config.mts');
const SOURCES = [
  join(DASHBOARD_DIR, 'src'),
  join(DASHBOARD_DIR, 'index.html'),
  CONFIG_FILE,
  join(REPO, 'libs/shared/contracts/src'),
];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Builds the dashboard with Vite's build() API into `outDir`. */
export async function buildDashboard(outDir: string): Promise<void> {
  const { build } = await import('vite');
  // Vitest runs with NODE_ENV=test, and Vite would then bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: CONFIG_FILE,
      mode: 'production',
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

function isStale(): boolean {
  const index = join(DASHBOARD_DIST, 'index.html');
  return !existsSync(index) || statSync(index).mtimeMs < Math.max(...SOURCES.map(newestMtime));
}

/**
 * The production build in dist/apps/dashboard, rebuilt when it is missing or older than its
 * sources. Test files run in parallel processes, so the build happens under a lock directory.
 */
export async function ensureDashboardBuild(): Promise<string> {
  if (!isStale()) return DASHBOARD_DIST;
  const lock = `${DASHBOARD_DIST}.build-lock`;
  mkdirSync(join(DASHBOARD_DIST, '..'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock left by a crashed run is taken over after two minutes.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    if (isStale()) await buildDashboard(DASHBOARD_DIST);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return DASHBOARD_DIST;
}

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  css?: string[];
}

export interface InitialSize {
  files: { file: string; bytes: number; gzip: number }[];
  jsGzip: number;
  jsBytes: number;
  cssGzip: number;
}

/** What the browser must load before the first paint: the entry chunk and its static imports (not lazy routes). */
export function initialLoadSize(outDir: string): InitialSize {
  const manifest = JSON.parse(readFileSync(join(outDir, '.vite/manifest.json'), 'utf8')) as Record<
    string,
    ManifestChunk
  >;
  const entries = Object.entries(manifest).filter(([, chunk]) => chunk.isEntry);
  if (entries.length !== 1) throw new Error(`expected one entry chunk, found ${entries.length}`);
  const seen = new Set<string>();
  const css = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || seen.has(chunk.file)) return;
    seen.add(chunk.file);
    for (const c of chunk.css ?? []) css.add(c);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit(entries[0]![0]);
  const measure = (file: string) => {
    const content = readFileSync(join(outDir, file));
    return { file, bytes: content.length, gzip: gzipSync(content, { level: 9 }).length };
  };
  const files = [...seen].map(measure);
  const cssFiles = [...css].map(measure);
  return {
    files: [...files, ...cssFiles],
    jsGzip: files.reduce((sum, f) => sum + f.gzip, 0),
    jsBytes: files.reduce((sum, f) => sum + f.bytes, 0),
    cssGzip: cssFiles.reduce((sum, f) => sum + f.gzip, 0),
  };
}
