import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';

export class HealthSummaryQueryDto {
  @ApiPropertyOptional({
    description: "Staff: one tenant's numbers (default: every tenant). Others: their own only.",
  })
  @IsOptional()
  @IsUUID()
  tenantId?: string;
}
