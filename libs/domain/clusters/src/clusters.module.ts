import { Module } from '@nestjs/common';
import { AuditModule } from '@bsp/domain-audit';
import { ClustersRepository } from './clusters.repository';
import { ClustersService } from './clusters.service';

@Module({
  imports: [AuditModule],
  providers: [ClustersRepository, ClustersService],
  exports: [ClustersService],
})
export class ClustersModule {}
