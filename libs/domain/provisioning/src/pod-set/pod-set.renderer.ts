import { isIP } from 'node:net';
import { leaseToken } from './lease-token';
import { InvalidPodSetInputError } from './pod-set.errors';
import { isDns1123Label, phoneNumberHash, POD_SET_NAMES as N, uuidHex } from './pod-set.names';
import { coreAppReplicas, webAppReplicas } from './pod-set.replicas';
import type {
  ComputeResources,
  ContainerResources,
  KubernetesManifest,
  PodSetInput,
  RuntimeProfile,
} from './pod-set.types';

const MANAGED_BY = 'bsp-control-plane';
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * The real WebApp image listens on 443 as root; a restricted pod runs non-root with every capability
 * dropped, so the image must be set to an unprivileged port. The Service keeps 443 for callers.
 */
const WEBAPP_PORT = 8443;
/** The CoreApp ports of the on-premises client (WebApp → CoreApp and CoreApp ↔ CoreApp). */
const COREAPP_PORTS = [6250, 6251, 6252, 6253] as const;
const MEDIA_PATH = '/usr/local/wamedia';
const DATA_PATH = '/usr/local/waent/data';

const SECRET_KEYS = {
  dbPassword: 'db-password',
  webappAdminPassword: 'webapp-admin-password',
  healthApiKey: 'health-api-key',
  encryptionSecret: 'encryption-secret',
  leaseToken: 'lease-token',
} as const;

/**
 * Renders one placement's pod set as plain manifests in apply order (namespace and its guards
 * first, then what the workloads consume, then Services before their workloads). A pure function of
 * its input: the same input gives the same objects, so re-applying them changes nothing.
 */
export function renderPodSet(input: PodSetInput): KubernetesManifest[] {
  check(input);
  const { number, placement, profile, settings, credentials } = input;
  const ns = placement.namespace;
  const numberHex = uuidHex(number.id);
  const epoch = number.fencingEpoch.toString();
  const dbRole = `wa_${numberHex}`;

  const common: Record<string, string> = {
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/part-of': 'whatsapp-business-api',
    'bsp.io/tenant-id': number.tenantId,
    'bsp.io/number-id': number.id,
  };
  const meta = (name: string, extra: Record<string, string> = {}) => ({
    name,
    namespace: ns,
    labels: { ...common, ...extra },
  });
  const selectorOf = (component: 'webapp' | 'coreapp') => ({ 'app.kubernetes.io/name': component });
  const componentLabels = (component: 'webapp' | 'coreapp') => ({
    ...selectorOf(component),
    'app.kubernetes.io/component': component,
  });

  const { runAsUser, runAsGroup, fsGroup } = profile.user;
  const podSecurity = {
    runAsNonRoot: true,
    runAsUser,
    runAsGroup,
    fsGroup,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
  const containerSecurity = (readOnlyRootFilesystem: boolean) => ({
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem,
    runAsNonRoot: true,
    runAsUser,
    runAsGroup,
    seccompProfile: { type: 'RuntimeDefault' },
  });
  const podBasics = {
    serviceAccountName: N.serviceAccount,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    nodeSelector: { 'topology.kubernetes.io/zone': placement.zone },
    securityContext: podSecurity,
  };
  const secretEnv = (name: string, key: string) => ({
    name,
    valueFrom: { secretKeyRef: { name: N.credentials, key } },
  });
  const fieldEnv = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { fieldPath } } });
  // The on-premises client's database settings; PGSQL is the engine name it expects (it lower-cases
  // WA_DB_ENGINE and accepts mysql, pgsql, sqlite). WA_DB_NAME_PREFIX keeps the databases it creates
  // (waent, waweb, …) apart from other numbers' on a shared server; WA_CONFIG_ON_DB keeps its
  // configuration in the database, so a standby in another cluster starts from the same state.
  const databaseEnv = [
    { name: 'WA_DB_ENGINE', value: 'PGSQL' },
    { name: 'WA_DB_HOSTNAME', value: settings.database.host },
    { name: 'WA_DB_PORT', value: String(settings.database.port) },
    { name: 'WA_DB_USERNAME', value: dbRole },
    secretEnv('WA_DB_PASSWORD', SECRET_KEYS.dbPassword),
    { name: 'WA_DB_NAME_PREFIX', value: `${dbRole}_` },
    { name: 'WA_CONFIG_ON_DB', value: '1' },
  ];
  const mediaMounts = [
    { name: 'media', mountPath: MEDIA_PATH, subPath: 'media' },
    { name: 'media', mountPath: DATA_PATH, subPath: 'data' },
  ];
  const mediaVolume = { name: 'media', persistentVolumeClaim: { claimName: N.media } };
  const epochAnnotation = { 'bsp.io/fencing-epoch': epoch };

  const namespace: KubernetesManifest = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: ns,
      labels: {
        'app.kubernetes.io/managed-by': MANAGED_BY,
        'bsp.io/tenant-id': number.tenantId,
        'bsp.io/number-id': number.id,
        'bsp.io/phone-hash': phoneNumberHash(number.phoneNumber),
        'bsp.io/region': number.region,
        'bsp.io/role': placement.role,
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
      },
      annotations: {
        'bsp.io/fencing-epoch': epoch,
        'bsp.io/placement-id': placement.id,
        'bsp.io/control-plane-version': settings.version,
        'bsp.io/cluster': placement.clusterName,
        'bsp.io/zone': placement.zone,
        'bsp.io/runtime-profile': profile.name,
      },
    },
  };

  const serviceAccount: KubernetesManifest = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: meta(N.serviceAccount),
    automountServiceAccountToken: false,
  };

  const totals = podSetTotals(profile);
  const quota: KubernetesManifest = {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: meta(N.quota),
    spec: {
      hard: {
        'limits.cpu': cpu(totals.limits.cpuMillis),
        'limits.memory': memory(totals.limits.memoryMiB),
        persistentvolumeclaims: '1',
        pods: String(totals.pods),
        'requests.cpu': cpu(totals.requests.cpuMillis),
        'requests.memory': memory(totals.requests.memoryMiB),
        'requests.storage': storage(profile.storage.mediaSizeGiB),
        services: '2',
        'services.loadbalancers': '0',
        'services.nodeports': '0',
      },
    },
  };

  const r = profile.resources;
  const limitRange: KubernetesManifest = {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: meta(N.limits),
    spec: {
      limits: [
        {
          type: 'Container',
          // Defaults for anything injected later (debug containers); the pod set's own containers
          // state their resources.
          default: quantities(r.fencingAgent.limits),
          defaultRequest: quantities(r.fencingAgent.requests),
          max: quantities(maxOf([r.webapp.limits, r.coreapp.limits, r.fencingAgent.limits])),
        },
        { type: 'PersistentVolumeClaim', max: { storage: storage(profile.storage.mediaSizeGiB) } },
      ],
    },
  };

  const webappPods = { podSelector: { matchLabels: selectorOf('webapp') } };
  const coreappPods = { podSelector: { matchLabels: selectorOf('coreapp') } };
  const allPods = { podSelector: {} };
  const netpol = (name: string, spec: Record<string, unknown>): KubernetesManifest => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(name),
    spec,
  });
  // The fencing agent renews its lease with the control plane: inside the cluster that is the control
  // plane's namespace; an address given as an IP literal is allowed by address as well.
  const leaseEgressPolicy = (url: string) => {
    const target = new URL(url);
    const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const ipBlocks = isIP(host) ? [{ ipBlock: { cidr: `${host}/${isIP(host) === 4 ? 32 : 128}` } }] : [];
    return netpol('allow-lease-egress', {
      ...coreappPods,
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: settings.namespaceLabels } }, ...ipBlocks],
          ports: [{ protocol: 'TCP', port }],
        },
      ],
    });
  };
  const networkPolicies = [
    netpol('default-deny', { ...allPods, policyTypes: ['Ingress', 'Egress'] }),
    // WebApp → CoreApp (6250-6253) and the fencing agent beside the CoreApp.
    netpol('allow-same-namespace', {
      ...allPods,
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    }),
    netpol('allow-webapp-ingress', {
      ...webappPods,
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            { namespaceSelector: { matchLabels: settings.namespaceLabels } },
            { namespaceSelector: { matchLabels: settings.ingressNamespaceLabels } },
            ...settings.apiServerCidrs.map((cidr) => ({ ipBlock: { cidr } })),
          ],
          ports: [{ protocol: 'TCP', port: WEBAPP_PORT }],
        },
      ],
    }),
    netpol('allow-dns-egress', {
      ...allPods,
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: settings.dns.namespaceLabels },
              podSelector: { matchLabels: settings.dns.podLabels },
            },
          ],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    }),
    netpol('allow-database-egress', {
      ...allPods,
      policyTypes: ['Egress'],
      egress: [
        {
          to: settings.database.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
          ports: [{ protocol: 'TCP', port: settings.database.port }],
        },
      ],
    }),
    // Only the CoreApp talks to WhatsApp and to the client's webhook; private ranges are excluded
    // so port 443 is no path to other tenants' pods.
    netpol('allow-https-egress', {
      ...coreappPods,
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ ipBlock: { cidr: '0.0.0.0/0', except: settings.httpsEgressExceptCidrs } }],
          ports: [{ protocol: 'TCP', port: 443 }],
        },
      ],
    }),
    ...(settings.leaseUrl ? [leaseEgressPolicy(settings.leaseUrl)] : []),
  ];

  const secret: KubernetesManifest = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta(N.credentials),
    type: 'Opaque',
    stringData: {
      [SECRET_KEYS.dbPassword]: credentials.dbPassword,
      [SECRET_KEYS.webappAdminPassword]: credentials.webappAdminPassword,
      [SECRET_KEYS.healthApiKey]: credentials.healthApiKey,
      [SECRET_KEYS.encryptionSecret]: credentials.encryptionSecret,
      ...(settings.leaseUrl
        ? { [SECRET_KEYS.leaseToken]: leaseToken(credentials.encryptionSecret, placement.id) }
        : {}),
    },
  };

  const media: KubernetesManifest = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: meta(N.media),
    spec: {
      accessModes: [profile.storage.accessMode],
      storageClassName: profile.storage.storageClassName,
      resources: { requests: { storage: storage(profile.storage.mediaSizeGiB) } },
    },
  };

  const webappService: KubernetesManifest = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(N.webapp, componentLabels('webapp')),
    spec: {
      type: 'ClusterIP',
      selector: selectorOf('webapp'),
      ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: 'https' }],
    },
  };

  const healthProbe = (periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path: '/v1/health', port: 'https', scheme: 'HTTPS' },
    periodSeconds,
    timeoutSeconds: 5,
    failureThreshold,
  });
  const webapp: KubernetesManifest = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(N.webapp, componentLabels('webapp')),
    spec: {
      replicas: webAppReplicas(number, profile),
      revisionHistoryLimit: 3,
      selector: { matchLabels: selectorOf('webapp') },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: { ...common, ...componentLabels('webapp') } },
        spec: {
          ...podBasics,
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name: 'webapp',
              image: profile.images.webapp,
              ports: [{ name: 'https', containerPort: WEBAPP_PORT, protocol: 'TCP' }],
              env: [
                ...databaseEnv,
                { name: 'WA_WEB_SERVERNAME', value: `${numberHex}.${settings.webDomain}` },
                secretEnv('WA_ADMIN_PASSWORD', SECRET_KEYS.webappAdminPassword),
                secretEnv('BSP_HEALTH_API_KEY', SECRET_KEYS.healthApiKey),
              ],
              resources: resourcesOf(r.webapp),
              readinessProbe: healthProbe(10, 3),
              livenessProbe: { ...healthProbe(20, 6), initialDelaySeconds: 30 },
              // The client's entrypoint writes its web config, TLS material and logs under / at start.
              securityContext: containerSecurity(false),
              volumeMounts: mediaMounts,
            },
          ],
          volumes: [mediaVolume],
        },
      },
    },
  };

  const coreappService: KubernetesManifest = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(N.coreapp, componentLabels('coreapp')),
    spec: {
      clusterIP: 'None',
      selector: selectorOf('coreapp'),
      ports: COREAPP_PORTS.map((port) => ({ name: `wa-${port}`, protocol: 'TCP', port, targetPort: port })),
    },
  };

  const tcpProbe = (periodSeconds: number, failureThreshold: number) => ({
    tcpSocket: { port: `wa-${COREAPP_PORTS[0]}` },
    periodSeconds,
    timeoutSeconds: 5,
    failureThreshold,
  });
  const coreapp: KubernetesManifest = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { ...meta(N.coreapp, componentLabels('coreapp')), annotations: epochAnnotation },
    spec: {
      replicas: coreAppReplicas(number, placement),
      serviceName: N.coreapp,
      // OrderedReady with one replica: the StatefulSet controller does not start coreapp-0 again
      // until the old coreapp-0 object is gone, which is the in-cluster half of "never two".
      podManagementPolicy: 'OrderedReady',
      revisionHistoryLimit: 3,
      selector: { matchLabels: selectorOf('coreapp') },
      updateStrategy: { type: 'RollingUpdate' },
      template: {
        metadata: {
          labels: { ...common, ...componentLabels('coreapp') },
          annotations: epochAnnotation,
        },
        spec: {
          ...podBasics,
          // Time for the client to close its WhatsApp connection cleanly before SIGKILL.
          terminationGracePeriodSeconds: 60,
          containers: [
            {
              name: 'coreapp',
              image: profile.images.coreapp,
              ports: COREAPP_PORTS.map((port) => ({
                name: `wa-${port}`,
                containerPort: port,
                protocol: 'TCP',
              })),
              env: [
                fieldEnv('POD_NAME', 'metadata.name'),
                fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
                {
                  name: 'COREAPP_HOSTNAME',
                  value: `$(POD_NAME).${N.coreapp}.$(POD_NAMESPACE).svc.${settings.dns.clusterDomain}`,
                },
                ...databaseEnv,
                { name: 'WA_PHONE_NUMBER', value: number.phoneNumber },
                { name: 'BSP_FENCING_EPOCH', value: epoch },
                secretEnv('BSP_ENCRYPTION_SECRET', SECRET_KEYS.encryptionSecret),
              ],
              resources: resourcesOf(r.coreapp),
              readinessProbe: tcpProbe(10, 3),
              livenessProbe: { ...tcpProbe(20, 6), initialDelaySeconds: 30 },
              securityContext: containerSecurity(false),
              volumeMounts: mediaMounts,
            },
            {
              name: 'fencing-agent',
              image: profile.images.fencingAgent,
              env: [
                fieldEnv('POD_NAME', 'metadata.name'),
                fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
                { name: 'BSP_PLACEMENT_ID', value: placement.id },
                { name: 'BSP_FENCING_EPOCH', value: epoch },
                ...(settings.leaseUrl
                  ? [
                      { name: 'FENCE_LEASE_URL', value: settings.leaseUrl },
                      secretEnv('FENCE_LEASE_TOKEN', SECRET_KEYS.leaseToken),
                    ]
                  : []),
              ],
              resources: resourcesOf(r.fencingAgent),
              securityContext: containerSecurity(true),
            },
          ],
          volumes: [mediaVolume],
        },
      },
    },
  };

  const pdb = (name: 'webapp' | 'coreapp'): KubernetesManifest => ({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: meta(name, componentLabels(name)),
    spec: {
      // Never 0 (ADR 0010): a budget that forbids every eviction stalls
      // node drains until someone force-deletes the pod, and a force delete of a pod on an
      // unreachable node is exactly how a second CoreApp starts while the first still runs. The
      // StatefulSet's identity rule and the fencing epoch, not the PDB, keep instances apart.
      maxUnavailable: 1,
      selector: { matchLabels: selectorOf(name) },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  });

  return [
    namespace,
    serviceAccount,
    quota,
    limitRange,
    ...networkPolicies,
    secret,
    media,
    webappService,
    webapp,
    coreappService,
    coreapp,
    pdb(N.webapp),
    pdb(N.coreapp),
  ];
}

function check({ number, placement, profile, settings }: PodSetInput): void {
  const fail = (message: string) => {
    throw new InvalidPodSetInputError(message);
  };
  if (!isDns1123Label(placement.namespace)) {
    fail('placement namespace must be a DNS-1123 label of at most 63 characters');
  }
  if (!E164.test(number.phoneNumber)) fail('number must be E.164');
  if (number.fencingEpoch < 0n) fail('fencing epoch must not be negative');
  if (!Number.isInteger(profile.replicas.webapp) || profile.replicas.webapp < 1) {
    fail('runtime profile must run at least one WebApp replica');
  }
  if (profile.user.runAsUser === 0 || profile.user.runAsGroup === 0)
    fail('runtime profile must not run as root');
  if (settings.database.cidrs.length === 0) fail('database egress needs at least one CIDR');
  if (settings.leaseUrl !== null && !/^https?:\/\/[^/]/.test(settings.leaseUrl)) {
    fail('lease URL must be an http(s) URL');
  }
}

function podSetTotals(profile: RuntimeProfile): ContainerResources & { pods: number } {
  // One extra WebApp pod for the rolling update's surge; the StatefulSet replaces in place.
  const webappPods = profile.replicas.webapp + 1;
  const r = profile.resources;
  const sum = (pick: (c: ContainerResources) => ComputeResources): ComputeResources => ({
    cpuMillis:
      pick(r.webapp).cpuMillis * webappPods + pick(r.coreapp).cpuMillis + pick(r.fencingAgent).cpuMillis,
    memoryMiB:
      pick(r.webapp).memoryMiB * webappPods + pick(r.coreapp).memoryMiB + pick(r.fencingAgent).memoryMiB,
  });
  return { pods: webappPods + 1, requests: sum((c) => c.requests), limits: sum((c) => c.limits) };
}

function maxOf(list: ComputeResources[]): ComputeResources {
  return {
    cpuMillis: Math.max(...list.map((c) => c.cpuMillis)),
    memoryMiB: Math.max(...list.map((c) => c.memoryMiB)),
  };
}

// Canonical quantity forms (what the API server stores: 2000m → 2, 2048Mi → 2Gi), so reading an
// object back compares equal to what was rendered.
const cpu = (millis: number) => (millis % 1000 === 0 ? `${millis / 1000}` : `${millis}m`);
const memory = (mib: number) => (mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`);
const storage = (gib: number) => (gib % 1024 === 0 ? `${gib / 1024}Ti` : `${gib}Gi`);
const quantities = (c: ComputeResources) => ({ cpu: cpu(c.cpuMillis), memory: memory(c.memoryMiB) });
const resourcesOf = (c: ContainerResources) => ({
  requests: quantities(c.requests),
  limits: quantities(c.limits),
});
