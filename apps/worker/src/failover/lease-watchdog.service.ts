import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ActivationLeaseRepository, FencingSettings } from '@bsp/domain-failover';
import { HealthSweepService, LEASE_LAPSE_INTERVALS } from '@bsp/domain-health';
import { RedisService } from '@bsp/redis';

const LOCK_KEY = 'lease-watchdog:lock';

/**
 * A lapsed lease is the fastest sign that an instance is lost (its node or cluster gone, or cut
 * off): its agent stopped renewing. Rather than wait for the number's next sweep, this looks for
 * lapsed leases several times per renew interval — one query for all numbers, by one worker at a
 * time (a Redis lock) — and checks those numbers at once; the checks' verdict starts the failover.
 */
@Injectable()
export class LeaseWatchdog implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LeaseWatchdog.name);
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly everyMs: number;

  constructor(
    private readonly leases: ActivationLeaseRepository,
    private readonly settings: FencingSettings,
    private readonly sweeps: HealthSweepService,
    private readonly redis: RedisService,
  ) {
    this.everyMs = Math.max(100, Math.round(settings.renewIntervalMs / 2));
  }

  onApplicationBootstrap(): void {
    if (!this.settings.leaseFencing) return;
    this.timer = setInterval(() => void this.tick(), this.everyMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const won = await this.redis.client.set(LOCK_KEY, '1', 'PX', this.everyMs, 'NX');
      if (won !== 'OK') return;
      const lapsed = await this.leases.lapsed(this.settings.renewIntervalMs * LEASE_LAPSE_INTERVALS);
      if (lapsed.length === 0) return;
      const results = await this.sweeps.checkNow(lapsed.map((l) => l.numberId));
      this.logger.log(
        { lapsed: lapsed.length, unhealthy: results.filter((r) => r.status === 'unhealthy').length },
        'checked numbers whose activation lease lapsed',
      );
    } catch (error) {
      this.logger.warn({ err: error }, 'lease watchdog pass failed');
    } finally {
      this.running = false;
    }
  }
}
