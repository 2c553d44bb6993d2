import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import {
  type CreateNumberRequest,
  HEALTH_STATUSES,
  type HealthStatus,
  NUMBER_MODES,
  NUMBER_STATES,
  type NumberMode,
  type NumberState,
} from '@bsp/contracts';
import { PageQueryDto } from '../common/page-query.dto';
import { REGION_PATTERN } from '../common/validation-patterns';

export class CreateNumberDto implements CreateNumberRequest {
  @ApiProperty({
    example: '+4915123456789',
    description: 'E.164; must be a valid number in its numbering plan',
  })
  @IsString()
  @MaxLength(32)
  phoneNumber!: string;

  @ApiPropertyOptional({ example: 'Acme support' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  displayName?: string;

  @ApiPropertyOptional({
    example: 'eu-central',
    description: "Data-residency region; defaults to the tenant's",
  })
  @IsOptional()
  @IsString()
  @Matches(REGION_PATTERN, { message: 'region must look like eu-central' })
  region?: string;

  @ApiPropertyOptional({ enum: NUMBER_MODES, default: 'single' })
  @IsOptional()
  @IsIn(NUMBER_MODES)
  mode?: NumberMode;
}

export class ListNumbersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: NUMBER_STATES })
  @IsOptional()
  @IsIn(NUMBER_STATES)
  state?: NumberState;

  @ApiPropertyOptional({ example: 'eu-central', description: 'Only numbers in this data-residency region' })
  @IsOptional()
  @IsString()
  @Matches(REGION_PATTERN, { message: 'region must look like eu-central' })
  region?: string;

  @ApiPropertyOptional({
    enum: HEALTH_STATUSES,
    description: 'Only numbers whose health checks concluded this',
  })
  @IsOptional()
  @IsIn(HEALTH_STATUSES)
  health?: HealthStatus;
}
