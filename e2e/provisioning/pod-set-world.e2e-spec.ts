import { renderPodSet, type KubernetesManifest } from '@bsp/domain-provisioning';
import { startSimulation, type SimCluster, type Simulation } from '@bsp/kube-sim';
import {
  haStandbyInput,
  singlePrimaryInput,
} from '../../libs/domain/provisioning/src/pod-set/pod-set.fixtures';
import { serverSideApply } from './support/kube-http';

async function apply(url: string, m: KubernetesManifest): Promise<void> {
  const res = await serverSideApply(url, m);
  if (res.status !== 200 && res.status !== 201)
    throw new Error(`${m.kind}/${m.metadata.name}: ${res.status} ${res.body.message}`);
}

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a rendered pod set on a simulated cluster', () => {
  let sim: Simulation;
  let cluster: SimCluster;
  const primary = singlePrimaryInput();
  const standby = haStandbyInput();
  const number = primary.number.phoneNumber;

  beforeAll(async () => {
    sim = await startSimulation({
      clusters: [{ name: 'eu-central-1', region: 'eu-central', zones: ['eu-central-1a', 'eu-central-1b'] }],
    });
    cluster = sim.cluster('eu-central-1');
  });

  afterAll(async () => {
    await sim.stop();
  });

  it('runs: the primary CoreApp connects with its epoch, the WebApp turns ready, the standby holds nothing', async () => {
    const url = sim.clusters[0]!.url;
    for (const m of renderPodSet(primary)) await apply(url, m);
    // Same cluster, other zone: the standby namespace must stay without a CoreApp.
    for (const m of renderPodSet(standby)) await apply(url, m);

    await until('the primary CoreApp to hold the number', () => sim.network.holder(number) !== undefined);
    const holder = sim.network.holder(number)!;
    expect(holder).toMatchObject({ namespace: primary.placement.namespace, pod: 'coreapp-0', epoch: '3' });
    expect(holder.zone).toBe('eu-central-1a');

    const ready = (ns: string) => {
      const d = cluster.store.find('deployments', ns, 'webapp') as any;
      return d?.status?.readyReplicas === 2;
    };
    await until(
      'both WebApps to be ready',
      () => ready(primary.placement.namespace) && ready(standby.placement.namespace),
    );
    expect(
      cluster.store
        .list('pods', { namespace: standby.placement.namespace })
        .items.map((p) => p.metadata?.name)
        .filter((n) => n?.startsWith('coreapp')),
    ).toEqual([]);
    expect(sim.network.connections().filter((c) => c.number === number)).toHaveLength(1);
    expect(sim.network.violations()).toEqual([]);
  });
});
