import { Client } from 'pg';
import { expectStatus, type ProvisioningStack, startProvisioningStack, STACK_CLUSTERS } from '@bsp/testing';

const active = (n: any) => n.state === 'active' && n.placements.every((p: any) => p.observed?.ready);
const clusterOfZone = (zone: string) =>
  STACK_CLUSTERS.find((c) => (c.zones as readonly string[]).includes(zone))!.name;

interface KubeList<T = any> {
  items: T[];
}

describe('provisioning through the API, checked with kubectl', () => {
  let stack: ProvisioningStack;
  let euTenant: { id: string };
  let usTenant: { id: string };
  const numbers: Record<string, any> = {};

  beforeAll(async () => {
    stack = await startProvisioningStack({ timings: 'fast' });
    euTenant = await stack.tenant('eu-central');
    usTenant = await stack.tenant('us-east');
    numbers.euSingle = await stack.number(euTenant.id, { mode: 'single' });
    numbers.euHa = await stack.number(euTenant.id, { mode: 'ha' });
    numbers.us = await stack.number(usTenant.id, { mode: 'single' });
    for (const key of Object.keys(numbers))
      numbers[key] = await stack.waitFor(numbers[key].id, active, 60_000);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const kubeJson = async <T = any>(cluster: string, ...args: string[]): Promise<T> =>
    JSON.parse(await stack.kubectl('--context', cluster, ...args, '-o', 'json')) as T;

  it('every number reads active with its placements in its own region, the standby in another zone', () => {
    const eu = STACK_CLUSTERS.filter((c) => c.region === 'eu-central').map((c) => c.name);
    for (const n of [numbers.euSingle, numbers.euHa]) {
      for (const p of n.placements) expect(eu).toContain(p.cluster.name);
    }
    expect(numbers.us.placements.map((p: any) => p.cluster.name)).toEqual(['us-east-1']);
    const [primary, standby] = ['primary', 'standby'].map((r) =>
      numbers.euHa.placements.find((p: any) => p.role === r),
    );
    expect(primary.active).toBe(true);
    expect(standby.active).toBe(false);
    expect(standby.cluster.zone).not.toBe(primary.cluster.zone);
    expect(numbers.euHa.fencingEpoch).toBe(primary.epoch);
    expect(numbers.euSingle.transitions.map((t: any) => t.toState).reverse()).toEqual([
      'provisioning',
      'active',
    ]);
    expect(numbers.euSingle.lastReconcile).toMatchObject({ outcome: 'converged' });
  });

  it('kubectl finds each pod set by its labels: namespace, ready workloads, network policies, secret', async () => {
    for (const n of Object.values(numbers)) {
      for (const p of n.placements) {
        const cluster = p.cluster.name;
        const ns = await kubeJson<KubeList>(cluster, 'get', 'namespaces', '-l', `bsp.io/number-id=${n.id}`);
        expect(ns.items.map((i) => i.metadata.name)).toEqual([p.namespace]);
        expect(ns.items[0].metadata.labels).toMatchObject({
          'app.kubernetes.io/managed-by': 'bsp-control-plane',
          'bsp.io/tenant-id': n.tenantId,
          'bsp.io/region': n.region,
          'bsp.io/role': p.role,
        });
        const sts = await kubeJson(cluster, 'get', 'statefulset', 'coreapp', '-n', p.namespace);
        const wantCore = p.role === 'primary' ? 1 : 0;
        expect(sts.spec.replicas).toBe(wantCore);
        expect(sts.status.readyReplicas ?? 0).toBe(wantCore);
        expect(sts.metadata.annotations['bsp.io/fencing-epoch']).toBe(String(p.epoch));
        const deploy = await kubeJson(cluster, 'get', 'deployment', 'webapp', '-n', p.namespace);
        expect(deploy.status.availableReplicas).toBeGreaterThanOrEqual(1);
        const policies = await kubeJson<KubeList>(cluster, 'get', 'networkpolicies', '-n', p.namespace);
        expect(policies.items.map((i) => i.metadata.name)).toContain('default-deny');
        const secret = await kubeJson(cluster, 'get', 'secret', 'wa-credentials', '-n', p.namespace);
        expect(Object.keys(secret.data).sort()).toEqual(
          ['db-password', 'encryption-secret', 'health-api-key', 'webapp-admin-password'].sort(),
        );
        expect(clusterOfZone(p.cluster.zone)).toBe(cluster);
      }
    }
  });

  it('the simulated CoreApp of each number connects once, and never two at a time', () => {
    for (const n of Object.values(numbers)) {
      const holder = stack.sim.network.holder(n.phoneNumber);
      expect(holder?.state).toBe('connected');
      expect(holder?.namespace).toBe(n.placements.find((p: any) => p.role === 'primary').namespace);
    }
    expect(stack.sim.network.violationCount()).toBe(0);
  });

  it('no credential appears in plaintext in the database or in any log line', async () => {
    const p = numbers.euSingle.placements[0];
    const secret = await kubeJson(p.cluster.name, 'get', 'secret', 'wa-credentials', '-n', p.namespace);
    const values = Object.values(secret.data as Record<string, string>).map((v) =>
      Buffer.from(v, 'base64').toString(),
    );
    const logs = [...stack.api.logs, ...stack.workers.flatMap((w) => w.logs)].join('\n');
    const pg = new Client({ connectionString: stack.api.db.url });
    await pg.connect();
    try {
      const { rows } = await pg.query('SELECT * FROM number_credentials WHERE number_id = $1', [
        numbers.euSingle.id,
      ]);
      const stored = JSON.stringify(rows);
      for (const value of values) {
        expect(value.length).toBeGreaterThan(20);
        expect(logs).not.toContain(value);
        expect(stored).not.toContain(value);
      }
      expect(rows[0].db_password).toMatch(/^v1:/);
    } finally {
      await pg.end();
    }
  });

  it('the number has its own role and database on the tenant server', async () => {
    const pg = new Client({ connectionString: stack.api.db.url });
    await pg.connect();
    try {
      const name = `wa_${numbers.euSingle.id.replaceAll('-', '')}`;
      const role = await pg.query('SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = $1', [name]);
      expect(role.rows).toEqual([{ rolcanlogin: true, rolsuper: false }]);
      const db = await pg.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      expect(db.rowCount).toBe(1);
    } finally {
      await pg.end();
    }
  });

  it('a reconcile with nothing to change writes nothing to Kubernetes or the database', async () => {
    const n = numbers.euHa;
    const versions = async () => {
      const out: Record<string, string> = {};
      for (const p of n.placements) {
        const list = await kubeJson<KubeList>(
          p.cluster.name,
          'get',
          'all,secrets,networkpolicies,pvc,sa,quota,limits,pdb',
          '-n',
          p.namespace,
        );
        for (const i of list.items)
          if (i.kind !== 'Pod')
            out[`${p.cluster.name}/${i.kind}/${i.metadata.name}`] = i.metadata.resourceVersion;
      }
      return out;
    };
    const before = await versions();
    const rowBefore = await stack.get(n.id);
    const res = await stack.api.request('POST', `/v1/numbers/${n.id}/reconcile`, { token: stack.adminToken });
    expectStatus(res, 202);
    const after = await stack.waitFor(
      n.id,
      (x) => x.lastReconcile && x.lastReconcile.at !== rowBefore.lastReconcile.at,
    );
    expect(after.lastReconcile).toMatchObject({ outcome: 'converged', applied: 0 });
    expect(await versions()).toEqual(before);
    expect(after.updatedAt).toBe(rowBefore.updatedAt);
    expect(after.placements.map((p: any) => p.observedAt)).toEqual(
      rowBefore.placements.map((p: any) => p.observedAt),
    );
  });

  it('repairs drift: a deleted Service and an edited replica count come back, audited as the system', async () => {
    const n = numbers.euSingle;
    const p = n.placements[0];
    await stack.kubectl('--context', p.cluster.name, 'delete', 'service', 'webapp', '-n', p.namespace);
    await stack.kubectl(
      '--context',
      p.cluster.name,
      'scale',
      'statefulset',
      'coreapp',
      '--replicas=3',
      '-n',
      p.namespace,
    );
    await expect
      .poll(
        async () => {
          const svc = await stack.kubectl(
            '--context',
            p.cluster.name,
            'get',
            'service',
            '-n',
            p.namespace,
            '-o',
            'name',
          );
          const sts = await kubeJson(p.cluster.name, 'get', 'statefulset', 'coreapp', '-n', p.namespace);
          return { webapp: svc.includes('service/webapp'), replicas: sts.spec.replicas };
        },
        { timeout: 20_000, interval: 200 },
      )
      .toEqual({ webapp: true, replicas: 1 });
    const audit = await stack.api.request(
      'GET',
      `/v1/audit-events?action=number.drift_repaired&targetId=${n.id}`,
      {
        token: stack.adminToken,
      },
    );
    expectStatus(audit, 200);
    expect(audit.body.items.length).toBeGreaterThanOrEqual(1);
    for (const item of audit.body.items) {
      expect(item).toMatchObject({
        actor: { type: 'system', label: 'reconciler' },
        action: 'number.drift_repaired',
      });
    }
    const repaired = audit.body.items.flatMap((i: any) => i.metadata.objects);
    expect(repaired).toEqual(expect.arrayContaining(['Service/webapp', 'StatefulSet/coreapp']));
    expect(stack.sim.network.violationCount()).toBe(0);
  });

  it('suspends and resumes: the CoreApp goes and comes back, the placement stays', async () => {
    const n = numbers.us;
    expectStatus(
      await stack.api.request('POST', `/v1/numbers/${n.id}/suspend`, { token: stack.adminToken }),
      202,
    );
    const suspended = await stack.waitFor(n.id, (x) => x.state === 'suspended');
    expect(suspended.placements.map((p: any) => p.id)).toEqual(n.placements.map((p: any) => p.id));
    expect(stack.sim.network.holder(n.phoneNumber)?.state).not.toBe('connected');
    expectStatus(
      await stack.api.request('POST', `/v1/numbers/${n.id}/resume`, { token: stack.adminToken }),
      202,
    );
    await stack.waitFor(n.id, active);
    await expect
      .poll(() => stack.sim.network.holder(n.phoneNumber)?.state, { timeout: 20_000 })
      .toBe('connected');
  });

  it('deprovisioning removes every namespace (kubectl confirms), releases the placements, then marks the number deleted', async () => {
    const n = numbers.euHa;
    const res = await stack.api.request('DELETE', `/v1/numbers/${n.id}`, { token: stack.adminToken });
    expectStatus(res, 202);
    const deleted = await stack.waitFor(n.id, (x) => x.state === 'deleted', 60_000);
    expect(deleted.placements).toEqual([]);
    for (const p of n.placements) {
      const ns = await kubeJson<KubeList>(
        p.cluster.name,
        'get',
        'namespaces',
        '-l',
        `bsp.io/number-id=${n.id}`,
      );
      expect(ns.items).toEqual([]);
    }
    expect(deleted.transitions[0]).toMatchObject({ fromState: 'deprovisioning', toState: 'deleted' });
    const pg = new Client({ connectionString: stack.api.db.url });
    await pg.connect();
    try {
      const { rows } = await pg.query(
        'SELECT state, active_number_id, released_at FROM placements WHERE number_id = $1',
        [n.id],
      );
      expect(rows.every((r) => r.state === 'released' && r.active_number_id === null && r.released_at)).toBe(
        true,
      );
      // The default policy keeps the client's data and disables the login.
      const role = await pg.query('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [
        `wa_${n.id.replaceAll('-', '')}`,
      ]);
      expect(role.rows).toEqual([{ rolcanlogin: false }]);
    } finally {
      await pg.end();
    }
    expect(stack.sim.network.holder(n.phoneNumber)?.state).not.toBe('connected');
  });
});
