import { computed, toValue, type ComputedRef, type MaybeRefOrGetter } from 'vue';
import type { DateRange } from '../lib/clinic-calendar.js';
import type { Formatters } from '../lib/format.js';
import { buildPivotTable } from '../lib/report-pivot.js';
import { MEASURES, pivotQuery } from '../lib/report-query.js';
import type { ReportState } from '../lib/report-state.js';
import { sortTable, type RawRow, type ReportTable } from '../lib/report-table.js';
import { useCubeQuery, type CubeQueryState } from './useCubeQuery.js';

interface PivotInput {
  state: ReportState;
  range: DateRange | null;
  fmt: Formatters | null;
  descriptions: Record<string, string | undefined>;
}

/** The code × provider pivot, loaded only while it is shown. */
export function usePivotTable(
  input: MaybeRefOrGetter<PivotInput>,
): Omit<CubeQueryState, 'resultSet' | 'resultQuery'> & { table: ComputedRef<ReportTable | null> } {
  const { resultSet, isLoading, error, refetch } = useCubeQuery(() => {
    const i = toValue(input);
    return i.state.pivot && i.range ? pivotQuery(i.state, i.range) : null;
  });
  const table = computed(() => {
    const i = toValue(input);
    if (!resultSet.value || !i.fmt) return null;
    const built = buildPivotTable(resultSet.value.rawData() as RawRow[], i.fmt, i.descriptions[MEASURES.units] ?? 'Units Billed');
    return sortTable(built, i.state.sort);
  });
  return { table, isLoading, error, refetch };
}
