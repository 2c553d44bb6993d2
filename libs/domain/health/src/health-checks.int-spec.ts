import { randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { ConfigModule } from '@bsp/config';
import { DbModule, PrismaService } from '@bsp/db';
import { KUBE_GATEWAY } from '@bsp/domain-provisioning';
import type { KubeGateway, ProxyAnswer } from '@bsp/kube';
import { RedisModule } from '@bsp/redis';
import {
  applyTestEnvironment,
  createTestDatabase,
  deleteRedisPrefix,
  type TestDatabase,
  uniqueName,
} from '@bsp/testing';
import { HEALTH_VERDICT_LISTENER, type UnhealthyNumberEvent } from './health-verdict.listener';
import { HealthChecksModule } from './health.module';
import { HealthRepository } from './store/health.repository';
import { HealthStatusStore } from './store/health-status.store';
import { healthShardOf } from './sweep/health-shard';
import { HealthSweepService } from './sweep/health-sweep.service';

/** A gateway whose WebApp answers are set per namespace; pods come from a synced, empty-handed cache. */
function fakeGateway() {
  const answers = new Map<string, () => Promise<ProxyAnswer>>();
  const coreappPod = (ready: boolean) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'coreapp-0', labels: { 'app.kubernetes.io/component': 'coreapp' } },
    spec: { nodeName: 'n1' },
    status: {
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [{ name: 'coreapp', restartCount: 0, state: { running: {} } }],
    },
  });
  const gateway = {
    reachability: () => 'reachable',
    proxyGet: (_c: unknown, target: { namespace: string }) =>
      answers.get(target.namespace)?.() ?? Promise.resolve({ status: 503, body: 'no endpoints' }),
    cache: () => ({
      isSynced: () => true,
      inNamespace: () => [coreappPod(true)],
    }),
  } as unknown as KubeGateway;
  const gatewayStatus = (ns: string, status: string) =>
    answers.set(ns, () => Promise.resolve({ status: 200, body: { health: { gateway_status: status } } }));
  return { gateway, answers, gatewayStatus };
}

describe('health checks against PostgreSQL and Redis', () => {
  let db: TestDatabase;
  let prefix: string;
  let app: INestApplicationContext;
  let prisma: PrismaService;
  let sweep: HealthSweepService;
  let repository: HealthRepository;
  let store: HealthStatusStore;
  const fake = fakeGateway();
  const events: UnhealthyNumberEvent[] = [];
  let tenantA: string;
  let tenantB: string;
  let clusterId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    prefix = uniqueName('bsptest');
    applyTestEnvironment({
      databaseUrl: db.url,
      redisPrefix: prefix,
      HEALTH_FAILURE_THRESHOLD: '3',
      HEALTH_SUCCESS_THRESHOLD: '2',
      LEASE_RENEW_INTERVAL_MS: '1000',
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule,
        DbModule,
        RedisModule,
        HealthChecksModule.forRoot({
          providers: [
            { provide: KUBE_GATEWAY, useValue: fake.gateway },
            {
              provide: HEALTH_VERDICT_LISTENER,
              useValue: { onUnhealthy: (e: UnhealthyNumberEvent) => void events.push(e) },
            },
            HealthStatusStore,
          ],
        }),
      ],
    }).compile();
    app = await moduleRef.init();
    prisma = app.get(PrismaService);
    sweep = app.get(HealthSweepService);
    repository = app.get(HealthRepository);
    store = app.get(HealthStatusStore);
    tenantA = (await prisma.tenant.create({ data: { slug: `a-${prefix}`, name: 'A', dataRegion: 'eu' } })).id;
    tenantB = (await prisma.tenant.create({ data: { slug: `b-${prefix}`, name: 'B', dataRegion: 'eu' } })).id;
    clusterId = (
      await prisma.cluster.create({
        data: {
          name: `c-${prefix}`.slice(0, 60),
          region: 'eu',
          zone: 'eu-1a',
          apiServerUrl: 'https://k8s.test',
          credentialsRef: 'kubeconfig:/dev/null#x',
          capacity: 100,
        },
      })
    ).id;
  });

  afterAll(async () => {
    await app?.close();
    await deleteRedisPrefix(prefix);
    await db?.drop();
  });

  let phone = 10_000_000;
  async function activeNumber(tenantId: string, lease?: { renewedSecondsAgo: number }) {
    const number = await prisma.phoneNumber.create({
      data: {
        tenantId,
        phoneNumber: `+49151${phone++}`,
        region: 'eu',
        state: 'active',
        desiredState: 'active',
      },
    });
    const placement = await prisma.placement.create({
      data: {
        numberId: number.id,
        clusterId,
        role: 'primary',
        namespace: `wa-${number.id.replaceAll('-', '')}`.slice(0, 63),
        state: 'ready',
        activeNumberId: number.id,
      },
    });
    if (lease)
      await prisma.$executeRaw`INSERT INTO activation_leases (placement_id, number_id, epoch, granted_until, renewed_at)
        VALUES (${placement.id}::uuid, ${number.id}::uuid, 1, now() + interval '5 seconds',
                now() - make_interval(secs => ${lease.renewedSecondsAgo}))`;
    return { id: number.id, namespace: placement.namespace, placementId: placement.id };
  }

  const transitions = (numberId: string) =>
    prisma.numberHealthTransition.findMany({ where: { numberId }, orderBy: { id: 'asc' } });

  it('the store writes a record only over the revision it read, and keeps clusters\u2019 reachability', async () => {
    const id = randomUUID();
    const record = { hysteresis: {}, flapping: false, check: { at: 'x' } } as never;
    expect(await store.write([{ numberId: id, expectedRev: 0, record }], [], 60_000)).toEqual(new Set([id]));
    expect(await store.write([{ numberId: id, expectedRev: 0, record }], [], 60_000)).toEqual(new Set());
    expect((await store.read([id, randomUUID()])).get(id)?.rev).toBe(1);
    await store.write(
      [],
      [{ clusterId, name: 'c', reachability: 'unreachable', at: '2026-01-01T00:00:00Z' }],
      60_000,
    );
    expect((await store.clusters([clusterId])).get(clusterId)).toMatchObject({ reachability: 'unreachable' });
  });

  it('a blip does not flip; three failing checks make one transition with its reason; two passing ones bring it back', async () => {
    const n = await activeNumber(tenantA);
    fake.gatewayStatus(n.namespace, 'connected');
    expect(await sweep.checkNow([n.id])).toEqual([
      {
        numberId: n.id,
        monitored: true,
        status: 'healthy',
        cause: null,
        reason: 'gateway connected, CoreApp ready',
      },
    ]);
    fake.gatewayStatus(n.namespace, 'disconnected');
    await sweep.checkNow([n.id]);
    await sweep.checkNow([n.id]);
    fake.gatewayStatus(n.namespace, 'connected');
    expect((await sweep.checkNow([n.id]))[0]!.status).toBe('healthy');
    fake.gatewayStatus(n.namespace, 'disconnected');
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await sweep.checkNow([n.id]))[0]!.status);
    expect(statuses).toEqual(['healthy', 'healthy', 'unhealthy']);
    expect(events.filter((e) => e.numberId === n.id)).toEqual([
      expect.objectContaining({ cause: 'unhealthy', reason: 'gateway disconnected', tenantId: tenantA }),
    ]);
    fake.gatewayStatus(n.namespace, 'connected');
    await sweep.checkNow([n.id]);
    await sweep.checkNow([n.id]);
    const rows = await transitions(n.id);
    expect(rows.map((r) => [r.fromStatus, r.toStatus, r.reason])).toEqual([
      [null, 'healthy', 'gateway connected, CoreApp ready'],
      ['healthy', 'unhealthy', 'gateway disconnected'],
      ['unhealthy', 'healthy', 'gateway connected, CoreApp ready'],
    ]);
    expect(rows[1]!.detail).toMatchObject({
      gateway: [{ gatewayStatus: 'disconnected' }],
      lease: { state: 'none' },
    });
    const number = await prisma.phoneNumber.findUniqueOrThrow({ where: { id: n.id } });
    expect(number.healthStatus).toBe('healthy');
    expect(number.healthChangedAt?.getTime()).toBe(rows[2]!.occurredAt.getTime());
  });

  it('an instance lost (lease lapsed, gateway disconnected) is unhealthy at the first check', async () => {
    const n = await activeNumber(tenantA, { renewedSecondsAgo: 10 });
    fake.gatewayStatus(n.namespace, 'disconnected');
    const [result] = await sweep.checkNow([n.id]);
    expect(result).toMatchObject({ status: 'unhealthy', cause: 'instance_lost' });
    expect(result!.reason).toMatch(
      /^instance lost: activation lease not renewed for 1\d\.\d s and gateway disconnected$/,
    );
    expect(events.at(-1)).toMatchObject({ numberId: n.id, cause: 'instance_lost' });
  });

  it('a probe that hangs only costs its deadline', async () => {
    const n = await activeNumber(tenantA);
    fake.answers.set(n.namespace, () => new Promise(() => undefined));
    const started = Date.now();
    const [result] = await sweep.checkNow([n.id]);
    // HEALTH_PROBE_TIMEOUT_MS (2 s) plus the backstop's slack; a real gateway rejects at the deadline.
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(result).toMatchObject({ monitored: true, status: null });
    expect(result!.reason).toBe('WebApp health probe timed out (no answer within 2000 ms)');
  });

  it('checks racing on one number record one transition', async () => {
    const n = await activeNumber(tenantA);
    fake.gatewayStatus(n.namespace, 'connected');
    const results = await Promise.all(Array.from({ length: 5 }, () => sweep.checkNow([n.id])));
    expect(results.every(([r]) => r!.status === 'healthy')).toBe(true);
    expect(await transitions(n.id)).toHaveLength(1);
  });

  it('a shard sweep reads only its shard\u2019s monitored numbers; the summary counts per tenant and cluster', async () => {
    const mine = await Promise.all([activeNumber(tenantB), activeNumber(tenantB), activeNumber(tenantB)]);
    for (const n of mine) fake.gatewayStatus(n.namespace, 'connected');
    const suspended = await activeNumber(tenantB);
    await prisma.phoneNumber.update({ where: { id: suspended.id }, data: { desiredState: 'suspended' } });
    const shard = healthShardOf(mine[0].id, 4);
    const targets = await repository.shardTargets(shard, 4);
    expect(targets.every((t) => healthShardOf(t.numberId, 4) === shard)).toBe(true);
    expect(targets.map((t) => t.numberId)).toContain(mine[0].id);
    expect(targets.map((t) => t.numberId)).not.toContain(suspended.id);
    let swept = 0;
    for (let s = 0; s < 4; s++) swept += (await sweep.sweep(s, 4)).checked;
    const all = await prisma.phoneNumber.count({ where: { state: 'active', desiredState: 'active' } });
    expect(swept).toBe(all);
    expect(await repository.statusCounts(tenantB)).toEqual({
      healthy: 3,
      degraded: 0,
      unhealthy: 0,
      unknown: 0,
      unchecked: 0,
    });
    expect(await repository.statusCounts(tenantB, [mine[0].id])).toMatchObject({ healthy: 1 });
    const byCluster = await repository.statusCountsByCluster(tenantB);
    expect(byCluster).toEqual([
      expect.objectContaining({ clusterId, counts: expect.objectContaining({ healthy: 3 }) }),
    ]);
  });
});
