/**
 * The report's state is a public URL (docs/contract.md, "Dashboard URL"): portals deep-link with these
 * parameter names, so they never change. Parameters beyond the contract (compare, trend, sort, pivot)
 * are the dashboard's own and are omitted when they hold their default.
 */
import { isIsoDate, type ComparisonMode } from './clinic-calendar.js';
import { parseDrill, writeDrill, type DrillSelection } from './drill.js';
import { oneOf, readFilterParams, writeFilterParams, type BillingFilter } from './filter-params.js';
import { DEFAULT_MATURITY_DAYS, MAX_MATURITY_DAYS } from './payor-rates.js';

export const GROUPS = ['code', 'provider', 'payor', 'case_type', 'billing_type'] as const;
export type GroupBy = (typeof GROUPS)[number];

export type { BillingFilter } from './filter-params.js';

export type TrendGrain = 'week' | 'month';
export type SortDirection = 'asc' | 'desc';

/** In `providers`, `payors` and `case_types`, this id stands for "Self-pay" / "No case" (no id in the data). */
export const NONE_ID = 'none';

export interface ReportState {
  /** Inclusive dates of service, YYYY-MM-DD; null until the clinic's default range is known. */
  from: string | null;
  to: string | null;
  providers: string[];
  payors: string[];
  caseTypes: string[];
  /** Service codes by their code string. */
  codes: string[];
  /** Lines' exact modifiers lists (GP,59; NONE_ID for none): docs/dashboard.md, "Filters". */
  modifiers: string[];
  billing: BillingFilter | null;
  group: GroupBy;
  compare: ComparisonMode | null;
  /** The trend chart's period; null: by week for ranges up to 3 months, else by month. */
  trend: TrendGrain | null;
  sort: { column: string; direction: SortDirection } | null;
  /** Show the code × provider pivot instead of the grouped table. */
  pivot: boolean;
  /** The payor × code heatmap compares visits at least this many days old; null: 90 (lib/payor-rates.ts). */
  maturity: number | null;
  /** The visit lines open behind a figure (lib/drill.ts); null: none. */
  drill: DrillSelection | null;
}

export const DEFAULT_STATE: Readonly<ReportState> = Object.freeze({
  from: null,
  to: null,
  providers: [],
  payors: [],
  caseTypes: [],
  codes: [],
  modifiers: [],
  billing: null,
  group: 'code',
  compare: null,
  trend: null,
  sort: null,
  pivot: false,
  maturity: null,
  drill: null,
});

/** A maturity threshold in whole days, 0 to MAX_MATURITY_DAYS; anything else is the default (null). */
function maturityDays(text: string | null): number | null {
  if (text === null || !/^\d{1,4}$/.test(text)) return null;
  const days = Number(text);
  return days <= MAX_MATURITY_DAYS && days !== DEFAULT_MATURITY_DAYS ? days : null;
}

/** Reads the state from a query string; anything invalid falls back to its default. */
export function parseReportState(search: string): ReportState {
  const params = new URLSearchParams(search);
  let from = params.get('from');
  let to = params.get('to');
  if (!from || !isIsoDate(from) || !to || !isIsoDate(to)) {
    from = null;
    to = null;
  } else if (from > to) {
    [from, to] = [to, from];
  }
  const sortMatch = /^([a-z_]+):(asc|desc)$/.exec(params.get('sort') ?? '');
  return {
    from,
    to,
    ...readFilterParams(params),
    group: oneOf(params.get('group'), GROUPS) ?? 'code',
    compare: oneOf(params.get('compare'), ['previous', 'last_year'] as const),
    trend: oneOf(params.get('trend'), ['week', 'month'] as const),
    sort: sortMatch ? { column: sortMatch[1]!, direction: sortMatch[2] as SortDirection } : null,
    pivot: params.get('pivot') === 'provider',
    maturity: maturityDays(params.get('maturity')),
    drill: parseDrill(params),
  };
}

/** Writes the state as a query string (with its leading '?', or '' when everything is default). */
export function serializeReportState(state: ReportState): string {
  const params = new URLSearchParams();
  if (state.from && state.to) {
    params.set('from', state.from);
    params.set('to', state.to);
  }
  writeFilterParams(params, state);
  if (state.group !== 'code') params.set('group', state.group);
  if (state.compare) params.set('compare', state.compare);
  if (state.trend) params.set('trend', state.trend);
  if (state.sort) params.set('sort', `${state.sort.column}:${state.sort.direction}`);
  if (state.pivot) params.set('pivot', 'provider');
  if (state.maturity !== null && state.maturity !== DEFAULT_MATURITY_DAYS) params.set('maturity', String(state.maturity));
  writeDrill(params, state.drill);
  // Commas are legal in a query string and keep shared links readable.
  const text = params.toString().replace(/%2C/g, ',');
  return text ? `?${text}` : '';
}

export function sameState(a: ReportState, b: ReportState): boolean {
  return serializeReportState(a) === serializeReportState(b);
}
