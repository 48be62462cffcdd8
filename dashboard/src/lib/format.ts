/**
 * Display formats in the clinic's currency and locale. The clinic view gives the currency; its
 * locale follows from the currency's country (a clinic billing in CAD reads Canadian formats) unless
 * the browser's own language is of that country.
 */
import type { DateRange } from './clinic-calendar.js';
import { centsToDecimal } from './decimal.js';

const CURRENCY_LOCALES: Readonly<Record<string, string>> = {
  USD: 'en-US',
  CAD: 'en-CA',
  GBP: 'en-GB',
  AUD: 'en-AU',
  NZD: 'en-NZ',
  EUR: 'en-IE',
};

export function clinicLocale(currency: string, browserLanguages: readonly string[] = []): string {
  const country = (CURRENCY_LOCALES[currency] ?? 'en-US').slice(-2);
  // A French-speaking viewer of a Canadian clinic keeps fr-CA; an en-GB viewer of a US clinic gets en-US.
  const own = browserLanguages.find((l) => l.toUpperCase().endsWith(`-${country}`));
  return own ?? CURRENCY_LOCALES[currency] ?? 'en-US';
}

export interface Formatters {
  locale: string;
  currency: string;
  money(cents: bigint): string;
  count(value: bigint): string;
  decimal(value: number, digits?: number): string;
  percent(value: number): string;
  /** A change as a signed percentage: "+12.5%", "−3.0%". */
  change(value: number): string;
  /** A YYYY-MM-DD date of service, as the clinic reads it (no time zone applies). */
  date(iso: string): string;
  dateRange(from: string, to: string): string;
  month(iso: string): string;
  dateTime(instant: Date, timeZone: string): string;
}

/** A week or month of service on a chart's axis. A first week that starts before the range is labelled
 * by the range's first day. */
export function periodLabel(fmt: Formatters, start: string, grain: 'week' | 'month', range: DateRange): string {
  return grain === 'month' ? fmt.month(start) : fmt.date(start < range.from ? range.from : start);
}

/**
 * The formatters of a clinic's figures: its currency, in the viewer's language where it fits the
 * clinic's country (clinicLocale); an embedding portal may set either (a widget's `locale`, `currency`).
 */
export function clinicFormatters(
  clinicCurrency: string,
  browserLanguages: readonly string[],
  override: { locale?: string | undefined; currency?: string | undefined } = {},
): Formatters {
  const currency = override.currency ?? clinicCurrency;
  return createFormatters(override.locale ?? clinicLocale(currency, browserLanguages), currency);
}

export function createFormatters(locale: string, currency: string): Formatters {
  const money = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const count = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const change = new Intl.NumberFormat(locale, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  });
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const months = new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' });
  const decimals = new Map<number, Intl.NumberFormat>();
  const utc = (iso: string) => new Date(`${iso}T00:00:00Z`);
  return {
    locale,
    currency,
    // Intl formats the decimal string exactly: no float ever holds the amount.
    money: (cents) => money.format(centsToDecimal(cents)),
    count: (value) => count.format(value),
    decimal(value, digits = 2) {
      let f = decimals.get(digits);
      if (!f) {
        f = new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
        decimals.set(digits, f);
      }
      return f.format(value);
    },
    percent: (value) => percent.format(value),
    change: (value) => change.format(value),
    date: (iso) => dates.format(utc(iso)),
    dateRange: (from, to) => dates.formatRange(utc(from), utc(to)),
    month: (iso) => months.format(utc(iso)),
    dateTime: (instant, timeZone) =>
      new Intl.DateTimeFormat(locale, {
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        hour: 'numeric',
        minute: '2-digit',
        timeZone,
        timeZoneName: 'short',
      }).format(instant),
  };
}
