import { randomBytes } from 'node:crypto';
import { CoreAppProcess, type GatewayStatus } from './coreapp.process';
import { jsonResponse, textResponse, type SimHttpRequest, type SimHttpResponse } from './sim-http';
import { SimProcess, type ProcessKind } from './sim-process';

const TOKEN_TTL_MS = 7 * 24 * 3600 * 1000;

/**
 * The WhatsApp Business API WebApp: the REST front of one number. It knows the gateway status
 * from the CoreApps of its namespace, as the real WebApp reads it from the shared database.
 */
export class WebAppProcess extends SimProcess {
  readonly kind: ProcessKind = 'webapp';
  private password = this.ctx.env['WA_ADMIN_PASSWORD'] ?? 'secret';
  private readonly tokens = new Map<string, number>();
  private settings: Record<string, unknown> = {
    application: { webhooks: { url: this.ctx.env['WA_WEBHOOK_URL'] ?? '' }, callback_persist: true },
  };
  private requests = 0;
  private seenCoreApp = false;

  protected override onStart(): void {
    this.log(`webapp starting (image ${this.ctx.image}) on node ${this.ctx.node ?? 'unknown'}`);
    this.log('listening on :443');
  }

  protected override onStop(): void {
    this.log('webapp shutting down');
  }

  protected serve(req: SimHttpRequest): SimHttpResponse {
    this.requests++;
    const route = `${req.method} ${req.path.replace(/\/+$/, '') || '/'}`;
    switch (route) {
      case 'POST /v1/users/login':
        return this.login(req);
      case 'GET /v1/health':
        if (this.ctx.env['WA_HEALTH_REQUIRES_AUTH'] === 'true' && !this.authorized(req))
          return unauthorized();
        return jsonResponse(200, { health: this.health(), meta: meta() });
      case 'GET /v1/settings/application':
        if (!this.authorized(req)) return unauthorized();
        return jsonResponse(200, { settings: { application: this.settings['application'] }, meta: meta() });
      case 'PATCH /v1/settings/application': {
        if (!this.authorized(req)) return unauthorized();
        const body = parseBody(req);
        if (!body) return badRequest('request body must be a JSON object');
        this.settings['application'] = deepMerge(
          (this.settings['application'] ?? {}) as Record<string, unknown>,
          body,
        );
        this.log('application settings updated');
        return jsonResponse(200, { meta: meta() });
      }
      case 'GET /metrics':
        return textResponse(200, this.metrics(), 'text/plain; version=0.0.4');
      default:
        return jsonResponse(404, { errors: [{ code: 1006, title: 'Resource not found', details: route }] });
    }
  }

  /** Single-instance shape, or per-node entries with roles once more than one CoreApp is present. */
  health(): Record<string, unknown> {
    const coreApps = this.ctx
      .peers()
      .filter((p): p is CoreAppProcess => p instanceof CoreAppProcess)
      .sort((a, b) => a.ctx.pod.localeCompare(b.ctx.pod));
    if (coreApps.length > 0) this.seenCoreApp = true;
    const ha = this.ctx.env['WA_HA_MODE'] === 'true' || coreApps.length > 1;
    if (!ha) {
      const status: GatewayStatus =
        coreApps[0]?.gatewayStatus ?? (this.seenCoreApp ? 'disconnected' : 'uninitialized');
      return { gateway_status: status };
    }
    const out: Record<string, unknown> = {};
    let secondary = false;
    for (const c of coreApps) {
      let role = 'coreapp';
      if (c.gatewayStatus === 'connected') role = 'primary_master';
      else if (!secondary) {
        role = 'secondary_master';
        secondary = true;
      }
      out[`${c.ctx.pod}:6250`] = { gateway_status: c.gatewayStatus, role };
    }
    return out;
  }

  private login(req: SimHttpRequest): SimHttpResponse {
    const auth = header(req, 'authorization');
    const match = /^Basic\s+(.+)$/i.exec(auth ?? '');
    const [user, pass] = match
      ? Buffer.from(match[1] ?? '', 'base64')
          .toString('utf8')
          .split(':', 2)
      : [];
    if (user !== 'admin' || pass !== this.password) {
      this.log(`login refused for ${user ?? '(no credentials)'}`);
      return jsonResponse(401, {
        errors: [{ code: 1005, title: 'Access denied', details: 'Invalid credentials' }],
      });
    }
    const body = parseBody(req);
    const newPassword = body?.['new_password'];
    if (typeof newPassword === 'string' && newPassword.length > 0) this.password = newPassword;
    const token = randomBytes(24).toString('base64url');
    const expires = Date.now() + TOKEN_TTL_MS;
    this.tokens.set(token, expires);
    this.log('admin logged in');
    return jsonResponse(200, {
      users: [
        {
          token,
          expires_after: new Date(expires)
            .toISOString()
            .replace('T', ' ')
            .replace(/\.\d+Z$/, '+00:00'),
        },
      ],
      meta: meta(),
    });
  }

  private authorized(req: SimHttpRequest): boolean {
    const match = /^Bearer\s+(.+)$/i.exec(header(req, 'authorization') ?? '');
    const expires = match ? this.tokens.get(match[1] ?? '') : undefined;
    return expires !== undefined && expires > Date.now();
  }

  private metrics(): string {
    const health = this.health();
    const status = typeof health['gateway_status'] === 'string' ? health['gateway_status'] : 'ha';
    return [
      '# TYPE whatsapp_webapp_requests_total counter',
      `whatsapp_webapp_requests_total ${this.requests}`,
      '# TYPE whatsapp_gateway_status gauge',
      ...['connected', 'connecting', 'disconnected', 'uninitialized', 'unregistered'].map(
        (s) => `whatsapp_gateway_status{status="${s}"} ${s === status ? 1 : 0}`,
      ),
      '',
    ].join('\n');
  }
}

function header(req: SimHttpRequest, name: string): string | undefined {
  const v = req.headers[name] ?? req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function parseBody(req: SimHttpRequest): Record<string, unknown> | undefined {
  if (req.body.length === 0) return undefined;
  try {
    const v: unknown = JSON.parse(req.body.toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function deepMerge(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    const cur = out[k];
    if (
      v &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      cur &&
      typeof cur === 'object' &&
      !Array.isArray(cur)
    ) {
      out[k] = deepMerge(cur as Record<string, unknown>, v as Record<string, unknown>);
    } else {
      out[k] = v;
    }
  }
  return out;
}

function meta(): Record<string, string> {
  return { api_status: 'stable', version: 'v2.53.0-sim' };
}

function unauthorized(): SimHttpResponse {
  return jsonResponse(401, {
    errors: [{ code: 1005, title: 'Access denied', details: 'Invalid or missing token' }],
  });
}

function badRequest(details: string): SimHttpResponse {
  return jsonResponse(400, { errors: [{ code: 1004, title: 'Bad request', details }] });
}
