import { Inject, Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { createDashboardHandler, dashboardBuildExists, type DashboardHandler } from './dashboard.handler';
import { DASHBOARD_OPTIONS, type DashboardOptions } from './dashboard.options';

@Injectable()
export class DashboardMiddleware implements NestMiddleware {
  private readonly handle: DashboardHandler;

  constructor(@Inject(DASHBOARD_OPTIONS) options: DashboardOptions) {
    this.handle = createDashboardHandler(options);
    const logger = new Logger('Dashboard');
    if (dashboardBuildExists(options.rootDir)) logger.log(`serving the dashboard from ${options.rootDir}`);
    else if (options.rootDir) logger.warn(`no dashboard build at ${options.rootDir}: serving the API only`);
  }

  use(req: Request, res: Response, next: NextFunction): void {
    this.handle(req, res, next);
  }
}
