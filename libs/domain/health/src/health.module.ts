import { type DynamicModule, Module, type ModuleMetadata, type Provider } from '@nestjs/common';
import { HealthSettings } from './health.settings';
import { HealthQueryService } from './query/health-query.service';
import { HealthRepository } from './store/health.repository';
import { HealthStatusStore } from './store/health-status.store';
import { HealthChecker } from './sweep/health-checker.service';
import { HealthSweepService } from './sweep/health-sweep.service';
import { ProbeLimiter } from './sweep/probe-limiter';

/**
 * The worker's health checks. KUBE_GATEWAY comes from the app's global infrastructure module.
 * `providers` may bring HEALTH_VERDICT_LISTENER (the failover side) and HEALTH_OBSERVER (metrics)
 * with the modules they need in `imports`; a global provider of either works too.
 */
@Module({})
export class HealthChecksModule {
  static forRoot(
    options: { imports?: ModuleMetadata['imports']; providers?: Provider[] } = {},
  ): DynamicModule {
    return {
      module: HealthChecksModule,
      imports: options.imports ?? [],
      providers: [
        HealthSettings,
        HealthStatusStore,
        HealthRepository,
        HealthChecker,
        HealthSweepService,
        // One per worker process: the probe limit holds across every sweep it runs.
        {
          provide: ProbeLimiter,
          inject: [HealthSettings],
          useFactory: (s: HealthSettings) => new ProbeLimiter(s.probeConcurrency),
        },
        ...(options.providers ?? []),
      ],
      exports: [HealthSweepService, HealthRepository, HealthSettings],
    };
  }
}

/** What the API needs to show health: the stored checks and the transitions, no Kubernetes. */
@Module({
  providers: [HealthStatusStore, HealthRepository, HealthQueryService],
  exports: [HealthQueryService],
})
export class HealthQueryModule {}
