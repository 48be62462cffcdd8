/**
 * Drill-through: the visit lines behind a figure (docs/contract.md, "Drill-through contract"). A drill
 * is the report's own filters, narrowed to what the clicked figure stands for (a row, a pivot cell, a
 * chart element, a heatmap cell), over the figure's dates of service (the report's range, a trend
 * period, or the compared period). The same filters on the view `visit_lines` give exactly the lines
 * that make the figure up: both views carry the filter dimensions under the same names.
 *
 * The open drill is part of the URL (parameters `drill*`, the dashboard's own, beside the contract's),
 * so a link reopens it on the same page of lines in the same order.
 */
import type { Filter, Query } from '@cubejs-client/core';
import { isIsoDate } from './clinic-calendar.js';
import { readFilterParams, writeFilterParams } from './filter-params.js';
import { reportFilters, type ReportFilterValues } from './report-query.js';
import type { ReportState, SortDirection } from './report-state.js';

/** The narrowing's filters in the URL: the report's parameter names under this prefix (drill_codes, …). */
const DRILL_PREFIX = 'drill_';

export const LINES_VIEW = 'visit_lines';
const line = (name: string): string => `${LINES_VIEW}.${name}`;

/** The figures a drill can be opened from: a measure of service_code_usage, or the lines themselves. */
export const DRILL_FIGURES = [
  'lines',
  'units_billed',
  'visits_used',
  'total_billed',
  'insurance_paid',
  'patients_seen',
  'billed_per_unit',
  'insurance_paid_per_unit',
  'insurance_paid_per_visit',
  'units_per_visit',
  'insurance_paid_ratio',
] as const;
export type DrillFigure = (typeof DRILL_FIGURES)[number];

/** The same figure over the lines (visit_lines' measure), where the lines can restate it. Patients
 * Seen cannot: the lines show no patient, so a count of distinct patients over them is not offered. */
export const LINE_MEASURE: Readonly<Record<DrillFigure, string | null>> = {
  lines: line('line_count'),
  units_billed: line('units_billed'),
  visits_used: line('visits_used'),
  total_billed: line('total_billed'),
  insurance_paid: line('insurance_paid_total'),
  patients_seen: null,
  billed_per_unit: line('billed_per_unit'),
  insurance_paid_per_unit: line('insurance_paid_per_unit'),
  insurance_paid_per_visit: line('insurance_paid_per_visit'),
  units_per_visit: line('units_per_visit'),
  insurance_paid_ratio: line('insurance_paid_ratio'),
};

/** The lines' own totals, always shown: count, visits, units, billed, insurance paid. */
export const LINE_TOTALS = [
  line('line_count'),
  line('visits_used'),
  line('units_billed'),
  line('total_billed'),
  line('insurance_paid_total'),
] as const;

type LineColumnKind = 'text' | 'date' | 'count' | 'money';
export interface LineColumn {
  id: string;
  header: string;
  member: string;
  kind: LineColumnKind;
}

/** The panel's columns, in order (and the CSV's). Every one is sortable on the server. */
export const LINE_COLUMNS: readonly LineColumn[] = [
  { id: 'date_of_service', header: 'Date of Service', member: line('date_of_service'), kind: 'date' },
  { id: 'visit_number', header: 'Visit', member: line('visit_number'), kind: 'text' },
  { id: 'line_number', header: 'Line', member: line('line_number'), kind: 'text' },
  { id: 'service_code', header: 'Service Code', member: line('service_code'), kind: 'text' },
  { id: 'service_code_description', header: 'Description', member: line('service_code_description'), kind: 'text' },
  { id: 'code_type', header: 'Code Type', member: line('code_type'), kind: 'text' },
  { id: 'billing_type', header: 'Billing Type', member: line('billing_type'), kind: 'text' },
  { id: 'provider_name', header: 'Provider', member: line('provider_name'), kind: 'text' },
  { id: 'payor_name', header: 'Payor', member: line('payor_name'), kind: 'text' },
  { id: 'case_type', header: 'Case Type', member: line('case_type'), kind: 'text' },
  { id: 'units', header: 'Units', member: line('units'), kind: 'count' },
  { id: 'billed_amount', header: 'Billed', member: line('billed_amount'), kind: 'money' },
  { id: 'insurance_paid', header: 'Insurance Paid', member: line('insurance_paid'), kind: 'money' },
  { id: 'insurance_payments', header: 'Insurance Payments', member: line('insurance_payments'), kind: 'count' },
  { id: 'last_insurance_payment_on', header: 'Last Insurance Payment', member: line('last_insurance_payment_on'), kind: 'date' },
  // The line's billing modifiers (the billing checks' lines are found by them: docs/model.md).
  { id: 'modifiers', header: 'Modifiers', member: line('modifiers'), kind: 'text' },
];
export type LineColumnId = (typeof LINE_COLUMNS)[number]['id'];

/** The unique, stable last key of every order: pages never overlap or skip a line. */
const TIE_BREAK = line('line_number');

export const LINES_PAGE_SIZE = 50;
/** Lines per request when the CSV export reads all of them (the server's row limit is 50,000). */
export const EXPORT_BATCH = 10_000;

/**
 * The billing checks (docs/model.md, "Billing checks"): a check's lines are the figure's lines that
 * its own Yes/No dimension (or the insurance status) marks, on both views — the same SQL as its count.
 */
export const DRILL_CHECKS = {
  distinct_procedure: { label: 'Lines with 59/X{EPSU}', member: 'has_distinct_procedure_modifier', values: ['Yes'] },
  medicare_cmt_without_at: { label: 'Medicare CMT without AT', member: 'medicare_cmt_without_at', values: ['Yes'] },
  kx: { label: 'Lines with KX', member: 'has_kx', values: ['Yes'] },
  unpaid: { label: 'Unpaid insurance lines', member: 'insurance_status', values: ['Unpaid', 'Paid under 50%'] },
} as const;
export type DrillCheck = keyof typeof DRILL_CHECKS;

export interface DrillSelection {
  figure: DrillFigure;
  /** A billing check the lines must meet (ANDed with the rest); null: none. */
  check?: DrillCheck | null;
  /** Which dates the figure covers: the report's range (or a part of it), or the compared period. */
  period: 'report' | 'comparison';
  /** Inclusive dates of service of the figure. */
  from: string;
  to: string;
  /** What the figure narrows the report's filters to (ANDed with them). */
  narrow: ReportFilterValues;
  sort: { column: string; direction: SortDirection } | null;
  /** 1-based page of lines. */
  page: number;
}

export const NO_NARROWING: Readonly<ReportFilterValues> = Object.freeze({
  providers: [],
  payors: [],
  caseTypes: [],
  codes: [],
  modifiers: [],
  billing: null,
});

/** A drill of `figure` over `range`, narrowed by `narrow`: the first page, default order. */
export function drillOf(
  figure: DrillFigure,
  range: { from: string; to: string },
  narrow: Partial<ReportFilterValues> = {},
  period: DrillSelection['period'] = 'report',
): DrillSelection {
  return { figure, period, from: range.from, to: range.to, narrow: { ...NO_NARROWING, ...narrow }, sort: null, page: 1 };
}

/** Reads the open drill from a query string; null when none is open or it is not valid. */
export function parseDrill(params: URLSearchParams): DrillSelection | null {
  const figure = params.get('drill');
  if (!figure || !(DRILL_FIGURES as readonly string[]).includes(figure)) return null;
  const from = params.get('drill_from');
  const to = params.get('drill_to');
  if (!from || !to || !isIsoDate(from) || !isIsoDate(to) || from > to) return null;
  const sortMatch = /^([a-z_]+):(asc|desc)$/.exec(params.get('drill_sort') ?? '');
  const sortColumn = sortMatch && LINE_COLUMNS.some((c) => c.id === sortMatch[1]) ? sortMatch[1]! : null;
  const page = Number(params.get('drill_page') ?? '1');
  const check = (Object.keys(DRILL_CHECKS) as DrillCheck[]).find((c) => c === params.get('drill_check'));
  return {
    ...(check ? { check } : {}),
    figure: figure as DrillFigure,
    period: params.get('drill_period') === 'comparison' ? 'comparison' : 'report',
    from,
    to,
    narrow: readFilterParams(params, DRILL_PREFIX),
    sort: sortColumn ? { column: sortColumn, direction: sortMatch![2] as SortDirection } : null,
    page: Number.isInteger(page) && page >= 1 && page <= 1_000_000 ? page : 1,
  };
}

/** Writes the drill into `params` (nothing when none is open). */
export function writeDrill(params: URLSearchParams, drill: DrillSelection | null): void {
  if (!drill) return;
  params.set('drill', drill.figure);
  if (drill.period === 'comparison') params.set('drill_period', 'comparison');
  params.set('drill_from', drill.from);
  params.set('drill_to', drill.to);
  writeFilterParams(params, drill.narrow, DRILL_PREFIX);
  if (drill.check) params.set('drill_check', drill.check);
  if (drill.sort) params.set('drill_sort', `${drill.sort.column}:${drill.sort.direction}`);
  if (drill.page > 1) params.set('drill_page', String(drill.page));
}

/** The Cube filters of a drill on `view`: the report's filters AND the figure's narrowing. Both
 * lists are top-level (ANDed), so a narrowing can only narrow. */
export function drillFilters(state: ReportFilterValues, drill: DrillSelection, view: string): Filter[] {
  const check = drill.check ? DRILL_CHECKS[drill.check] : null;
  return [
    ...reportFilters(state, view),
    ...reportFilters(drill.narrow, view),
    ...(check ? [{ member: `${view}.${check.member}`, operator: 'equals' as const, values: [...check.values] }] : []),
  ];
}

function dateRange(drill: DrillSelection): { dimension: string; dateRange: [string, string] } {
  return { dimension: line('date_of_service'), dateRange: [drill.from, drill.to] };
}

/** The part of a drill's dates one query of lines reads, and which of those lines it returns. */
export interface LinesWindow {
  from: string;
  to: string;
  offset: number;
  limit: number;
}

/** One page of lines, ordered by the chosen column and then by line (server-side limit/offset). */
export function linesPageQuery(state: ReportFilterValues, drill: DrillSelection, pageSize = LINES_PAGE_SIZE): Query {
  return linesBatchQuery(state, drill, (drill.page - 1) * pageSize, pageSize);
}

/** Lines from `offset`, at most `limit` of them, in the drill's order (the export reads them in batches). */
export function linesBatchQuery(state: ReportFilterValues, drill: DrillSelection, offset: number, limit: number): Query {
  return linesWindowQuery(state, drill, { from: drill.from, to: drill.to, offset, limit });
}

/** The lines of `window` in the drill's order: the whole range, or the months a page spans (drill-months.ts). */
export function linesWindowQuery(state: ReportFilterValues, drill: DrillSelection, window: LinesWindow): Query {
  const sorted = drill.sort ? LINE_COLUMNS.find((c) => c.id === drill.sort!.column) : undefined;
  const order: [string, SortDirection][] = sorted ? [[sorted.member, drill.sort!.direction]] : [[line('date_of_service'), 'asc']];
  if (order[0]![0] !== TIE_BREAK) order.push([TIE_BREAK, 'asc']);
  return {
    dimensions: LINE_COLUMNS.map((c) => c.member),
    timeDimensions: [{ dimension: line('date_of_service'), dateRange: [window.from, window.to] }],
    filters: drillFilters(state, drill, LINES_VIEW),
    order,
    limit: window.limit,
    offset: window.offset,
    // Lines, not groups: without GROUP BY the database sorts the clinic-year's items and returns one
    // page; grouping by every column cost 4× as much at 10 M items (BENCHMARKS.md, "Drill-through").
    ungrouped: true,
  };
}

/** The lines' own totals (and the drilled figure restated over them, when it can be). */
export function linesTotalsQuery(state: ReportFilterValues, drill: DrillSelection): Query {
  const restated = LINE_MEASURE[drill.figure];
  return {
    measures: [...new Set([...LINE_TOTALS, ...(restated ? [restated] : [])])],
    timeDimensions: [dateRange(drill)],
    filters: drillFilters(state, drill, LINES_VIEW),
  };
}

/** The drilled figure as the report computes it (service_code_usage), to show that the lines equal it. */
export function reportFigureQuery(state: ReportFilterValues, drill: DrillSelection): Query | null {
  if (drill.figure === 'lines') return null;
  const member = `service_code_usage.${drill.figure}`;
  return {
    measures: [member],
    timeDimensions: [{ dimension: 'service_code_usage.date_of_service', dateRange: [drill.from, drill.to] }],
    filters: drillFilters(state, drill, 'service_code_usage'),
  };
}

/** Only the report's filter fields of a state (what a drill combines with its narrowing). */
export function filterValuesOf(state: ReportState): ReportFilterValues {
  return {
    providers: state.providers,
    payors: state.payors,
    caseTypes: state.caseTypes,
    codes: state.codes,
    modifiers: state.modifiers,
    billing: state.billing,
  };
}
