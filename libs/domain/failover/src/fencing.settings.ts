import { Injectable } from '@nestjs/common';
import { AppConfig } from '@bsp/config';

/** The numbers of the fencing argument (docs/failover.md): one place, read from configuration. */
@Injectable()
export class FencingSettings {
  /** Whether pod sets renew leases at all (FENCING_LEASE_URL set). */
  readonly leaseFencing: boolean;
  readonly leaseDurationMs: number;
  readonly renewIntervalMs: number;
  readonly skewMarginMs: number;

  constructor(config: AppConfig) {
    this.leaseFencing = config.get('FENCING_LEASE_URL') !== undefined;
    this.leaseDurationMs = config.get('LEASE_DURATION_MS');
    this.renewIntervalMs = config.get('LEASE_RENEW_INTERVAL_MS');
    this.skewMarginMs = config.get('LEASE_CLOCK_SKEW_MARGIN_MS');
  }
}
