/**
 * What `useServiceCodeUsage` asks and what it returns, as pure functions: the dashboard's own query
 * builders (../src/lib/report-query.ts) over the dashboard's own reading of the filters
 * (../src/embed/widget-options.ts `parseFilters`, the report URL's names and meanings), so that the
 * React figures are the report's. Figures stay the API's exact decimal strings.
 */
import type { Query } from '@cubejs-client/core';
import { parseFilters, WidgetConfigError } from '../src/embed/widget-options.js';
import { rangeOrDefault, type DateRange } from '../src/lib/clinic-calendar.js';
import { BASE_MEASURES, GROUP_DEFINITIONS, MEASURES, groupedQuery } from '../src/lib/report-query.js';
import { NONE_ID, type GroupBy, type ReportState } from '../src/lib/report-state.js';

export type { DateRange } from '../src/lib/clinic-calendar.js';
export type { GroupBy } from '../src/lib/report-state.js';
export { GROUPS } from '../src/lib/report-state.js';

/** A list filter: an array of ids, or a comma-separated string, as the widgets' `filters` (`"none"`: self-pay / no case). */
type IdList = readonly (string | number)[] | string;

/** The report URL's filters (docs/contract.md, "Dashboard URL"), with its names and meanings. */
export interface ServiceCodeUsageFilters {
  /** Inclusive dates of service, YYYY-MM-DD: both or neither (neither: the clinic's last month in its own calendar). */
  from?: string | null;
  to?: string | null;
  providers?: IdList | null;
  payors?: IdList | null;
  case_types?: IdList | null;
  /** Service codes by their code string. */
  codes?: IdList | null;
  /** Exact modifiers lists (`["GP,59", "none"]`): an array only (a list's own commas). */
  modifiers?: readonly string[] | null;
  billing?: 'billable' | 'non-billable' | null;
  /** The rows' grouping (default `code`, as the report's). */
  group?: GroupBy | null;
}

/** A widget's `filters`: the report URL's filters and its comparison. */
export interface ServiceCodeUsageWidgetFilters extends ServiceCodeUsageFilters {
  compare?: 'previous' | 'last_year' | null;
}

/** An exact decimal as the API writes it ("1234.50"): never a float. */
export type Decimal = string;

/** The report table's four figures (docs/model.md defines each). */
export interface ServiceCodeUsageFigures {
  units_billed: Decimal;
  visits_used: Decimal;
  total_billed: Decimal;
  insurance_paid: Decimal;
}

/** One row of the grouped report. */
export interface ServiceCodeUsageRow extends ServiceCodeUsageFigures {
  /** The group's id: provider, payor or case type id, the service code, or `Billable` / `Non-billable`;
   * null for self-pay (payor) or no case (case type), which the URL's filters call `"none"`. */
  id: string | null;
  /** What the report shows as the row's name (for `code`, the code itself). */
  name: string | null;
}

/** The hook's filters as the report's state, read exactly as the widgets' `filters` (throws WidgetConfigError). */
export function reportStateOf(filters: ServiceCodeUsageFilters | null | undefined): ReportState {
  if (filters && 'compare' in filters && (filters as ServiceCodeUsageWidgetFilters).compare != null)
    throw new WidgetConfigError('useServiceCodeUsage has no compare: ask again with the compared dates as from and to');
  return parseFilters(JSON.stringify(filters ?? {}));
}

/** The dates asked: the filters', or the clinic's last month in its time zone (null until that is known). */
export function reportRange(state: ReportState, clinicTimeZone: string | null, now: Date = new Date()): DateRange | null {
  return rangeOrDefault(state, clinicTimeZone, now);
}

/** The report table's queries: one row per group, and the totals (the report's own `groupedQuery`). */
export function serviceCodeUsageQueries(state: ReportState, range: DateRange): { rows: Query; totals: Query } {
  return {
    rows: groupedQuery(state, range, state.group, BASE_MEASURES),
    totals: groupedQuery(state, range, null, BASE_MEASURES),
  };
}

function decimal(value: unknown, empty: Decimal): Decimal {
  if (value === null || value === undefined || value === '') return empty;
  if (typeof value === 'string') return value;
  // A driver answering a number (the client never casts: castNumerics is off); integers only are exact.
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  throw new RangeError(`not an exact decimal: ${JSON.stringify(value)}`);
}

const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

/** A result row's four figures; an empty range's totals (SQL's NULL sums) are zero. */
export function figuresOf(row: Record<string, unknown> | undefined): ServiceCodeUsageFigures {
  return {
    units_billed: decimal(row?.[MEASURES.units], '0'),
    visits_used: decimal(row?.[MEASURES.visits], '0'),
    total_billed: decimal(row?.[MEASURES.billed], '0.00'),
    insurance_paid: decimal(row?.[MEASURES.paid], '0.00'),
  };
}

/** The grouped query's rows, typed (in the API's order: by name). */
export function rowsOf(raw: readonly Record<string, unknown>[], group: GroupBy): ServiceCodeUsageRow[] {
  const def = GROUP_DEFINITIONS[group];
  return raw.map((row) => ({ id: text(row[def.key]), name: text(row[def.name]), ...figuresOf(row) }));
}

/** A row's id as the URL's filters write it (`"none"` for self-pay / no case): to narrow by it. */
export function filterIdOf(row: Pick<ServiceCodeUsageRow, 'id'>): string {
  return row.id ?? NONE_ID;
}
