import { computed, toValue, type ComputedRef, type MaybeRefOrGetter } from 'vue';
import type { Query } from '@cubejs-client/core';
import {
  EXPORT_BATCH,
  LINE_MEASURE,
  LINE_TOTALS,
  LINES_PAGE_SIZE,
  linesBatchQuery,
  linesPageQuery,
  linesTotalsQuery,
  linesWindowQuery,
  reportFigureQuery,
  type DrillSelection,
  type LinesWindow,
} from '../lib/drill.js';
import { firstMonthWindow, inDateOrder, linesWindow, monthLinesOf, monthLinesQuery, totalLines } from '../lib/drill-months.js';
import type { ReportFilterValues } from '../lib/report-query.js';
import { useCubeClient } from './useCubeApi.js';
import { useCubeQuery, type CubeQueryState } from './useCubeQuery.js';

type RawRow = Record<string, unknown>;

interface DrillInput {
  /** The report's filters (the drill narrows them). */
  filters: ReportFilterValues;
  drill: DrillSelection;
}

interface LineTotals {
  lines: bigint;
  visits: string;
  units: string;
  billed: string;
  paid: string;
}

export interface DrillLines {
  /** One page of lines (raw API rows, members as keys). */
  rows: ComputedRef<RawRow[] | null>;
  totals: ComputedRef<LineTotals | null>;
  /** How many lines the drill has: the lines' own count, or the months' counts until it comes. */
  lineCount: ComputedRef<bigint | null>;
  /** The drilled figure restated over the lines (undefined: it cannot be, e.g. Patients Seen). */
  restated: ComputedRef<unknown>;
  /** The drilled figure as the report computes it (undefined: the drill is of the lines themselves). */
  reported: ComputedRef<unknown>;
  isLoading: ComputedRef<boolean>;
  /** True while the page shown is not yet the one asked for (a newer page or order is loading). */
  pageLoading: ComputedRef<boolean>;
  error: ComputedRef<Error | null>;
  refetch(): void;
  /** Every line of the drill, in its order, read in batches of EXPORT_BATCH (never all at once). */
  readAll(): Promise<RawRow[]>;
}

/** The rows `state` holds for `query` itself, of every range it compares; null while it loads (never
 * an earlier query's rows). */
function rowsFor(state: CubeQueryState, query: Query | null): RawRow[] | null {
  if (!query || !state.resultSet.value || JSON.stringify(state.resultQuery.value) !== JSON.stringify(query)) return null;
  return state.resultSet.value.decompose().flatMap((part) => part.rawData() as RawRow[]);
}

/**
 * The data of the drill panel: a page of lines, the lines' totals and the report's figure beside them.
 * In date order a page reads only the months it spans (lib/drill-months.ts): page 1 asks for the first
 * month at once, beside the months' line counts; any other page waits for the counts. When the counts
 * fail, or do not add up to the lines' own count, pages read the whole range (exact, slower).
 */
export function useDrillLines(input: MaybeRefOrGetter<DrillInput>): DrillLines {
  const client = useCubeClient();
  const monthsQuery = computed(() => {
    const i = toValue(input);
    return inDateOrder(i.drill) ? monthLinesQuery(i.filters, i.drill) : null;
  });
  const months = useCubeQuery(monthsQuery);
  const totalsOfLines = computed(() => {
    const i = toValue(input);
    return linesTotalsQuery(i.filters, i.drill);
  });
  const totalsQuery = useCubeQuery(totalsOfLines);
  const counts = computed(() => {
    const rows = rowsFor(months, monthsQuery.value);
    return rows ? monthLinesOf(rows) : null;
  });
  const [count, visits, units, billed, paid] = LINE_TOTALS;
  // The lines' own totals, of this drill's query only.
  const totalsRow = computed(() => rowsFor(totalsQuery, totalsOfLines.value)?.[0] ?? null);
  const totals = computed<LineTotals | null>(() => {
    const row = totalsRow.value;
    if (!row) return null;
    const text = (member: string, zero: string) => (row[member] === null || row[member] === undefined ? zero : String(row[member]));
    return {
      lines: BigInt(text(count, '0')),
      visits: text(visits, '0'),
      units: text(units, '0'),
      billed: text(billed, '0.00'),
      paid: text(paid, '0.00'),
    };
  });
  /** Null: read the whole range; 'wait': the counts are needed and not here yet. */
  const pageWindow = computed<LinesWindow | 'wait' | null>(() => {
    const { drill } = toValue(input);
    if (!inDateOrder(drill) || months.error.value) return null;
    const monthCounts = counts.value;
    if (!monthCounts) return drill.page === 1 ? firstMonthWindow(drill) : 'wait';
    if (totals.value && totals.value.lines !== BigInt(totalLines(monthCounts))) return null;
    return linesWindow(drill, monthCounts, (drill.page - 1) * LINES_PAGE_SIZE, LINES_PAGE_SIZE);
  });
  const pageQuery = computed(() => {
    const { filters, drill } = toValue(input);
    const w = pageWindow.value;
    if (w === 'wait') return null;
    return w ? linesWindowQuery(filters, drill, w) : linesPageQuery(filters, drill);
  });
  const page = useCubeQuery(pageQuery);
  const figureQuery = useCubeQuery(() => {
    const i = toValue(input);
    return reportFigureQuery(i.filters, i.drill);
  });

  const restated = computed(() => {
    const member = LINE_MEASURE[toValue(input).drill.figure];
    return member && totalsRow.value ? (totalsRow.value[member] ?? null) : undefined;
  });
  const reported = computed(() => {
    const { drill } = toValue(input);
    if (drill.figure === 'lines') return undefined;
    const row = (figureQuery.resultSet.value?.rawData()[0] as RawRow | undefined) ?? null;
    return row ? (row[`service_code_usage.${drill.figure}`] ?? null) : undefined;
  });
  const rows = computed(() => {
    const result = page.resultSet.value ? (page.resultSet.value.rawData() as RawRow[]) : null;
    // Page 1 read from the first month before the counts came: a page only if that month filled it.
    const { drill } = toValue(input);
    const w = pageWindow.value;
    const provisional = counts.value === null && w !== null && w !== 'wait' && (w.from !== drill.from || w.to !== drill.to);
    return result && provisional && result.length < LINES_PAGE_SIZE ? null : result;
  });
  const lineCount = computed(() => {
    const own = totals.value?.lines;
    if (own !== undefined) return own;
    return counts.value ? BigInt(totalLines(counts.value)) : null;
  });
  const isLoading = computed(
    () => page.isLoading.value || months.isLoading.value || totalsQuery.isLoading.value || figureQuery.isLoading.value,
  );
  const error = computed(() => page.error.value ?? totalsQuery.error.value ?? figureQuery.error.value);

  async function readAll(): Promise<RawRow[]> {
    const { filters, drill } = toValue(input);
    const all: RawRow[] = [];
    for (let offset = 0; ; offset += EXPORT_BATCH) {
      const batch = (await client.load(linesBatchQuery(filters, drill, offset, EXPORT_BATCH))).rawData() as RawRow[];
      all.push(...batch);
      if (batch.length < EXPORT_BATCH) return all;
    }
  }

  return {
    rows,
    totals,
    lineCount,
    restated,
    reported,
    isLoading,
    pageLoading: computed(() => page.isLoading.value || pageQuery.value === null || rows.value === null),
    error,
    refetch() {
      months.refetch();
      page.refetch();
      totalsQuery.refetch();
      figureQuery.refetch();
    },
    readAll,
  };
}
