import { z } from 'zod';

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
});

export type RawConfig = z.infer<typeof configSchema>;

export const SENSITIVE_KEYS = [
  'DATABASE_URL',
  'REDIS_URL',
  'JWT_SECRET',
  'API_KEY_PEPPER',
  'BSP_ADMIN_PASSWORD',
] as const satisfies readonly (keyof RawConfig)[];
