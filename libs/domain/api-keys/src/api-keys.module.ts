import { Module } from '@nestjs/common';
import { AuditModule } from '@bsp/domain-audit';
import { NumbersModule } from '@bsp/domain-numbers';
import { TenantsModule } from '@bsp/domain-tenants';
import { ApiKeyUsageTracker } from './api-key-usage.tracker';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';

@Module({
  imports: [AuditModule, TenantsModule, NumbersModule],
  providers: [ApiKeysRepository, ApiKeyUsageTracker, ApiKeysService],
  exports: [ApiKeysService, ApiKeyUsageTracker],
})
export class ApiKeysModule {}
