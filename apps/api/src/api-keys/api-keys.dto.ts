import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import {
  API_KEY_SCOPES,
  type ApiKeyScope,
  type CreateApiKeyRequest,
  type RotateApiKeyRequest,
} from '@bsp/contracts';
import { NOT_BLANK_PATTERN } from '../common/validation-patterns';

export class CreateApiKeyDto implements CreateApiKeyRequest {
  @ApiProperty({ example: 'CRM integration' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(NOT_BLANK_PATTERN, { message: 'name must not be blank' })
  name!: string;

  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true, example: ['numbers:read'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(API_KEY_SCOPES, { each: true })
  scopes!: ApiKeyScope[];

  @ApiPropertyOptional({ type: [String], description: 'Bind the key to these numbers only' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  numberIds?: string[];

  @ApiPropertyOptional({ example: '2027-01-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}

export class RotateApiKeyDto implements RotateApiKeyRequest {
  @ApiPropertyOptional({ default: 86400, maximum: 2592000, description: 'Seconds the old key keeps working' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(30 * 24 * 3600)
  graceSeconds?: number;
}
