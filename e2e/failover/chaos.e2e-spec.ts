// Seeded chaos: three clusters, 50 numbers (single and HA), random faults for CHAOS_SECONDS (20 s by
// default; longer runs: CHAOS_SECONDS=300) — CoreApp crashes, node and zone failures, partitions,
// API server errors, worker kills, Redis connections dropped — with the invariants checked
// throughout: no two instances of a number ever connected, epochs only increase; and after the
// faults stop, every number is back to active and no pod set is left without its placement.
//
// Replay a failure with the seed it prints: CHAOS_SEED=<seed> npx vitest run --project e2e e2e/failover/chaos
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { type ProvisioningStack, STACK_CLUSTERS, startProvisioningStack, TEST_REDIS_URL } from '@bsp/testing';

const SEED = Number(process.env['CHAOS_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const CHAOS_MS = Number(process.env['CHAOS_SECONDS'] ?? 20) * 1000;
const SETTLE_MS = 120_000;

/** mulberry32: small, fast, and the same sequence for the same seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const settled = (n: any) =>
  n.state === 'active' &&
  n.placements.every((p: any) => p.observed?.ready && !['fencing', 'fenced', 'releasing'].includes(p.state));

describe(`chaos (seed ${SEED})`, () => {
  let stack: ProvisioningStack;
  const random = prng(SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const log: string[] = [];
  const note = (what: string) => log.push(`${new Date().toISOString()} ${what}`);

  beforeAll(async () => {
    stack = await startProvisioningStack({
      timings: 'fast',
      leaseFencing: true,
      processWorkers: true,
      workers: 2,
      env: {
        LEASE_DURATION_MS: '2000',
        LEASE_RENEW_INTERVAL_MS: '500',
        LEASE_CLOCK_SKEW_MARGIN_MS: '300',
        HEALTH_CHECK_INTERVAL_SECONDS: '1',
        HEALTH_FAILURE_THRESHOLD: '3',
        HEALTH_SUCCESS_THRESHOLD: '1',
        HEALTH_SHARDS: '4',
        RECONCILE_LOCK_MS: '3000',
        RESYNC_INTERVAL_SECONDS: '10',
      },
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('keeps one instance per number through random faults, and every number comes back', async () => {
    const fail = (message: string): never => {
      throw new Error(`${message}\nseed ${SEED} (replay: CHAOS_SEED=${SEED})\n${log.slice(-40).join('\n')}`);
    };
    const eu = await stack.tenant('eu-central');
    const us = await stack.tenant('us-east');
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push((await stack.number(eu.id, { mode: i % 2 ? 'ha' : 'single' })).id);
    for (let i = 0; i < 10; i++) ids.push((await stack.number(us.id, { mode: 'single' })).id);
    for (const id of ids) await stack.waitFor(id, settled, 180_000);

    const violations: unknown[] = [];
    stack.sim.network.on('violation', (v) => violations.push(v));
    const pg = new Client({ connectionString: stack.api.db.url });
    await pg.connect();
    const epochs = new Map<string, bigint>();
    const epochProblems: string[] = [];
    const watchEpochs = async () => {
      const { rows } = await pg.query<{ id: string; fencing_epoch: string }>(
        'SELECT id, fencing_epoch FROM phone_numbers',
      );
      for (const row of rows) {
        const epoch = BigInt(row.fencing_epoch);
        const before = epochs.get(row.id);
        if (before !== undefined && epoch < before) epochProblems.push(`${row.id}: ${before} → ${epoch}`);
        epochs.set(row.id, epoch);
      }
    };
    const redis = new Redis(TEST_REDIS_URL);

    const heals: { at: number; heal: () => void | Promise<void>; what: string }[] = [];
    const clusters = STACK_CLUSTERS.map((c) => c.name);
    const faults: (() => Promise<void> | void)[] = [
      () => {
        const c = pick(stack.sim.network.connections().filter((x) => x.state === 'connected'));
        if (!c) return;
        stack.sim.cluster(c.cluster).crash(c.namespace, c.pod, 'coreapp');
        note(`crash ${c.cluster}/${c.namespace}/${c.pod}`);
      },
      () => {
        const cluster = pick(clusters);
        const node = pick(stack.sim.clusters.find((c) => c.name === cluster)!.nodes);
        stack.sim.cluster(cluster).failNode(node);
        note(`fail node ${node}`);
        heals.push({
          at: Date.now() + 3000 + random() * 5000,
          heal: () => stack.sim.cluster(cluster).recoverNode(node),
          what: `recover node ${node}`,
        });
      },
      () => {
        const cluster = pick(clusters.filter((c) => c !== 'us-east-1'));
        const zone = pick(STACK_CLUSTERS.find((c) => c.name === cluster)!.zones);
        const sim = stack.sim.cluster(cluster);
        const nodes = sim.nodesInZone(zone);
        for (const node of nodes) sim.failNode(node);
        note(`fail zone ${zone}`);
        heals.push({
          at: Date.now() + 3000 + random() * 5000,
          heal: () => nodes.forEach((n) => sim.recoverNode(n)),
          what: `recover zone ${zone}`,
        });
      },
      () => {
        const cluster = pick(clusters);
        stack.sim.cluster(cluster).setPartitioned(true);
        note(`partition ${cluster}`);
        heals.push({
          at: Date.now() + 3000 + random() * 4000,
          heal: () => stack.sim.cluster(cluster).setPartitioned(false),
          what: `heal ${cluster}`,
        });
      },
      () => {
        const cluster = pick(clusters);
        const id = `chaos-${Math.floor(random() * 1e9)}`;
        stack.sim.apiFaults(cluster).add({ id, errorRate: 0.2, errors: [500, 503, 429, 504] });
        note(`api errors 20% on ${cluster}`);
        heals.push({
          at: Date.now() + 5000,
          heal: () => void stack.sim.apiFaults(cluster).remove(id),
          what: `api errors off ${cluster}`,
        });
      },
      async () => {
        const victim = pick(stack.workers);
        if (!victim?.child) return;
        victim.child.kill('SIGKILL');
        stack.workers.splice(stack.workers.indexOf(victim), 1);
        note('SIGKILL a worker');
        await stack.startWorker({ process: true });
      },
      async () => {
        // This stack's Redis connections (named after its key prefix) all dropped at once, as when
        // Redis restarts with its data kept; other tests sharing the server are left alone.
        const prefix = process.env['REDIS_KEY_PREFIX'];
        const list = String(await redis.client('LIST'));
        const ours = [...list.matchAll(/^id=(\d+) .*\bname=(\S*)/gm)].filter((m) => m[2] === prefix);
        for (const m of ours) await redis.client('KILL', 'ID', m[1]!);
        note(`Redis dropped ${ours.length} connection(s)`);
      },
    ];

    try {
      const end = Date.now() + CHAOS_MS;
      while (Date.now() < end) {
        await pick(faults)();
        const wait = 1500 + random() * 2500;
        const until = Date.now() + wait;
        while (Date.now() < until) {
          for (const h of heals.filter((x) => x.at <= Date.now())) {
            heals.splice(heals.indexOf(h), 1);
            await h.heal();
            note(h.what);
          }
          await watchEpochs();
          if (violations.length > 0) fail(`violation: ${JSON.stringify(violations[0])}`);
          if (epochProblems.length > 0) fail(`epoch went backwards: ${epochProblems[0]}`);
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    } finally {
      for (const h of heals.splice(0)) {
        await h.heal();
        note(h.what);
      }
      for (const cluster of clusters) stack.sim.apiFaults(cluster).clear();
      await redis.quit();
    }
    note('faults stopped');

    // Every number back to active (retired placements gone) within the bound.
    const deadline = Date.now() + SETTLE_MS;
    for (const id of ids) {
      let n = await stack.get(id);
      while (!settled(n)) {
        if (Date.now() > deadline)
          fail(
            `number ${id} not back to active: ${JSON.stringify({ state: n.state, placements: n.placements.map((p: any) => [p.role, p.state, p.observed?.ready]) })}`,
          );
        await watchEpochs();
        await new Promise((r) => setTimeout(r, 250));
        n = await stack.get(id);
      }
    }
    await watchEpochs();
    const { rows: ended } = await pg.query<{ trigger: string; state: string; n: string }>(
      'SELECT trigger, state, count(*) AS n FROM failovers GROUP BY 1, 2 ORDER BY 1, 2',
    );
    await pg.end();
    const kinds = new Map<string, number>();
    for (const line of log) {
      const words = line.split(' ').slice(1);
      const kind = words[0] === 'crash' ? 'crash' : words.slice(0, 2).join(' ');
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    process.stdout.write(
      `${JSON.stringify({ seed: SEED, chaosSeconds: CHAOS_MS / 1000, events: Object.fromEntries(kinds), failovers: ended.map((r) => `${r.trigger}/${r.state}: ${r.n}`) })}\n`,
    );
    if (violations.length > 0) fail(`violation: ${JSON.stringify(violations[0])}`);
    if (epochProblems.length > 0) fail(`epoch went backwards: ${epochProblems[0]}`);

    // No orphans: every pod-set namespace in every cluster belongs to a live placement, and back.
    const placements = (await Promise.all(ids.map((id) => stack.get(id)))).flatMap((n) =>
      n.placements.map((p: any) => `${p.cluster.name}/${p.namespace}`),
    );
    const namespaces: string[] = [];
    for (const cluster of clusters) {
      const out = await stack.kubectl(
        '--context',
        cluster,
        'get',
        'namespaces',
        '-l',
        'app.kubernetes.io/managed-by=bsp-control-plane',
        '-o',
        'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}',
      );
      namespaces.push(
        ...out
          .split('\n')
          .filter(Boolean)
          .map((ns) => `${cluster}/${ns}`),
      );
    }
    expect(namespaces.sort()).toEqual(placements.sort());
    expect(stack.sim.network.violationCount()).toBe(0);
  }, 600_000);
});
