import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { KeyRingError } from './crypto.errors';
import { parseKeyRing } from './key-ring.parser';

describe('parseKeyRing', () => {
  const a = randomBytes(32);
  const b = randomBytes(32);

  it('reads id:key pairs; the first is current', () => {
    const ring = parseKeyRing(` k2:${b.toString('base64')} , k1:${a.toString('base64url')} `);
    expect(ring.current.id).toBe('k2');
    expect(ring.current.key.equals(b)).toBe(true);
    expect(ring.key('k1').equals(a)).toBe(true);
    expect(ring.ids).toEqual(['k2', 'k1']);
  });

  it.each([
    ['nothing', '', /at least one key/],
    ['only commas', ' , ', /at least one key/],
    ['no id', a.toString('base64'), /entry 1 must look like/],
    ['a bad id', `k 1:${a.toString('base64')}`, /key id must be/],
    ['a duplicate id', `k1:${a.toString('base64')},k1:${b.toString('base64')}`, /listed twice/],
    ['a 16-byte key', `k1:${randomBytes(16).toString('base64')}`, /must be 32 bytes, got 16/],
    ['a 31-byte key', `k1:${randomBytes(31).toString('base64')}`, /must be 32 bytes, got 31/],
    ['a 64-byte key', `k1:${randomBytes(64).toString('base64')}`, /must be 32 bytes, got 64/],
    ['not base64', `k1:${'*'.repeat(44)}`, /not valid base64/],
    [
      'garbled base64',
      `k1:${a.toString('base64').slice(0, 20)}=${a.toString('base64').slice(21)}`,
      /not valid base64/,
    ],
  ])('refuses %s', (_name, spec, message) => {
    expect(() => parseKeyRing(spec)).toThrow(KeyRingError);
    expect(() => parseKeyRing(spec)).toThrow(message);
  });

  it('never puts key material in errors, JSON or inspection', () => {
    const shortKey = randomBytes(16).toString('base64');
    try {
      parseKeyRing(`k1:${shortKey}`);
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).not.toContain(shortKey);
    }
    const ring = parseKeyRing(`k1:${a.toString('base64')}`);
    const shown = JSON.stringify(ring) + inspect(ring) + String(JSON.stringify({ ring }));
    expect(shown).not.toContain(a.toString('base64'));
    expect(shown).not.toContain(a.toString('hex'));
    expect(shown).toContain('k1');
  });
});
