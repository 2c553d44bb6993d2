import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL } from './test-env';

/**
 * Sets the variables the config schema reads for a process under test. Vitest runs each test file
 * in its own process, so this never leaks between files.
 */
export function applyTestEnvironment(
  options: { databaseUrl: string; redisPrefix: string } & Record<string, string>,
): void {
  const { databaseUrl, redisPrefix, ...overrides } = options;
  Object.assign(process.env, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_MAX: '5',
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: redisPrefix,
    JWT_SECRET: randomBytes(32).toString('hex'),
    API_KEY_PEPPER: randomBytes(32).toString('hex'),
    PASSWORD_SCRYPT_COST: '4096',
    SECRETS_ENCRYPTION_KEYS: `test:${randomBytes(32).toString('base64')}`,
    ...overrides,
  });
}

/** Removes every Redis key a test wrote under its prefix. */
export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
