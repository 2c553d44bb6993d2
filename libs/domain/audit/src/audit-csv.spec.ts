import { csvCell } from './audit-csv';
import { redactSecrets } from './redact';

describe('audit CSV cells', () => {
  it('quotes per RFC 4180 and neutralises spreadsheet formulas', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
  });
});

describe('redactSecrets', () => {
  it('replaces secret-named fields at any depth and keeps the rest', () => {
    expect(
      redactSecrets({
        name: 'k',
        key: 'bsp_live_x',
        nested: { password: 'p', token: 't', ok: [1, { secretHash: 'h' }] },
        at: new Date(0),
        n: 5n,
      }),
    ).toEqual({
      name: 'k',
      key: '[redacted]',
      nested: { password: '[redacted]', token: '[redacted]', ok: [1, { secretHash: '[redacted]' }] },
      at: '1970-01-01T00:00:00.000Z',
      n: '5',
    });
  });
});
