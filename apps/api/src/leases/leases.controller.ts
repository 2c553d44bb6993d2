import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@bsp/auth';
import type { LeaseRenewalResponse } from '@bsp/contracts';
import { LeaseRenewals } from '@bsp/domain-failover';
import { DomainError } from '@bsp/errors';
import { LeaseRenewalDto } from './leases.dto';

/**
 * Internal: fencing agents renew their pod set's activation lease here. Not a user or API-key
 * route; the pod set's own bearer token authenticates it, and the lease service checks it.
 */
@ApiExcludeController()
@Public()
@Controller('internal/v1/leases')
export class LeasesController {
  constructor(private readonly renewals: LeaseRenewals) {}

  @Post('renew')
  @HttpCode(200)
  renew(
    @Headers('authorization') authorization: string | undefined,
    @Body() body: LeaseRenewalDto,
  ): Promise<LeaseRenewalResponse> {
    const token = /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(authorization ?? '')?.[1];
    if (!token) throw new DomainError('lease_token_invalid', 'A pod set lease token is required');
    return this.renewals.renew({ placementId: body.placementId, epoch: BigInt(body.epoch), token });
  }
}
