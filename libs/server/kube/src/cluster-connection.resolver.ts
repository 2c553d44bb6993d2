import * as http from 'node:http';
import * as https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { parseCredentialsRef } from './credentials-ref.parser';
import { ClusterCredentialsError, type ClusterTarget } from './kube-gateway';

/** Reads a Secret's `data` (base64 values) in the control plane's own cluster; undefined when absent. */
export type SecretReader = (namespace: string, name: string) => Promise<Record<string, string> | undefined>;

export interface ClusterConnection {
  kubeConfig: KubeConfig;
  server: URL;
  /** Keep-alive agent with the cluster's TLS material; destroyed when the connection is dropped. */
  agent: http.Agent;
}

/**
 * Resolves a cluster's credentials reference into a KubeConfig and an agent. Every failure is a
 * ClusterCredentialsError naming the reference, never a credential: file contents and parser
 * messages (which may quote the file) are left out.
 */
export async function resolveClusterConnection(
  cluster: ClusterTarget,
  readSecret: SecretReader,
): Promise<ClusterConnection> {
  const kubeConfig = await loadKubeConfig(cluster, readSecret);
  const fail = credentialsFailure(cluster);
  const current = kubeConfig.getCurrentCluster();
  if (!current?.server) return fail('the selected context names no cluster with a server URL');
  let server: URL;
  try {
    server = new URL(current.server);
  } catch {
    return fail(`the server URL of cluster entry "${current.name}" is not a URL`);
  }
  if (server.hostname === 'undefined')
    return fail('not running inside a Kubernetes pod (no service host in the environment)');
  const tls: https.RequestOptions = {};
  try {
    await kubeConfig.applyToHTTPSOptions(tls);
  } catch (error) {
    return fail(`its credentials cannot be used: ${safeReason(error)}`);
  }
  return { kubeConfig, server, agent: agentFor(server, current.proxyUrl, tls) };
}

async function loadKubeConfig(cluster: ClusterTarget, readSecret: SecretReader): Promise<KubeConfig> {
  const fail = credentialsFailure(cluster);
  const ref = parseCredentialsRef(cluster.credentialsRef);
  if ('error' in ref) return fail(ref.error);
  const kc = new KubeConfig();
  switch (ref.type) {
    case 'in-cluster':
      try {
        kc.loadFromCluster();
      } catch (error) {
        return fail(`in-cluster configuration unavailable: ${safeReason(error)}`);
      }
      return kc;
    case 'kubeconfig':
      try {
        kc.loadFromFile(ref.path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        return fail(
          code ? `cannot read the kubeconfig file (${code})` : 'the file is not a valid kubeconfig',
        );
      }
      return selectContext(kc, ref.context, fail);
    case 'secret': {
      const data = await readSecret(ref.namespace, ref.name);
      if (!data) return fail(`secret ${ref.namespace}/${ref.name} not found`);
      const encoded = data[ref.key];
      if (encoded === undefined)
        return fail(
          `secret ${ref.namespace}/${ref.name} has no key "${ref.key}" (keys: ${Object.keys(data).sort().join(', ') || 'none'})`,
        );
      try {
        kc.loadFromString(Buffer.from(encoded, 'base64').toString('utf8'));
      } catch {
        return fail(`secret ${ref.namespace}/${ref.name} key "${ref.key}" is not a valid kubeconfig`);
      }
      return selectContext(kc, undefined, fail);
    }
  }
}

function selectContext(
  kc: KubeConfig,
  context: string | undefined,
  fail: (why: string) => never,
): KubeConfig {
  const names = kc.getContexts().map((c) => c.name);
  const wanted = context ?? kc.getCurrentContext();
  if (!wanted) return fail('the kubeconfig has no current context');
  if (!kc.getContextObject(wanted))
    return fail(`context "${wanted}" not found in the kubeconfig (contexts: ${names.join(', ') || 'none'})`);
  kc.setCurrentContext(wanted);
  return kc;
}

function credentialsFailure(cluster: ClusterTarget): (why: string) => never {
  return (why) => {
    throw new ClusterCredentialsError(
      cluster.name,
      `cluster ${cluster.name}: credentials reference "${cluster.credentialsRef}": ${why}`,
    );
  };
}

/** File-system errors name a path and a code; anything else only by its kind (it may quote a secret). */
function safeReason(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const e = error as NodeJS.ErrnoException;
  if (e.code && e.path) return `${e.code} ${e.path}`;
  if (/HTTP protocol is not allowed/.test(e.message))
    return 'an http:// server needs insecure-skip-tls-verify in the kubeconfig';
  return e.code ?? e.name;
}

function agentFor(server: URL, proxyUrl: string | undefined, tls: https.RequestOptions): http.Agent {
  // client-node builds proxy agents (http/https/socks); keep its agent for those.
  if (proxyUrl && tls.agent instanceof http.Agent) return tls.agent;
  if (server.protocol === 'http:') return new http.Agent({ keepAlive: true });
  return new https.Agent({
    keepAlive: true,
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    pfx: tls.pfx,
    passphrase: tls.passphrase,
    servername: tls.servername,
    ...(tls.rejectUnauthorized !== undefined ? { rejectUnauthorized: tls.rejectUnauthorized } : {}),
  });
}
