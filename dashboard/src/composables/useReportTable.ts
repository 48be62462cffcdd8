import { computed, toValue, type ComputedRef, type MaybeRefOrGetter } from 'vue';
import type { DateRange } from '../lib/clinic-calendar.js';
import type { Formatters } from '../lib/format.js';
import type { Query } from '@cubejs-client/core';
import { BASE_MEASURES, GROUP_DEFINITIONS, REPORT_MEASURES, ROW_LIMIT, groupedQuery } from '../lib/report-query.js';
import { GROUPS, type GroupBy, type ReportState } from '../lib/report-state.js';
import {
  buildRows,
  buildTable,
  derivedOf,
  figuresOf,
  sortTable,
  type Figures,
  type RawRow,
  type ReportTable,
} from '../lib/report-table.js';
import { useCubeQuery } from './useCubeQuery.js';

interface ReportTableInput {
  state: ReportState;
  range: DateRange | null;
  /** The comparison period, when comparing. */
  comparison: DateRange | null;
  comparisonLabel: string;
  fmt: Formatters | null;
  descriptions: Record<string, string | undefined>;
}

interface ReportTableState {
  table: ComputedRef<ReportTable | null>;
  /** The grouping of the table on screen (the URL's may still be loading). */
  group: ComputedRef<GroupBy | null>;
  totals: ComputedRef<Figures | null>;
  previousTotals: ComputedRef<Figures | null | undefined>;
  /** The API's lastRefreshTime for the report's main query. */
  lastRefreshTime: ComputedRef<Date | null>;
  truncated: ComputedRef<boolean>;
  isLoading: ComputedRef<boolean>;
  /** True until the first table is on screen. */
  isFirstLoad: ComputedRef<boolean>;
  error: ComputedRef<Error | null>;
  refetch(): void;
}

function groupOf(query: Query | null): GroupBy | null {
  const dimensions = (query?.dimensions ?? []) as string[];
  return GROUPS.find((g) => dimensions.includes(GROUP_DEFINITIONS[g].key)) ?? null;
}

const rawRows = (rs: { rawData(): unknown[] } | null): RawRow[] | null => (rs ? (rs.rawData() as RawRow[]) : null);

/**
 * The report table's data: the grouped rows, and the totals from a second query without the grouping
 * dimension (so # of Visits Used counts a visit once even when it spans several groups, and money is
 * the database's exact sum, never a client-side float sum). With a comparison, both again for the
 * comparison period.
 */
export function useReportTable(input: MaybeRefOrGetter<ReportTableInput>): ReportTableState {
  // The comparison period needs only the four figures its deltas are computed from.
  const query = (period: 'current' | 'comparison', grouped: boolean) => () => {
    const i = toValue(input);
    const range = period === 'current' ? i.range : i.comparison;
    if (!range) return null;
    return groupedQuery(i.state, range, grouped ? i.state.group : null, period === 'current' ? REPORT_MEASURES : BASE_MEASURES);
  };
  const main = useCubeQuery(query('current', true));
  const total = useCubeQuery(query('current', false));
  const previous = useCubeQuery(query('comparison', true));
  const previousTotal = useCubeQuery(query('comparison', false));
  const all = [main, total, previous, previousTotal];

  const totals = computed(() => (total.resultSet.value ? figuresOf(rawRows(total.resultSet.value)?.[0]) : null));
  const previousTotals = computed(() => {
    if (!toValue(input).comparison) return undefined;
    return previousTotal.resultSet.value ? figuresOf(rawRows(previousTotal.resultSet.value)?.[0]) : null;
  });

  const table = computed<ReportTable | null>(() => {
    const i = toValue(input);
    const rows = rawRows(main.resultSet.value);
    // The grouping the rows on hand were loaded with (a newer one may be loading).
    const group = groupOf(main.resultQuery.value);
    if (!rows || !group || !totals.value || !i.fmt) return null;
    const comparing = i.comparison !== null;
    const previousRows = comparing && groupOf(previous.resultQuery.value) === group ? rawRows(previous.resultSet.value) : null;
    if (comparing && (!previousRows || !previousTotals.value)) return null;
    const built = buildTable(buildRows(group, rows, previousRows), {
      group,
      fmt: i.fmt,
      descriptions: i.descriptions,
      totals: totals.value,
      totalsDerived: derivedOf(rawRows(total.resultSet.value)?.[0]),
      ...(comparing ? { previousTotals: previousTotals.value ?? null, comparisonLabel: i.comparisonLabel } : {}),
    });
    return sortTable(built, i.state.sort);
  });

  const lastRefreshTime = computed(() => {
    const rs = main.resultSet.value;
    const text = rs?.serialize().loadResponse.results[0]?.lastRefreshTime;
    const date = text ? new Date(text) : null;
    return date && !Number.isNaN(date.getTime()) ? date : null;
  });

  const activeQueries = () => (toValue(input).comparison ? all : [main, total]);
  return {
    table,
    group: computed(() => groupOf(main.resultQuery.value)),
    totals,
    previousTotals,
    lastRefreshTime,
    truncated: computed(() => (rawRows(main.resultSet.value)?.length ?? 0) >= ROW_LIMIT),
    isLoading: computed(() => activeQueries().some((q) => q.isLoading.value)),
    isFirstLoad: computed(() => table.value === null && activeQueries().every((q) => !q.error.value)),
    error: computed(() => activeQueries().find((q) => q.error.value)?.error.value ?? null),
    refetch: () => activeQueries().forEach((q) => q.refetch()),
  };
}
