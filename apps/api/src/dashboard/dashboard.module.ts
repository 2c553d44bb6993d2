import {
  type DynamicModule,
  type FactoryProvider,
  type MiddlewareConsumer,
  Module,
  type ModuleMetadata,
  type NestModule,
} from '@nestjs/common';
import { DashboardMiddleware } from './dashboard.middleware';
import { DASHBOARD_OPTIONS, type DashboardOptions } from './dashboard.options';

/**
 * Serves the built admin dashboard on the API's origin, with strict security headers. Without a
 * build (no index.html in the directory, or no directory configured) it passes every request on.
 */
@Module({})
export class DashboardModule implements NestModule {
  static forRoot(options: DashboardOptions): DynamicModule {
    return {
      module: DashboardModule,
      providers: [{ provide: DASHBOARD_OPTIONS, useValue: options }, DashboardMiddleware],
    };
  }

  static forRootAsync(options: {
    imports?: ModuleMetadata['imports'];
    inject?: FactoryProvider['inject'];
    useFactory: (...args: never[]) => DashboardOptions | Promise<DashboardOptions>;
  }): DynamicModule {
    return {
      module: DashboardModule,
      imports: options.imports ?? [],
      providers: [
        { provide: DASHBOARD_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        DashboardMiddleware,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(DashboardMiddleware).forRoutes('*');
  }
}
