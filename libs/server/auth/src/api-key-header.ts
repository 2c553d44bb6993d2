import type { Request } from 'express';

export const API_KEY_PREFIX_MARK = 'bsp_';

/** The API key a client sent, if any: `X-API-Key: <key>` or `Authorization: Bearer bsp_...`. */
export function extractApiKey(req: Request): string | undefined {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header.length > 0) return header.trim();
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(bsp_\S+)$/i.exec(auth);
    if (match) return match[1];
  }
  return undefined;
}
