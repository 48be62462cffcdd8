/**
 * The explorer's result as a table: columns and cells with the text shown and the exact value
 * exported. The flat table, the pivot (explore-pivot.ts) and the CSV (explore-csv.ts) all render this
 * one model, so the export is the table as shown. Sums are exact: the API's decimal strings are added
 * as integers at a common scale (BigInt), never as floating point.
 */
import { isIsoDate, periodIndex, type Grain } from '../lib/clinic-calendar.js';
import { changeRatio, toCents } from '../lib/decimal.js';
import type { Formatters } from '../lib/format.js';
import { GRANULARITIES } from './explore-query.js';
import type { ExploreResult, RawRow, RawValue, ResultColumn } from './explore-result.js';

export interface ShownCell {
  /** As displayed. */
  text: string;
  /** The exact value for export: the API's own decimal string for numbers and money, YYYY-MM-DD for time, text as is. */
  csv: string;
  numeric: boolean;
  /** For charts and sorting (a time cell: its day as UTC milliseconds); null when empty or text. */
  value: number | null;
}

export interface ShownColumn {
  key: string;
  header: string;
  description: string;
  numeric: boolean;
}

export interface ShownTable {
  columns: ShownColumn[];
  rows: ShownCell[][];
  totals: ShownCell[] | null;
}

const isNumericFormat = (column: ResultColumn) => column.format === 'currency' || column.format === 'percent' || column.format === 'number';

export function shownColumn(column: ResultColumn): ShownColumn {
  return { key: column.key, header: column.title, description: column.description, numeric: isNumericFormat(column) };
}

const isEmpty = (value: RawValue | undefined): value is null | undefined | '' => value === null || value === undefined || value === '';

/** A decimal as integer units at a scale: 12.345 is { units: 12345n, scale: 3 }. */
interface Decimal {
  units: bigint;
  scale: number;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** A JS number as a plain decimal string, never in exponent notation. */
function plainNumber(value: number): string | null {
  if (!Number.isFinite(value)) return null;
  const text = String(value);
  if (!/e/i.test(text)) return text;
  if (Number.isInteger(value)) return BigInt(value).toString();
  return value.toFixed(100).replace(/\.?0+$/, '');
}

/** The value as the API's plain decimal text (a string as given, trimmed); null when it is not a decimal. */
function decimalText(value: RawValue): string | null {
  if (typeof value === 'number') return plainNumber(value);
  if (typeof value !== 'string') return null;
  const text = value.trim();
  const m = DECIMAL.exec(text);
  return m && (m[2] !== '' || (m[3] ?? '') !== '') ? text : null;
}

function parseDecimal(text: string): Decimal {
  const m = DECIMAL.exec(text)!;
  const fraction = m[3] ?? '';
  const units = BigInt(`${m[2] || '0'}${fraction}`);
  return { units: m[1] === '-' ? -units : units, scale: fraction.length };
}

function decimalString({ units, scale }: Decimal): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  return `${negative ? '-' : ''}${whole}${scale > 0 ? `.${digits.slice(digits.length - scale)}` : ''}`;
}

const atScale = (d: Decimal, scale: number) => d.units * 10n ** BigInt(scale - d.scale);

/**
 * The exact sum of decimal values (strings or numbers) as a plain decimal string at the largest scale
 * among them ('0.10' + '0.2' → '0.30'); empty values are skipped. null when there is nothing to add or a
 * value is not a decimal (such a total cannot be told exactly, so it is not shown).
 */
export function sumDecimals(values: Iterable<RawValue | undefined>): string | null {
  const parsed: Decimal[] = [];
  for (const value of values) {
    if (isEmpty(value)) continue;
    const text = decimalText(value);
    if (text === null) return null;
    parsed.push(parseDecimal(text));
  }
  if (parsed.length === 0) return null;
  const scale = Math.max(...parsed.map((d) => d.scale));
  return decimalString({ units: parsed.reduce((sum, d) => sum + atScale(d, scale), 0n), scale });
}

const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string): Intl.NumberFormat {
  let format = numberFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale, { maximumFractionDigits: 4 });
    numberFormats.set(locale, format);
  }
  return format;
}

const textCell = (text: string): ShownCell => ({ text, csv: text, numeric: false, value: null });

function numberCell(column: ResultColumn, value: RawValue, fmt: Formatters): ShownCell {
  const text = decimalText(value);
  if (text === null) return textCell(String(value));
  const cell = { csv: text, numeric: true, value: Number(text) };
  if (column.format === 'currency') return { ...cell, text: fmt.money(toCents(text)) };
  if (column.format === 'percent') return { ...cell, text: fmt.percent(cell.value) };
  const { units, scale } = parseDecimal(text);
  // Whole numbers through BigInt, decimals as their string: Intl formats both exactly, whatever their size.
  return { ...cell, text: numberFormat(fmt.locale).format(scale === 0 ? units : (text as `${number}`)) };
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function timeCell(granularity: string | null, value: RawValue, fmt: Formatters): ShownCell {
  // Cube gives times as '2026-01-01T00:00:00.000': the day is the bucket's start.
  const iso = String(value).slice(0, 10);
  const m = ISO_DAY.exec(iso);
  if (!m) return textCell(String(value));
  const [year, month] = [Number(m[1]), Number(m[2])];
  let text: string;
  if (granularity === 'week') text = `Week of ${fmt.date(iso)}`;
  else if (granularity === 'month') text = fmt.month(iso);
  else if (granularity === 'quarter') text = `Q${Math.floor((month - 1) / 3) + 1} ${m[1]}`;
  else if (granularity === 'year') text = m[1]!;
  else text = fmt.date(iso);
  return { text, csv: iso, numeric: false, value: Date.UTC(year, month - 1, Number(m[3])) };
}

/**
 * One value as shown. An empty dimension reads '(empty)' (a group of its own, which a blank would
 * hide); an empty measure is blank. Both export as ''.
 */
export function formatValue(column: ResultColumn, value: RawValue, fmt: Formatters): ShownCell {
  if (isEmpty(value)) {
    return { text: column.role === 'measure' ? '' : '(empty)', csv: '', numeric: isNumericFormat(column), value: null };
  }
  switch (column.format) {
    case 'currency':
    case 'percent':
    case 'number':
      return numberCell(column, value, fmt);
    case 'time':
      return timeCell(column.granularity, value, fmt);
    default:
      return textCell(String(value));
  }
}

/** The change from previous to current, (current − previous) ÷ |previous|: money in cents, other figures exactly. */
function changeOf(column: ResultColumn, current: RawValue | undefined, previous: RawValue | undefined): number | null {
  if (isEmpty(current) || isEmpty(previous)) return null;
  const [a, b] = [decimalText(current), decimalText(previous)];
  if (a === null || b === null) return null;
  if (column.format === 'currency') return changeRatio(toCents(a), toCents(b));
  const [x, y] = [parseDecimal(a), parseDecimal(b)];
  const scale = Math.max(x.scale, y.scale);
  return changeRatio(atScale(x, scale), atScale(y, scale));
}

function changeCell(column: ResultColumn, current: RawValue | undefined, previous: RawValue | undefined, fmt: Formatters): ShownCell {
  const change = changeOf(column, current, previous);
  if (change === null) return { text: '', csv: '', numeric: true, value: null };
  // The CSV has the change as the report's CSV writes it: a percentage with one decimal ("-8.9%").
  return { text: fmt.change(change), csv: `${(change * 100).toFixed(1)}%`, numeric: true, value: change };
}

const blank = (numeric: boolean): ShownCell => ({ text: '', csv: '', numeric, value: null });

/** A row of the table: the current period's row, the compared period's, or both. */
interface PairedRow {
  current: RawRow | null;
  previous: RawRow | null;
}

/** A time column's granularity as a calendar grain (every one the explorer asks for); null for any other. */
export function timeGrain(column: ResultColumn): Grain | null {
  return GRANULARITIES.find((g) => g === column.granularity) ?? null;
}

/**
 * Pairs the rows of the two periods: by their dimension values and, with a time column, by how many
 * periods their time bucket is after the first period of their own range (the 1st month of the range
 * with the 1st month of the range before), so a month without rows in one period shifts no other.
 * Without the compared ranges, counted from each period's first bucket. Rows of only one period stay,
 * after the others in the previous period's order.
 */
function pairRows(result: ExploreResult, previous: readonly RawRow[]): PairedRow[] {
  const dimensions = result.columns.filter((c) => c.role === 'dimension');
  const time = result.columns.find((c) => c.role === 'time');
  const grain = time && timeGrain(time);
  const dayOf = (value: RawValue | undefined) => {
    // Cube gives a bucket as '2026-01-01T00:00:00.000': its first day.
    const day = isEmpty(value) ? null : String(value).slice(0, 10);
    return day && isIsoDate(day) ? day : null;
  };
  const keyer = (rows: readonly RawRow[], from: string | undefined) => {
    const origin =
      from ??
      (time
        ? rows
            .map((r) => dayOf(r[time.key]))
            .filter((d) => d !== null)
            .sort()[0]
        : undefined);
    const bucket = (value: RawValue | undefined) => {
      const day = dayOf(value);
      if (day && grain && origin) return periodIndex(day, origin, grain);
      return isEmpty(value) ? null : String(value);
    };
    return (row: RawRow) => JSON.stringify([...dimensions.map((d) => row[d.key] ?? null), time ? bucket(row[time.key]) : null]);
  };
  const previousKey = keyer(previous, result.ranges?.previous.from);
  // A queue per key, so that a repeated key (not expected from a grouped query) loses no row.
  const waiting = new Map<string, RawRow[]>();
  for (const row of previous) {
    const key = previousKey(row);
    waiting.set(key, [...(waiting.get(key) ?? []), row]);
  }
  const currentKey = keyer(result.rows, result.ranges?.current.from);
  const paired: PairedRow[] = result.rows.map((row) => ({ current: row, previous: waiting.get(currentKey(row))?.shift() ?? null }));
  for (const rows of waiting.values()) for (const row of rows) paired.push({ current: null, previous: row });
  return paired;
}

/** A column of the flat table: how its cell is read from a paired row, and its total. */
interface FlatColumn {
  shown: ShownColumn;
  cell(row: PairedRow): ShownCell;
  total: ShownCell | null;
}

/** Whether a table of these columns gets a totals row: something to total (an additive measure) and a label column to say so. */
export function hasTotals(columns: readonly ResultColumn[]): boolean {
  return columns.some((c) => c.role !== 'measure') && columns.some((c) => c.role === 'measure' && c.additive);
}

export function totalLabel(result: ExploreResult): ShownCell {
  return textCell(result.truncated ? 'Total of shown rows' : 'Total');
}

/**
 * The result as a flat table: one column per result column and one row per result row, with a totals
 * row of the additive measures. With a compared period (`previous`), each measure has three columns
 * (the period, the compared period, the change) and the rows of both periods are paired.
 */
export function flatTable(result: ExploreResult, fmt: Formatters): ShownTable {
  const previous = result.previous;
  const pairs: PairedRow[] = previous ? pairRows(result, previous) : result.rows.map((row) => ({ current: row, previous: null }));
  const sum = (column: ResultColumn, rows: readonly RawRow[]) =>
    column.additive ? formatValue(column, sumDecimals(rows.map((r) => r[column.key])), fmt) : blank(true);
  const columns: FlatColumn[] = [];
  for (const column of result.columns) {
    const shown = shownColumn(column);
    if (column.role !== 'measure') {
      // The time column shows the current period's bucket, or the compared one's for a row only it has.
      columns.push({ shown, cell: (r) => formatValue(column, (r.current ?? r.previous)![column.key] ?? null, fmt), total: null });
      continue;
    }
    columns.push({ shown, cell: (r) => formatValue(column, r.current?.[column.key] ?? null, fmt), total: sum(column, result.rows) });
    if (!previous) continue;
    columns.push({
      shown: {
        ...shown,
        key: `${column.key}.previous`,
        header: `${column.title} (previous)`,
        description: `${column.title} in the compared period. ${column.description}`.trim(),
      },
      cell: (r) => formatValue(column, r.previous?.[column.key] ?? null, fmt),
      total: sum(column, previous),
    });
    const totals = [sumDecimals(result.rows.map((r) => r[column.key])), sumDecimals(previous.map((r) => r[column.key]))];
    columns.push({
      shown: {
        key: `${column.key}.change`,
        header: `${column.title} change`,
        description: `Change of ${column.title} from the compared period: (current − previous) ÷ |previous|.`,
        numeric: true,
      },
      cell: (r) => changeCell(column, r.current?.[column.key], r.previous?.[column.key], fmt),
      total: column.additive ? changeCell(column, totals[0], totals[1], fmt) : blank(true),
    });
  }
  const totals =
    hasTotals(result.columns) && pairs.length > 0
      ? columns.map((c, i) => (i === 0 ? totalLabel(result) : (c.total ?? blank(c.shown.numeric))))
      : null;
  return {
    columns: columns.map((c) => c.shown),
    rows: pairs.map((pair) => columns.map((c) => c.cell(pair))),
    totals,
  };
}
