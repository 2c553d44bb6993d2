import { AppConfig, ConfigError } from './app-config';

const base = { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/bsp' };

describe('AppConfig', () => {
  it('applies defaults and coerces types', () => {
    const config = AppConfig.fromEnv({ ...base, API_PORT: '8080', LOG_LEVEL: 'debug' });
    expect(config.get('API_PORT')).toBe(8080);
    expect(config.get('LOG_LEVEL')).toBe('debug');
    expect(config.get('REDIS_URL')).toBe('redis://127.0.0.1:6379');
    expect(config.get('HTTP_BODY_LIMIT')).toBe('100kb');
  });

  it('fails fast naming every bad variable, never its value', () => {
    try {
      AppConfig.fromEnv({
        DATABASE_URL: 'mysql://secret-password@db/x',
        API_PORT: 'eighty',
        JWT_SECRET: 'short-secret',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).toMatch(/DATABASE_URL: must be a postgres/);
      expect(message).toMatch(/API_PORT:/);
      expect(message).toMatch(/JWT_SECRET: must be at least 32 characters/);
      expect(message).not.toContain('secret-password');
      expect(message).not.toContain('short-secret');
    }
  });

  it('requires real secrets in production and generates throwaway ones in development', () => {
    expect(() => AppConfig.fromEnv({ ...base, NODE_ENV: 'production' })).toThrow(
      /JWT_SECRET: Required in production[\s\S]*API_KEY_PEPPER: Required in production/,
    );
    const dev = AppConfig.fromEnv(base);
    expect(dev.get('JWT_SECRET')).toHaveLength(43);
    expect(dev.warnings).toHaveLength(2);
  });

  it('wants the first admin email and password together', () => {
    expect(() => AppConfig.fromEnv({ ...base, BSP_ADMIN_EMAIL: 'a@b.example' })).toThrow(
      /set both or neither/,
    );
  });

  it('keeps the lease numbers safe: two renewals fit in one lease', () => {
    const config = AppConfig.fromEnv(base);
    expect(config.get('LEASE_DURATION_MS')).toBe(12_000);
    expect(config.get('LEASE_RENEW_INTERVAL_MS')).toBe(4_000);
    expect(config.get('LEASE_CLOCK_SKEW_MARGIN_MS')).toBe(2_000);
    expect(config.get('HEALTH_CHECK_INTERVAL_SECONDS')).toBe(10);
    expect(() =>
      AppConfig.fromEnv({ ...base, LEASE_DURATION_MS: '5000', LEASE_RENEW_INTERVAL_MS: '3000' }),
    ).toThrow(/LEASE_RENEW_INTERVAL_MS: must be at most half of LEASE_DURATION_MS/);
    expect(() => AppConfig.fromEnv({ ...base, FENCING_LEASE_URL: 'not a url' })).toThrow(/FENCING_LEASE_URL/);
  });

  it('redacts secrets when describing itself', () => {
    const described = AppConfig.fromEnv({
      ...base,
      JWT_SECRET: 'x'.repeat(40),
      BSP_ADMIN_EMAIL: 'a@b.example',
      BSP_ADMIN_PASSWORD: 'p'.repeat(16),
    }).describe();
    expect(described).toMatchObject({
      DATABASE_URL: '[redacted]',
      JWT_SECRET: '[redacted]',
      BSP_ADMIN_PASSWORD: '[redacted]',
      BSP_ADMIN_EMAIL: 'a@b.example',
    });
  });
});
