import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { ObservabilityOptions } from '@bsp/observability';
import { WorkerModule } from './worker.module';

/**
 * The worker: BullMQ processors and job schedulers, plus an HTTP port for probes and metrics only.
 * Shutdown hooks close the BullMQ workers, which wait for jobs in flight to finish.
 */
export async function createWorkerApp(
  options: { logStream?: ObservabilityOptions['logStream'] } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create(WorkerModule.forRoot(options), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  return app;
}
