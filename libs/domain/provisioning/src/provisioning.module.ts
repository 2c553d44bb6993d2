import { Module } from '@nestjs/common';
import { AuditModule } from '@bsp/domain-audit';
import { NumberCredentialsService } from './credentials/number-credentials.service';
import { ProvisioningRepository } from './reconcile/provisioning.repository';
import { ReconcileStatusStore } from './reconcile/reconcile-status.store';
import { Reconciler } from './reconcile/reconciler.service';
import { ProvisioningSettings } from './settings/provisioning-settings';

/**
 * The reconciler and what it needs. The importing app provides KUBE_GATEWAY and TENANT_DATABASES
 * (see reconcile.tokens.ts) through a global module, so this library stays free of client code.
 */
@Module({
  imports: [AuditModule],
  providers: [
    ProvisioningSettings,
    NumberCredentialsService,
    ProvisioningRepository,
    Reconciler,
    ReconcileStatusStore,
  ],
  exports: [Reconciler, ProvisioningRepository, ProvisioningSettings, ReconcileStatusStore],
})
export class ProvisioningModule {}

/** What the API needs to show provisioning state: no Kubernetes, no credentials. */
@Module({
  providers: [ReconcileStatusStore],
  exports: [ReconcileStatusStore],
})
export class ReconcileStatusModule {}
