// Calendar arithmetic on day numbers (days since 1970-01-01), independent of the machine's time zone.

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 'YYYY-MM-DD' → day number; throws on anything that is not a real calendar date. */
export function parseIsoDate(text: string): number {
  const match = ISO_DATE.exec(text);
  if (!match) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(text)}`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    throw new RangeError(`not a calendar date: ${text}`);
  }
  return ms / MS_PER_DAY;
}

const dateStrings = new Map<number, string>();

/** Day number → 'YYYY-MM-DD' (memoized: the generator formats the same few thousand days over and over). */
export function formatDay(day: number): string {
  let text = dateStrings.get(day);
  if (text === undefined) {
    text = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
    dateStrings.set(day, text);
  }
  return text;
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => (i < 10 ? `0${i}` : String(i)));

/** Seconds since the epoch (UTC) → 'YYYY-MM-DD HH:MM:SS'. */
export function formatEpochSeconds(seconds: number): string {
  const day = Math.floor(seconds / 86_400);
  let rest = seconds - day * 86_400;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  return `${formatDay(day)} ${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[rest - minutes * 60]}`;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export interface DayParts {
  year: number;
  /** 1–12 */
  month: number;
  dayOfMonth: number;
}

export function dayParts(day: number): DayParts {
  const date = new Date(day * MS_PER_DAY);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, dayOfMonth: date.getUTCDate() };
}

/** The day number `months` calendar months after `day` (negative to go back), clamped to the month's end. */
export function addMonths(day: number, months: number): number {
  const { year, month, dayOfMonth } = dayParts(day);
  const first = Date.UTC(year, month - 1 + months, 1) / MS_PER_DAY;
  const target = dayParts(first);
  const lastOfMonth = Date.UTC(target.year, target.month, 0) / MS_PER_DAY;
  return Math.min(first + dayOfMonth - 1, lastOfMonth);
}

export function isFirstOfMonth(day: number): boolean {
  return dayParts(day).dayOfMonth === 1;
}

export function isLastOfMonth(day: number): boolean {
  return dayParts(day + 1).dayOfMonth === 1;
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The UTC offset of an IANA time zone at an instant, in seconds (New York in winter: -18000).
 * Throws a RangeError for an unknown zone.
 */
export function utcOffsetSeconds(timeZone: string, epochMs: number): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormats.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const localAsUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return Math.round((localAsUtc - Math.floor(epochMs / 1000) * 1000) / 1000);
}
