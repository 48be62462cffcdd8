/**
 * Insurance paid per unit by payor and service code, and which payors pay well below the clinic's
 * median for a code. All arithmetic on integer cents.
 */
import { divideRounded } from './decimal.js';

export interface PayorCodeCell {
  payorId: string;
  payorName: string;
  code: string;
  units: bigint;
  paid: bigint;
  /** Insurance paid per unit, in cents (rounded to the cent); null without units. */
  perUnit: bigint | null;
}

interface CodeMedian {
  code: string;
  median: bigint;
  /** How many payors billed the code (the median's sample). */
  payors: number;
}

/** "Well below": under this share of the code's median (80 %). */
const BELOW_MEDIAN_RATIO = { numerator: 8n, denominator: 10n } as const;
/** A median of fewer payors than this says too little to flag anyone. */
const MIN_PAYORS_FOR_MEDIAN = 3;
/** A payor with fewer units of a code than this is neither part of its median nor flagged: a handful
 * of units (or payments not yet arrived for them) says little about a payor's rate. */
const MIN_UNITS_FOR_RATE = 10n;

function median(values: readonly bigint[]): bigint | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : divideRounded(sorted[mid - 1]! + sorted[mid]!, 2n)!;
}

export function codeMedians(cells: readonly PayorCodeCell[]): Map<string, CodeMedian> {
  const byCode = new Map<string, bigint[]>();
  for (const cell of cells) {
    if (cell.perUnit === null || cell.units < MIN_UNITS_FOR_RATE) continue;
    if (!byCode.has(cell.code)) byCode.set(cell.code, []);
    byCode.get(cell.code)!.push(cell.perUnit);
  }
  return new Map([...byCode].map(([code, values]) => [code, { code, median: median(values)!, payors: values.length }]));
}

/** Whether a payor's rate for a code is well below the clinic's median for that code. */
export function isWellBelowMedian(cell: PayorCodeCell, codeMedian: CodeMedian | undefined): boolean {
  if (cell.perUnit === null || cell.units < MIN_UNITS_FOR_RATE) return false;
  if (!codeMedian || codeMedian.payors < MIN_PAYORS_FOR_MEDIAN || codeMedian.median <= 0n) return false;
  return cell.perUnit * BELOW_MEDIAN_RATIO.denominator < codeMedian.median * BELOW_MEDIAN_RATIO.numerator;
}

export function perUnit(paid: bigint, units: bigint): bigint | null {
  return units > 0n ? divideRounded(paid, units) : null;
}
