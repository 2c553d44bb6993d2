import { Injectable, Logger } from '@nestjs/common';
import { systemCaller } from '@bsp/auth';
import type { FailoverTrigger } from '@bsp/db';
import type { HealthVerdictListener, UnhealthyNumberEvent } from '@bsp/domain-health';
import { DomainError } from '@bsp/errors';
import { FailoverRepository } from './failover.repository';
import { FailoverService } from './failover.service';

const HEALTH = systemCaller('health-checks');
/**
 * After a failover ends, a merely unhealthy number is not failed over again for this long: the new
 * instance gets time to settle, and a number that is unhealthy wherever it runs does not ping-pong.
 * A lost instance or cluster is acted on at once.
 */
const UNHEALTHY_COOLDOWN_MS = 60_000;

/** Turns the health checks' verdicts into failovers: one per number at a time, only for the instance judged. */
@Injectable()
export class FailoverTriggers implements HealthVerdictListener {
  private readonly logger = new Logger(FailoverTriggers.name);

  constructor(
    private readonly failovers: FailoverRepository,
    private readonly service: FailoverService,
  ) {}

  async onUnhealthy(event: UnhealthyNumberEvent): Promise<void> {
    if (await this.failovers.findOpen(event.numberId)) return;
    const trigger = triggerOf(event.cause);
    if (trigger === 'unhealthy') {
      const [last] = await this.failovers.listForNumber(event.numberId, 1);
      if (last?.endedAt && Date.now() - last.endedAt.getTime() < UNHEALTHY_COOLDOWN_MS) return;
    }
    try {
      await this.service.request(HEALTH, event.numberId, {
        trigger,
        reason: event.reason,
        expectedPlacementId: event.placementId,
      });
    } catch (error) {
      // Another trigger won the race, or the verdict was about an instance that is no longer active.
      if (
        error instanceof DomainError &&
        ['failover_in_progress', 'failover_not_possible'].includes(error.code)
      ) {
        this.logger.debug({ numberId: event.numberId, code: error.code }, 'failover trigger ignored');
        return;
      }
      throw error;
    }
  }
}

function triggerOf(cause: UnhealthyNumberEvent['cause']): FailoverTrigger {
  switch (cause) {
    case 'instance_lost':
      return 'instance_lost';
    case 'cluster_unreachable':
      return 'cluster_unreachable';
    case 'unhealthy':
      return 'unhealthy';
  }
}
