import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '@bsp/auth';
import { PrismaService } from '@bsp/db';
import { MetricsService } from '@bsp/observability';
import { RedisService } from '@bsp/redis';

@ApiExcludeController()
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
    private readonly metrics: MetricsService,
  ) {}

  /** Liveness: the process answers. Never checks dependencies (a database outage must not restart pods). */
  @Get('healthz')
  @Header('Cache-Control', 'no-store')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: take traffic only while PostgreSQL and Redis answer. */
  @Get('readyz')
  @Header('Cache-Control', 'no-store')
  async readyz(@Res({ passthrough: true }) res: Response) {
    const [database, redis] = await Promise.all([this.prisma.ping(), this.redis.ping()]);
    const ready = database && redis;
    res.status(ready ? 200 : 503);
    return {
      status: ready ? 'ready' : 'not_ready',
      checks: { database: database ? 'up' : 'down', redis: redis ? 'up' : 'down' },
    };
  }

  @Get('metrics')
  async metricsText(@Res() res: Response): Promise<void> {
    const { contentType, body } = await this.metrics.render();
    res.type(contentType).send(body);
  }
}
