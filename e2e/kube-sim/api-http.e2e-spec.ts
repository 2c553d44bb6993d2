import { request } from 'node:http';
import { ObjectStore, startApiServer, type RunningApiServer } from '@bsp/kube-sim';

interface Streamed {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Resolves with the events seen when the server ends the response (or after `ms`). */
  lines: (ms?: number) => Promise<Record<string, any>[]>;
  headersAt: number;
}

function stream(url: string, headers: Record<string, string> = {}): Promise<Streamed> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const headersAt = Date.now();
      let text = '';
      let ended = false;
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      const done = new Promise<void>((r) => res.on('end', () => ((ended = true), r())));
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        headersAt,
        lines: async (ms = 5000) => {
          await Promise.race([done, new Promise((r) => setTimeout(r, ms))]);
          if (!ended) res.destroy();
          return text
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => JSON.parse(l) as Record<string, any>);
        },
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('kube-sim HTTP protocol details', () => {
  let store: ObjectStore;
  let server: RunningApiServer;

  beforeAll(async () => {
    store = new ObjectStore({ historyLimit: 20 });
    server = await startApiServer(store, { bookmarkIntervalMs: 200 });
  });

  afterAll(async () => {
    await server.close();
  });

  it('flushes watch headers at once, streams one event per line and honours timeoutSeconds', async () => {
    const started = Date.now();
    const w = await stream(`${server.url}/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1`);
    expect(w.status).toBe(200);
    expect(w.headers['content-type']).toBe('application/json');
    expect(w.headersAt - started).toBeLessThan(500);
    store.create('configmaps', { metadata: { name: 'w1' } }, { namespace: 'default' });
    store.patch('configmaps', 'default', 'w1', 'merge', { data: { a: 'b' } });
    store.delete('configmaps', 'default', 'w1');
    const events = await w.lines();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(events.map((e) => `${e['type']} ${e['object'].metadata.name}`)).toEqual([
      'ADDED w1',
      'MODIFIED w1',
      'DELETED w1',
    ]);
  });

  it('sends BOOKMARKs when allowed, and the initial-events-end bookmark for sendInitialEvents', async () => {
    store.create('configmaps', { metadata: { name: 'b1' } }, { namespace: 'default' });
    const w = await stream(
      `${server.url}/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=1`,
    );
    const events = await w.lines();
    expect(events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'b1' } } });
    expect(events[1]).toMatchObject({
      type: 'BOOKMARK',
      object: {
        kind: 'ConfigMap',
        apiVersion: 'v1',
        metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } },
      },
    });
    expect(events.slice(2).every((e) => e['type'] === 'BOOKMARK')).toBe(true);
    expect(events.length).toBeGreaterThan(2);
  });

  it('answers a compacted resourceVersion with an ERROR event carrying a 410 Status', async () => {
    const old = store.resourceVersion();
    for (let i = 0; i < 30; i++)
      store.create('secrets', { metadata: { name: `s${i}` } }, { namespace: 'default' });
    const w = await stream(
      `${server.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${old}`,
    );
    const events = await w.lines();
    expect(events).toHaveLength(1);
    expect(events[0]).toEqual({
      type: 'ERROR',
      object: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: expect.stringMatching(/^too old resource version: \d+ \(\d+\)$/),
        reason: 'Expired',
        code: 410,
      },
    });
  });

  it('streams watch events as Tables with column definitions on the first only', async () => {
    const w = await stream(`${server.url}/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1`, {
      Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    });
    store.create(
      'configmaps',
      { metadata: { name: 't1' }, data: { a: '1', b: '2' } },
      { namespace: 'default' },
    );
    const events = await w.lines();
    const tables = events.map((e) => e['object']);
    expect(tables.every((t) => t.kind === 'Table' && t.apiVersion === 'meta.k8s.io/v1')).toBe(true);
    expect(tables[0].columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Data', 'Age']);
    expect(tables.slice(1).every((t) => t.columnDefinitions === null)).toBe(true);
    const t1 = tables.find((t) => t.rows[0].cells[0] === 't1');
    expect(t1.rows[0].cells.slice(0, 2)).toEqual(['t1', 2]);
    expect(t1.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 't1' } });
  });

  it('serves discovery and OpenAPI v3 the way kubectl reads them', async () => {
    const get = async (path: string) => {
      const r = await fetch(`${server.url}${path}`);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      return (await r.json()) as any;
    };
    const apps = await get('/apis/apps/v1');
    const deploy = apps.resources.find((r: { name: string }) => r.name === 'deployments');
    expect(deploy).toEqual({
      name: 'deployments',
      singularName: 'deployment',
      namespaced: true,
      kind: 'Deployment',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['deploy'],
      categories: ['all'],
    });
    expect(apps.resources.find((r: { name: string }) => r.name === 'deployments/scale')).toMatchObject({
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
    });
    const index = await get('/openapi/v3');
    const url: string = index.paths['apis/apps/v1'].serverRelativeURL;
    const doc = await get(url);
    const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
    });
    expect(patch.parameters.map((p: { name: string }) => p.name)).toContain('fieldValidation');
    expect(Object.keys(patch.requestBody.content)).toContain('application/apply-patch+yaml');
    const containers = doc.components.schemas.V1PodSpec.properties.containers;
    expect(containers['x-kubernetes-patch-merge-key']).toBe('name');
    expect(containers['x-kubernetes-list-map-keys']).toEqual(['name']);
    expect((await get('/version')).gitVersion).toMatch(/^v1\.32\./);
  });

  it('answers errors with Status objects and a Content-Type', async () => {
    const missing = await fetch(`${server.url}/apis/apps/v1/namespaces/default/widgets`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/json');
    expect(await missing.json()).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
    const proto = await fetch(`${server.url}/api/v1/namespaces/default/configmaps`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' },
      body: Buffer.from([0x6b, 0x38, 0x73, 0x00]),
    });
    expect(proto.status).toBe(415);
    expect(await proto.json()).toMatchObject({ kind: 'Status', reason: 'UnsupportedMediaType', code: 415 });
    const dry = await fetch(`${server.url}/api/v1/namespaces/default/configmaps?dryRun=All`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' } }),
    });
    expect(dry.status).toBe(201);
    expect(store.find('configmaps', 'default', 'dry')).toBeUndefined();
    const page = (await (
      await fetch(`${server.url}/api/v1/namespaces/default/secrets?limit=10`)
    ).json()) as any;
    expect(page.items).toHaveLength(10);
    const rest = (await (
      await fetch(
        `${server.url}/api/v1/namespaces/default/secrets?limit=100&continue=${encodeURIComponent(page.metadata.continue)}`,
      )
    ).json()) as any;
    expect(rest.items).toHaveLength(20);
    expect(rest.metadata.continue).toBeUndefined();
  });
});
