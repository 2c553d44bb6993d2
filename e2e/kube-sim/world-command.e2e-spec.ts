import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

describe('kube-sim command', () => {
  let dir: string;
  let child: ChildProcess | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kube-sim-command-'));
  });
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts clusters from flags and a config file, serves kubectl, and stops on SIGTERM', async () => {
    const config = join(dir, 'sim.yaml');
    writeFileSync(config, 'clusters:\n  - {name: us-1, region: us-east, zones: [x], nodesPerZone: 1}\n');
    const kubeconfig = join(dir, 'kubeconfig');
    child = spawn(
      join(root, 'node_modules/.bin/tsx'),
      [
        'apps/kube-sim/src/main.ts',
        '--',
        '--cluster',
        'name=eu-1,region=eu-central,zones=a,b',
        '--config',
        config,
        '--timings',
        'fast',
        '--kubeconfig',
        kubeconfig,
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const start = Date.now();
    while (!out.includes('kubeconfig:')) {
      if (Date.now() - start > 30_000 || child.exitCode !== null)
        throw new Error(`command did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(out).toMatch(/eu-1\s+region=eu-central\s+zones=a,b\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toMatch(/us-1\s+region=us-east\s+zones=x\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toContain(`kubeconfig: ${kubeconfig}`);
    const nodes = await new Promise<string>((res, rej) =>
      execFile(
        'kubectl',
        [
          '--kubeconfig',
          kubeconfig,
          '--cache-dir',
          join(dir, 'cache'),
          '--context',
          'us-1',
          'get',
          'nodes',
          '-o',
          'name',
        ],
        { timeout: 30_000 },
        (err, stdout, stderr) => (err ? rej(new Error(stderr)) : res(stdout)),
      ),
    );
    expect(nodes.trim()).toBe('node/us-1-x-1');
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('SIGTERM, stopping');
  });
});
