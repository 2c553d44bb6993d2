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
  const [[, count], [, ttl]] = (await redis
    .multi()
    .incr(key)
    .ttl(key)
    .exec()) as [[null, number], [null, number]];
  if (ttl < 0) await redis.expire(key, windowSeconds);
  return { allowed: count <= limit, count, retryAfterSeconds: ttl > 0 ? ttl : windowSeconds };
}

export async function peekFixedWindow(redis: Redis, key: string, limit: number): Promise<LimitResult> {
  const [[, count], [, ttl]] = (await redis.multi().get(key).ttl(key).exec()) as [[null, string | null], [null, number]];
  const n = Number(count ?? 0);
  return { allowed: n < limit, count: n, retryAfterSeconds: Math.max(ttl, 1) };
}
