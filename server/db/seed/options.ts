import { addMonths, formatDay, parseIsoDate } from './calendar.js';

/** What to generate. Same options ⇒ the same rows, whatever the target. */
export interface SeedOptions {
  /** Volume: scale 1 ≈ 3 clinics and ~45,000 purchase_items over two years; rows grow linearly with it. */
  scale: number;
  /** PRNG seed (any safe integer). */
  seed: number;
  /** Number of clinics (default: max(3, round(3·√scale))). Does not change the total volume. */
  clinics?: number;
  /** Last date of service, 'YYYY-MM-DD' (default DEFAULT_END_DATE); never today's date, for determinism. */
  endDate?: string;
  /** Length of the window of visits in years, a multiple of 1/12 (default 2). */
  years?: number;
}

export const DEFAULT_END_DATE = '2026-10-31';
export const DEFAULT_YEARS = 2;
/** Mean visits per open weekday over all clinics together at scale 1 (before season and weekday shape). */
export const VISITS_PER_DAY_AT_SCALE_1 = 30;

export interface ResolvedSeedOptions {
  scale: number;
  seed: number;
  clinics: number;
  years: number;
  /** First date of service (day number). */
  startDay: number;
  /** Last date of service (day number). */
  endDay: number;
  startDate: string;
  endDate: string;
}

export function defaultClinicCount(scale: number): number {
  return Math.max(3, Math.round(3 * Math.sqrt(scale)));
}

/** Validates options and fills in defaults; throws a RangeError naming the bad option. */
export function resolveSeedOptions(options: SeedOptions): ResolvedSeedOptions {
  const { scale, seed } = options;
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0 || scale > 100_000) {
    throw new RangeError(`scale must be a number > 0 and ≤ 100000, got ${String(scale)}`);
  }
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${String(seed)}`);
  const clinics = options.clinics ?? defaultClinicCount(scale);
  if (!Number.isInteger(clinics) || clinics < 1 || clinics > 10_000) {
    throw new RangeError(`clinics must be an integer from 1 to 10000, got ${String(clinics)}`);
  }
  const years = options.years ?? DEFAULT_YEARS;
  const months = Math.round(years * 12);
  if (!Number.isFinite(years) || months < 1 || years > 20) {
    throw new RangeError(`years must be at least 1/12 and at most 20, got ${String(years)}`);
  }
  const endDate = options.endDate ?? DEFAULT_END_DATE;
  let endDay: number;
  try {
    endDay = parseIsoDate(endDate);
  } catch (error) {
    throw new RangeError(`endDate: ${(error as Error).message}`, { cause: error });
  }
  const startDay = addMonths(endDay + 1, -months);
  return { scale, seed, clinics, years: months / 12, startDay, endDay, startDate: formatDay(startDay), endDate };
}
