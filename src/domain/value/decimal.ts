/**
 * Exact decimal arithmetic for money and quantities, on BigInt: a value is `units × 10^-scale`. Amounts arrive as
 * the decimal strings PostgreSQL's numeric columns give ('12.34', '-3.000'), and sums of many of them must not drift
 * the way binary floating point does (0.1 + 0.2). Only what the value models need: parse, add, multiply, compare,
 * divide with half-up rounding, and print. Ratios for display (a share of revenue) are taken with `toNumber`, where a
 * rounding in the 16th digit does not matter.
 */
import { ValueModelError } from './errors.ts';

export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

export const ZERO: Decimal = { units: 0n, scale: 0 };

const DECIMAL_TEXT = /^([+-])?(\d+)(?:\.(\d+))?$/u;

/**
 * '12.34' / '-3' / '+0.5' / 7 → a Decimal. A number is accepted only when its shortest text is plain decimal (no
 * exponent), so 1e21 or NaN are refused rather than silently mangled. `field` names the input in the error.
 */
export function parseDecimal(value: string | number, field: string): Decimal {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : 'NaN') : value.trim();
  const m = DECIMAL_TEXT.exec(text);
  if (!m) throw new ValueModelError(field, `数値として読めません: ${JSON.stringify(value)}`, `not a decimal number: ${JSON.stringify(value)}`);
  const frac = m[3] ?? '';
  const units = BigInt(`${m[2]}${frac}`);
  return { units: m[1] === '-' ? -units : units, scale: frac.length };
}

function rescale(d: Decimal, scale: number): bigint {
  return d.units * 10n ** BigInt(scale - d.scale);
}

export function add(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale) + rescale(b, scale), scale };
}

export function sub(a: Decimal, b: Decimal): Decimal {
  return add(a, { units: -b.units, scale: b.scale });
}

export function mul(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** -1, 0 or 1, by value ('1.50' equals '1.5'). */
export function compare(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const scale = Math.max(a.scale, b.scale);
  const x = rescale(a, scale);
  const y = rescale(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function sum(values: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const v of values) total = add(total, v);
  return total;
}

/** a ÷ n (n a positive integer), rounded half away from zero to `scale` decimals: the mean of n amounts. */
export function divideByCount(a: Decimal, n: number, scale = 2): Decimal {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`divideByCount: n must be a positive integer, got ${n}`);
  const num = scale >= a.scale ? a.units * 10n ** BigInt(scale - a.scale) : a.units;
  const den = BigInt(n) * (scale >= a.scale ? 1n : 10n ** BigInt(a.scale - scale));
  const negative = num < 0n;
  const abs = negative ? -num : num;
  let q = abs / den;
  if ((abs % den) * 2n >= den) q += 1n;
  return { units: negative ? -q : q, scale };
}

/**
 * Plain decimal text with trailing zeros dropped but at least `minScale` decimals: 37.02000 → '37.02',
 * 5 → '5.00', 1.005 → '1.005', -0.50 → '-0.50'.
 */
export function toDecimalString(d: Decimal, minScale = 2): string {
  let { units, scale } = d;
  while (scale > minScale && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  if (scale < minScale) {
    units *= 10n ** BigInt(minScale - scale);
    scale = minScale;
  }
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${whole}${scale > 0 ? `.${frac}` : ''}`;
}

/** The nearest binary float: for ratios and model inputs, never for sums of money. */
export function toNumber(d: Decimal): number {
  return Number(toDecimalString(d, 0));
}
