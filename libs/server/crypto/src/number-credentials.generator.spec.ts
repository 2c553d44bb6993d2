import { generateNumberCredentials } from './number-credentials.generator';

describe('generateNumberCredentials', () => {
  it('gives long, distinct values every time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const c = generateNumberCredentials();
      for (const v of Object.values(c)) {
        expect(seen.has(v)).toBe(false);
        seen.add(v);
      }
    }
  });

  it('meets each credential rule', () => {
    for (let i = 0; i < 200; i++) {
      const c = generateNumberCredentials();
      expect(c.dbPassword).toMatch(/^[A-Za-z0-9]{32}$/);
      expect(c.dbPassword).not.toMatch(/[?{}&~!()^=]/);
      expect(c.webappAdminPassword).toHaveLength(32);
      expect(c.webappAdminPassword).toMatch(/[A-Z]/);
      expect(c.webappAdminPassword).toMatch(/[a-z]/);
      expect(c.webappAdminPassword).toMatch(/[0-9]/);
      expect(c.webappAdminPassword).toMatch(/[-_.#@%]/);
      expect(Buffer.from(c.healthApiKey, 'base64url')).toHaveLength(32);
      expect(Buffer.from(c.encryptionSecret, 'base64url')).toHaveLength(32);
    }
  });

  it('spreads characters evenly (no modulo bias)', () => {
    const counts = new Map<string, number>();
    let total = 0;
    for (let i = 0; i < 500; i++) {
      for (const ch of generateNumberCredentials().dbPassword) {
        counts.set(ch, (counts.get(ch) ?? 0) + 1);
        total++;
      }
    }
    expect(counts.size).toBe(62);
    const expected = total / 62;
    for (const n of counts.values()) expect(Math.abs(n - expected)).toBeLessThan(expected * 0.5);
  });
});
