import { Global, Module } from '@nestjs/common';
import { FailoverRequestsModule, FailoverTriggers } from '@bsp/domain-failover';
import { HEALTH_VERDICT_LISTENER } from '@bsp/domain-health';

/** Global so the health checks (a dynamic module) find their verdict listener: the failover triggers. */
@Global()
@Module({
  imports: [FailoverRequestsModule],
  providers: [{ provide: HEALTH_VERDICT_LISTENER, useExisting: FailoverTriggers }],
  exports: [HEALTH_VERDICT_LISTENER],
})
export class FailoverTriggersModule {}
