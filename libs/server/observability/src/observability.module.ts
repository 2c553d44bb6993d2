import { type DynamicModule, Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { IncomingMessage } from 'node:http';
import { AppConfig } from '@bsp/config';
import { REDACTED_LOG_PATHS } from './log-redaction';
import { MetricsService } from './metrics.service';
import { requestIdFor } from './request-id';

export interface ObservabilityOptions {
  /** Where log lines go; stdout when unset. Tests pass a capturing stream. */
  logStream?: DestinationStream;
  service: string;
}

type LoggedRequest = IncomingMessage & { id?: string };

@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            pinoHttp: [
              {
                level: config.get('LOG_LEVEL'),
                base: { service: options.service },
                redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
                genReqId: requestIdFor,
                customAttributeKeys: { reqId: 'requestId' },
                serializers: {
                  req: (req: LoggedRequest) => ({
                    id: req.id,
                    method: req.method,
                    url: req.url?.split('?')[0],
                  }),
                  res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
                },
                autoLogging: {
                  ignore: (req: IncomingMessage) => req.url === '/healthz' || req.url === '/metrics',
                },
              },
              options.logStream ?? process.stdout,
            ],
          }),
        }),
      ],
      providers: [MetricsService],
      exports: [MetricsService],
    };
  }
}
