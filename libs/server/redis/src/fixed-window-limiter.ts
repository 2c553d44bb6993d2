import type { Redis } from 'ioredis';

export interface LimitResult {
  allowed: boolean;
  count: number;
  retryAfterSeconds: number;
}

/** Counts hits per key in a fixed window (INCR + EXPIRE in one round trip). */
export async function hitFixedWindow(
  redis: Redis,
  key: string,
  limit: number,
  windowSeconds: number,
): Promise<LimitResult> {
  const [[, count], [, ttl]] = (await redis.multi().incr(key).ttl(key).exec()) as [
    [null, number],
    [null, number],
  ];
  if (ttl < 0) await redis.expire(key, windowSeconds);
  return { allowed: count <= limit, count, retryAfterSeconds: ttl > 0 ? ttl : windowSeconds };
}

// Decrements only a live, positive counter: never recreates an expired key (it would have no TTL).
const RELEASE_SCRIPT = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then return redis.call('DECR', KEYS[1]) end
return 0`;

/** Gives back one hit taken by hitFixedWindow (an attempt that turned out not to count). */
export async function releaseFixedWindow(redis: Redis, key: string): Promise<void> {
  await redis.eval(RELEASE_SCRIPT, 1, key);
}
