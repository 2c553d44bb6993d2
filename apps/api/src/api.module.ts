import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from '@bsp/auth';
import { AppConfig, ConfigModule } from '@bsp/config';
import { DbModule } from '@bsp/db';
import { ApiKeysModule, ApiKeysService } from '@bsp/domain-api-keys';
import { AuditModule } from '@bsp/domain-audit';
import { FailoverRequestsModule, LeaseRenewalsModule } from '@bsp/domain-failover';
import { ClustersModule } from '@bsp/domain-clusters';
import { HealthQueryModule } from '@bsp/domain-health';
import { NumbersModule } from '@bsp/domain-numbers';
import { TenantsModule } from '@bsp/domain-tenants';
import { SessionsModule, UsersModule, UsersService } from '@bsp/domain-users';
import { ProblemFilter } from '@bsp/errors';
import { HealthModule } from '@bsp/health';
import { HttpMetricsMiddleware, ObservabilityModule, type ObservabilityOptions } from '@bsp/observability';
import { QueueAdminModule, QueueModule } from '@bsp/queue';
import { RedisModule } from '@bsp/redis';
import { AdminSeedService } from './admin-seed.service';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { AuditController } from './audit/audit.controller';
import { AuthController } from './auth/auth.controller';
import { ClustersController } from './clusters/clusters.controller';
import { DashboardModule } from './dashboard';
import { HealthChecksController } from './health-checks/health-checks.controller';
import { FailoversController } from './failovers/failovers.controller';
import { HttpDrain } from './http-drain';
import { JsonBodyMiddleware } from './json-body.middleware';
import { LeasesController } from './leases/leases.controller';
import { NumbersController } from './numbers/numbers.controller';
import { QueueOperationsService } from './queues/queue-operations.service';
import { QueuesController } from './queues/queues.controller';
import { TenantsController } from './tenants/tenants.controller';
import { UsersController } from './users/users.controller';

@Module({})
export class ApiModule implements NestModule {
  static forRoot(options: { logStream?: ObservabilityOptions['logStream'] } = {}): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule,
        ObservabilityModule.forRoot({ service: 'api', logStream: options.logStream }),
        DbModule,
        RedisModule,
        QueueModule.forRoot(),
        QueueAdminModule,
        HealthModule,
        AuditModule,
        UsersModule,
        SessionsModule,
        TenantsModule,
        NumbersModule,
        HealthQueryModule,
        ClustersModule,
        ApiKeysModule,
        FailoverRequestsModule,
        LeaseRenewalsModule,
        AuthModule.forRoot({
          imports: [UsersModule, ApiKeysModule],
          userPrincipalLoader: UsersService,
          apiKeyVerifier: ApiKeysService,
        }),
        DashboardModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({ rootDir: config.get('DASHBOARD_DIR') }),
        }),
      ],
      controllers: [
        AuthController,
        UsersController,
        TenantsController,
        NumbersController,
        HealthChecksController,
        ClustersController,
        QueuesController,
        ApiKeysController,
        AuditController,
        FailoversController,
        LeasesController,
      ],
      providers: [
        AdminSeedService,
        QueueOperationsService,
        HttpDrain,
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpDrain, HttpMetricsMiddleware, JsonBodyMiddleware).forRoutes('*');
  }
}
