import { randomBytes, randomInt } from 'node:crypto';

export interface NumberCredentials {
  dbPassword: string;
  webappAdminPassword: string;
  healthApiKey: string;
  encryptionSecret: string;
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
// None of the characters the client refuses in database passwords (?{}&~!()^=); safe in URLs and shells.
const SPECIAL = '-_.#@%';

/** Uniform characters (randomInt rejects biased draws, unlike `byte % n`). */
function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** The WebApp's password rule wants upper, lower, digit and special character: one of each, then shuffled. */
function complexPassword(length: number): string {
  const chars = [
    randomString(UPPER, 1),
    randomString(LOWER, 1),
    randomString(DIGITS, 1),
    randomString(SPECIAL, 1),
    ...randomString(UPPER + LOWER + DIGITS + SPECIAL, length - 4),
  ];
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

/**
 * A number's credentials, generated once by the control plane and stored only as envelopes.
 * Entropy: database password 32 × log2(62) ≈ 190 bits; admin password 32 characters from 68
 * (≈ 190 bits, minus the fixed classes); API key and encryption secret 256 bits each.
 */
export function generateNumberCredentials(): NumberCredentials {
  return {
    dbPassword: randomString(UPPER + LOWER + DIGITS, 32),
    webappAdminPassword: complexPassword(32),
    healthApiKey: randomBytes(32).toString('base64url'),
    encryptionSecret: randomBytes(32).toString('base64url'),
  };
}
