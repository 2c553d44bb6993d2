import { canonicalQuantity, parseQuantity } from './quantity';

describe('quantities', () => {
  it('canonicalizes like resource.Quantity', () => {
    const cases: [string, string][] = [
      ['0.5', '500m'],
      ['1000m', '1'],
      ['1500m', '1500m'],
      ['1000', '1k'],
      ['2048', '2048'],
      ['100m', '100m'],
      ['1024Mi', '1Gi'],
      ['1.5Gi', '1536Mi'],
      ['0.5Ki', '512'],
      ['64Mi', '64Mi'],
      ['1G', '1G'],
      ['0.0000000001', '1n'],
      ['0', '0'],
      ['lots', 'lots'],
    ];
    for (const [input, out] of cases) expect(canonicalQuantity(input)).toBe(out);
    expect(parseQuantity('1Gi')).toBe(1024 ** 3);
  });
});
