import { Module } from '@nestjs/common';
import { AuditModule } from '@bsp/domain-audit';
import { ReconcileStatusModule } from '@bsp/domain-provisioning';
import { TenantsModule } from '@bsp/domain-tenants';
import { ReconcileRequestsModule } from '@bsp/queue';
import { NumbersRepository } from './numbers.repository';
import { NumbersService } from './numbers.service';

@Module({
  imports: [AuditModule, TenantsModule, ReconcileRequestsModule, ReconcileStatusModule],
  providers: [NumbersRepository, NumbersService],
  exports: [NumbersService],
})
export class NumbersModule {}
