import type { Server } from 'node:http';
import { type BeforeApplicationShutdown, Injectable, type NestMiddleware } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';

/** How long requests already in flight get before the remaining connections are cut. */
const DRAIN_MS = 10_000;

/**
 * Shutting down with clients on keep-alive connections (fencing agents renew every few seconds):
 * closing the server alone waits for those sockets forever. From the shutdown on, every answer
 * asks its client to close the connection, idle sockets are closed now, and the rest after a grace.
 */
@Injectable()
export class HttpDrain implements NestMiddleware, BeforeApplicationShutdown {
  private draining = false;

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  use(_req: Request, res: Response, next: NextFunction): void {
    if (this.draining) res.setHeader('Connection', 'close');
    next();
  }

  beforeApplicationShutdown(): void {
    this.draining = true;
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server?.listening) return;
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), DRAIN_MS).unref();
  }
}
