/**
 * The shard of a number: the last 32 bits of its UUID modulo the shard count. Random in v4 and v7
 * UUIDs alike, computed the same way in SQL (see HealthRepository.shardTargets), and stable for
 * as long as the shard count does not change.
 */
export function healthShardOf(numberId: string, shards: number): number {
  const hex = numberId.replaceAll('-', '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`expected a UUID, got ${JSON.stringify(numberId)}`);
  return parseInt(hex.slice(-8), 16) % shards;
}

/** The job scheduler of one shard: stable, so every worker upserts the same ones. */
export function healthSchedulerId(shard: number): string {
  return `health-sweep-${shard}`;
}
