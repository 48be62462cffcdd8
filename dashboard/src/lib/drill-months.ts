/**
 * Paging the lines month by month. The lines are materialized one table per month of service (the
 * visit_items partitions); a query over a clinic-year makes the database copy every line of the year
 * before it returns 50 (BENCHMARKS.md, "Drill-through"), so a page in date order asks only for the
 * months it spans. Which months those are comes from the number of lines in each month, which the
 * report's rollup answers without reading the lines (`service_code_usage.line_count` by month).
 *
 * Exact by construction: in date order (ties by line), every line of an earlier month precedes every
 * line of a later one, so "lines k…k+49 of the range" are "lines k−c…k−c+49 of the months from the one
 * holding line k", where c counts the lines of the months before it. Other orders, or counts that do not
 * add up to the lines' own count (the rollup and the lines refreshed a moment apart), use the range.
 */
import type { Query } from '@cubejs-client/core';
import { periodInRange, periodStarts } from './clinic-calendar.js';
import type { ReportFilterValues } from './report-query.js';
import { drillFilters, LINES_PAGE_SIZE, type DrillSelection, type LinesWindow } from './drill.js';

const REPORT_VIEW = 'service_code_usage';
export const MONTH_LINES_MEMBER = `${REPORT_VIEW}.line_count`;
const MONTH_MEMBER = `${REPORT_VIEW}.date_of_service.month`;

/** Lines per month of service ('YYYY-MM-01' → lines), for the months of the drill's range. */
export type MonthLines = ReadonlyMap<string, number>;

/** True when the drill's lines are in date order (the default, or sorted by date either way). */
export function inDateOrder(drill: DrillSelection): boolean {
  return drill.sort === null || drill.sort.column === 'date_of_service';
}

/** Ranges one compareDateRange may hold (the server's query guard: queries per request). */
export const MAX_COMPARED_MONTHS = 12;

/**
 * The number of lines in each month of the drill's range, as the report's rollup counts them: one
 * range per month (`compareDateRange`), so that each month's count reads that month's partition alone.
 * One query grouped by month would read the partitions as one union, and take as long as a page over
 * the whole range (measured at 10 M items: 364 ms against ~100 ms for the largest clinic-year).
 * Over more than 12 months, grouped by month all the same.
 */
export function monthLinesQuery(state: ReportFilterValues, drill: DrillSelection): Query {
  const months = monthsInOrder({ ...drill, sort: null });
  const dimension = `${REPORT_VIEW}.date_of_service`;
  return {
    measures: [MONTH_LINES_MEMBER],
    timeDimensions: [
      months.length <= MAX_COMPARED_MONTHS
        ? { dimension, compareDateRange: months.map((m): [string, string] => [m.from, m.to]) }
        : { dimension, granularity: 'month', dateRange: [drill.from, drill.to] },
    ],
    filters: drillFilters(state, drill, REPORT_VIEW),
  };
}

/** The counts out of monthLinesQuery's rows (of every range); months with no lines count zero. */
export function monthLinesOf(rows: readonly Record<string, unknown>[]): MonthLines {
  const counts = new Map<string, number>();
  for (const row of rows) {
    // Grouped: the month's first day; compared: the range ("2026-01-15T00:00:00.000 - 2026-01-31T…").
    const when = String(row[MONTH_MEMBER] ?? row.compareDateRange ?? '');
    counts.set(`${when.slice(0, 7)}-01`, Number(row[MONTH_LINES_MEMBER] ?? 0));
  }
  return counts;
}

export function totalLines(counts: MonthLines): number {
  let total = 0;
  for (const n of counts.values()) total += n;
  return total;
}

/** The drill's months, each cut to the range, in the order the lines are shown. */
function monthsInOrder(drill: DrillSelection): { from: string; to: string; start: string }[] {
  const range = { from: drill.from, to: drill.to };
  const months = periodStarts(range, 'month').map((start) => ({ start, ...periodInRange(start, 'month', range) }));
  return drill.sort?.direction === 'desc' ? months.reverse() : months;
}

/**
 * The months that hold lines `offset`…`offset + limit − 1` of the drill (in its date order), and the
 * offset of the first of them within those months. Past the last line: the last month, past its end
 * (an empty page, read from one month).
 */
export function linesWindow(drill: DrillSelection, counts: MonthLines, offset: number, limit: number): LinesWindow {
  const months = monthsInOrder(drill);
  let before = 0; // lines of the months before the first one read
  let through = 0; // lines of the months up to and including month i
  let first = -1;
  let last = months.length - 1;
  for (let i = 0; i < months.length; i++) {
    const lines = counts.get(months[i]!.start) ?? 0;
    if (first < 0 && offset < through + lines) {
      first = i;
      before = through;
    }
    through += lines;
    if (first >= 0 && offset + limit <= through) {
      last = i;
      break;
    }
  }
  if (first < 0) {
    first = last = months.length - 1;
    before = through - (counts.get(months[last]!.start) ?? 0);
  }
  const [a, b] = [months[first]!, months[last]!];
  // In descending order the first month read is the latest: the window runs from the last one's start.
  const [early, late] = drill.sort?.direction === 'desc' ? [b, a] : [a, b];
  return { from: early.from, to: late.to, offset: offset - before, limit };
}

/** The first month of the drill in its order: page 1 when that month holds a page of lines. */
export function firstMonthWindow(drill: DrillSelection, pageSize = LINES_PAGE_SIZE): LinesWindow {
  const first = monthsInOrder(drill)[0]!;
  return { from: first.from, to: first.to, offset: 0, limit: pageSize };
}
