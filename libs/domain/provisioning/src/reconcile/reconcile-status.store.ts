import type { ReconcileStatusResponse } from '@bsp/contracts';
import { Injectable } from '@nestjs/common';
import { RedisService } from '@bsp/redis';

/** The last reconcile of a number, for operators: kept in Redis so a no-op reconcile writes no database row. */
export type ReconcileStatus = ReconcileStatusResponse;

const TTL_SECONDS = 30 * 24 * 3600;

@Injectable()
export class ReconcileStatusStore {
  constructor(private readonly redis: RedisService) {}

  async record(numberId: string, status: ReconcileStatus): Promise<void> {
    await this.redis.client.set(key(numberId), JSON.stringify(status), 'EX', TTL_SECONDS);
  }

  async last(numberId: string): Promise<ReconcileStatus | null> {
    const raw = await this.redis.client.get(key(numberId));
    return raw ? (JSON.parse(raw) as ReconcileStatus) : null;
  }
}

function key(numberId: string): string {
  return `reconcile-status:${numberId}`;
}
