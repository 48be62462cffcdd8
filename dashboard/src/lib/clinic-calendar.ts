/**
 * Calendar dates of service as 'YYYY-MM-DD' strings. Dates of service are the clinic's own calendar
 * dates, so "today" and every preset is computed in the clinic's time zone, never the browser's; the
 * arithmetic itself is on UTC midnights, so no time zone can shift a date.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

function toUtc(date: string): Date {
  if (!isIsoDate(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return new Date(`${date}T00:00:00Z`);
}

function fromUtc(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The calendar date it is now in `timeZone` (an IANA name). */
export function todayInZone(timeZone: string, now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

export function addDays(date: string, days: number): string {
  const d = toUtc(date);
  d.setUTCDate(d.getUTCDate() + days);
  return fromUtc(d);
}

/** Adds months, clamping the day to the target month's length (Mar 31 − 1 month = Feb 28/29). */
function addMonths(date: string, months: number): string {
  const d = toUtc(date);
  const day = d.getUTCDate();
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return fromUtc(target);
}

function startOfMonth(date: string): string {
  return `${date.slice(0, 8)}01`;
}

function endOfMonth(date: string): string {
  return addDays(startOfMonth(addMonths(startOfMonth(date), 1)), -1);
}

/** Whole days from `from` to `to`, both inclusive. */
function daysInRange(from: string, to: string): number {
  return Math.round((toUtc(to).getTime() - toUtc(from).getTime()) / 86_400_000) + 1;
}

export interface DateRange {
  from: string;
  to: string;
}

export const DATE_PRESETS = ['this_month', 'last_month', 'quarter_to_date', 'year_to_date', 'last_12_months'] as const;
export type DatePreset = (typeof DATE_PRESETS)[number];

export const PRESET_LABELS: Readonly<Record<DatePreset | 'custom', string>> = {
  this_month: 'This month',
  last_month: 'Last month',
  quarter_to_date: 'Quarter to date',
  year_to_date: 'Year to date',
  last_12_months: 'Last 12 months',
  custom: 'Custom range',
};

/** A preset's range relative to `today` (the clinic's today). */
export function presetRange(preset: DatePreset, today: string): DateRange {
  switch (preset) {
    case 'this_month':
      return { from: startOfMonth(today), to: today };
    case 'last_month': {
      const from = startOfMonth(addMonths(startOfMonth(today), -1));
      return { from, to: endOfMonth(from) };
    }
    case 'quarter_to_date': {
      const month = Number(today.slice(5, 7));
      const quarterMonth = String(month - ((month - 1) % 3)).padStart(2, '0');
      return { from: `${today.slice(0, 4)}-${quarterMonth}-01`, to: today };
    }
    case 'year_to_date':
      return { from: `${today.slice(0, 4)}-01-01`, to: today };
    case 'last_12_months':
      return { from: addDays(addMonths(today, -12), 1), to: today };
  }
}

/** The preset a range equals today, or 'custom'. */
/** The range a report opens with when nothing names one: the last full month, in the clinic's calendar. */
export const DEFAULT_PRESET: DatePreset = 'last_month';

/** `dates` when both ends are given, else the default range in the clinic's calendar (null until its
 * time zone is known): what the report page, the figure widget and the React hook show. */
export function rangeOrDefault(
  dates: { from: string | null; to: string | null },
  clinicTimeZone: string | null,
  now: Date = new Date(),
): DateRange | null {
  if (dates.from && dates.to) return { from: dates.from, to: dates.to };
  return clinicTimeZone ? presetRange(DEFAULT_PRESET, todayInZone(clinicTimeZone, now)) : null;
}

export function presetOf(range: DateRange, today: string): DatePreset | 'custom' {
  for (const preset of DATE_PRESETS) {
    const r = presetRange(preset, today);
    if (r.from === range.from && r.to === range.to) return preset;
  }
  return 'custom';
}

export type ComparisonMode = 'previous' | 'last_year';

function isWholeMonths(range: DateRange): boolean {
  return range.from === startOfMonth(range.from) && range.to === endOfMonth(range.to);
}

/**
 * The range a comparison is made against. "Previous period" is the same number of days just before;
 * when the range is whole calendar months it is the same number of whole months before (so February
 * compares with January, not with 28 days of January). "Same period last year" shifts both ends by a year.
 */
export function comparisonRange(range: DateRange, mode: ComparisonMode): DateRange {
  if (mode === 'last_year') {
    const to = isWholeMonths(range) ? endOfMonth(addMonths(range.to, -12)) : addMonths(range.to, -12);
    return { from: addMonths(range.from, -12), to };
  }
  if (isWholeMonths(range)) {
    const months =
      (Number(range.to.slice(0, 4)) - Number(range.from.slice(0, 4))) * 12 +
      Number(range.to.slice(5, 7)) -
      Number(range.from.slice(5, 7)) +
      1;
    const from = addMonths(range.from, -months);
    return { from, to: addDays(range.from, -1) };
  }
  const days = daysInRange(range.from, range.to);
  return { from: addDays(range.from, -days), to: addDays(range.from, -1) };
}

/** Cube's granularities of a date (the explorer's; the report uses weeks and months). */
export type Grain = 'day' | 'week' | 'month' | 'quarter' | 'year';

/** The last day of the day, week (Cube's weeks start on Monday), month, quarter or year that starts on `start`. */
function endOfPeriod(start: string, grain: Grain): string {
  switch (grain) {
    case 'day':
      return start;
    case 'week':
      return addDays(start, 6);
    case 'month':
      return endOfMonth(start);
    case 'quarter':
      return endOfMonth(addMonths(start, 2));
    case 'year':
      return `${start.slice(0, 4)}-12-31`;
  }
}

/** The part of the period starting on `start` that lies in `range` (a week can straddle its ends). */
export function periodInRange(start: string, grain: Grain, range: DateRange): DateRange {
  const end = endOfPeriod(start, grain);
  return { from: start < range.from ? range.from : start, to: end > range.to ? range.to : end };
}

/** The starts of the weeks (Mondays, as Cube's week granularity) or months that a range touches. */
export function periodStarts(range: DateRange, grain: 'week' | 'month'): string[] {
  const starts: string[] = [];
  let current = grain === 'month' ? startOfMonth(range.from) : addDays(range.from, -((toUtc(range.from).getUTCDay() + 6) % 7));
  while (current <= range.to) {
    starts.push(current);
    current = grain === 'month' ? addMonths(current, 1) : addDays(current, 7);
  }
  return starts;
}

/** By week for ranges up to about three months, by month beyond. */
export function defaultGrain(range: DateRange): 'week' | 'month' {
  return daysInRange(range.from, range.to) <= 92 ? 'week' : 'month';
}

/** The start of the period `date` is in: the day itself, the Monday of its week (Cube's weeks), the 1st of its month, quarter or year. */
export function periodStartOf(date: string, grain: Grain): string {
  const d = toUtc(date);
  switch (grain) {
    case 'day':
      return date;
    case 'week':
      return addDays(date, -((d.getUTCDay() + 6) % 7));
    case 'month':
      return startOfMonth(date);
    case 'quarter': {
      const month = d.getUTCMonth() - (d.getUTCMonth() % 3) + 1;
      return `${date.slice(0, 4)}-${String(month).padStart(2, '0')}-01`;
    }
    case 'year':
      return `${date.slice(0, 4)}-01-01`;
  }
}

const MONTHS_PER: Readonly<Record<'month' | 'quarter' | 'year', number>> = { month: 1, quarter: 3, year: 12 };

/**
 * How many periods the period of `date` is after the period of `rangeFrom` (0: the range's first period,
 * negative before it). The nth period of a range goes with the nth of the range it is compared with.
 */
export function periodIndex(date: string, rangeFrom: string, grain: Grain): number {
  const [start, first] = [periodStartOf(date, grain), periodStartOf(rangeFrom, grain)];
  if (grain === 'day' || grain === 'week') return (daysInRange(first, start) - 1) / (grain === 'week' ? 7 : 1);
  const months = (Number(start.slice(0, 4)) - Number(first.slice(0, 4))) * 12 + Number(start.slice(5, 7)) - Number(first.slice(5, 7));
  return months / MONTHS_PER[grain];
}

/** The start of the period after the one starting on `start`. */
function nextPeriodStart(start: string, grain: Grain): string {
  if (grain === 'day' || grain === 'week') return addDays(start, grain === 'week' ? 7 : 1);
  return addMonths(start, MONTHS_PER[grain]);
}

/** The starts of every period of the grain that a range touches (a week can begin before the range). */
export function periodStartsIn(range: DateRange, grain: Grain): string[] {
  const starts: string[] = [];
  for (let current = periodStartOf(range.from, grain); current <= range.to; current = nextPeriodStart(current, grain)) starts.push(current);
  return starts;
}
