import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min } from 'class-validator';
import type { CreateClusterRequest, UpdateClusterRequest } from '@bsp/contracts';
import { DNS_LABEL_PATTERN, REGION_PATTERN } from '../common/validation-patterns';

/** Where the cluster's credentials live; the credentials themselves never pass through this API. */
const CREDENTIALS_REF =
  /^(in-cluster|kubeconfig:[^\s#]+#[^\s]+|secret:[a-z0-9-]{1,63}\/[a-z0-9.-]{1,253}(#[A-Za-z0-9._-]{1,253})?)$/;

export class CreateClusterDto implements CreateClusterRequest {
  @ApiProperty({ example: 'eu-central-1' })
  @IsString()
  @Matches(DNS_LABEL_PATTERN, { message: 'name must be a DNS label' })
  name!: string;

  @ApiProperty({ example: 'eu-central' })
  @IsString()
  @Matches(REGION_PATTERN, { message: 'region must look like eu-central' })
  region!: string;

  @ApiProperty({ example: 'eu-central-1a' })
  @IsString()
  @Matches(REGION_PATTERN, { message: 'zone must look like eu-central-1a' })
  zone!: string;

  @ApiProperty({ example: 'https://k8s-eu-1.bsp.example:6443' })
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  apiServerUrl!: string;

  @ApiProperty({
    example: 'secret:bsp-system/cluster-eu-1',
    description: '`kubeconfig:<path>#<context>`, `secret:<namespace>/<name>[#<key>]` or `in-cluster`',
  })
  @IsString()
  @MaxLength(512)
  @Matches(CREDENTIALS_REF, {
    message: 'credentialsRef must be kubeconfig:<path>#<context>, secret:<ns>/<name>[#<key>] or in-cluster',
  })
  credentialsRef!: string;

  @ApiProperty({ example: 500, description: 'How many numbers the cluster takes' })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  capacity!: number;
}

export class ListClustersQueryDto {
  @ApiPropertyOptional({ example: 'eu-central' })
  @IsOptional()
  @IsString()
  @Matches(REGION_PATTERN, { message: 'region must look like eu-central' })
  region?: string;
}

export class UpdateClusterDto implements UpdateClusterRequest {
  @ApiPropertyOptional({ enum: ['active', 'cordoned', 'retired'], description: 'cordoned: no new numbers' })
  @IsOptional()
  @IsIn(['active', 'cordoned', 'retired'], { message: 'state must be active, cordoned or retired' })
  state?: 'active' | 'cordoned' | 'retired';

  @ApiPropertyOptional({ example: 500 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  capacity?: number;
}
