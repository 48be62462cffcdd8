/**
 * The report page's queries, built with the dashboard's own builders (dashboard/src/lib/report-query.ts)
 * exactly as ReportPage.vue and its charts call them: the clinic labels, the main table and its totals
 * (useReportTable), then the charts (trend, top codes by units, payor mix by billed, payment maturity,
 * payor × code heatmap); the pivot (usePivotTable, when toggled) and a drill page (a code's row clicked:
 * that code, grouped by provider). The drill-through (issue 9): pages of the view visit_lines and their
 * totals, built with dashboard/src/lib/drill.ts as the drill panel calls them (the whole range; and the
 * months' line counts and page 1 from the first month, as it opens a drill in date order, drill-months.ts;
 * pages month by month against the whole range: scripts/bench/drill-pages.ts).
 */
import type { Query } from '@cubejs-client/core';
import { defaultGrain, presetRange, todayInZone, type DateRange } from '../../dashboard/src/lib/clinic-calendar.js';
import {
  CLINIC_QUERY,
  MEASURES,
  REPORT_MEASURES,
  groupedQuery,
  maturityQuery,
  payorCodeQuery,
  payorMixQuery,
  pivotQuery,
  topCodesQuery,
  trendQuery,
} from '../../dashboard/src/lib/report-query.js';
import { DEFAULT_STATE, type ReportState } from '../../dashboard/src/lib/report-state.js';
import {
  drillOf,
  filterValuesOf,
  linesPageQuery,
  linesTotalsQuery,
  linesWindowQuery,
  reportFigureQuery,
  type DrillSelection,
} from '../../dashboard/src/lib/drill.js';
import { firstMonthWindow, monthLinesQuery } from '../../dashboard/src/lib/drill-months.js';

export type QueryName =
  'clinic' | 'main' | 'totals' | 'trend' | 'topCodes' | 'payorMix' | 'maturity' | 'heatmap' | 'pivot' | 'drill' | 'drillTotals';

export const QUERY_LABELS: Record<QueryName, string> = {
  clinic: 'clinic labels',
  main: 'main table (by code)',
  totals: 'totals',
  trend: 'trend chart',
  topCodes: 'top codes chart',
  payorMix: 'payor mix chart',
  maturity: 'payment maturity chart',
  heatmap: 'payor × code heatmap',
  pivot: 'code × provider pivot',
  drill: 'drill page (a code, by provider)',
  drillTotals: 'drill page totals',
};

/** What the page loads first (the table's first data), then the charts once the table has settled. */
export const FIRST_WAVE: QueryName[] = ['clinic', 'main', 'totals'];
export const CHART_WAVE: QueryName[] = ['trend', 'topCodes', 'payorMix', 'maturity', 'heatmap'];

/**
 * The report's default range: the last full month in the clinic's calendar (ReportPage's
 * DEFAULT_PRESET), moved to the data's last month when the seeded data ends before it.
 */
export function defaultRange(timezone: string, dataEnd: string, now = new Date()): DateRange {
  const range = presetRange('last_month', todayInZone(timezone, now));
  if (range.from <= dataEnd) return range;
  // The data's own last month: the month of its last date, as the page shows it on the 1st of the next.
  const [y, m] = dataEnd.split('-').map(Number) as [number, number];
  const nextMonth = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  return presetRange('last_month', nextMonth);
}

/** The state a drill on `code` gives: that code, grouped by provider (ReportPage's drill()). */
export function drillState(state: ReportState, code: string): ReportState {
  return { ...state, codes: [code], group: 'provider', sort: null };
}

/** Every query of the page for one state and range; `drillCode` is the code row clicked. */
export function pageQueries(state: ReportState, range: DateRange, drillCode: string): Record<QueryName, Query> {
  const grain = state.trend ?? defaultGrain(range);
  const drilled = drillState(state, drillCode);
  return {
    clinic: CLINIC_QUERY,
    main: groupedQuery(state, range, state.group, REPORT_MEASURES),
    totals: groupedQuery(state, range, null, REPORT_MEASURES),
    trend: trendQuery(state, range, grain),
    topCodes: topCodesQuery(state, range, MEASURES.units),
    payorMix: payorMixQuery(state, range, MEASURES.billed),
    maturity: maturityQuery(state, range, grain),
    heatmap: payorCodeQuery(state, range),
    pivot: pivotQuery({ ...state, pivot: true }, range),
    drill: groupedQuery(drilled, range, drilled.group, REPORT_MEASURES),
    drillTotals: groupedQuery(drilled, range, null, REPORT_MEASURES),
  };
}

export const DEFAULT_VIEW: ReportState = { ...DEFAULT_STATE };

export type LinesQueryName =
  | 'linesMonths'
  | 'linesFirstMonth'
  | 'linesPage1'
  | 'linesPage200'
  | 'linesByBilled'
  | 'linesTotals'
  | 'linesFigure'
  | 'codeLinesPage1'
  | 'codeLinesPage200'
  | 'codeLinesByBilled'
  | 'codeLinesTotals';

export const LINES_QUERY_LABELS: Record<LinesQueryName, string> = {
  linesMonths: 'lines: the months’ counts (rollup)',
  linesFirstMonth: 'lines, page 1 from its first month',
  linesPage1: 'lines, page 1 (whole range)',
  linesPage200: 'lines, page 200 (whole range)',
  linesByBilled: 'lines, page 1 by billed desc',
  linesTotals: 'lines totals',
  linesFigure: 'the drilled figure (report)',
  codeLinesPage1: 'top code: lines, page 1 (whole range)',
  codeLinesPage200: 'top code: lines, page 200 (whole range)',
  codeLinesByBilled: 'top code: lines, page 1 by billed desc',
  codeLinesTotals: 'top code: lines totals',
};

export const LINES_QUERY_NAMES = Object.keys(LINES_QUERY_LABELS) as LinesQueryName[];

/** The last full calendar year of the data (ending on or before `dataEnd`). */
export function lastFullYear(dataEnd: string): DateRange {
  const year = Number(dataEnd.slice(0, 4)) - (dataEnd.slice(5) === '12-31' ? 0 : 1);
  return { from: `${year}-01-01`, to: `${year}-12-31` };
}

/**
 * The drill panel's queries (dashboard/src/lib/drill.ts) for a drill of Units Billed over `range` from the
 * default view: the whole range, and narrowed to `code` (a row of the main table clicked). Pages of 50
 * lines: the first, page 200 (lines 9,951–10,000) and the first by Billed descending; the lines' totals.
 */
export function linesQueries(range: DateRange, code: string): Record<LinesQueryName, Query> {
  const state = filterValuesOf(DEFAULT_VIEW);
  const whole = drillOf('units_billed', range, {});
  const narrowed = drillOf('units_billed', range, { codes: [code] });
  const at = (drill: DrillSelection, page: number): DrillSelection => ({ ...drill, page });
  const byBilled = (drill: DrillSelection): DrillSelection => ({ ...drill, sort: { column: 'billed_amount', direction: 'desc' } });
  return {
    linesMonths: monthLinesQuery(state, whole),
    linesFirstMonth: linesWindowQuery(state, whole, firstMonthWindow(whole)),
    linesPage1: linesPageQuery(state, whole),
    linesPage200: linesPageQuery(state, at(whole, 200)),
    linesByBilled: linesPageQuery(state, byBilled(whole)),
    linesTotals: linesTotalsQuery(state, whole),
    linesFigure: reportFigureQuery(state, whole)!,
    codeLinesPage1: linesPageQuery(state, narrowed),
    codeLinesPage200: linesPageQuery(state, at(narrowed, 200)),
    codeLinesByBilled: linesPageQuery(state, byBilled(narrowed)),
    codeLinesTotals: linesTotalsQuery(state, narrowed),
  };
}
