const suffixes: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

/** Parses a Kubernetes resource quantity ("500m", "1Gi", "2e3") to a number; NaN if invalid. */
export function parseQuantity(q: unknown): number {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return NaN;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/.exec(q.trim());
  if (!m) return NaN;
  const factor = suffixes[m[2]!];
  return factor === undefined ? NaN : Number(m[1]) * factor;
}

const decimalExp: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const binaryExp: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const decimalSuffix = new Map(Object.entries(decimalExp).map(([k, v]) => [v, k]));
const binarySuffix = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

function decimalString(mantissa: bigint, exp: number): string {
  let m = mantissa;
  let e = exp;
  while (m !== 0n && m % 10n === 0n) {
    m /= 10n;
    e++;
  }
  if (m === 0n) return '0';
  let target = Math.floor(e / 3) * 3;
  if (target > 18) target = 18;
  if (target < -9) {
    // Below nano: round up to the next nano, as resource.Quantity does.
    const scale = 10n ** BigInt(-9 - e);
    m = (m + scale - 1n) / scale;
    e = -9;
    target = -9;
  }
  return `${(m * 10n ** BigInt(e - target)).toString()}${decimalSuffix.get(target) ?? ''}`;
}

/**
 * The canonical form kube-apiserver stores a quantity in ("0.5" → "500m", "1024Mi" → "1Gi",
 * "1000" → "1k"); anything it cannot parse is returned unchanged for validation to judge.
 */
export function canonicalQuantity(q: string): string {
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(q.trim());
  if (!m || (m[2] === '' && !m[3])) return q;
  const sign = m[1] === '-' ? -1n : 1n;
  const frac = m[3] ?? '';
  const mantissa = sign * BigInt(`${m[2] ?? ''}${frac}` || '0');
  const suffix = m[4] ?? '';
  const b = binaryExp[suffix];
  if (b === undefined) return decimalString(mantissa, (decimalExp[suffix] ?? 0) - frac.length);
  const scaled = mantissa * 1024n ** BigInt(b);
  const div = 10n ** BigInt(frac.length);
  if (scaled % div !== 0n) return decimalString(scaled, -frac.length);
  let bytes = scaled / div;
  let k = 0;
  while (bytes !== 0n && bytes % 1024n === 0n && k < 6) {
    bytes /= 1024n;
    k++;
  }
  return k === 0 ? decimalString(bytes, 0) : `${bytes.toString()}${binarySuffix[k] ?? ''}`;
}
