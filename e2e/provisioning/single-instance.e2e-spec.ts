import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { JobName, QueueName } from '@bsp/queue';
import { freshPhoneNumber, type ProvisioningStack, startProvisioningStack } from '@bsp/testing';

/**
 * F4 under concurrency and faults. The judge is the emulator's WhatsApp network, which records every
 * moment two CoreApps of one number are connected at once; every case must end with the number
 * active, exactly one pod set per placement, and zero violations.
 */
const active = (n: any) => n.state === 'active' && n.placements.every((p: any) => p.observed?.ready);

describe('single instance per number under concurrency and faults', () => {
  let stack: ProvisioningStack;
  let tenant: { id: string };

  beforeAll(async () => {
    // Two worker processes; a short lock so a killed worker's job is taken over within seconds.
    stack = await startProvisioningStack({
      timings: 'fast',
      workers: 2,
      processWorkers: true,
      env: { RECONCILE_LOCK_MS: '3000' },
    });
    tenant = await stack.tenant('eu-central');
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  async function expectOnePodSet(number: any): Promise<void> {
    const namespaces: string[] = [];
    for (const cluster of ['eu-central-1', 'eu-central-2']) {
      const out = await stack.kubectl(
        '--context',
        cluster,
        'get',
        'ns',
        '-l',
        `bsp.io/number-id=${number.id}`,
        '-o',
        'name',
      );
      namespaces.push(...out.split('\n').filter(Boolean));
    }
    expect(namespaces).toHaveLength(number.mode === 'ha' ? 2 : 1);
    expect(number.placements.filter((p: any) => p.active)).toHaveLength(1);
    const holder = stack.sim.network.holder(number.phoneNumber);
    expect(holder?.state).toBe('connected');
    expect(stack.sim.network.violationCount()).toBe(0);
  }

  it('20 concurrent create requests for one number: one 201, nineteen 409, one pod set', async () => {
    const phoneNumber = freshPhoneNumber();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        stack.api.request('POST', `/v1/tenants/${tenant.id}/numbers`, {
          token: stack.adminToken,
          body: { phoneNumber, mode: 'ha' },
        }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const created = results.find((r) => r.status === 201)!.body;
    await expectOnePodSet(await stack.waitFor(created.id, active, 60_000));
  });

  it('50 concurrent reconcile jobs for one number across two worker processes', async () => {
    const number = await stack.number(tenant.id, { mode: 'single' });
    const queue = stack.api.app.get<Queue>(getQueueToken(QueueName.Provisioning));
    // Distinct job ids on purpose: this bypasses the one-job-per-number dedupe to prove safety without it.
    await queue.addBulk(
      Array.from({ length: 50 }, (_, i) => ({
        name: JobName.Reconcile,
        data: { numberId: number.id, reason: 'manual' as const },
        opts: { jobId: `stress.${number.id}.${i}`, removeOnComplete: true },
      })),
    );
    const done = await stack.waitFor(number.id, active, 60_000);
    await expect
      .poll(async () => (await queue.getJobCounts('waiting', 'active')).active, { timeout: 30_000 })
      .toBe(0);
    await expectOnePodSet(await stack.get(done.id));
  });

  it('a worker killed with SIGKILL in the middle of a reconcile: another finishes it', async () => {
    // Slow the API server down so the kill lands between the namespace and the workloads.
    for (const cluster of ['eu-central-1', 'eu-central-2'])
      stack.sim.apiFaults(cluster).add({ id: 'slow', verb: 'patch', latencyMs: 150 });
    try {
      const number = await stack.number(tenant.id, { mode: 'single' });
      await expect
        .poll(async () => (await stack.get(number.id)).placements.length, { timeout: 20_000, interval: 20 })
        .toBeGreaterThan(0);
      const victim = stack.workers.find((w) => w.kind === 'process' && w.child?.exitCode === null);
      const other = stack.workers.find((w) => w !== victim);
      // Kill both: whichever holds the job dies mid-apply; then one fresh worker must take it over.
      victim!.child!.kill('SIGKILL');
      other!.child!.kill('SIGKILL');
      stack.workers.splice(0);
      await stack.startWorker({ process: true });
      for (const cluster of ['eu-central-1', 'eu-central-2']) stack.sim.apiFaults(cluster).remove('slow');
      await expectOnePodSet(await stack.waitFor(number.id, active, 60_000));
    } finally {
      for (const cluster of ['eu-central-1', 'eu-central-2']) stack.sim.apiFaults(cluster).remove('slow');
    }
  });

  it('a worker stopped with SIGTERM finishes the reconcile it is running before it exits', async () => {
    for (const cluster of ['eu-central-1', 'eu-central-2']) {
      stack.sim.apiFaults(cluster).add({ id: 'slow-term', verb: 'patch', latencyMs: 150 });
    }
    try {
      for (const w of stack.workers.splice(0)) await w.stop();
      const worker = await stack.startWorker({ process: true });
      const number = await stack.number(tenant.id, { mode: 'single' });
      await expect
        .poll(async () => (await stack.get(number.id)).placements.length, { timeout: 20_000, interval: 20 })
        .toBeGreaterThan(0);
      const exited = new Promise<string>((resolve) =>
        worker.child!.once('exit', (code, signal) => resolve(`${code ?? ''}${signal ?? ''}`)),
      );
      worker.child!.kill('SIGTERM');
      // Nest re-raises the signal after its shutdown hooks: a clean exit reads SIGTERM (or 0).
      expect(await exited).toMatch(/^(0|SIGTERM)$/);
      stack.workers.splice(stack.workers.indexOf(worker), 1);
      // Everything the reconcile had to write was written: only readiness is left for a next one.
      const after = await stack.get(number.id);
      expect(after.lastReconcile).toMatchObject({ outcome: expect.stringMatching(/^(waiting|converged)$/) });
      const p = after.placements[0];
      const objects = await stack.kubectl(
        '--context',
        p.cluster.name,
        'get',
        'statefulset,deployment',
        '-n',
        p.namespace,
        '-o',
        'name',
      );
      expect(objects.split('\n').filter(Boolean).sort()).toEqual([
        'deployment.apps/webapp',
        'statefulset.apps/coreapp',
      ]);
    } finally {
      for (const cluster of ['eu-central-1', 'eu-central-2'])
        stack.sim.apiFaults(cluster).remove('slow-term');
    }
    await stack.startWorker({ process: true });
    await stack.startWorker({ process: true });
  });

  it('API server errors and latency injected at 20%: the number still ends active, once', async () => {
    if (stack.workers.length < 2) await stack.startWorker({ process: true });
    for (const cluster of ['eu-central-1', 'eu-central-2']) {
      stack.sim.apiFaults(cluster).add({ id: 'errors', errorRate: 0.2, errors: [500, 503, 429, 504] });
      stack.sim.apiFaults(cluster).add({ id: 'latency', latencyMs: 50 });
    }
    const done: any[] = [];
    try {
      const numbers = await Promise.all([
        stack.number(tenant.id, { mode: 'ha' }),
        stack.number(tenant.id, { mode: 'single' }),
        stack.number(tenant.id, { mode: 'single' }),
      ]);

      for (const n of numbers) done.push(await stack.waitFor(n.id, active, 90_000));
      expect(stack.sim.network.violationCount()).toBe(0);
    } finally {
      for (const cluster of ['eu-central-1', 'eu-central-2']) {
        stack.sim.apiFaults(cluster).remove('errors');
        stack.sim.apiFaults(cluster).remove('latency');
      }
    }
    // kubectl would meet the injected errors too: count the pod sets once the faults are gone.
    for (const n of done) await expectOnePodSet(await stack.get(n.id));
  });

  it('a CoreApp rollout (a new image in the runtime profile) replaces the instance without overlap', async () => {
    const number = await stack.waitFor(
      (await stack.number(tenant.id, { mode: 'single' })).id,
      active,
      60_000,
    );
    const p = number.placements[0];
    const before = stack.sim.network.holder(number.phoneNumber);
    const image = 'docker.whatsapp.biz/coreapp:v2.55.1';
    for (const w of stack.workers.splice(0)) await w.stop();
    await stack.startWorker({ process: true, env: { COREAPP_IMAGE: image } });
    await stack.startWorker({ process: true, env: { COREAPP_IMAGE: image } });
    const res = await stack.api.request('POST', `/v1/numbers/${number.id}/reconcile`, {
      token: stack.adminToken,
    });
    expect(res.status).toBe(202);
    await expect
      .poll(
        async () => {
          const sts = JSON.parse(
            await stack.kubectl(
              '--context',
              p.cluster.name,
              'get',
              'statefulset',
              'coreapp',
              '-n',
              p.namespace,
              '-o',
              'json',
            ),
          );
          return sts.spec.template.spec.containers[0].image;
        },
        { timeout: 30_000 },
      )
      .toBe(image);
    // OrderedReady with one replica: coreapp-0 is replaced in place, the new one connects after the old is gone.
    await expect
      .poll(
        () => {
          const holder = stack.sim.network.holder(number.phoneNumber);
          return holder?.state === 'connected' && holder.id !== before?.id;
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    await expectOnePodSet(await stack.waitFor(number.id, active, 60_000));
  });
});
