import type { ResultSet } from '@cubejs-client/core';
import { computed, shallowRef, toValue, watch, type MaybeRefOrGetter, type Ref, type ShallowRef } from 'vue';
import { useCubeQuery } from '../composables/useCubeQuery.js';
import type { Catalog } from './explore-catalog.js';
import { toCubeQuery, type ExploreQuery } from './explore-query.js';
import { exploreResult, type ExploreResult, type RawRow } from './explore-result.js';

/** What ran: the answer and how it was served. */
export interface ExploreRun {
  query: ExploreQuery;
  result: ExploreResult;
  /** The pre-aggregation tables that served the query (Cube's usedPreAggregations); empty: the host tables. */
  preAggregations: string[];
  /** From sending the request to the answer, in the browser (Cube's own waits included). */
  milliseconds: number;
}

export interface ExploreResultState {
  run: ShallowRef<ExploreRun | null>;
  isLoading: Ref<boolean>;
  error: ShallowRef<Error | null>;
  refetch(): void;
}

function usedPreAggregations(resultSet: ResultSet): string[] {
  const results = resultSet.serialize().loadResponse.results ?? [];
  const tables = results.flatMap((r) => Object.keys(r.usedPreAggregations ?? {}));
  return [...new Set(tables)];
}

/**
 * Loads the explorer's query (null: nothing to ask, e.g. while a field is wrong) and keeps the last
 * answer while the next one loads. A compared query's two ranges come back as one result set, split
 * with `decompose()` into the range's rows and the compared range's. The request is the report's
 * `useCubeQuery`: one at a time, aborted when stale, and a retryable failure (the database unavailable,
 * the server unreachable) asked again by itself until an answer comes.
 */
export function useExploreResult(
  query: MaybeRefOrGetter<ExploreQuery | null>,
  catalog: MaybeRefOrGetter<Catalog | null>,
  now: () => number = () => performance.now(),
): ExploreResultState {
  const cubeQuery = computed(() => {
    const q = toValue(query);
    return q && toValue(catalog) ? toCubeQuery(q) : null;
  });
  const loaded = useCubeQuery(cubeQuery);
  const run = shallowRef<ExploreRun | null>(null);
  // Each request (a new query, Retry, a retry by itself) starts by loading: its time is its answer's.
  let started = 0;
  watch([() => JSON.stringify(cubeQuery.value), loaded.isLoading], ([, loading]) => loading && (started = now()), { flush: 'sync' });
  watch(loaded.resultSet, (resultSet) => {
    const q = toValue(query);
    const cat = toValue(catalog);
    // Read with the query and catalog of now, which are the answer's unless they changed this instant.
    if (!resultSet || !q || !cat || JSON.stringify(loaded.resultQuery.value) !== JSON.stringify(toCubeQuery(q))) return;
    const parts = q.time?.compare ? resultSet.decompose() : [resultSet];
    const rows = (parts[0]?.rawData() ?? []) as RawRow[];
    const previous = q.time?.compare ? ((parts[1]?.rawData() ?? []) as RawRow[]) : null;
    run.value = {
      query: q,
      result: exploreResult(q, cat, rows, previous),
      preAggregations: usedPreAggregations(resultSet),
      milliseconds: Math.round(now() - started),
    };
  });

  return { run, isLoading: loaded.isLoading, error: loaded.error, refetch: loaded.refetch };
}
