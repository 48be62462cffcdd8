/**
 * The report's billing checks (docs/dashboard.md, "Billing checks"; the figures' definitions are the
 * model's, docs/model.md): the modifiers payors audit, by provider against the clinic, and the unpaid
 * insurance lines by payor and by days since the date of service. Queries and their shaping; every
 * figure is a count or a sum of lines, served from the billing_by_day rollup, exact (BigInt).
 */
import type { Query } from '@cubejs-client/core';
import { addDays, type DateRange } from './clinic-calendar.js';
import { ratio, toCents, toCount } from './decimal.js';
import { DATE_OF_SERVICE, m, reportFilters, ROW_LIMIT } from './report-query.js';
import type { ReportState } from './report-state.js';

export const CHECK_MEASURES = {
  lines: m('line_count'),
  distinct: m('distinct_procedure_lines'),
  cmt: m('medicare_cmt_lines'),
  cmtWithoutAt: m('medicare_cmt_without_at_lines'),
  kx: m('kx_lines'),
} as const;

export const UNPAID_MEASURES = { lines: m('unpaid_lines'), billed: m('unpaid_billed'), balance: m('unpaid_balance') } as const;

const dateRangeOf = (range: DateRange): [string, string] => [range.from, range.to];

/** The modifier checks by provider (the clinic's own figures are the total row, asked without a grouping). */
export function modifierChecksQuery(state: ReportState, range: DateRange, byProvider: boolean): Query {
  return {
    measures: Object.values(CHECK_MEASURES),
    dimensions: byProvider ? [m('provider_id'), m('provider_name')] : [],
    timeDimensions: [{ dimension: DATE_OF_SERVICE, dateRange: dateRangeOf(range) }],
    filters: reportFilters(state),
    limit: ROW_LIMIT,
  };
}

/** The codes each provider billed with 59/X{EPSU}, and how many lines of each. */
export function distinctProcedureCodesQuery(state: ReportState, range: DateRange): Query {
  return {
    measures: [CHECK_MEASURES.distinct],
    dimensions: [m('provider_id'), m('service_code')],
    timeDimensions: [{ dimension: DATE_OF_SERVICE, dateRange: dateRangeOf(range) }],
    filters: [...reportFilters(state), { member: m('has_distinct_procedure_modifier'), operator: 'equals', values: ['Yes'] }],
    order: { [CHECK_MEASURES.distinct]: 'desc' },
    limit: ROW_LIMIT,
  };
}

export interface ProviderChecks {
  providerId: string;
  name: string;
  lines: bigint;
  distinct: bigint;
  /** distinct ÷ lines; null without lines. */
  distinctRate: number | null;
  cmt: bigint;
  cmtWithoutAt: bigint;
  kx: bigint;
  /** The codes billed with 59/X{EPSU}, most lines first: [code, lines]. */
  distinctCodes: [string, bigint][];
}

type Row = Record<string, unknown>;

export function providerChecks(rows: readonly Row[], codeRows: readonly Row[]): ProviderChecks[] {
  const codes = new Map<string, [string, bigint][]>();
  for (const row of codeRows) {
    const id = String(row[m('provider_id')]);
    if (!codes.has(id)) codes.set(id, []);
    codes.get(id)!.push([String(row[m('service_code')]), toCount(row[CHECK_MEASURES.distinct])]);
  }
  return rows.map((row) => {
    const id = String(row[m('provider_id')]);
    const figures = checkFigures(row);
    return { providerId: id, name: String(row[m('provider_name')] ?? ''), ...figures, distinctCodes: codes.get(id) ?? [] };
  });
}

/** One row's checks (a provider's, or the clinic's total). */
export function checkFigures(row: Row | undefined): Omit<ProviderChecks, 'providerId' | 'name' | 'distinctCodes'> {
  const lines = toCount(row?.[CHECK_MEASURES.lines]);
  const distinct = toCount(row?.[CHECK_MEASURES.distinct]);
  return {
    lines,
    distinct,
    distinctRate: ratio(distinct, lines),
    cmt: toCount(row?.[CHECK_MEASURES.cmt]),
    cmtWithoutAt: toCount(row?.[CHECK_MEASURES.cmtWithoutAt]),
    kx: toCount(row?.[CHECK_MEASURES.kx]),
  };
}

/** A provider's 59/X{EPSU} rate is flagged at twice the rest of the clinic's or more, over at least this many lines. */
export const DISTINCT_RATE_FLAG = 2;
export const MIN_LINES_FOR_RATE = 50n;

/** The rest of the clinic's 59/X{EPSU} rate beside a provider: the clinic's lines without theirs (in a
 * clinic of three clinicians one provider's own lines would pull the clinic's rate towards theirs). */
export function restOfClinicRate(provider: ProviderChecks, clinic: Pick<ProviderChecks, 'lines' | 'distinct'>): number | null {
  return ratio(clinic.distinct - provider.distinct, clinic.lines - provider.lines);
}

/** Whether a provider's 59/X{EPSU} rate stands out: at least twice the rest of the clinic's, on enough lines. */
export function isDistinctRateHigh(provider: ProviderChecks, clinic: Pick<ProviderChecks, 'lines' | 'distinct'>): boolean {
  const rest = restOfClinicRate(provider, clinic);
  if (provider.distinctRate === null || rest === null || rest <= 0 || provider.lines < MIN_LINES_FOR_RATE) return false;
  return provider.distinctRate >= rest * DISTINCT_RATE_FLAG;
}

/** Days since the date of service, as a biller works through them. */
export const AGE_BUCKETS = [
  { id: '0-30', label: '0–30 days', min: 0, max: 30 },
  { id: '31-60', label: '31–60 days', min: 31, max: 60 },
  { id: '61-90', label: '61–90 days', min: 61, max: 90 },
  { id: '91-180', label: '91–180 days', min: 91, max: 180 },
  { id: '181+', label: 'Over 180 days', min: 181, max: null },
] as const;
export type AgeBucketId = (typeof AGE_BUCKETS)[number]['id'];

/**
 * Each age bucket's dates of service within `range`: a visit `d` days before the clinic's `today` is in
 * the bucket whose days hold d. Buckets outside the range are left out; dates after today (none in a
 * clinic's data, normally) are in no bucket.
 */
export function ageRanges(range: DateRange, today: string): { bucket: AgeBucketId; range: DateRange }[] {
  const out: { bucket: AgeBucketId; range: DateRange }[] = [];
  for (const b of AGE_BUCKETS) {
    const newest = addDays(today, -b.min);
    const oldest = b.max === null ? range.from : addDays(today, -b.max);
    const from = oldest > range.from ? oldest : range.from;
    const to = newest < range.to ? newest : range.to;
    if (from <= to) out.push({ bucket: b.id, range: { from, to } });
  }
  return out;
}

/**
 * Unpaid insurance lines by payor, one range per age bucket in one request (Cube's compareDateRange,
 * at most five); null when no bucket falls in the range. Self-pay has no insurance to chase: left out.
 */
export function unpaidQuery(state: ReportState, buckets: readonly { range: DateRange }[]): Query | null {
  if (buckets.length === 0) return null;
  const time =
    buckets.length === 1
      ? { dimension: DATE_OF_SERVICE, dateRange: dateRangeOf(buckets[0]!.range) }
      : { dimension: DATE_OF_SERVICE, compareDateRange: buckets.map((b) => dateRangeOf(b.range)) };
  return {
    measures: Object.values(UNPAID_MEASURES),
    dimensions: [m('payor_id'), m('payor_name')],
    timeDimensions: [time],
    filters: [...reportFilters(state), { member: m('payor_id'), operator: 'set' }],
    limit: ROW_LIMIT,
  };
}

export interface UnpaidCell {
  lines: bigint;
  /** Cents. */
  billed: bigint;
  balance: bigint;
}

export interface UnpaidRow {
  payorId: string;
  payorName: string;
  cells: Partial<Record<AgeBucketId, UnpaidCell>>;
  total: UnpaidCell;
}

const ZERO: UnpaidCell = { lines: 0n, billed: 0n, balance: 0n };
const add = (a: UnpaidCell, b: UnpaidCell): UnpaidCell => ({
  lines: a.lines + b.lines,
  billed: a.billed + b.billed,
  balance: a.balance + b.balance,
});

/** Rows by payor (most billed at stake first) from each bucket's rows, and the totals by bucket. */
export function unpaidTable(bucketRows: readonly { bucket: AgeBucketId; rows: readonly Row[] }[]): {
  rows: UnpaidRow[];
  totals: Partial<Record<AgeBucketId, UnpaidCell>>;
  total: UnpaidCell;
} {
  const byPayor = new Map<string, UnpaidRow>();
  const totals: Partial<Record<AgeBucketId, UnpaidCell>> = {};
  let total = ZERO;
  for (const { bucket, rows } of bucketRows) {
    for (const row of rows) {
      const cell: UnpaidCell = {
        lines: toCount(row[UNPAID_MEASURES.lines]),
        billed: toCents(row[UNPAID_MEASURES.billed]),
        balance: toCents(row[UNPAID_MEASURES.balance]),
      };
      if (cell.lines === 0n) continue;
      const id = String(row[m('payor_id')]);
      let entry = byPayor.get(id);
      if (!entry) {
        entry = { payorId: id, payorName: String(row[m('payor_name')] ?? ''), cells: {}, total: ZERO };
        byPayor.set(id, entry);
      }
      entry.cells[bucket] = add(entry.cells[bucket] ?? ZERO, cell);
      entry.total = add(entry.total, cell);
      totals[bucket] = add(totals[bucket] ?? ZERO, cell);
      total = add(total, cell);
    }
  }
  const rows = [...byPayor.values()].sort((a, b) =>
    b.total.billed > a.total.billed ? 1 : b.total.billed < a.total.billed ? -1 : a.payorName.localeCompare(b.payorName),
  );
  return { rows, totals, total };
}

/** Units, lines and money by code with modifiers: the claim lines as a payor reads them. */
export function codeModifiersQuery(state: ReportState, range: DateRange): Query {
  return {
    measures: [m('line_count'), m('units_billed'), m('total_billed'), m('insurance_paid')],
    dimensions: [m('code_with_modifiers'), m('service_code'), m('modifiers')],
    timeDimensions: [{ dimension: DATE_OF_SERVICE, dateRange: dateRangeOf(range) }],
    filters: reportFilters(state),
    order: { [m('line_count')]: 'desc' },
    limit: ROW_LIMIT,
  };
}

export interface CodeModifiersRow {
  label: string;
  code: string;
  /** The exact modifiers list, null for none. */
  modifiers: string | null;
  lines: bigint;
  units: bigint;
  /** Cents. */
  billed: bigint;
  paid: bigint;
}

export function codeModifiersRows(rows: readonly Row[]): CodeModifiersRow[] {
  return rows.map((row) => ({
    label: String(row[m('code_with_modifiers')] ?? ''),
    code: String(row[m('service_code')] ?? ''),
    modifiers: row[m('modifiers')] === null || row[m('modifiers')] === undefined ? null : String(row[m('modifiers')]),
    lines: toCount(row[m('line_count')]),
    units: toCount(row[m('units_billed')]),
    billed: toCents(row[m('total_billed')]),
    paid: toCents(row[m('insurance_paid')]),
  }));
}
