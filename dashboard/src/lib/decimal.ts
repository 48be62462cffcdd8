/**
 * Exact money: the API returns sums of DECIMAL columns as strings ("70.50"). They are held as integer
 * cents (BigInt) and never summed or divided as floating point.
 */

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** A decimal (string or number) → integer cents, rounding half away from zero past two places. */
export function toCents(value: unknown): bigint {
  if (value === null || value === undefined || value === '') return 0n;
  const text = typeof value === 'number' ? numberToPlainString(value) : String(value).trim();
  const m = DECIMAL.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new RangeError(`not a decimal: ${JSON.stringify(value)}`);
  const fraction = m[3] ?? '';
  let cents = BigInt(m[2] || '0') * 100n + BigInt(fraction.slice(0, 2).padEnd(2, '0'));
  if (fraction.length > 2 && Number(fraction[2]) >= 5) cents += 1n;
  return m[1] === '-' ? -cents : cents;
}

function numberToPlainString(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  // Enough digits to round correctly to cents without exponent notation.
  return value.toFixed(6);
}

/** Integer cents → "1234.50" (the API's own form; Intl.NumberFormat formats this string exactly). */
export function centsToDecimal(cents: bigint): `${number}` {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  return `${negative ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}` as `${number}`;
}

/** numerator / denominator rounded half away from zero; null when the denominator is zero. */
export function divideRounded(numerator: bigint, denominator: bigint): bigint | null {
  if (denominator === 0n) return null;
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (n * 2n + d) / (2n * d);
  return negative ? -q : q;
}

/** A count as given by the API (number or numeric string) → BigInt. */
export function toCount(value: unknown): bigint {
  if (value === null || value === undefined || value === '') return 0n;
  if (typeof value === 'number') return BigInt(Math.round(value));
  if (typeof value === 'bigint') return value;
  const text = String(value).trim();
  if (!/^-?\d+(\.0*)?$/.test(text)) throw new RangeError(`not a whole number: ${JSON.stringify(value)}`);
  return BigInt(text.replace(/\.0*$/, ''));
}

/** a / b as a ratio for display (percentages, units per visit); null when b is zero. */
export function ratio(a: bigint, b: bigint): number | null {
  if (b === 0n) return null;
  // Scale first so the float division sees numbers well inside the exact range.
  return Number((a * 1_000_000n) / b) / 1_000_000;
}

/** The change from `previous` to `current`, (current − previous) / |previous|; null when previous is zero. */
export function changeRatio(current: bigint, previous: bigint): number | null {
  return ratio(current - previous, previous < 0n ? -previous : previous);
}
