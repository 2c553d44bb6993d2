import { Injectable, type NestMiddleware } from '@nestjs/common';
import { json } from 'express';
import type { NextFunction, Request, Response } from 'express';
import { AppConfig } from '@bsp/config';
import { DomainError } from '@bsp/errors';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * JSON bodies only, size-limited, parsed inside Nest so that parse errors reach the problem+json
 * filter instead of Express's HTML error page.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  private readonly parse: ReturnType<typeof json>;

  constructor(config: AppConfig) {
    this.parse = json({ limit: config.get('HTTP_BODY_LIMIT'), strict: true });
  }

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const hasBody =
      Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (METHODS_WITH_BODY.has(req.method) && hasBody && !req.is('application/json')) {
      throw new DomainError('unsupported_media_type', 'Send the request body as application/json');
    }
    // Thrown (not passed to next) so Nest's exception filter turns it into problem+json.
    await new Promise<void>((resolve, reject) =>
      this.parse(req, res, (error?: Error) => (error ? reject(error) : resolve())),
    );
    next();
  }
}
