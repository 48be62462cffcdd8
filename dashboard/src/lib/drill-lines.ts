/**
 * What the drill panel shows around the lines (lib/drill.ts has the selection and its queries): which
 * drill a table cell, a pivot cell or a summary figure opens, the drill in words, a line's values as
 * text, and the CSV's header lines.
 */
import type { DateRange } from './clinic-calendar.js';
import { centsToDecimal, toCents, toCount } from './decimal.js';
import { DRILL_CHECKS, drillOf, type DrillFigure, type DrillSelection, type LineColumn } from './drill.js';
import { filterSummary } from './filter-summary.js';
import type { Formatters } from './format.js';
import { GROUP_DEFINITIONS, type ReportFilterValues } from './report-query.js';
import { NONE_ID, type GroupBy, type ReportState } from './report-state.js';

/** The message a framed page posts to its parent when a drill opens (the future `scu-drill` event). */
export const DRILL_MESSAGE = 'service-code-usage:drill';

type FigureKind = 'count' | 'money' | 'decimal' | 'percent';

/** Each figure's header, as the report table writes it, and how its value reads. */
export const FIGURE_INFO: Readonly<Record<DrillFigure, { label: string; kind: FigureKind }>> = {
  lines: { label: 'Lines', kind: 'count' },
  units_billed: { label: 'Units Billed', kind: 'count' },
  visits_used: { label: '# of Visits Used', kind: 'count' },
  total_billed: { label: 'Total Billed', kind: 'money' },
  insurance_paid: { label: 'Insurance Paid', kind: 'money' },
  patients_seen: { label: 'Patients Seen', kind: 'count' },
  billed_per_unit: { label: 'Billed per Unit', kind: 'money' },
  insurance_paid_per_unit: { label: 'Paid per Unit', kind: 'money' },
  insurance_paid_per_visit: { label: 'Paid per Visit', kind: 'money' },
  units_per_visit: { label: 'Units per Visit', kind: 'decimal' },
  insurance_paid_ratio: { label: 'Paid ÷ Billed', kind: 'percent' },
};

/** The figure behind each figure column of the report table (lib/report-table.ts's column ids). */
const COLUMN_FIGURES: Readonly<Record<string, DrillFigure>> = {
  units_billed: 'units_billed',
  visits_used: 'visits_used',
  total_billed: 'total_billed',
  insurance_paid: 'insurance_paid',
  patients_seen: 'patients_seen',
  billed_per_unit: 'billed_per_unit',
  paid_per_unit: 'insurance_paid_per_unit',
  paid_per_visit: 'insurance_paid_per_visit',
  units_per_visit: 'units_per_visit',
  paid_ratio: 'insurance_paid_ratio',
  // A share of the total is read from its units.
  unit_share: 'units_billed',
};

/** The figure and period of a report-table column: a Δ column opens its base figure in the compared period. */
export function columnFigure(columnId: string): { figure: DrillFigure; period: DrillSelection['period'] } | null {
  const change = /^(.+)_change$/.exec(columnId);
  const figure = COLUMN_FIGURES[change ? change[1]! : columnId];
  if (!figure) return null;
  return { figure, period: change ? 'comparison' : 'report' };
}

/** What a row of the table grouped by `group` narrows the report to (its id is the row's filter value). */
export function rowNarrowing(group: GroupBy, rowId: string): Partial<ReportFilterValues> {
  const filter = GROUP_DEFINITIONS[group].filter;
  if (filter === 'billing') return { billing: rowId === 'non-billable' ? 'non-billable' : 'billable' };
  return { [filter]: [rowId] };
}

export interface CellDrillContext {
  /** The table on screen: grouped by `group`, or the code × provider pivot. */
  pivot: boolean;
  group: GroupBy;
  range: DateRange;
  comparison: DateRange | null;
}

/** The drill a figure cell opens; `rowId` null for the totals row; null when the cell is no figure. */
export function cellDrill(ctx: CellDrillContext, rowId: string | null, columnId: string): DrillSelection | null {
  if (ctx.pivot) {
    const provider = /^provider_(.+)$/.exec(columnId);
    if (!provider && columnId !== 'units_billed') return null;
    const narrow: Partial<ReportFilterValues> = {};
    if (rowId !== null) narrow.codes = [rowId];
    if (provider) narrow.providers = [provider[1]!];
    return drillOf('units_billed', ctx.range, narrow);
  }
  const opened = columnFigure(columnId);
  if (!opened) return null;
  const range = opened.period === 'comparison' ? ctx.comparison : ctx.range;
  if (!range) return null;
  return drillOf(opened.figure, range, rowId === null ? {} : rowNarrowing(ctx.group, rowId), opened.period);
}

interface NamedOption {
  id: string;
  label: string;
}
export type DrillOptionLists = Partial<Record<'providers' | 'payors' | 'caseTypes', readonly NamedOption[]>>;

/** Names of `ids`: "…" while their list is still loading (a bare id reads like a figure), "#id" if absent from it. */
function names(ids: readonly string[], options: readonly NamedOption[] | undefined): string[] {
  if (!options?.length) return ids.map(() => '…');
  const byId = new Map(options.map((o) => [o.id, o.label]));
  return ids.map((id) => byId.get(id) ?? `#${id}`);
}

/** A modifiers list in words: "modifiers GP,59", or "no modifier" (NONE_ID). */
function modifiersText(modifiers: string): string {
  return modifiers === NONE_ID ? 'no modifier' : `modifiers ${modifiers}`;
}

/** What a drill narrows to, in names (not ids): ["97140", "Jane Roe, DC"]; empty when nothing. */
export function narrowingNames(narrow: ReportFilterValues, options: DrillOptionLists): string[] {
  return [
    ...narrow.codes,
    ...(narrow.modifiers ?? []).map(modifiersText),
    ...names(narrow.providers, options.providers),
    ...names(narrow.payors, options.payors),
    ...names(narrow.caseTypes, options.caseTypes),
    ...(narrow.billing ? [narrow.billing === 'billable' ? 'Billable' : 'Non-billable'] : []),
  ];
}

/** The drill in words: "Units Billed of 97140, Jul 1 – Sep 30, 2026 (compared period)". */
export function drillTitle(drill: DrillSelection, options: DrillOptionLists, fmt: Formatters): string {
  const parts = narrowingNames(drill.narrow, options);
  const label = drill.check ? DRILL_CHECKS[drill.check].label : FIGURE_INFO[drill.figure].label;
  const what = `${label} of ${parts.length ? parts.join(', ') : 'the total'}`;
  return `${what}, ${fmt.dateRange(drill.from, drill.to)}${drill.period === 'comparison' ? ' (compared period)' : ''}`;
}

/** A figure as the report shows it (the API's exact text in, display text out); "—" when empty. */
export function figureText(figure: DrillFigure, value: unknown, fmt: Formatters): string {
  if (value === null || value === undefined || value === '') return '—';
  switch (FIGURE_INFO[figure].kind) {
    case 'count':
      return fmt.count(toCount(value));
    case 'money':
      return fmt.money(toCents(value));
    case 'decimal':
      return fmt.decimal(Number(value));
    case 'percent':
      return fmt.percent(Number(value));
  }
}

/** Two of the API's decimal texts hold the same number ("212" and "212.00"; both empty). */
export function sameDecimal(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown) => {
    if (v === null || v === undefined || v === '') return null;
    const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(String(v).trim());
    if (!m) return String(v);
    const whole = m[2]!.replace(/^0+(?=\d)/, '') || '0';
    const fraction = (m[3] ?? '').replace(/0+$/, '');
    const zero = whole === '0' && fraction === '';
    return `${m[1] && !zero ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
  };
  return canonical(a) === canonical(b);
}

/** A line's value on screen, in the page's formats; "—" when empty. */
export function lineText(column: LineColumn, value: unknown, fmt: Formatters): string {
  if (value === null || value === undefined || value === '') return '—';
  switch (column.kind) {
    case 'date':
      return fmt.date(String(value).slice(0, 10));
    case 'money':
      return fmt.money(toCents(value));
    case 'count':
      return fmt.count(toCount(value));
    case 'text':
      return String(value);
  }
}

/** A line's value in the CSV: exact, without formatting (dates YYYY-MM-DD, money with two places). */
export function lineCsvValue(column: LineColumn, value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  switch (column.kind) {
    case 'date':
      return String(value).slice(0, 10);
    case 'money':
      return centsToDecimal(toCents(value));
    case 'count':
      return toCount(value).toString();
    case 'text':
      return String(value);
  }
}

/**
 * The CSV's header lines: the report's filter lines (as its own CSV writes them) over the drill's
 * dates, then what the lines were opened from.
 */
export function drillCsvHeader(
  state: ReportState,
  drill: DrillSelection,
  options: DrillOptionLists,
  fmt: Formatters | null,
  clinic: string,
): [string, string][] {
  const report = filterSummary({ ...state, from: drill.from, to: drill.to }, options, fmt, { clinic }).filter(
    ([label]) => label !== 'Rows by',
  );
  const narrowed = narrowingNames(drill.narrow, options);
  return [
    ...report,
    ['Figure', drill.check ? DRILL_CHECKS[drill.check].label : FIGURE_INFO[drill.figure].label],
    ['Lines of', narrowed.length ? narrowed.join('; ') : 'Total'],
    ['Period', drill.period === 'comparison' ? 'Compared period' : 'Report period'],
  ];
}
