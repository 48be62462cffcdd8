/**
 * The Cube queries behind the report, built from the URL state. Member names are docs/contract.md's public
 * view `service_code_usage`; dates are always explicit YYYY-MM-DD ranges (the server runs every query
 * in UTC so a date of service never shifts; relative ranges would be resolved in the wrong zone).
 */
import type { Filter, Query } from '@cubejs-client/core';
import type { DateRange } from './clinic-calendar.js';
import { NONE_ID, type GroupBy, type ReportState, type TrendGrain } from './report-state.js';

const VIEW = 'service_code_usage';
export const m = (name: string): string => `${VIEW}.${name}`;

export const MEASURES = {
  units: m('units_billed'),
  visits: m('visits_used'),
  billed: m('total_billed'),
  paid: m('insurance_paid'),
} as const;
export const BASE_MEASURES = Object.values(MEASURES);

/** The model's derived measures (its definitions, rounding included, are in their /meta descriptions). */
export const DERIVED_MEASURES = {
  patients: m('patients_seen'),
  billedPerUnit: m('billed_per_unit'),
  paidPerUnit: m('insurance_paid_per_unit'),
  paidPerVisit: m('insurance_paid_per_visit'),
  unitsPerVisit: m('units_per_visit'),
  paidRatio: m('insurance_paid_ratio'),
} as const;

/** Every measure the report table shows. */
export const REPORT_MEASURES = [...BASE_MEASURES, ...Object.values(DERIVED_MEASURES)];

export const DATE_OF_SERVICE = m('date_of_service');

interface GroupDefinition {
  /** Header of the group's first column. */
  label: string;
  /** The dimension that identifies a row (what a filter or drill-down uses). */
  key: string;
  /** The dimension shown as the row's name. */
  name: string;
  /** More dimensions shown as their own columns. */
  details: { member: string; label: string }[];
  /** The URL filter the key narrows. */
  filter: 'providers' | 'payors' | 'caseTypes' | 'codes' | 'billing';
}

export const GROUP_DEFINITIONS: Readonly<Record<GroupBy, GroupDefinition>> = {
  code: {
    label: 'Service Code',
    key: m('service_code'),
    name: m('service_code'),
    details: [
      { member: m('service_code_description'), label: 'Description' },
      { member: m('code_type'), label: 'Code Type' },
    ],
    filter: 'codes',
  },
  provider: { label: 'Provider', key: m('provider_id'), name: m('provider_name'), details: [], filter: 'providers' },
  payor: { label: 'Payor', key: m('payor_id'), name: m('payor_name'), details: [], filter: 'payors' },
  case_type: { label: 'Case Type', key: m('case_type_id'), name: m('case_type'), details: [], filter: 'caseTypes' },
  billing_type: { label: 'Billing Type', key: m('billing_type'), name: m('billing_type'), details: [], filter: 'billing' },
};

export const GROUP_LABELS: Readonly<Record<GroupBy, string>> = {
  code: 'Service code',
  provider: 'Provider',
  payor: 'Payor',
  case_type: 'Case type',
  billing_type: 'Billing type',
};

/** The cap on rows per query; the report says so if a result reaches it. */
export const ROW_LIMIT = 10_000;

function idFilter(member: string, ids: readonly string[]): Filter | null {
  const real = ids.filter((id) => id !== NONE_ID);
  const parts: Filter[] = [];
  if (real.length) parts.push({ member, operator: 'equals', values: real });
  if (ids.includes(NONE_ID)) parts.push({ member, operator: 'notSet' });
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0]! : { or: parts };
}

/** The report's filters (dates excepted): the state's, or a drill-through's narrowing of them. */
export type ReportFilterValues = Pick<ReportState, 'providers' | 'payors' | 'caseTypes' | 'codes' | 'billing'> &
  Partial<Pick<ReportState, 'modifiers'>>;

/**
 * The Cube filters for the state's report filters (dates excepted), on `view`: the payment_maturity
 * and visit_lines views carry the same filter dimensions under the same names.
 */
export function reportFilters(state: ReportFilterValues, view: string = VIEW): Filter[] {
  const v = (name: string) => `${view}.${name}`;
  const filters: (Filter | null)[] = [
    idFilter(v('provider_id'), state.providers),
    idFilter(v('payor_id'), state.payors),
    idFilter(v('case_type_id'), state.caseTypes),
    state.codes.length === 0 ? null : { member: v('service_code'), operator: 'equals', values: state.codes },
    // A line's exact modifiers list; NONE_ID: lines without any (served by billing_by_day).
    idFilter(v('modifiers'), state.modifiers ?? []),
    state.billing
      ? { member: v('billing_type'), operator: 'equals', values: [state.billing === 'billable' ? 'Billable' : 'Non-billable'] }
      : null,
  ];
  return filters.filter((f): f is Filter => f !== null);
}

function dateRangeOf(range: DateRange): [string, string] {
  return [range.from, range.to];
}

/** One row per group with the report's measures (and the totals query when `group` is null). */
export function groupedQuery(state: ReportState, range: DateRange, group: GroupBy | null, measures: readonly string[]): Query {
  const def = group ? GROUP_DEFINITIONS[group] : null;
  const dimensions = def ? [...new Set([def.key, def.name, ...def.details.map((d) => d.member)])] : [];
  return {
    measures: [...measures],
    dimensions,
    timeDimensions: [{ dimension: DATE_OF_SERVICE, dateRange: dateRangeOf(range) }],
    filters: reportFilters(state),
    ...(def ? { order: { [def.name]: 'asc' as const }, limit: ROW_LIMIT } : {}),
  };
}

/** Units billed by service code and provider, for the code × provider pivot. */
export function pivotQuery(state: ReportState, range: DateRange): Query {
  return {
    measures: [MEASURES.units],
    dimensions: [m('service_code'), m('provider_id'), m('provider_name')],
    timeDimensions: [{ dimension: DATE_OF_SERVICE, dateRange: dateRangeOf(range) }],
    filters: reportFilters(state),
    limit: ROW_LIMIT,
  };
}

export function trendQuery(state: ReportState, range: DateRange, grain: TrendGrain): Query {
  return {
    measures: [...BASE_MEASURES],
    timeDimensions: [{ dimension: DATE_OF_SERVICE, dateRange: dateRangeOf(range), granularity: grain }],
    filters: reportFilters(state),
    order: { [DATE_OF_SERVICE]: 'asc' },
  };
}

/** The dimensions each filter's list of choices is read from: an id (or code) and what is shown. */
export const OPTION_DIMENSIONS = {
  providers: [m('provider_id'), m('provider_name')],
  payors: [m('payor_id'), m('payor_name')],
  caseTypes: [m('case_type_id'), m('case_type')],
  codes: [m('code_type'), m('service_code_description'), m('service_code')],
  modifiers: [m('modifiers')],
} as const satisfies Record<string, readonly string[]>;

/** The distinct values of a filter's dimensions (all dates: a filter list does not shrink with the range). */
export function optionsQuery(dimensions: readonly string[]): Query {
  return { dimensions: [...dimensions], order: { [dimensions[dimensions.length - 1]!]: 'asc' }, limit: ROW_LIMIT };
}

/** The measure `figure` ranks by, over one dimension set, top `limit` (limit null: all). */
function rankingQuery(
  state: ReportState,
  range: DateRange,
  dimensions: readonly string[],
  measures: readonly string[],
  orderBy: string,
  limit: number,
): Query {
  return {
    measures: [...measures],
    dimensions: [...dimensions],
    timeDimensions: [{ dimension: DATE_OF_SERVICE, dateRange: dateRangeOf(range) }],
    filters: reportFilters(state),
    order: { [orderBy]: 'desc' },
    limit,
  };
}

/**
 * Insurance paid and units by payor and service code, for the payor × code heatmap (payors only:
 * self-pay has no insurance to compare). With the range's mature part (lib/payor-rates.ts) when it is
 * not the whole range: both in one request, as Cube's compareDateRange (the range's rows, then the
 * mature part's).
 */
export function payorCodeQuery(state: ReportState, range: DateRange, mature: DateRange | null = range): Query {
  const whole = !mature || (mature.from === range.from && mature.to === range.to);
  return {
    measures: [MEASURES.paid, MEASURES.units],
    dimensions: [m('payor_id'), m('payor_name'), m('service_code')],
    timeDimensions: [
      whole
        ? { dimension: DATE_OF_SERVICE, dateRange: dateRangeOf(range) }
        : { dimension: DATE_OF_SERVICE, compareDateRange: [dateRangeOf(range), dateRangeOf(mature)] },
    ],
    filters: [...reportFilters(state), { member: m('payor_id'), operator: 'set' }],
    limit: ROW_LIMIT,
  };
}

/** The token's own clinic: its name, calendar and currency (the `clinic` view). */
export const CLINIC_QUERY: Query = { dimensions: ['clinic.name', 'clinic.timezone', 'clinic.currency'] };

/** The codes the top-codes chart shows. */
const TOP_CODES = 10;

/** The top codes by one figure (the top-codes chart). */
export function topCodesQuery(state: ReportState, range: DateRange, measure: string): Query {
  return rankingQuery(state, range, [m('service_code'), m('service_code_description')], [measure], measure, TOP_CODES);
}

/** Every payor by one figure (the payor-mix chart: it shows the largest and sums the rest). */
export function payorMixQuery(state: ReportState, range: DateRange, measure: string): Query {
  return rankingQuery(state, range, [m('payor_id'), m('payor_name')], [measure], measure, 1000);
}

export const MATURITY = {
  paid: 'payment_maturity.insurance_paid',
  bucket: 'payment_maturity.days_to_payment',
  bucketOrder: 'payment_maturity.days_to_payment_order',
  date: 'payment_maturity.date_of_service',
} as const;

/** Insurance paid by days-to-payment bucket and period of service. */
export function maturityQuery(state: ReportState, range: DateRange, grain: TrendGrain): Query {
  return {
    measures: [MATURITY.paid],
    dimensions: [MATURITY.bucket, MATURITY.bucketOrder],
    timeDimensions: [{ dimension: MATURITY.date, dateRange: dateRangeOf(range), granularity: grain }],
    filters: reportFilters(state, 'payment_maturity'),
    order: { [MATURITY.date]: 'asc', [MATURITY.bucketOrder]: 'asc' },
    limit: ROW_LIMIT,
  };
}
