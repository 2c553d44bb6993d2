import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startSimulation, type Simulation } from '@bsp/kube-sim';

const NS = 'wa-4915900000009';

describe('kube-sim world through @kubernetes/client-node', () => {
  let sim: Simulation;
  let core: CoreV1Api;
  let apps: AppsV1Api;

  beforeAll(async () => {
    sim = await startSimulation({ clusters: [{ name: 'eu-1', region: 'eu-central', zones: ['a', 'b'] }] });
    const kc = new KubeConfig();
    kc.loadFromFile(sim.kubeconfigPath);
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('provisions a pod set and reads WebApp health through the service proxy', async () => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await core.createNamespacedSecret({
      namespace: NS,
      body: { metadata: { name: 'wa' }, stringData: { number: '+4915900000009' } },
    });
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: 'webapp' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'webapp' } },
          template: {
            metadata: { labels: { app: 'webapp' } },
            spec: {
              containers: [
                { name: 'webapp', image: 'whatsapp/web:v2', ports: [{ name: 'https', containerPort: 443 }] },
              ],
            },
          },
        },
      },
    });
    await core.createNamespacedService({
      namespace: NS,
      body: {
        metadata: { name: 'webapp' },
        spec: { selector: { app: 'webapp' }, ports: [{ name: 'https', port: 443, targetPort: 'https' }] },
      },
    });
    await apps.createNamespacedStatefulSet({
      namespace: NS,
      body: {
        metadata: { name: 'coreapp' },
        spec: {
          replicas: 1,
          serviceName: 'coreapp',
          selector: { matchLabels: { app: 'coreapp' } },
          template: {
            metadata: { labels: { app: 'coreapp' } },
            spec: {
              containers: [
                {
                  name: 'coreapp',
                  image: 'whatsapp/coreapp:v2',
                  env: [
                    { name: 'WA_PHONE_NUMBER', valueFrom: { secretKeyRef: { name: 'wa', key: 'number' } } },
                  ],
                },
              ],
            },
          },
        },
      },
    });
    let health: unknown;
    for (let i = 0; i < 100; i++) {
      try {
        const res: unknown = await core.connectGetNamespacedServiceProxyWithPath({
          name: 'webapp:https',
          namespace: NS,
          path: 'v1/health',
        });
        health = typeof res === 'string' ? JSON.parse(res) : res;
        if ((health as any).health?.gateway_status === 'connected') break;
      } catch (err) {
        // 503 until the endpoint is ready
        if (i === 99) throw err;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((health as any).health).toEqual({ gateway_status: 'connected' });
    const sts = await apps.readNamespacedStatefulSet({ name: 'coreapp', namespace: NS });
    expect(sts.status?.readyReplicas).toBe(1);
    const pod = await core.readNamespacedPod({ name: 'coreapp-0', namespace: NS });
    expect(pod.status?.phase).toBe('Running');
    expect(pod.spec?.nodeName).toMatch(/^eu-1-[ab]-\d$/);
    const log = await core.readNamespacedPodLog({ name: 'coreapp-0', namespace: NS });
    expect(log).toContain('connected to WhatsApp as +4915900000009');
  });

  it('scales the StatefulSet to zero through the scale subresource and confirms the pod is gone', async () => {
    await apps.replaceNamespacedStatefulSetScale({
      name: 'coreapp',
      namespace: NS,
      body: { metadata: { name: 'coreapp', namespace: NS }, spec: { replicas: 0 } },
    });
    for (let i = 0; i < 100; i++) {
      const pods = await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=coreapp' });
      if (pods.items.length === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=coreapp' })).items).toEqual([]);
    expect(sim.network.connections()).toEqual([]);
    expect(sim.network.violationCount()).toBe(0);
  });
});
