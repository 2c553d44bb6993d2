import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import type { LeaseRenewalRequest } from '@bsp/contracts';

export class LeaseRenewalDto implements LeaseRenewalRequest {
  @IsUUID()
  placementId!: string;

  @IsString()
  @Matches(/^\d{1,19}$/, { message: 'epoch must be a decimal integer' })
  epoch!: string;

  @IsOptional()
  @IsString()
  @MaxLength(253)
  pod?: string;

  @IsOptional()
  @IsString()
  @MaxLength(63)
  namespace?: string;
}
