import { Module } from '@nestjs/common';
import { AuditModule } from '@bsp/domain-audit';
import { TenantsRepository } from './tenants.repository';
import { TenantsService } from './tenants.service';

@Module({ imports: [AuditModule], providers: [TenantsRepository, TenantsService], exports: [TenantsService] })
export class TenantsModule {}
