import { Global, Logger, Module } from '@nestjs/common';
import { AppConfig } from '@bsp/config';
import { KUBE_GATEWAY, TENANT_DATABASES } from '@bsp/domain-provisioning';
import { createKubeGateway } from '@bsp/kube';
import { createTenantDatabaseProvisioner } from '@bsp/tenant-db';
import { KubeApiMetrics } from './kube-api.metrics';

/** The clients behind the reconciler's ports: Kubernetes over client-node, the tenant PostgreSQL server. */
@Global()
@Module({
  providers: [
    KubeApiMetrics,
    {
      provide: KUBE_GATEWAY,
      inject: [AppConfig, KubeApiMetrics],
      useFactory: (config: AppConfig, metrics: KubeApiMetrics) =>
        createKubeGateway({
          requestTimeoutMs: config.get('KUBE_REQUEST_TIMEOUT_MS'),
          logger: new Logger('KubeGateway'),
          onRequest: metrics.observe,
        }),
    },
    {
      provide: TENANT_DATABASES,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        createTenantDatabaseProvisioner({
          adminUrl: config.get('TENANT_DATABASE_ADMIN_URL') ?? config.get('DATABASE_URL'),
          logger: new Logger('TenantDatabases'),
        }),
    },
  ],
  exports: [KUBE_GATEWAY, TENANT_DATABASES],
})
export class ProvisioningInfraModule {}
