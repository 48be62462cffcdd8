/**
 * The rows behind a number: a row of a `service_code_usage` (or grouped `visit_lines`) result opens, as
 * a new explorer query, the visit lines (the public `visit_lines` view, docs/contract.md "Drill-through
 * contract") that make it up: the query's filters on the members the lines carry under the same
 * names, each of the row's dimension values as an equality (an empty one as "is not set"), its time
 * bucket as the date range. Filters on measures (Cube's HAVING) select groups, not lines: a row that
 * is shown passed them, so they are left out. A new query, so Back returns to the one drilled from.
 */
import { periodInRange, type DateRange, type Grain } from '../lib/clinic-calendar.js';
import type { Catalog } from './explore-catalog.js';
import { queryView, type ExploreFilter, type ExploreQuery } from './explore-query.js';
import type { RawRow, ResultColumn } from './explore-result.js';

const LINES = 'visit_lines';
/** Views whose rows are visit lines grouped: their dimensions are visit_lines' under the same names. */
const DRILLABLE_VIEWS = ['service_code_usage', LINES];
/** The dimensions `visit_lines` has for a filter or a row value (docs/contract.md). */
const LINE_DIMENSIONS = new Set([
  'clinic_id',
  'visit_number',
  'line_number',
  'service_code',
  'service_code_description',
  'code_type',
  'billing_type',
  'provider_id',
  'provider_name',
  'payor_id',
  'payor_name',
  'case_type_id',
  'case_type',
  'units',
  'billed_amount',
  'insurance_paid',
  'insurance_payments',
  'last_insurance_payment_on',
]);
/** What a list of lines shows. */
const LINE_COLUMNS = [
  'visit_number',
  'line_number',
  'service_code',
  'provider_name',
  'payor_name',
  'case_type',
  'units',
  'billed_amount',
  'insurance_paid',
].map((d) => `${LINES}.${d}`);

const local = (member: string) => member.slice(member.indexOf('.') + 1);
const EVERY_DAY: DateRange = { from: '0001-01-01', to: '9999-12-31' };

/** Filters on measures select groups (HAVING), not lines. */
const lineFilters = (q: ExploreQuery, catalog: Catalog) => q.filters.filter((f) => catalog.members.get(f.member)?.kind !== 'measure');

/** Why a query's rows cannot be opened as visit lines, or null when they can. */
export function drillProblem(q: ExploreQuery, catalog: Catalog, hasComparison: boolean): string | null {
  const view = queryView(q);
  if (!view || !DRILLABLE_VIEWS.includes(view)) return 'Only rows of visit lines (Service Code Usage, Visit Lines) can be opened.';
  if (q.measures.length === 0) return 'Rows without a measure are not figures: there is nothing behind them to open.';
  if (hasComparison) return 'Rows of a comparison cannot be opened: remove the comparison first.';
  if (q.time && local(q.time.dimension) !== 'date_of_service') return 'Rows by another date than the date of service cannot be opened.';
  const stray = [...q.dimensions, ...lineFilters(q, catalog).map((f) => f.member)]
    .map(local)
    .find((d) => !LINE_DIMENSIONS.has(d) && d !== 'date_of_service');
  return stray ? `The visit lines have no "${stray}".` : null;
}

/** The visit lines behind one row of `q`'s result (`columns` and `row` as the API gave them). */
export function linesQueryOf(q: ExploreQuery, catalog: Catalog, columns: readonly ResultColumn[], row: RawRow): ExploreQuery | null {
  if (drillProblem(q, catalog, false)) return null;
  const filters: ExploreFilter[] = lineFilters(q, catalog).map((f) => ({ ...f, member: `${LINES}.${local(f.member)}` }));
  let range: DateRange | null = q.time?.dateRange ?? null;
  for (const column of columns) {
    const value = row[column.key];
    if (column.role === 'measure') continue;
    if (column.role === 'time') {
      const start = typeof value === 'string' ? value.slice(0, 10) : null;
      if (!start) return null;
      range = periodInRange(start, column.granularity as Grain, range ?? EVERY_DAY);
      continue;
    }
    const member = `${LINES}.${local(column.member)}`;
    filters.push(
      value === null || value === '' ? { member, operator: 'notSet', values: [] } : { member, operator: 'equals', values: [String(value)] },
    );
  }
  return {
    measures: [],
    dimensions: [...LINE_COLUMNS],
    time: { dimension: `${LINES}.date_of_service`, granularity: 'day', dateRange: range, compare: null },
    filters,
    order: [
      [`${LINES}.date_of_service`, 'asc'],
      [`${LINES}.line_number`, 'asc'],
    ],
    limit: q.limit,
  };
}
