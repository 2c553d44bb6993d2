import { randomBytes } from 'node:crypto';
import { configSchema, type RawConfig, SENSITIVE_KEYS } from './config.schema';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Validated, typed and frozen configuration. The only place that reads the environment. */
export class AppConfig {
  private constructor(
    readonly values: Readonly<RawConfig & { JWT_SECRET: string; API_KEY_PEPPER: string }>,
    readonly warnings: readonly string[],
  ) {}

  static fromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
    const input: Record<string, string> = {};
    for (const key of Object.keys(configSchema.shape)) {
      const value = env[key];
      if (value !== undefined && value !== '') input[key] = value;
    }
    const parsed = configSchema.safeParse(input);
    if (!parsed.success) {
      // Name the variable and the rule, never the value: it may be a secret.
      throw new ConfigError(
        parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
      );
    }
    const raw = parsed.data;
    const warnings: string[] = [];
    const problems: string[] = [];
    const secret = (key: 'JWT_SECRET' | 'API_KEY_PEPPER'): string => {
      const value = raw[key];
      if (value) return value;
      if (raw.NODE_ENV === 'production') {
        problems.push(`${key}: Required in production`);
        return '';
      }
      warnings.push(`${key} is not set: using a random value for this process (development only)`);
      return randomBytes(32).toString('base64url');
    };
    const values = Object.freeze({
      ...raw,
      JWT_SECRET: secret('JWT_SECRET'),
      API_KEY_PEPPER: secret('API_KEY_PEPPER'),
    });
    if ((raw.BSP_ADMIN_EMAIL === undefined) !== (raw.BSP_ADMIN_PASSWORD === undefined)) {
      problems.push('BSP_ADMIN_EMAIL / BSP_ADMIN_PASSWORD: set both or neither');
    }
    if (raw.LEASE_RENEW_INTERVAL_MS * 2 > raw.LEASE_DURATION_MS) {
      // One lost renewal must not fence a healthy instance.
      problems.push('LEASE_RENEW_INTERVAL_MS: must be at most half of LEASE_DURATION_MS');
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return new AppConfig(values, warnings);
  }

  get<K extends keyof AppConfig['values']>(key: K): AppConfig['values'][K] {
    return this.values[key];
  }

  get isProduction(): boolean {
    return this.values.NODE_ENV === 'production';
  }

  /** The configuration with every secret replaced, for start-up logs. */
  describe(): Record<string, unknown> {
    const out: Record<string, unknown> = { ...this.values };
    for (const key of SENSITIVE_KEYS) if (out[key] !== undefined) out[key] = '[redacted]';
    return out;
  }
}
