/**
 * Every rendered variant applied with real kubectl to the Kubernetes emulator: accepted under
 * strict field validation (server-side apply and a server dry run of a client-side apply), and
 * the API and worker Deployments become Available (the emulator runs unknown images as generic
 * containers that answer every GET with 200, so /healthz and /readyz pass).
 *
 * The emulator serves no Job, Ingress, HorizontalPodAutoscaler or CRD (so no ServiceMonitor):
 * those objects are checked for shape in chart-render.e2e-spec.ts, and here kubectl must report
 * that the server does not know them — when the emulator learns a kind, this test says so and the
 * kind moves to the applied set. The migrations hook Job therefore does not run here; the
 * migrations themselves are tested against real PostgreSQL (libs/server/db).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startSimulation, type Simulation } from '@bsp/kube-sim';
import { kubectl, render, type KubeObject } from './chart';
import { releaseName, VARIANTS } from './variants';

const NOT_SERVED_BY_EMULATOR = new Set(['Job', 'Ingress', 'HorizontalPodAutoscaler', 'ServiceMonitor']);

describe('rendered chart applied with kubectl to the emulator', () => {
  let sim: Simulation;
  let dir: string;

  beforeAll(async () => {
    sim = await startSimulation({
      clusters: [{ name: 'cp', region: 'eu-central', zones: ['a', 'b'] }],
      timings: 'fast',
    });
    dir = mkdtempSync(join(tmpdir(), 'helm-kube-'));
  });

  afterAll(async () => {
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function ok(args: string[], input?: string): Promise<string> {
    const run = await kubectl(sim.kubeconfigPath, args, input);
    expect(run.stderr, `kubectl ${args.join(' ')}`).not.toMatch(/error|invalid/i);
    expect(run.code, `kubectl ${args.join(' ')}: ${run.stderr}`).toBe(0);
    return run.stdout;
  }

  function manifest(name: string, objects: KubeObject[]): string {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, objects.map((o) => `---\n${stringify(o)}`).join(''));
    return file;
  }

  it.each(VARIANTS.map((v) => v.name))('%s: accepted with strict validation and ready', async (name) => {
    const variant = VARIANTS.find((v) => v.name === name)!;
    const namespace = `bsp-${name}`;
    const release = releaseName(variant);
    const { objects } = render({ values: variant.values, name: release, namespace });

    await ok(['create', 'namespace', namespace]);
    // What the operator creates before `helm install`: the Secrets the values refer to.
    for (const [secret, keys] of Object.entries(variant.secrets)) {
      await ok([
        'create',
        'secret',
        'generic',
        secret,
        '-n',
        namespace,
        ...keys.map((k) => `--from-literal=${k}=test-value-of-${k.toLowerCase()}`),
      ]);
    }

    const served = objects.filter((o) => !NOT_SERVED_BY_EMULATOR.has(o.kind));
    const notServed = objects.filter((o) => NOT_SERVED_BY_EMULATOR.has(o.kind));
    const file = manifest(name, served);

    await ok(['apply', '-n', namespace, '--validate=strict', '--dry-run=server', '-f', file]);
    const applied = await ok([
      'apply',
      '-n',
      namespace,
      '--server-side',
      '--field-manager=helm',
      '--validate=strict',
      '-f',
      file,
    ]);
    expect(applied.trim().split('\n')).toHaveLength(served.length);
    // Applying the same manifest again changes nothing (what helm upgrade without changes does).
    const again = await ok(['apply', '-n', namespace, '--server-side', '--field-manager=helm', '-f', file]);
    expect(again).not.toMatch(/configured|created/);

    for (const o of notServed) {
      const run = await kubectl(sim.kubeconfigPath, [
        'apply',
        '-n',
        namespace,
        '--validate=false',
        '-f',
        manifest(`${name}-${o.kind}`, [o]),
      ]);
      expect(run.code, `the emulator now serves ${o.kind}: apply it with the others`).not.toBe(0);
      expect(run.stderr).toMatch(new RegExp(`no matches for kind "${o.kind}"`));
    }

    await ok([
      'wait',
      '-n',
      namespace,
      '--for=condition=Available',
      '--timeout=60s',
      'deployment',
      '-l',
      `app.kubernetes.io/instance=${release}`,
    ]);
    const pods = JSON.parse(
      await ok(['get', 'pods', '-n', namespace, '-l', `app.kubernetes.io/instance=${release}`, '-o', 'json']),
    ) as {
      items: {
        metadata: { labels: Record<string, string> };
        status: { phase: string; conditions?: { type: string; status: string }[] };
      }[];
    };
    const ready = pods.items.filter(
      (p) =>
        p.status.phase === 'Running' &&
        p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    const want = served
      .filter((o) => o.kind === 'Deployment')
      .reduce((n, d) => n + ((d as unknown as { spec: { replicas?: number } }).spec.replicas ?? 1), 0);
    expect(ready.length).toBe(want);
    expect(new Set(ready.map((p) => p.metadata.labels['app.kubernetes.io/component']))).toEqual(
      new Set(['api', 'worker']),
    );
  });

  it('strict validation has teeth: a misspelt field in a rendered Deployment is refused', async () => {
    const { objects } = render({ name: 'cp-typo', namespace: 'bsp-typo' });
    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    (deployment as unknown as { spec: Record<string, unknown> }).spec['replica'] = 2;
    await ok(['create', 'namespace', 'bsp-typo']);
    const run = await kubectl(sim.kubeconfigPath, [
      'apply',
      '-n',
      'bsp-typo',
      '--server-side',
      '--validate=strict',
      '-f',
      manifest('typo', [deployment]),
    ]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/spec\.replica: field not declared in schema|unknown field "spec\.replica"/);
  });
});
