import { Module } from '@nestjs/common';
import { AuditModule } from '@bsp/domain-audit';
import { TenantsModule } from '@bsp/domain-tenants';
import { NumbersRepository } from './numbers.repository';
import { NumbersService } from './numbers.service';

@Module({
  imports: [AuditModule, TenantsModule],
  providers: [NumbersRepository, NumbersService],
  exports: [NumbersService],
})
export class NumbersModule {}
