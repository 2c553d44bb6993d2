import { z } from 'zod';
import { parseKeyRing } from '@bsp/crypto';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

const postgresUrl = z
  .string()
  .url()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL');

const redisUrl = z
  .string()
  .url()
  .refine((v) => /^rediss?:\/\//.test(v), 'must be a redis:// or rediss:// URL');

const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$|^[0-9a-f:]+\/\d{1,3}$/i;
const cidrList = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c !== ''),
  )
  .refine((list) => list.every((c) => CIDR.test(c)), 'must be comma-separated CIDRs like 10.0.0.0/8');

const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const labelMap = z.string().transform((v, ctx) => {
  const labels: Record<string, string> = {};
  for (const pair of v
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (eq < 1 || !LABEL_KEY.test(key) || !LABEL_VALUE.test(value)) {
      ctx.addIssue({ code: 'custom', message: 'must be comma-separated key=value Kubernetes labels' });
      return z.NEVER;
    }
    labels[key] = value;
  }
  return labels;
});

/**
 * Every environment variable the control plane reads. Variables listed in
 * SENSITIVE_KEYS are secrets: they are never logged or echoed in errors.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  HTTP_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'must look like 100kb or 1mb')
    .default('100kb'),
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),

  DATABASE_URL: postgresUrl,
  DATABASE_POOL_MAX: positiveInt.default(10),
  MIGRATIONS_DIR: z.string().min(1).default('prisma/migrations'),
  /** The built admin dashboard, served on the API's origin; without an index.html there, the API serves no page. */
  DASHBOARD_DIR: z.string().min(1).default('dist/apps/dashboard'),

  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only')
    .default('bsp'),

  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_ISSUER: z.string().min(1).default('bsp-control-plane'),
  JWT_AUDIENCE: z.string().min(1).default('bsp-api'),
  JWT_ACCESS_TTL_SECONDS: positiveInt.default(900),
  JWT_REFRESH_TTL_SECONDS: positiveInt.default(30 * 24 * 3600),

  API_KEY_PEPPER: z.string().min(32, 'must be at least 32 characters').optional(),
  API_KEY_ENV: z
    .string()
    .regex(/^[a-z0-9]{2,12}$/, '2 to 12 lowercase letters or digits')
    .default('live'),
  API_KEY_DEFAULT_GRACE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(30 * 24 * 3600)
    .default(24 * 3600),
  API_KEY_LAST_USED_FLUSH_MS: positiveInt.default(10_000),

  PASSWORD_SCRYPT_COST: z.coerce
    .number()
    .int()
    .refine((n) => n >= 1024 && (n & (n - 1)) === 0, 'must be a power of two >= 1024')
    .default(32768),

  LOGIN_WINDOW_SECONDS: positiveInt.default(900),
  LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: positiveInt.default(5),
  LOGIN_MAX_ATTEMPTS_PER_IP: positiveInt.default(30),

  BSP_ADMIN_EMAIL: z.string().email().optional(),
  BSP_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),

  WORKER_HTTP_PORT: port.default(3001),

  /**
   * Master keys for the numbers' credentials at rest: `k2:<base64 32 bytes>,k1:<…>`, first current.
   * Required by the worker (it seals and opens the credentials); the API never reads them.
   */
  SECRETS_ENCRYPTION_KEYS: z
    .string()
    .optional()
    .superRefine((spec, ctx) => {
      if (spec === undefined) return;
      try {
        parseKeyRing(spec);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),

  /** Admin connection to the PostgreSQL server that holds the numbers' own databases (default: DATABASE_URL's server). */
  TENANT_DATABASE_ADMIN_URL: postgresUrl.optional(),
  /** How pods reach that server (WA_DB_HOSTNAME / WA_DB_PORT); default: the admin URL's host and port. */
  TENANT_DATABASE_HOST: z.string().min(1).optional(),
  TENANT_DATABASE_PORT: port.optional(),
  /** Addresses of that server for the pod sets' egress NetworkPolicy (comma-separated CIDRs). */
  TENANT_DATABASE_CIDRS: cidrList.prefault('127.0.0.1/32'),
  /** What deprovisioning does with a number's database: keep it (login disabled) or drop it. */
  TENANT_DATABASE_ON_DELETE: z.enum(['retain', 'drop']).default('retain'),

  /** A JSON file overriding the default runtime profile (images, resources, storage, replicas). */
  RUNTIME_PROFILE_FILE: z.string().min(1).optional(),
  WEBAPP_IMAGE: z.string().min(1).optional(),
  COREAPP_IMAGE: z.string().min(1).optional(),
  FENCING_AGENT_IMAGE: z.string().min(1).optional(),
  /** WA_WEB_SERVERNAME is `<number id hex>.<WEB_DOMAIN>`. */
  WEB_DOMAIN: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/, 'must be a DNS domain')
    .default('wa.bsp.local'),
  /** Labels of the control plane's namespace and the ingress namespace, allowed to reach the WebApp (k=v,k=v). */
  CONTROL_PLANE_NAMESPACE_LABELS: labelMap.prefault('kubernetes.io/metadata.name=bsp-control-plane'),
  INGRESS_NAMESPACE_LABELS: labelMap.prefault('kubernetes.io/metadata.name=ingress-nginx'),
  /** Sources of API-server proxy traffic to the WebApp (health checks through services/proxy). */
  KUBE_API_SERVER_CIDRS: cidrList.prefault(''),
  CLUSTER_DOMAIN: z.string().min(1).default('cluster.local'),
  HTTPS_EGRESS_EXCEPT_CIDRS: cidrList.prefault('10.0.0.0/8,172.16.0.0/12,192.168.0.0/16'),

  /** Reconcile jobs a worker runs at once. */
  RECONCILE_CONCURRENCY: positiveInt.default(16),
  /** How long a running reconcile stays claimed by a worker that stopped answering (crashed) before another takes it. */
  RECONCILE_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** Every number is reconciled against its clusters this often, repairing drift. */
  RESYNC_INTERVAL_SECONDS: positiveInt.default(300),
  /** Kubernetes API request timeout. */
  KUBE_REQUEST_TIMEOUT_MS: positiveInt.default(10_000),

  /** Every active number is health-checked this often. */
  HEALTH_CHECK_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  /** Sweep jobs the numbers are spread over (by a hash of their id): one job scheduler each, not one timer per number. */
  HEALTH_SHARDS: z.coerce.number().int().min(1).max(1024).default(32),
  /** Probes one worker runs at once across its sweeps. */
  HEALTH_PROBE_CONCURRENCY: positiveInt.default(64),
  /** A WebApp health probe that takes longer counts as failed (a hanging endpoint cannot stall the sweep). */
  HEALTH_PROBE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
  /** Consecutive failing checks before a number is unhealthy (a single blip does not flip it). */
  HEALTH_FAILURE_THRESHOLD: z.coerce.number().int().min(1).max(100).default(3),
  /** Consecutive passing checks before an unhealthy or degraded number is healthy again. */
  HEALTH_SUCCESS_THRESHOLD: z.coerce.number().int().min(1).max(100).default(2),

  /**
   * The internal endpoint fencing agents renew their activation lease at (how pods reach the API,
   * e.g. http://bsp-api.bsp-system.svc:3000/internal/v1/leases/renew). Unset: pod sets run without
   * lease fencing and a number on an unreachable cluster is never failed over automatically.
   */
  FENCING_LEASE_URL: z.string().url().optional(),
  /** How long one renewal lets an instance hold its number. */
  LEASE_DURATION_MS: z.coerce.number().int().min(1000).max(600_000).default(12_000),
  /** How often agents renew; a third of the duration leaves two renewals' slack. */
  LEASE_RENEW_INTERVAL_MS: z.coerce.number().int().min(100).max(300_000).default(4_000),
  /**
   * Added to a lease's end before the control plane treats it as over: covers the agent's check
   * period and clock-rate drift between the database and the pods.
   */
  LEASE_CLOCK_SKEW_MARGIN_MS: z.coerce.number().int().min(0).max(120_000).default(2_000),

  /** Failover jobs a worker runs at once. */
  FAILOVER_CONCURRENCY: positiveInt.default(8),
  /** Failovers started per second across all workers: a lost cluster does not stampede the others. */
  FAILOVER_RATE_PER_SECOND: positiveInt.default(20),
  /** A promoted instance that has not connected by then fails the failover (the number keeps being reconciled). */
  FAILOVER_CONFIRM_TIMEOUT_SECONDS: positiveInt.default(300),
});

export type RawConfig = z.infer<typeof configSchema>;

export const SENSITIVE_KEYS = [
  'DATABASE_URL',
  'REDIS_URL',
  'JWT_SECRET',
  'API_KEY_PEPPER',
  'BSP_ADMIN_PASSWORD',
  'SECRETS_ENCRYPTION_KEYS',
  'TENANT_DATABASE_ADMIN_URL',
] as const satisfies readonly (keyof RawConfig)[];
