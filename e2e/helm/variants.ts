/**
 * The value sets every chart test renders: the defaults and the shapes operators use.
 * `secrets` lists the Secrets (name → keys) a variant expects to exist before install.
 */
export interface Variant {
  name: string;
  values: Record<string, unknown>;
  /** Secrets the operator creates before `helm install` (name → keys). */
  secrets: Record<string, string[]>;
}

export const SECRET_KEYS = [
  'DATABASE_URL',
  'REDIS_URL',
  'JWT_SECRET',
  'API_KEY_PEPPER',
  'SECRETS_ENCRYPTION_KEYS',
];

export const VARIANTS: Variant[] = [
  {
    name: 'default',
    values: {},
    secrets: { 'cp-default-bsp-control-plane-secrets': SECRET_KEYS },
  },
  {
    name: 'ingress-tls',
    values: {
      ingress: {
        enabled: true,
        host: 'bsp.example.com',
        annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
        tls: { enabled: true, secretName: 'bsp-example-com-tls' },
      },
      admin: { email: 'admin@bsp.example' },
    },
    secrets: { 'cp-ingress-tls-bsp-control-plane-secrets': [...SECRET_KEYS, 'BSP_ADMIN_PASSWORD'] },
  },
  {
    name: 'existing-secrets',
    values: {
      secrets: {
        existingSecret: 'bsp-prod',
        refs: {
          DATABASE_URL: { name: 'pg-app', key: 'uri' },
          TENANT_DATABASE_ADMIN_URL: { name: 'pg-admin', key: 'uri' },
        },
      },
      admin: { email: 'admin@bsp.example' },
      image: { tag: '1.4.2' },
    },
    secrets: {
      'bsp-prod': [
        'REDIS_URL',
        'JWT_SECRET',
        'API_KEY_PEPPER',
        'SECRETS_ENCRYPTION_KEYS',
        'BSP_ADMIN_PASSWORD',
      ],
      'pg-app': ['uri'],
      'pg-admin': ['uri'],
    },
  },
  {
    name: 'ha-worker',
    values: {
      secrets: { existingSecret: 'bsp-prod' },
      worker: {
        replicaCount: 3,
        autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 6 },
        leaderElection: { enabled: true },
        runtimeProfile: { webapp: { replicas: 1 } },
      },
      api: { autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 5 } },
      // Pod sets on workload clusters elsewhere renew their leases through an internal load balancer.
      config: {
        FENCING_LEASE_URL: 'http://10.20.0.50:3000/internal/v1/leases/renew',
        LEASE_DURATION_MS: 20000,
        LEASE_RENEW_INTERVAL_MS: 5000,
        HEALTH_SHARDS: 64,
        FAILOVER_CONCURRENCY: 4,
      },
      networkPolicy: { leaseSourceCidrs: ['10.60.0.0/16'] },
    },
    secrets: { 'bsp-prod': SECRET_KEYS },
  },
  {
    name: 'service-monitor',
    values: {
      secrets: { existingSecret: 'bsp-prod' },
      serviceMonitor: { enabled: true, labels: { release: 'prometheus' } },
    },
    secrets: { 'bsp-prod': SECRET_KEYS },
  },
  {
    name: 'inline-secrets',
    values: {
      secrets: {
        inline: {
          DATABASE_URL: 'postgresql://bsp:trial-password@pg:5432/bsp',
          REDIS_URL: 'redis://redis:6379',
          JWT_SECRET: 'trial-jwt-secret-trial-jwt-secret-0123',
          API_KEY_PEPPER: 'trial-pepper-trial-pepper-trial-pepper-0',
          SECRETS_ENCRYPTION_KEYS: 'k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
        },
      },
    },
    secrets: {},
  },
];

/** Release name of a variant: distinct per variant, so cluster-scoped RBAC objects do not collide. */
export function releaseName(v: Variant): string {
  return `cp-${v.name}`;
}
