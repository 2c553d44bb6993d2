import { Module } from '@nestjs/common';
import { AuditModule } from '@bsp/domain-audit';
import { ProvisioningModule, ProvisioningRepository } from '@bsp/domain-provisioning';
import { QueueModule, QueueName, ReconcileRequestsModule } from '@bsp/queue';
import { FailoverRepository } from './failover/failover.repository';
import { FailoverRunner } from './failover/failover.runner';
import { FailoverService } from './failover/failover.service';
import { FailoverTriggers } from './failover/failover.triggers';
import { FencingSettings } from './fencing.settings';
import { ActivationLeaseRepository } from './lease/activation-lease.repository';
import { LeaseRenewals } from './lease/lease-renewals.service';

const failoverQueue = QueueModule.queues(QueueName.Failover);

/** Starting failovers and reading their history: for the API and the worker's triggers. No Kubernetes. */
@Module({
  imports: [AuditModule, failoverQueue],
  providers: [FailoverRepository, FailoverService, FailoverTriggers, ProvisioningRepository],
  exports: [FailoverService, FailoverRepository, FailoverTriggers, failoverQueue],
})
export class FailoverRequestsModule {}

/** The internal endpoint's side of the activation leases (API). */
@Module({
  providers: [FencingSettings, ActivationLeaseRepository, LeaseRenewals],
  exports: [LeaseRenewals, FencingSettings],
})
export class LeaseRenewalsModule {}

/** Running failovers (worker): needs the reconciler, so the app provides KUBE_GATEWAY. */
@Module({
  imports: [AuditModule, ProvisioningModule, ReconcileRequestsModule, FailoverRequestsModule],
  providers: [FencingSettings, ActivationLeaseRepository, FailoverRunner],
  exports: [FailoverRunner, FailoverRequestsModule, ActivationLeaseRepository, FencingSettings],
})
export class FailoverModule {}
