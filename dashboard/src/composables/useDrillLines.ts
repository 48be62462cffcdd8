import { computed, toValue, type ComputedRef, type MaybeRefOrGetter, type Ref } from 'vue';
import {
  EXPORT_BATCH,
  LINE_MEASURE,
  LINE_TOTALS,
  linesBatchQuery,
  linesPageQuery,
  linesTotalsQuery,
  reportFigureQuery,
  type DrillSelection,
} from '../lib/drill.js';
import type { ReportFilterValues } from '../lib/report-query.js';
import { useCubeClient } from './useCubeApi.js';
import { useCubeQuery } from './useCubeQuery.js';

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
  /** The drilled figure restated over the lines (undefined: it cannot be, e.g. Patients Seen). */
  restated: ComputedRef<unknown>;
  /** The drilled figure as the report computes it (undefined: the drill is of the lines themselves). */
  reported: ComputedRef<unknown>;
  isLoading: ComputedRef<boolean>;
  /** True while the page shown is not yet the one asked for (a newer page or order is loading). */
  pageLoading: Ref<boolean>;
  error: ComputedRef<Error | null>;
  refetch(): void;
  /** Every line of the drill, in its order, read in batches of EXPORT_BATCH (never all at once). */
  readAll(): Promise<RawRow[]>;
}

/** The data of the drill panel: a page of lines, the lines' totals and the report's figure beside them. */
export function useDrillLines(input: MaybeRefOrGetter<DrillInput>): DrillLines {
  const client = useCubeClient();
  const page = useCubeQuery(() => {
    const i = toValue(input);
    return linesPageQuery(i.filters, i.drill);
  });
  const totalsQuery = useCubeQuery(() => {
    const i = toValue(input);
    return linesTotalsQuery(i.filters, i.drill);
  });
  const figureQuery = useCubeQuery(() => {
    const i = toValue(input);
    return reportFigureQuery(i.filters, i.drill);
  });

  const first = (q: typeof page): RawRow | null => (q.resultSet.value?.rawData()[0] as RawRow | undefined) ?? null;
  const totalsRow = computed(() => first(totalsQuery));
  const [count, visits, units, billed, paid] = LINE_TOTALS;
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
  const restated = computed(() => {
    const member = LINE_MEASURE[toValue(input).drill.figure];
    return member && totalsRow.value ? (totalsRow.value[member] ?? null) : undefined;
  });
  const reported = computed(() => {
    const { drill } = toValue(input);
    if (drill.figure === 'lines') return undefined;
    const row = first(figureQuery);
    return row ? (row[`service_code_usage.${drill.figure}`] ?? null) : undefined;
  });
  const rows = computed(() => (page.resultSet.value ? (page.resultSet.value.rawData() as RawRow[]) : null));
  const isLoading = computed(() => page.isLoading.value || totalsQuery.isLoading.value || figureQuery.isLoading.value);
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
    restated,
    reported,
    isLoading,
    pageLoading: page.isLoading,
    error,
    refetch() {
      page.refetch();
      totalsQuery.refetch();
      figureQuery.refetch();
    },
    readAll,
  };
}
