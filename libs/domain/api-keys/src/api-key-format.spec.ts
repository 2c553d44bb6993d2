import {
  formatApiKey,
  hashApiKeySecret,
  keyPrefix,
  parseApiKey,
  randomSecret,
  secretMatches,
} from './api-key-format';

describe('API key format', () => {
  const id = '367e53bf-508f-4ede-9120-5a768c0298ff';

  it('formats bsp_<env>_<id>_<secret> and parses it back', () => {
    const secret = randomSecret();
    const key = formatApiKey('live', id, secret);
    expect(key).toMatch(/^bsp_live_367e53bf508f4ede91205a768c0298ff_[0-9A-Za-z]{40}$/);
    expect(parseApiKey(key)).toEqual({ env: 'live', id, secret });
    expect(keyPrefix('live', id)).toBe('bsp_live_367e53bf508f4ede91205a768c0298ff');
  });

  it('rejects anything that is not exactly the format', () => {
    const good = formatApiKey('live', id, randomSecret());
    for (const bad of [
      '',
      'bsp_live',
      good.slice(0, -1),
      `${good}x`,
      good.replace('bsp_', 'bsq_'),
      good.toUpperCase(),
      ` ${good}`,
      good.replace(/_([^_]+)$/, '_$1-'),
    ]) {
      expect(parseApiKey(bad)).toBeNull();
    }
  });

  it('draws secrets uniformly from base62 with high entropy', () => {
    const seen = new Set<string>();
    const counts = new Map<string, number>();
    for (let i = 0; i < 500; i++) {
      const s = randomSecret();
      expect(s).toMatch(/^[0-9A-Za-z]{40}$/);
      seen.add(s);
      for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    expect(seen.size).toBe(500);
    expect(counts.size).toBe(62);
    const expected = (500 * 40) / 62;
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.35);
  });

  it('compares secrets by peppered HMAC only', () => {
    const hash = hashApiKeySecret('pepper-one-pepper-one-pepper-one', 'secret');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(secretMatches('pepper-one-pepper-one-pepper-one', 'secret', hash)).toBe(true);
    expect(secretMatches('pepper-two-pepper-two-pepper-two', 'secret', hash)).toBe(false);
    expect(secretMatches('pepper-one-pepper-one-pepper-one', 'secreT', hash)).toBe(false);
  });
});
