import { randomBytes } from 'node:crypto';
import { EnvelopeError, UnknownKeyError } from './crypto.errors';
import { EnvelopeCipher, type SecretContext } from './envelope-cipher';
import { parseKeyRing } from './key-ring.parser';

const key = () => randomBytes(32).toString('base64');
const K1 = key();
const K2 = key();
const ctx: SecretContext = { owner: 'number:3f2a9c1e-7b4d-4e8a-9f60-1c2d3e4f5a6b', field: 'db-password' };
const SECRET = 'correct horse battery staple ✓';

describe('EnvelopeCipher', () => {
  const cipher = new EnvelopeCipher(parseKeyRing(`k1:${K1}`));

  it('round-trips, with a fresh data key and iv every time', () => {
    const a = cipher.encrypt(SECRET, ctx);
    const b = cipher.encrypt(SECRET, ctx);
    expect(a).not.toBe(b);
    expect(cipher.decrypt(a, ctx)).toBe(SECRET);
    expect(cipher.decrypt(b, ctx)).toBe(SECRET);
    expect(cipher.decrypt(cipher.encrypt('', ctx), ctx)).toBe('');
  });

  it('serializes as v1:<key id>:<wrapped key>:<iv>:<ciphertext>:<tag> without the plaintext', () => {
    const envelope = cipher.encrypt(SECRET, ctx);
    expect(envelope).toMatch(/^v1:k1:[A-Za-z0-9_-]{80}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]{22}$/);
    const plain = 'plaintext-marker-0123456789';
    const sealed = cipher.encrypt(plain, ctx);
    for (const form of [
      plain,
      Buffer.from(plain).toString('base64'),
      Buffer.from(plain).toString('base64url'),
      Buffer.from(plain).toString('hex'),
    ]) {
      expect(sealed).not.toContain(form.slice(0, 12));
    }
    expect(sealed).not.toContain(K1);
  });

  it('detects any changed character', () => {
    const envelope = cipher.encrypt(SECRET, ctx);
    for (let i = 0; i < envelope.length; i++) {
      const flipped =
        envelope.slice(0, i) + String.fromCharCode(envelope.charCodeAt(i) ^ 1) + envelope.slice(i + 1);
      expect(() => cipher.decrypt(flipped, ctx), `position ${i}`).toThrow();
    }
  });

  it('detects a flipped bit in every decoded field', () => {
    const envelope = cipher.encrypt(SECRET, ctx);
    const parts = envelope.split(':');
    for (const index of [2, 3, 4, 5]) {
      const bytes = Buffer.from(parts[index]!, 'base64url');
      for (let i = 0; i < bytes.length; i++) {
        const copy = Buffer.from(bytes);
        copy[i]! ^= 0x80;
        const tampered = [...parts];
        tampered[index] = copy.toString('base64url');
        expect(() => cipher.decrypt(tampered.join(':'), ctx)).toThrow(EnvelopeError);
      }
    }
  });

  it('does not open for another owner or field (no swapping between numbers)', () => {
    const envelope = cipher.encrypt(SECRET, ctx);
    expect(() =>
      cipher.decrypt(envelope, { ...ctx, owner: 'number:00000000-0000-4000-8000-000000000000' }),
    ).toThrow(/another owner or field/);
    expect(() => cipher.decrypt(envelope, { ...ctx, field: 'encryption-secret' })).toThrow(EnvelopeError);
  });

  it('refuses an envelope sealed with a key id the ring does not hold, saying which', () => {
    const other = new EnvelopeCipher(parseKeyRing(`k9:${key()}`));
    const envelope = other.encrypt(SECRET, ctx);
    expect(() => cipher.decrypt(envelope, ctx)).toThrow(UnknownKeyError);
    expect(() => cipher.decrypt(envelope, ctx)).toThrow(
      'key id "k9", which is not in SECRETS_ENCRYPTION_KEYS (holds: k1)',
    );
  });

  it('refuses a header edited to name another listed key', () => {
    const both = new EnvelopeCipher(parseKeyRing(`k2:${K2},k1:${K1}`));
    const envelope = cipher.encrypt(SECRET, ctx);
    expect(() => both.decrypt(envelope.replace(/^v1:k1:/, 'v1:k2:'), ctx)).toThrow(EnvelopeError);
  });

  it('refuses what is not an envelope', () => {
    for (const bad of ['', 'hello', 'v2:k1:a:b:c:d', 'v1:k1:a:b:c', 'v1:k1:!!:b:c:d:e']) {
      expect(() => cipher.decrypt(bad, ctx)).toThrow(EnvelopeError);
    }
  });

  describe('rotation', () => {
    const old = new EnvelopeCipher(parseKeyRing(`k1:${K1}`));
    const rotated = new EnvelopeCipher(parseKeyRing(`k2:${K2},k1:${K1}`));
    const onlyNew = new EnvelopeCipher(parseKeyRing(`k2:${K2}`));

    it('decrypts with any listed key and encrypts with the first', () => {
      const before = old.encrypt(SECRET, ctx);
      expect(rotated.decrypt(before, ctx)).toBe(SECRET);
      expect(rotated.keyIdOf(rotated.encrypt(SECRET, ctx))).toBe('k2');
    });

    it('re-wraps the data key under the current key, leaving the ciphertext as it is', () => {
      const before = old.encrypt(SECRET, ctx);
      expect(rotated.needsRewrap(before)).toBe(true);
      const after = rotated.rewrap(before, ctx);
      expect(after.startsWith('v1:k2:')).toBe(true);
      expect(after.split(':').slice(3)).toEqual(before.split(':').slice(3));
      expect(rotated.needsRewrap(after)).toBe(false);
      expect(rotated.rewrap(after, ctx)).toBe(after);
      // Once every envelope is re-wrapped the old key can leave the ring.
      expect(onlyNew.decrypt(after, ctx)).toBe(SECRET);
      expect(() => onlyNew.decrypt(before, ctx)).toThrow(UnknownKeyError);
    });

    it('does not re-wrap for the wrong owner', () => {
      const before = old.encrypt(SECRET, ctx);
      expect(() => rotated.rewrap(before, { ...ctx, field: 'other' })).toThrow(EnvelopeError);
    });
  });
});
