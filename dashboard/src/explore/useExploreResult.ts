import type { ResultSet } from '@cubejs-client/core';
import { ref, shallowRef, toValue, watch, type MaybeRefOrGetter, type Ref, type ShallowRef } from 'vue';
import { useCubeClient } from '../composables/useCubeApi.js';
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
 * with `decompose()` into the range's rows and the compared range's.
 */
export function useExploreResult(
  query: MaybeRefOrGetter<ExploreQuery | null>,
  catalog: MaybeRefOrGetter<Catalog | null>,
  now: () => number = () => performance.now(),
): ExploreResultState {
  const client = useCubeClient();
  const run = shallowRef<ExploreRun | null>(null);
  const isLoading = ref(false);
  const error = shallowRef<Error | null>(null);
  const attempt = ref(0);
  const key = () => {
    const q = toValue(query);
    return q && toValue(catalog) ? JSON.stringify(toCubeQuery(q)) : null;
  };

  watch(
    [key, attempt],
    ([currentKey], _previous, onCleanup) => {
      const q = toValue(query);
      const cat = toValue(catalog);
      if (currentKey === null || !q || !cat) {
        isLoading.value = false;
        error.value = null;
        return;
      }
      const controller = new AbortController();
      let current = true;
      onCleanup(() => {
        current = false;
        controller.abort();
      });
      isLoading.value = true;
      error.value = null;
      const started = now();
      client.load(toCubeQuery(q), { signal: controller.signal }).then(
        (resultSet) => {
          if (!current) return;
          const parts = q.time?.compare ? resultSet.decompose() : [resultSet];
          const rows = (parts[0]?.rawData() ?? []) as RawRow[];
          const previous = q.time?.compare ? ((parts[1]?.rawData() ?? []) as RawRow[]) : null;
          run.value = {
            query: q,
            result: exploreResult(q, cat, rows, previous),
            preAggregations: usedPreAggregations(resultSet),
            milliseconds: Math.round(now() - started),
          };
          isLoading.value = false;
        },
        (e: unknown) => {
          if (!current) return;
          error.value = e instanceof Error ? e : new Error(String(e));
          isLoading.value = false;
        },
      );
    },
    { immediate: true },
  );

  return { run, isLoading, error, refetch: () => attempt.value++ };
}
