/**
 * Exact decimal comparison for tests: money and units compared as integer hundredths (BigInt),
 * never as floating point. A value with more than two decimals that are not zeros is an error.
 */
export function hundredths(value: unknown): bigint {
  if (value === null || value === undefined) return 0n;
  const text = typeof value === 'bigint' ? value.toString() : String(value).trim();
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`not an exact decimal: ${JSON.stringify(value)}`);
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  if (fraction.length > 2) throw new Error(`more than two decimals: ${text}`);
  const magnitude = BigInt(m[2]!) * 100n + BigInt(fraction.padEnd(2, '0') || '0');
  return m[1] === '-' ? -magnitude : magnitude;
}

/** Formats hundredths back as a decimal string with two places (for readable assertion diffs). */
export function formatHundredths(value: bigint): string {
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** The same value as a two-place decimal string, whatever exact form it came in. */
export const money = (value: unknown): string => formatHundredths(hundredths(value));
