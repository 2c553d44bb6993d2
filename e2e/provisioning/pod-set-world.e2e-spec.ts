import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  leaseToken,
  renderPodSet,
  type KubernetesManifest,
  type PodSetInput,
} from '@bsp/domain-provisioning';
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
  let controlPlane: Server;
  let primary: PodSetInput;
  let standby: PodSetInput;
  const number = singlePrimaryInput().number.phoneNumber;
  const renewals: { placementId: string; epoch: string; tokenMatches: boolean }[] = [];

  beforeAll(async () => {
    // The control plane's lease endpoint, reduced to its contract: grant the primary's own token.
    const expected = leaseToken(
      singlePrimaryInput().credentials.encryptionSecret,
      singlePrimaryInput().placement.id,
    );
    controlPlane = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const { placementId, epoch } = JSON.parse(body) as { placementId: string; epoch: string };
        const tokenMatches = req.headers.authorization === `Bearer ${expected}`;
        renewals.push({ placementId, epoch, tokenMatches });
        res.writeHead(tokenMatches ? 200 : 401, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            tokenMatches
              ? { granted: true, leaseDurationMs: 5000, renewIntervalMs: 1000 }
              : { code: 'lease_token_invalid' },
          ),
        );
      });
    });
    await new Promise<void>((r) => controlPlane.listen(0, '127.0.0.1', r));
    const leaseUrl = `http://127.0.0.1:${(controlPlane.address() as AddressInfo).port}/internal/v1/leases/renew`;
    const withLease = (input: PodSetInput): PodSetInput => ({
      ...input,
      settings: { ...input.settings, leaseUrl },
    });
    primary = withLease(singlePrimaryInput());
    standby = withLease(haStandbyInput());
    sim = await startSimulation({
      clusters: [{ name: 'eu-central-1', region: 'eu-central', zones: ['eu-central-1a', 'eu-central-1b'] }],
    });
    cluster = sim.cluster('eu-central-1');
  });

  afterAll(async () => {
    await sim.stop();
    await new Promise((r) => controlPlane.close(r));
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
    // Its fencing agent renewed with its own pod set's token before the CoreApp could connect.
    expect(renewals[0]).toEqual({ placementId: primary.placement.id, epoch: '3', tokenMatches: true });

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
