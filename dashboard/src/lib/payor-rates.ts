/**
 * Insurance paid per unit by payor and service code, and which payors pay well below the clinic's
 * median for a code. All arithmetic on integer cents.
 *
 * Only visits old enough for their insurance payments to have arrived are compared (the maturity
 * threshold, 90 days by default): a recent month in which insurance has not paid yet would otherwise
 * flag most payors as "well below the median", a false alarm a practice owner would act on. A cell's
 * rate, its code's median and every flag are of its mature visits only; the rest is said as the cell's
 * immature share, never compared.
 */
import { addDays, type DateRange } from './clinic-calendar.js';
import { divideRounded } from './decimal.js';

export interface PayorCodeCell {
  payorId: string;
  payorName: string;
  code: string;
  /** Every visit of the range. */
  units: bigint;
  paid: bigint;
  /** Insurance paid per unit, in cents (rounded to the cent); null without units. */
  perUnit: bigint | null;
  /** Visits at least the maturity threshold old (dates of service up to the cutoff). */
  matureUnits: bigint;
  maturePaid: bigint;
  /** The compared rate: insurance paid per unit of the mature visits; null without any. */
  maturePerUnit: bigint | null;
}

/** Days after the date of service by which insurance has usually paid (docs/dashboard.md, "Payor × code"). */
export const DEFAULT_MATURITY_DAYS = 90;
export const MAX_MATURITY_DAYS = 730;

/** The last date of service old enough to compare: `days` before the clinic's today. */
export function maturityCutoff(today: string, days: number): string {
  return addDays(today, -days);
}

/** The part of `range` old enough to compare; null when none of it is. */
export function matureRange(range: DateRange, today: string, days: number): DateRange | null {
  const cutoff = maturityCutoff(today, days);
  if (range.from > cutoff) return null;
  return { from: range.from, to: range.to < cutoff ? range.to : cutoff };
}

/** The share of a cell's units from visits too recent to compare (0 to 1). */
export function immatureShare(cell: PayorCodeCell): number {
  if (cell.units <= 0n) return 0;
  return Number(divideRounded((cell.units - cell.matureUnits) * 1000n, cell.units)) / 1000;
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

/** Each code's median of its payors' mature rates (payors with enough mature units of it). */
export function codeMedians(cells: readonly PayorCodeCell[]): Map<string, CodeMedian> {
  const byCode = new Map<string, bigint[]>();
  for (const cell of cells) {
    if (cell.maturePerUnit === null || cell.matureUnits < MIN_UNITS_FOR_RATE) continue;
    if (!byCode.has(cell.code)) byCode.set(cell.code, []);
    byCode.get(cell.code)!.push(cell.maturePerUnit);
  }
  return new Map([...byCode].map(([code, values]) => [code, { code, median: median(values)!, payors: values.length }]));
}

/** Whether a payor's mature rate for a code is well below the clinic's median for that code: never
 * on immature visits (a cell without enough mature units is not compared at all). */
export function isWellBelowMedian(cell: PayorCodeCell, codeMedian: CodeMedian | undefined): boolean {
  if (cell.maturePerUnit === null || cell.matureUnits < MIN_UNITS_FOR_RATE) return false;
  if (!codeMedian || codeMedian.payors < MIN_PAYORS_FOR_MEDIAN || codeMedian.median <= 0n) return false;
  return cell.maturePerUnit * BELOW_MEDIAN_RATIO.denominator < codeMedian.median * BELOW_MEDIAN_RATIO.numerator;
}

/** Whether a cell has enough mature units to be compared with its code's median. */
export function isCompared(cell: PayorCodeCell): boolean {
  return cell.maturePerUnit !== null && cell.matureUnits >= MIN_UNITS_FOR_RATE;
}

export function perUnit(paid: bigint, units: bigint): bigint | null {
  return units > 0n ? divideRounded(paid, units) : null;
}
