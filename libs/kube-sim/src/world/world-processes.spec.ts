import { ContainerLog } from './container-log';
import { CoreAppProcess } from './coreapp.process';
import { createProcess, DEFAULT_IMAGE_PROFILE, matchImage } from './image-profile';
import { simRequest } from './sim-http';
import { INSTANT_WORLD_TIMINGS, type ProcessContext, type SimProcess } from './sim-process';
import { WebAppProcess } from './webapp.process';
import { WhatsAppNetwork } from './whatsapp-network';

type Json = Record<string, any>;

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

function world() {
  const network = new WhatsAppNetwork();
  const processes: SimProcess[] = [];
  let outside = true;
  const objects = new Map<string, unknown>();
  const make = (pod: string, image: string, env: Record<string, string> = {}, namespace = 'n-1') => {
    const ctx: ProcessContext = {
      cluster: 'eu-1',
      namespace,
      pod,
      podUid: `uid-${pod}`,
      container: 'main',
      image,
      env,
      annotations: {},
      network,
      timings: { ...INSTANT_WORLD_TIMINGS },
      log: new ContainerLog(),
      peers: () => processes.filter((p) => p.isRunning && p.ctx.namespace === namespace && p !== proc),
      outsideReachable: () => outside,
      podPeers: () => processes.filter((p) => p.isRunning && p.ctx.pod === pod && p !== proc),
      readObject: (resource, ns, name) => objects.get(`${resource}/${ns}/${name}`),
    };
    const proc = createProcess(DEFAULT_IMAGE_PROFILE, ctx);
    processes.push(proc);
    proc.start();
    return proc;
  };
  return {
    network,
    objects,
    make,
    setOutside: (v: boolean) => {
      outside = v;
      for (const p of processes) if (p.isRunning) p.reachabilityChanged();
    },
  };
}

async function body(
  p: SimProcess,
  method: string,
  path: string,
  b?: unknown,
  headers?: Record<string, string>,
) {
  const res = await p.handle(simRequest(method, path, b, headers));
  return { status: res.status, json: JSON.parse(res.body.toString()) as Json };
}

describe('simulated WhatsApp processes', () => {
  it('matches images by pattern', () => {
    expect(matchImage(DEFAULT_IMAGE_PROFILE, 'registry.local/whatsapp/web:v2.53')).toBe('webapp');
    expect(matchImage(DEFAULT_IMAGE_PROFILE, 'docker.whatsapp.biz/coreapp:v2.53')).toBe('coreapp');
    expect(matchImage(DEFAULT_IMAGE_PROFILE, 'nginx:1.27')).toBe('generic');
  });

  it('webapp reports the gateway status of the coreapp in its namespace', async () => {
    const w = world();
    const web = w.make('web-0', 'whatsapp/web:v2');
    expect((await body(web, 'GET', '/v1/health')).json['health']).toEqual({
      gateway_status: 'uninitialized',
    });
    const core = w.make('core-0', 'whatsapp/coreapp:v2', { WA_PHONE_NUMBER: '+4915112345678' });
    expect((await body(web, 'GET', '/v1/health')).json['health']).toEqual({ gateway_status: 'connecting' });
    await tick();
    expect((await body(web, 'GET', '/v1/health')).json['health']).toEqual({ gateway_status: 'connected' });
    expect(w.network.holder('+4915112345678')?.pod).toBe('core-0');
    core.setFaults({ gatewayDisconnected: true });
    expect((await body(web, 'GET', '/v1/health')).json['health']).toEqual({ gateway_status: 'disconnected' });
    expect(w.network.connections()).toHaveLength(0);
    core.setFaults({});
    await tick();
    expect((await body(web, 'GET', '/v1/health')).json['health']).toEqual({ gateway_status: 'connected' });
    core.stop(true);
    expect((await body(web, 'GET', '/v1/health')).json['health']).toEqual({ gateway_status: 'disconnected' });
  });

  it('reports per-node entries with roles when two coreapps share a namespace', async () => {
    const w = world();
    const web = w.make('web-0', 'whatsapp/web:v2');
    w.make('core-0', 'coreapp:v2', { WA_PHONE_NUMBER: '+1' });
    await tick();
    w.make('core-1', 'coreapp:v2', { WA_PHONE_NUMBER: '+1' });
    await tick();
    expect((await body(web, 'GET', '/v1/health')).json['health']).toEqual({
      'core-0:6250': { gateway_status: 'disconnected', role: 'secondary_master' },
      'core-1:6250': { gateway_status: 'connected', role: 'primary_master' },
    });
    expect(w.network.violations()).toHaveLength(1);
  });

  it('logs in and keeps application settings', async () => {
    const w = world();
    const web = w.make('web-0', 'whatsapp/web:v2');
    const basic = `Basic ${Buffer.from('admin:secret').toString('base64')}`;
    expect((await body(web, 'GET', '/v1/settings/application')).status).toBe(401);
    const login = await body(web, 'POST', '/v1/users/login', {}, { authorization: basic });
    expect(login.status).toBe(200);
    const auth = { authorization: `Bearer ${login.json['users'][0].token}` };
    expect(
      (await body(web, 'PATCH', '/v1/settings/application', { webhooks: { url: 'https://x' } }, auth)).status,
    ).toBe(200);
    const got = await body(web, 'GET', '/v1/settings/application', undefined, auth);
    expect(got.json['settings'].application.webhooks.url).toBe('https://x');
    const metrics = await web.handle(simRequest('GET', '/metrics'));
    expect(metrics.body.toString()).toContain('whatsapp_webapp_requests_total');
  });

  it('health faults fail or hang until cleared', async () => {
    const w = world();
    const web = w.make('web-0', 'whatsapp/web:v2');
    web.setFaults({ health: { mode: 'failing', scope: 'health' } });
    expect((await body(web, 'GET', '/v1/health')).status).toBe(500);
    web.setFaults({ health: { mode: 'hanging', scope: 'health' } });
    let done = false;
    const pending = web.handle(simRequest('GET', '/v1/health')).then(() => (done = true));
    await tick(20);
    expect(done).toBe(false);
    web.setFaults({});
    await pending;
    expect(done).toBe(true);
  });

  it('a partitioned coreapp keeps its connection until WhatsApp drops it, then takes it back on heal', async () => {
    const w = world();
    const core = w.make('core-0', 'coreapp:v2', { WA_PHONE_NUMBER: '+7' }) as CoreAppProcess;
    await tick();
    expect(core.gatewayStatus).toBe('connected');
    w.setOutside(false);
    await tick(120);
    expect(core.gatewayStatus).toBe('connecting');
    expect(w.network.connections()).toHaveLength(0);
    w.setOutside(true);
    await tick(120);
    expect(core.gatewayStatus).toBe('connected');
    expect(w.network.violationCount()).toBe(0);
    expect(core instanceof CoreAppProcess && !(core instanceof WebAppProcess)).toBe(true);
  });

  it('a fencing agent keeps the coreapp of its pod off WhatsApp unless its lease is valid', async () => {
    const w = world();
    const lease = (renewAgoMs: number, epoch = '7') => ({
      metadata: { annotations: { 'bsp.io/fencing-epoch': epoch } },
      spec: {
        holderIdentity: 'eu-1',
        leaseDurationSeconds: 1,
        renewTime: new Date(Date.now() - renewAgoMs).toISOString(),
      },
    });
    const env = { FENCE_LEASE_NAME: 'wa-lease', WA_FENCING_EPOCH: '7', FENCE_CHECK_INTERVAL_MS: '10' };
    w.make('core-0', 'bsp/fencing-agent:1', env);
    const core = w.make('core-0', 'whatsapp/coreapp:2', {
      WA_PHONE_NUMBER: '+9',
      WA_FENCING_EPOCH: '7',
    }) as CoreAppProcess;
    await tick(30);
    expect(core.gatewayStatus).toBe('disconnected');
    expect(core.fenced).toBe('lease n-1/wa-lease not found');
    expect(w.network.connections()).toHaveLength(0);
    w.objects.set('leases/n-1/wa-lease', lease(0));
    await tick(40);
    expect(core.gatewayStatus).toBe('connected');
    expect(w.network.holder('+9')?.epoch).toBe('7');
    w.objects.set('leases/n-1/wa-lease', lease(0, '8'));
    await tick(40);
    expect(core.fenced).toBe('epoch 7 superseded by 8');
    expect(w.network.connections()).toHaveLength(0);
    w.objects.set('leases/n-1/wa-lease', lease(950));
    await tick(40);
    expect(core.gatewayStatus).toBe('connected');
    await tick(80);
    expect(core.fenced).toMatch(/^lease n-1\/wa-lease expired at /);
    expect(w.network.connections()).toHaveLength(0);
  });
});
