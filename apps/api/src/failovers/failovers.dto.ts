import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import type { FailoverRequestBody } from '@bsp/contracts';

export class FailoverRequestDto implements FailoverRequestBody {
  @ApiProperty({
    example: 'Planned maintenance of cluster eu-1',
    description: 'Kept on the failover and audited',
  })
  @IsString()
  @MinLength(3)
  @MaxLength(1000)
  reason!: string;
}
