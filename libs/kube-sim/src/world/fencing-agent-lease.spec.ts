import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ContainerLog } from './container-log';
import { type CoreAppProcess } from './coreapp.process';
import { createProcess, DEFAULT_IMAGE_PROFILE } from './image-profile';
import { simRequest } from './sim-http';
import {
  INSTANT_WORLD_TIMINGS,
  type ProcessContext,
  type SimProcess,
  type WorldTimings,
} from './sim-process';
import { WhatsAppNetwork } from './whatsapp-network';

const TOKEN = 'tok-7f3a9c-secret';
const NUMBER = '+4915100000042';
const PLACEMENT = '0b7c2a8e-3f4d-4c1e-9a6b-5d2e8f1a7c30';
const LEASE_MS = 400;

type Answer = { status: number; body: string; delayMs?: number } | 'hang';

interface Received {
  at: number;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

/** A stand-in for the control plane's renew endpoint whose answers the test chooses. */
async function controlPlane() {
  const received: Received[] = [];
  const open = new Set<ServerResponse>();
  let answer: (n: number) => Answer = () => grant();
  let inFlight = 0;
  let maxInFlight = 0;
  let lastGrantAt = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        at: performance.now(),
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>,
      });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      open.add(res);
      res.on('close', () => {
        inFlight--;
        open.delete(res);
      });
      const a = answer(received.length);
      if (a === 'hang') return;
      const send = () => {
        if (a.status === 200 && a.body.includes('"granted":true')) lastGrantAt = received.at(-1)!.at;
        res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
      };
      if (a.delayMs) setTimeout(send, a.delayMs);
      else send();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/internal/v1/leases/renew`,
    received,
    answer: (f: (n: number) => Answer) => (answer = f),
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
    lastGrantAt: () => lastGrantAt,
    close: async () => {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

function grant(leaseDurationMs = LEASE_MS, renewIntervalMs = 100): Answer {
  return { status: 200, body: JSON.stringify({ granted: true, leaseDurationMs, renewIntervalMs }) };
}

function refuse(status: number, code?: string): Answer {
  return { status, body: code ? JSON.stringify({ type: 'about:blank', status, code }) : '' };
}

/** Processes of one pod wired like the container runtime does, with a switch for a partition. */
function pod(timings: Partial<WorldTimings> = {}) {
  const network = new WhatsAppNetwork();
  const processes: SimProcess[] = [];
  let outside = true;
  const make = (container: string, image: string, env: Record<string, string>) => {
    const ctx: ProcessContext = {
      cluster: 'eu-1',
      namespace: 'wa-42',
      pod: 'coreapp-0',
      podUid: 'uid-coreapp-0',
      container,
      image,
      env,
      annotations: {},
      network,
      timings: { ...INSTANT_WORLD_TIMINGS, ...timings },
      log: new ContainerLog(),
      peers: () => processes.filter((p) => p.isRunning && p !== proc),
      outsideReachable: () => outside,
      podPeers: () => processes.filter((p) => p.isRunning && p !== proc),
      readObject: () => undefined,
    };
    const proc = createProcess(DEFAULT_IMAGE_PROFILE, ctx);
    processes.push(proc);
    proc.start();
    return proc;
  };
  return {
    network,
    make,
    stopAll: () => processes.forEach((p) => p.stop(true)),
    setOutside: (v: boolean) => {
      outside = v;
      for (const p of processes) if (p.isRunning) p.reachabilityChanged();
    },
  };
}

function start(url: string, extraEnv: Record<string, string> = {}, timings: Partial<WorldTimings> = {}) {
  const p = pod(timings);
  const agent = p.make('fencing-agent', 'bsp/fencing-agent:1', {
    FENCE_LEASE_URL: url,
    FENCE_LEASE_TOKEN: TOKEN,
    BSP_PLACEMENT_ID: PLACEMENT,
    BSP_FENCING_EPOCH: '12',
    POD_NAME: 'coreapp-0',
    POD_NAMESPACE: 'wa-42',
    FENCE_REQUEST_TIMEOUT_MS: '150',
    ...extraEnv,
  });
  const core = p.make('coreapp', 'whatsapp/coreapp:2', {
    WA_PHONE_NUMBER: NUMBER,
    BSP_FENCING_EPOCH: '12',
  }) as CoreAppProcess;
  return { ...p, agent, core };
}

async function until(what: string, check: () => boolean, timeoutMs = 3000): Promise<number> {
  const began = performance.now();
  while (!check()) {
    if (performance.now() - began > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
  return performance.now();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function agentStatus(agent: SimProcess): Promise<Record<string, unknown>> {
  const res = await agent.handle(simRequest('GET', '/'));
  return JSON.parse(res.body.toString()) as Record<string, unknown>;
}

describe('fencing agent renewing its lease with the control plane', () => {
  let cp: Awaited<ReturnType<typeof controlPlane>>;
  let world: ReturnType<typeof start> | undefined;

  beforeEach(async () => {
    cp = await controlPlane();
  });
  afterEach(async () => {
    world?.stopAll();
    world = undefined;
    await cp.close();
  });

  it('renews with the token and the instance identity; a grant lets the CoreApp connect', async () => {
    world = start(cp.url);
    await until('connected', () => world!.network.holder(NUMBER)?.pod === 'coreapp-0');
    const [first] = cp.received;
    expect(first?.headers['authorization']).toBe(`Bearer ${TOKEN}`);
    expect(first?.headers['content-type']).toBe('application/json');
    expect(first?.headers['accept']).toBe('application/json');
    expect(first?.body).toEqual({
      placementId: PLACEMENT,
      epoch: '12',
      pod: 'coreapp-0',
      namespace: 'wa-42',
    });
    const status = await agentStatus(world.agent);
    expect(status).toMatchObject({ fenced: false, reason: null, mode: 'control-plane', lease: cp.url });
    expect(status['renewals']).toBeGreaterThanOrEqual(1);
    expect(status['validForMs']).toBeGreaterThan(0);
    expect(status['validForMs']).toBeLessThanOrEqual(LEASE_MS);
  });

  it('a refusal fences at once; a later grant reconnects', async () => {
    world = start(cp.url);
    await until('connected', () => world!.network.holder(NUMBER) !== undefined);
    const refusedFrom = cp.received.length + 1;
    cp.answer((n) => (n >= refusedFrom ? refuse(409, 'lease_revoked') : grant()));
    const fencedAt = await until('fenced', () => world!.core.fenced !== undefined);
    expect(world.core.fenced).toBe('lease refused: lease_revoked');
    expect(world.core.gatewayStatus).toBe('disconnected');
    expect(world.network.connections()).toHaveLength(0);
    // At once: on the refusing answer, not at the end of the lease.
    expect(fencedAt - cp.received[refusedFrom - 1]!.at).toBeLessThan(50);
    cp.answer(() => refuse(403));
    await until('refused again', () => cp.received.length >= refusedFrom + 2);
    await sleep(20);
    expect((await agentStatus(world.agent))['reason']).toBe('lease refused: 403');
    cp.answer(() => grant());
    await until('reconnected', () => world!.network.holder(NUMBER) !== undefined);
    expect(world.core.fenced).toBeUndefined();
    expect(world.network.violationCount()).toBe(0);
  });

  it('5xx, unusable answers and silence keep the deadline: fenced after leaseDurationMs, not before', async () => {
    world = start(cp.url);
    await until('connected', () => world!.network.holder(NUMBER) !== undefined);
    const failingFrom = cp.received.length + 1;
    const failures: Answer[] = [{ status: 503, body: '' }, { status: 200, body: 'not json' }, 'hang'];
    cp.answer((n) => (n >= failingFrom ? failures[Math.min(n - failingFrom, 2)]! : grant()));
    await until('first failure', () => cp.received.length >= failingFrom);
    const lastGrant = cp.lastGrantAt();
    const fencedAt = await until('fenced', () => world!.core.fenced !== undefined, 2000);
    expect(world.core.fenced).toMatch(/^lease expired: could not renew since \d{4}-\d\d-\d\dT/);
    // The agent's deadline starts before the control plane received the request, and never after.
    expect(fencedAt - lastGrant).toBeGreaterThan(LEASE_MS - 20);
    expect(fencedAt - lastGrant).toBeLessThan(LEASE_MS + 60);
    expect(world.network.connections()).toHaveLength(0);
    const status = await agentStatus(world.agent);
    expect(status).toMatchObject({ fenced: true, validForMs: 0 });
    expect(status['failures']).toBeGreaterThanOrEqual(2);
    cp.answer(() => grant());
    await until('reconnected', () => world!.network.holder(NUMBER) !== undefined);
    const log = world.agent.ctx.log.read();
    expect(log.match(/lease granted \(valid \d+ ms\)/g)).toHaveLength(2);
    expect(log).toMatch(/fencing: lease expired: could not renew since/);
    expect(log).toMatch(/lease renewal failed: no answer within 150 ms/);
  });

  it('a CoreApp never connects before the first grant', async () => {
    cp.answer((n) =>
      n === 1 ? { ...(grant() as { status: number; body: string }), delayMs: 300 } : grant(),
    );
    const began = performance.now();
    let firstConnection: number | undefined;
    world = start(cp.url, { FENCE_REQUEST_TIMEOUT_MS: '2000' });
    world.network.on('change', () => {
      if (firstConnection === undefined && world?.network.holder(NUMBER)) firstConnection = performance.now();
    });
    expect((await agentStatus(world.agent))['reason']).toBe('no lease granted yet');
    await sleep(250);
    expect(world.network.connections()).toHaveLength(0);
    expect(world.core.fenced).toBe('no lease granted yet');
    await until('connected', () => firstConnection !== undefined);
    expect(firstConnection! - began).toBeGreaterThanOrEqual(300);
    expect(world.agent.ctx.log.read()).toMatch(/fencing: no lease granted yet/);
  });

  it('a partitioned pod sends nothing and is fenced at the deadline; after the heal a grant reconnects it', async () => {
    world = start(cp.url);
    await until('connected', () => world!.network.holder(NUMBER) !== undefined);
    const seen = cp.received.length;
    await until('another renewal', () => cp.received.length > seen);
    await sleep(20);
    const lastGrant = cp.lastGrantAt();
    const before = cp.received.length;
    world.setOutside(false);
    const fencedAt = await until('fenced', () => world!.core.fenced !== undefined, 2000);
    expect(fencedAt - lastGrant).toBeGreaterThan(LEASE_MS - 20);
    expect(world.core.fenced).toMatch(/^lease expired: could not renew since /);
    await sleep(150);
    expect(cp.received.length).toBe(before);
    expect(world.agent.ctx.log.read()).toMatch(/lease renewal failed: network is unreachable/);
    world.setOutside(true);
    await until('reconnected', () => world!.network.holder(NUMBER) !== undefined);
    expect(cp.received.length).toBeGreaterThan(before);
    expect(world.network.violationCount()).toBe(0);
  });

  it('a CoreApp fenced while cut off closes its half-open connection on the heal instead of reviving it', async () => {
    world = start(cp.url, {}, { connectionDropMs: 5000 });
    await until('connected', () => world!.network.holder(NUMBER) !== undefined);
    world.setOutside(false);
    await until('fenced', () => world!.core.fenced !== undefined, 2000);
    // WhatsApp has not noticed yet: the connection times out only after connectionDropMs.
    expect(world.network.connections()).toHaveLength(1);
    world.setOutside(true);
    expect(world.network.connections()).toHaveLength(0);
    expect(world.core.gatewayStatus).toBe('disconnected');
    await until('reconnected after a grant', () => world!.network.holder(NUMBER) !== undefined);
    expect(world.core.fenced).toBeUndefined();
  });

  it('renewals never overlap, even when answers are slower than the interval', async () => {
    // Counted where the agent calls fetch: the server may see an aborted socket close late.
    const realFetch = globalThis.fetch;
    let pending = 0;
    let maxPending = 0;
    const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (...args) => {
      maxPending = Math.max(maxPending, ++pending);
      try {
        return await realFetch(...args);
      } finally {
        pending--;
      }
    });
    try {
      cp.answer(() => ({ ...(grant(LEASE_MS, 10) as { status: number; body: string }), delayMs: 60 }));
      world = start(cp.url, { FENCE_RENEW_INTERVAL_MS: '10' });
      await until('connected', () => world!.network.holder(NUMBER) !== undefined);
      await until('several renewals', () => cp.received.length >= 5);
      const gaps = cp.received.slice(1).map((r, i) => r.at - cp.received[i]!.at);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(50);
      cp.answer(() => 'hang');
      const hangingFrom = cp.received.length;
      await until('timeouts', () => cp.received.length >= hangingFrom + 3);
      expect(maxPending).toBe(1);
      expect(spy.mock.calls.length).toBeGreaterThanOrEqual(8);
    } finally {
      spy.mockRestore();
    }
  });

  it('never shows the token or the URL query in its log or its status', async () => {
    world = start(`${cp.url}?pod-set=ps-1&sig=query-secret`);
    await until('connected', () => world!.network.holder(NUMBER) !== undefined);
    cp.answer(() => refuse(401, 'invalid_token'));
    await until('fenced', () => world!.core.fenced !== undefined);
    cp.answer(() => 'hang');
    await sleep(400);
    await cp.close();
    await sleep(300);
    const status = await agentStatus(world.agent);
    const everything = world.agent.ctx.log.read() + JSON.stringify(status);
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain('query-secret');
    expect(everything).not.toMatch(/authorization|bearer/i);
    expect(status['lease']).toBe(cp.url);
    expect(world.agent.ctx.log.read()).toMatch(/lease renewal failed: ECONNREFUSED/);
    cp = await controlPlane();
  });

  it('stop cancels its timers and the request in flight', async () => {
    cp.answer(() => 'hang');
    world = start(cp.url, { FENCE_REQUEST_TIMEOUT_MS: '5000' });
    await until('request sent', () => cp.received.length === 1);
    world.agent.stop(true);
    await until('request aborted', () => cp.inFlight() === 0);
    await sleep(300);
    expect(cp.received).toHaveLength(1);
    expect(world.core.fenced).toBe('no lease granted yet');
  });
});
