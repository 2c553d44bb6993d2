import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SECRET_LENGTH = 40; // 40 base62 characters: about 238 bits of entropy
const KEY_PATTERN = /^bsp_([a-z0-9]{2,12})_([0-9a-f]{32})_([0-9A-Za-z]{40})$/;

export interface ParsedApiKey {
  env: string;
  id: string;
  secret: string;
}

/** Uniform base62 by rejection sampling (no modulo bias). */
export function randomSecret(length = SECRET_LENGTH): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

export function keyPrefix(env: string, id: string): string {
  return `bsp_${env}_${id.replace(/-/g, '')}`;
}

/** `bsp_<env>_<id>_<secret>`: the id finds the row, only the secret's HMAC is stored. */
export function formatApiKey(env: string, id: string, secret: string): string {
  return `${keyPrefix(env, id)}_${secret}`;
}

export function parseApiKey(raw: string): ParsedApiKey | null {
  const match = KEY_PATTERN.exec(raw);
  if (!match) return null;
  const [, env, hex, secret] = match;
  const id = `${hex!.slice(0, 8)}-${hex!.slice(8, 12)}-${hex!.slice(12, 16)}-${hex!.slice(16, 20)}-${hex!.slice(20)}`;
  return { env: env!, id, secret: secret! };
}

/**
 * HMAC-SHA256 with a server-side pepper: the secret has ~238 bits of entropy, so a slow KDF adds
 * nothing, and the pepper means a stolen database alone cannot be used to test guesses.
 */
export function hashApiKeySecret(pepper: string, secret: string): string {
  return createHmac('sha256', pepper).update(secret).digest('hex');
}

export function secretMatches(pepper: string, secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashApiKeySecret(pepper, secret), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
