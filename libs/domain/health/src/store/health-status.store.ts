import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RedisService } from '@bsp/redis';
import type { ClusterReachabilityRecord, NumberHealthRecord } from './health-record';

/**
 * Writes a number's record only if nobody wrote it since it was read (its `rev`): a sweep and an
 * out-of-band check of the same number cannot interleave their hysteresis.
 */
const COMPARE_AND_SET = `
local current = redis.call('HGET', KEYS[1], 'rev') or '0'
if current ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'rev', ARGV[2], 'record', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`;

type HealthRedis = Redis & {
  healthCompareAndSet(
    key: string,
    expectedRev: string,
    rev: string,
    record: string,
    ttlMs: string,
  ): Promise<number>;
};

export interface StoredHealth {
  rev: number;
  record: NumberHealthRecord;
}

export interface HealthWrite {
  numberId: string;
  /** The rev read before the check (0: none). */
  expectedRev: number;
  record: NumberHealthRecord;
}

/**
 * The latest check and hysteresis state of every monitored number, one hash per number under
 * `health:number:<id>` (fields `rev`, `record`), and each cluster's last seen reachability under
 * `health:cluster:<id>`. Reads and writes of a batch are one pipeline each; the API reads one key.
 */
@Injectable()
export class HealthStatusStore {
  private readonly redis: HealthRedis;

  constructor(redis: RedisService) {
    const client = redis.client as HealthRedis;
    if (typeof client.healthCompareAndSet !== 'function')
      client.defineCommand('healthCompareAndSet', { numberOfKeys: 1, lua: COMPARE_AND_SET });
    this.redis = client;
  }

  async read(numberIds: readonly string[]): Promise<Map<string, StoredHealth>> {
    const out = new Map<string, StoredHealth>();
    if (numberIds.length === 0) return out;
    const pipeline = this.redis.pipeline();
    for (const id of numberIds) pipeline.hmget(numberKey(id), 'rev', 'record');
    const replies = (await pipeline.exec()) ?? [];
    replies.forEach(([error, value], i) => {
      if (error) throw error;
      const [rev, record] = value as [string | null, string | null];
      if (rev !== null && record !== null)
        out.set(numberIds[i]!, { rev: Number(rev), record: JSON.parse(record) as NumberHealthRecord });
    });
    return out;
  }

  async get(numberId: string): Promise<NumberHealthRecord | null> {
    return (await this.read([numberId])).get(numberId)?.record ?? null;
  }

  /**
   * One pipeline: every number's compare-and-set and the clusters' reachability. Returns the ids
   * whose record was written (the others were written by another check in between).
   */
  async write(
    writes: readonly HealthWrite[],
    clusters: readonly ClusterReachabilityRecord[],
    ttlMs: number,
  ): Promise<Set<string>> {
    const written = new Set<string>();
    if (writes.length === 0 && clusters.length === 0) return written;
    const pipeline = this.redis.pipeline() as ReturnType<Redis['pipeline']> & {
      healthCompareAndSet(
        key: string,
        expectedRev: string,
        rev: string,
        record: string,
        ttlMs: string,
      ): unknown;
    };
    for (const w of writes)
      pipeline.healthCompareAndSet(
        numberKey(w.numberId),
        String(w.expectedRev),
        String(w.expectedRev + 1),
        JSON.stringify(w.record),
        String(ttlMs),
      );
    for (const c of clusters) {
      pipeline.hset(clusterKey(c.clusterId), { name: c.name, reachability: c.reachability, at: c.at });
      pipeline.pexpire(clusterKey(c.clusterId), ttlMs);
    }
    const replies = (await pipeline.exec()) ?? [];
    writes.forEach((w, i) => {
      const [error, value] = replies[i] ?? [null, 0];
      if (error) throw error;
      if (value === 1) written.add(w.numberId);
    });
    return written;
  }

  async clusters(clusterIds: readonly string[]): Promise<Map<string, ClusterReachabilityRecord>> {
    const out = new Map<string, ClusterReachabilityRecord>();
    if (clusterIds.length === 0) return out;
    const pipeline = this.redis.pipeline();
    for (const id of clusterIds) pipeline.hgetall(clusterKey(id));
    const replies = (await pipeline.exec()) ?? [];
    replies.forEach(([error, value], i) => {
      if (error) throw error;
      const h = value as Record<string, string>;
      if (h['reachability'])
        out.set(clusterIds[i]!, {
          clusterId: clusterIds[i]!,
          name: h['name'] ?? '',
          reachability: h['reachability'] as ClusterReachabilityRecord['reachability'],
          at: h['at'] ?? '',
        });
    });
    return out;
  }
}

function numberKey(numberId: string): string {
  return `health:number:${numberId}`;
}

function clusterKey(clusterId: string): string {
  return `health:cluster:${clusterId}`;
}
