/**
 * Renders helm/bsp-control-plane with tools/helm-render (the stand-in for `helm template` in CI),
 * building the Go program on first use. The binary is cached under tools/helm-render/.bin/ (git
 * ignored), keyed by a hash of its source, so a fresh clone builds it once and a change rebuilds.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '@bsp/kube';

export const ROOT = resolve(__dirname, '../..');
export const CHART_DIR = join(ROOT, 'helm/bsp-control-plane');
const RENDERER_DIR = join(ROOT, 'tools/helm-render');
const CACHE_DIR = join(RENDERER_DIR, '.bin');

export type { KubeObject };

/** Debian's Go in GOPATH mode against the packaged sources (golang-github-masterminds-sprig-dev). */
function goEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GO111MODULE: 'off',
    GOPATH: '/usr/share/gocode',
    GOCACHE: join(CACHE_DIR, 'gocache'),
    GOFLAGS: '',
    CGO_ENABLED: '0',
  };
}

let built: string | undefined;

/** The renderer binary, built from tools/helm-render/main.go when its source changed. */
export function rendererBinary(): string {
  if (built) return built;
  const source = readFileSync(join(RENDERER_DIR, 'main.go'));
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const binary = join(CACHE_DIR, `helm-render-${hash}`);
  if (!existsSync(binary)) {
    mkdirSync(CACHE_DIR, { recursive: true });
    // Build to a private name, then rename: test files building at once never see half a binary.
    const partial = `${binary}.${process.pid}.tmp`;
    const go = spawnSync('go', ['build', '-o', partial, '.'], {
      cwd: RENDERER_DIR,
      env: goEnv(),
      encoding: 'utf8',
    });
    if (go.error || go.status !== 0) {
      throw new Error(
        `building tools/helm-render failed (needs apt packages golang-go and golang-github-masterminds-sprig-dev): ${
          go.error?.message ?? go.stderr
        }`,
      );
    }
    renameSync(partial, binary);
  }
  built = binary;
  return binary;
}

export interface RenderOptions {
  /** Values merged over values.yaml, as with `helm template -f`. */
  values?: Record<string, unknown>;
  /** `--set key=value` expressions, applied after the values. */
  set?: string[];
  name?: string;
  namespace?: string;
}

export interface Rendered {
  text: string;
  objects: KubeObject[];
}

function renderArgs(options: RenderOptions, dir: string): string[] {
  const args = [
    '--name',
    options.name ?? 'bsp-control-plane',
    '--namespace',
    options.namespace ?? 'bsp-control-plane',
  ];
  if (options.values) {
    const file = join(dir, 'values.yaml');
    writeFileSync(file, JSON.stringify(options.values));
    args.push('-f', file);
  }
  for (const s of options.set ?? []) args.push('--set', s);
  return [...args, CHART_DIR];
}

/** Runs the renderer; `ok` false with the error text when the chart refuses the values. */
export function tryRender(
  options: RenderOptions = {},
): { ok: true; rendered: Rendered } | { ok: false; error: string } {
  const dir = mkdtempSync(join(tmpdir(), 'helm-render-'));
  try {
    const run = spawnSync(rendererBinary(), renderArgs(options, dir), { encoding: 'utf8' });
    if (run.status !== 0) return { ok: false, error: run.stderr };
    const objects = parseAllDocuments(run.stdout)
      .map((d) => d.toJS() as KubeObject | null)
      .filter((o): o is KubeObject => o !== null);
    return { ok: true, rendered: { text: run.stdout, objects } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function render(options: RenderOptions = {}): Rendered {
  const result = tryRender(options);
  if (!result.ok) throw new Error(`render failed: ${result.error}`);
  return result.rendered;
}

export function find(objects: KubeObject[], kind: string, nameSuffix = ''): KubeObject[] {
  return objects.filter((o) => o.kind === kind && o.metadata.name.endsWith(nameSuffix));
}

export function one(objects: KubeObject[], kind: string, nameSuffix = ''): KubeObject {
  const found = find(objects, kind, nameSuffix);
  if (found.length !== 1) throw new Error(`expected one ${kind} *${nameSuffix}, found ${found.length}`);
  return found[0]!;
}

export interface KubectlRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Real kubectl, asynchronously (the emulator serves from this process, so a synchronous child
 * would wait for a server that cannot answer).
 */
export function kubectl(kubeconfig: string, args: string[], input?: string): Promise<KubectlRun> {
  return new Promise((resolvePromise) => {
    const child = execFile(
      'kubectl',
      ['--kubeconfig', kubeconfig, ...args],
      { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolvePromise({ code, stdout, stderr });
      },
    );
    child.stdin?.end(input ?? '');
  });
}
