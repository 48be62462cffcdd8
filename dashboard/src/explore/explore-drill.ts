/**
 * The rows behind a number: a row of a `service_code_usage` (or grouped `visit_lines`) result opens, as
 * a new explorer query, the visit lines (the public `visit_lines` view, docs/contract.md "Drill-through
 * contract") that make it up: the query's filters on the members the lines carry under the same
 * names, each of the row's dimension values as an equality (an empty one as "is not set"), its time
 * bucket as the date range. Filters on measures (Cube's HAVING) select groups, not lines: a row that
 * is shown passed them, so they are left out. A new query, so Back returns to the one drilled from.
 */
import { periodInRange, type DateRange, type Grain } from '../lib/clinic-calendar.js';
import { LINE_COLUMNS, LINES_VIEW } from '../lib/drill.js';
import type { Catalog } from './explore-catalog.js';
import { queryView, type ExploreFilter, type ExploreQuery } from './explore-query.js';
import type { RawRow, ResultColumn } from './explore-result.js';

const LINES = LINES_VIEW;
/** Views whose rows are visit lines grouped: their dimensions are visit_lines' under the same names. */
const DRILLABLE_VIEWS = ['service_code_usage', LINES];
/** What a list of lines shows: the report's drill panel's columns (lib/drill.ts), date first. */
const SHOWN = LINE_COLUMNS.map((c) => c.member).filter((m) => m !== `${LINES}.date_of_service`);

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
  // The lines' own dimensions, as meta lists them (the view may grow: the model decides, not a list here).
  const lineDimensions = new Set(
    catalog.views.filter((v) => v.name === LINES).flatMap((v) => [...v.dimensions, ...v.timeDimensions].map((d) => local(d.name))),
  );
  const stray = [...q.dimensions, ...lineFilters(q, catalog).map((f) => f.member)].map(local).find((d) => !lineDimensions.has(d));
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
    dimensions: [...SHOWN],
    time: { dimension: `${LINES}.date_of_service`, granularity: 'day', dateRange: range, compare: null },
    filters,
    order: [
      [`${LINES}.date_of_service`, 'asc'],
      [`${LINES}.line_number`, 'asc'],
    ],
    limit: q.limit,
  };
}
