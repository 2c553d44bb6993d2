import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@bsp/config';
import { createValidationPipe } from '@bsp/errors';
import type { ObservabilityOptions } from '@bsp/observability';
import { ApiModule } from './api.module';

export interface ApiAppOptions {
  logStream?: ObservabilityOptions['logStream'];
}

/** Builds the HTTP API exactly as production runs it; tests call this too, then listen on port 0. */
export async function createApiApp(options: ApiAppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(options), {
    bufferLogs: true,
    bodyParser: false,
  });
  const config = app.get(AppConfig);
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.get('TRUST_PROXY'));
  app.disable('x-powered-by');
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('BSP control plane API')
      .setDescription(
        'Provisioning API for WhatsApp Business API hosting. People authenticate with a bearer access token ' +
          '(POST /v1/auth/login); client systems with an API key (Authorization: Bearer bsp_... or X-API-Key). ' +
          'Errors are application/problem+json with a stable `code`.',
      )
      .setVersion('1')
      .addBearerAuth()
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'apiKey')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
