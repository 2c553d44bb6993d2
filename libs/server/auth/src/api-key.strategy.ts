import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy as PassportBaseStrategy } from 'passport';
import { API_KEY_PREFIX_MARK, extractApiKey } from './api-key-header';
import { API_KEY_VERIFIER, type ApiKeyPrincipal, type ApiKeyVerifier } from './principal';

type Verify = (req: Request, done: (error: unknown, user?: unknown) => void) => void;

/** A passport strategy that reads the API key from X-API-Key or a `Bearer bsp_...` header. */
class HeaderApiKeyStrategy extends PassportBaseStrategy {
  constructor(private readonly verify: Verify) {
    super();
  }

  override authenticate(req: Request): void {
    if (!extractApiKey(req)) {
      this.fail(401);
      return;
    }
    this.verify(req, (error, user) => {
      if (error) this.error(error);
      else if (user) this.success(user);
      else this.fail(401);
    });
  }
}

@Injectable()
export class ApiKeyStrategy extends PassportStrategy(HeaderApiKeyStrategy, 'api-key') {
  constructor(@Inject(API_KEY_VERIFIER) private readonly keys: ApiKeyVerifier) {
    super();
  }

  async validate(req: Request): Promise<ApiKeyPrincipal | false> {
    const raw = extractApiKey(req);
    if (!raw?.startsWith(API_KEY_PREFIX_MARK)) return false;
    return (await this.keys.verifyApiKey(raw)) ?? false;
  }
}
