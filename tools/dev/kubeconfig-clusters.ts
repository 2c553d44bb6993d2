/** The clusters of a kubeconfig, as `npm run demo -- --kubeconfig <path>` registers them. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { errorMessage, say } from './dev-services';

export interface DemoCluster {
  /** The name registered with the control plane (a DNS label). */
  name: string;
  region: string;
  zone: string;
  server: string;
  /** The kubeconfig context it is reached through. */
  context: string;
}

interface Kubeconfig {
  contexts?: { name: string; context?: { cluster?: string } }[];
  clusters?: { name: string; cluster?: { server?: string } }[];
}

/** A context (or zone) name as a DNS label (`arn:aws:eks:…/prod` → `arn-aws-eks-prod`). */
export function clusterName(context: string): string {
  const label = context
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(-63)
    .replace(/^-+/, '');
  return label || 'cluster';
}

/** The zone label of the context's first node, or undefined when the cluster does not say or answer. */
async function firstNodeZone(path: string, context: string): Promise<string | undefined> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(path);
  kc.setCurrentContext(context);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const nodes = await Promise.race([
    core.listNode({ limit: 1 }),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 5 s')), 5000)),
  ]);
  return nodes.items[0]?.metadata?.labels?.['topology.kubernetes.io/zone'];
}

/**
 * One entry per context of the kubeconfig: region from `regions[context]` (default `default`),
 * zone from the first node's `topology.kubernetes.io/zone` label (default `default`).
 */
export async function kubeconfigClusters(
  path: string,
  regions: Record<string, string>,
): Promise<DemoCluster[]> {
  const config = parse(readFileSync(path, 'utf8')) as Kubeconfig | null;
  const contexts = config?.contexts ?? [];
  if (contexts.length === 0) throw new Error(`${path} has no contexts`);
  for (const name of Object.keys(regions))
    if (!contexts.some((c) => c.name === name))
      throw new Error(`--cluster-region ${name}=…: ${path} has no such context`);
  const clusters: DemoCluster[] = [];
  for (const context of contexts) {
    const server = config?.clusters?.find((c) => c.name === context.context?.cluster)?.cluster?.server;
    if (!server) throw new Error(`${path}: context ${context.name} has no cluster with a server`);
    let zone: string | undefined;
    try {
      zone = await firstNodeZone(path, context.name);
    } catch (error) {
      say(`context ${context.name}: could not read its nodes (${errorMessage(error)}); zone "default"`);
    }
    const name = clusterName(context.name);
    if (clusters.some((c) => c.name === name))
      throw new Error(`${path}: contexts ${context.name} and another both become cluster name ${name}`);
    clusters.push({
      name,
      region: regions[context.name] ?? 'default',
      zone: zone ? clusterName(zone) : 'default',
      server,
      context: context.name,
    });
  }
  return clusters;
}
