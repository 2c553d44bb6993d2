import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';

/** /healthz, /readyz and /metrics: the same probes for the API and the worker. */
@Module({ controllers: [HealthController] })
export class HealthModule {}
