import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import {
  type CreateTenantRequest,
  TENANT_STATES,
  type TenantState,
  type UpdateTenantRequest,
} from '@bsp/contracts';
import { PageQueryDto } from '../common/page-query.dto';
import { DNS_LABEL_PATTERN, NOT_BLANK_PATTERN, REGION_PATTERN } from '../common/validation-patterns';

export class CreateTenantDto implements CreateTenantRequest {
  @ApiProperty({ example: 'Acme Retail' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(NOT_BLANK_PATTERN, { message: 'name must not be blank' })
  name!: string;

  @ApiPropertyOptional({
    example: 'acme-retail',
    description: 'DNS label; derived from the name when absent',
  })
  @IsOptional()
  @IsString()
  @Matches(DNS_LABEL_PATTERN, { message: 'slug must be lowercase letters, digits and hyphens (max 63)' })
  slug?: string;

  @ApiProperty({ example: 'eu-central', description: 'Data-residency region for the tenant' })
  @IsString()
  @Matches(REGION_PATTERN, { message: 'dataRegion must look like eu-central' })
  dataRegion!: string;
}

export class UpdateTenantDto implements UpdateTenantRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(NOT_BLANK_PATTERN, { message: 'name must not be blank' })
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(DNS_LABEL_PATTERN, { message: 'slug must be lowercase letters, digits and hyphens (max 63)' })
  slug?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(REGION_PATTERN, { message: 'dataRegion must look like eu-central' })
  dataRegion?: string;

  @ApiPropertyOptional({ enum: TENANT_STATES })
  @IsOptional()
  @IsIn(TENANT_STATES)
  state?: TenantState;
}

export class ListTenantsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: TENANT_STATES })
  @IsOptional()
  @IsIn(TENANT_STATES)
  state?: TenantState;
}
