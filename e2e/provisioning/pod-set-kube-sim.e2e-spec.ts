import { renderPodSet } from '@bsp/domain-provisioning';
import { ObjectStore, startApiServer, type RunningApiServer } from '@bsp/kube-sim';
import {
  haStandbyInput,
  singlePrimaryInput,
} from '../../libs/domain/provisioning/src/pod-set/pod-set.fixtures';
import { serverSideApply, strictCreate } from './support/kube-http';

describe('rendered pod sets on the kube-sim API server', () => {
  let server: RunningApiServer;
  let strictServer: RunningApiServer;

  beforeAll(async () => {
    server = await startApiServer(new ObjectStore());
    strictServer = await startApiServer(new ObjectStore());
  });

  afterAll(async () => {
    await server.close();
    await strictServer.close();
  });

  it('rejects unknown fields (so the checks below are real)', async () => {
    const [ns] = renderPodSet(singlePrimaryInput());
    const bogus = { ...ns!, metadata: { name: 'strict-probe' }, spec: { bogus: true } };
    const created = await strictCreate(strictServer.url, bogus);
    expect(created.status).toBe(400);
    expect(created.body.message).toMatch(/strict decoding error: unknown field "spec.bogus"/);
    const applied = await serverSideApply(server.url, bogus);
    expect(applied.status).toBe(400);
    expect(applied.body.message).toMatch(/field not declared in schema/);
  });

  it.each([
    ['single primary', singlePrimaryInput],
    ['HA standby', haStandbyInput],
  ])('creates every object of the %s pod set under strict field validation', async (_name, input) => {
    const refused: string[] = [];
    for (const m of renderPodSet(input())) {
      const res = await strictCreate(strictServer.url, m);
      if (res.status !== 201) refused.push(`${m.kind}/${m.metadata.name}: ${res.status} ${res.body.message}`);
    }
    expect(refused).toEqual([]);
  });

  it.each([
    ['single primary', singlePrimaryInput],
    ['HA standby', haStandbyInput],
  ])('server-side applies the %s pod set, and re-applying changes nothing', async (_name, input) => {
    const manifests = renderPodSet(input());
    const versions: string[] = [];
    const refused: string[] = [];
    for (const m of manifests) {
      const res = await serverSideApply(server.url, m);
      if (res.status !== 200 && res.status !== 201)
        refused.push(`${m.kind}/${m.metadata.name}: ${res.status} ${res.body.message}`);
      versions.push(res.body.metadata?.resourceVersion);
    }
    expect(refused).toEqual([]);
    const secret = manifests.find((m) => m.kind === 'Secret')!;
    const stored = (await serverSideApply(server.url, secret)).body;
    expect(stored.stringData).toBeUndefined();
    expect(Buffer.from(stored.data['db-password'], 'base64').toString()).toBe(input().credentials.dbPassword);

    const again: string[] = [];
    for (const m of manifests)
      again.push((await serverSideApply(server.url, m)).body.metadata.resourceVersion);
    expect(again).toEqual(versions);
  });
});
