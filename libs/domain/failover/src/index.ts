export { FailoverModule, FailoverRequestsModule, LeaseRenewalsModule } from './failover.module';
export { FailoverService, type FailoverRequest } from './failover/failover.service';
export { FailoverRunner, type FailoverStep, gatewayStatuses, stepTimes } from './failover/failover.runner';
export { FailoverRepository } from './failover/failover.repository';
export { FailoverTriggers } from './failover/failover.triggers';
export { toFailoverResponse } from './failover/failover.view';
export { FencingSettings } from './fencing.settings';
export { ActivationLeaseRepository, type RenewalRefusal } from './lease/activation-lease.repository';
export { LeaseRenewals, type LeaseGrant } from './lease/lease-renewals.service';
