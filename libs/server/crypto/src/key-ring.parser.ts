import { KeyRingError } from './crypto.errors';
import { KeyRing, type MasterKey } from './key-ring';

export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;
const KEY_BYTES = 32;

/**
 * Parses `SECRETS_ENCRYPTION_KEYS`: `k2:<base64>,k1:<base64>`, the first entry current. Each key
 * is exactly 32 random bytes (AES-256) in base64 or base64url, e.g. `openssl rand -base64 32`.
 * Rotation: put the new key first, keep the old ones until every envelope is re-wrapped.
 */
export function parseKeyRing(spec: string): KeyRing {
  const entries = spec
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) throw new KeyRingError('must list at least one key as <id>:<base64 key>');
  const keys: MasterKey[] = [];
  entries.forEach((entry, index) => {
    const where = `entry ${index + 1}`;
    const colon = entry.indexOf(':');
    if (colon < 0) throw new KeyRingError(`${where} must look like <id>:<base64 key>`);
    const id = entry.slice(0, colon);
    const encoded = entry.slice(colon + 1);
    if (!KEY_ID_PATTERN.test(id)) {
      throw new KeyRingError(`${where}: key id must be 1 to 32 letters, digits, _ or -`);
    }
    if (keys.some((k) => k.id === id)) throw new KeyRingError(`${where}: key id "${id}" is listed twice`);
    const key = decodeKey(encoded);
    if (!key) throw new KeyRingError(`${where} (key id "${id}"): key is not valid base64`);
    if (key.length !== KEY_BYTES) {
      throw new KeyRingError(`${where} (key id "${id}"): key must be ${KEY_BYTES} bytes, got ${key.length}`);
    }
    keys.push({ id, key });
  });
  return new KeyRing(keys);
}

function decodeKey(encoded: string): Buffer | undefined {
  if (!BASE64.test(encoded)) return undefined;
  const url = /[-_]/.test(encoded);
  const key = Buffer.from(encoded, url ? 'base64url' : 'base64');
  // Buffer.from skips characters it cannot read; a round trip catches truncated or garbled input.
  const again = key.toString(url ? 'base64url' : 'base64');
  return again.replace(/=+$/, '') === encoded.replace(/=+$/, '') ? key : undefined;
}
