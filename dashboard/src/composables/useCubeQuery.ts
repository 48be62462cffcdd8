import type { Query, ResultSet } from '@cubejs-client/core';
import { computed, ref, shallowRef, toValue, watch, type MaybeRefOrGetter, type Ref, type ShallowRef } from 'vue';
import { retryDelaySeconds } from '../lib/request-error.js';
import { useCubeClient } from './useCubeApi.js';

export interface CubeQueryState {
  resultSet: ShallowRef<ResultSet | null>;
  /** The query `resultSet` answers: while a newer query loads, the previous result stays, and this
   * says which query it belongs to (a table must not read an old grouping's rows as the new one's). */
  resultQuery: ShallowRef<Query | null>;
  isLoading: Ref<boolean>;
  error: ShallowRef<Error | null>;
  /** Runs the current query again (the "Retry" of an error state). A retryable error (the database
   * unreachable, a server restarting: lib/request-error.ts) is retried by itself after its delay, which
   * the error carries as `retryInSeconds` for ReportStatus's countdown, until an answer comes. */
  refetch(): void;
}

/**
 * Loads a Cube query and reloads it whenever the query changes, like @cubejs-client/react's
 * `useCubeQuery`. A null query loads nothing. The previous result stays in `resultSet` while the next
 * one loads, so the screen does not flash; a request made stale by a newer query is aborted.
 */
export function useCubeQuery(query: MaybeRefOrGetter<Query | null>): CubeQueryState {
  const client = useCubeClient();
  const resultSet = shallowRef<ResultSet | null>(null);
  const resultQuery = shallowRef<Query | null>(null);
  const isLoading = ref(false);
  const error = shallowRef<Error | null>(null);
  const attempt = ref(0);
  /** Retries in a row of the current query (the backoff's step); 0 after an answer or a new query. */
  let retries = 0;
  let lastKey: string | null = null;
  /** The run about to start is a retry by itself: its error stays on screen until the answer. */
  let retrying = false;
  // Compared as JSON: a getter that builds an equal query must not trigger a new request.
  const key = computed(() => {
    const q = toValue(query);
    return q ? JSON.stringify(q) : null;
  });

  watch(
    [key, attempt],
    ([currentKey], _previous, onCleanup) => {
      if (currentKey === null) {
        resultSet.value = null;
        resultQuery.value = null;
        error.value = null;
        isLoading.value = false;
        return;
      }
      if (currentKey !== lastKey) {
        retries = 0;
        retrying = false;
      }
      lastKey = currentKey;
      const controller = new AbortController();
      let current = true;
      let retryTimer: ReturnType<typeof setTimeout> | undefined;
      onCleanup(() => {
        current = false;
        controller.abort();
        clearTimeout(retryTimer);
      });
      isLoading.value = true;
      // A retry by itself keeps showing the error ("Retrying…") rather than the table it cannot fill.
      if (!retrying) error.value = null;
      retrying = false;
      const sent = JSON.parse(currentKey) as Query;
      client.load(sent, { signal: controller.signal }).then(
        (result) => {
          if (!current) return;
          resultQuery.value = sent;
          resultSet.value = result;
          error.value = null;
          isLoading.value = false;
          retries = 0;
        },
        (e: unknown) => {
          if (!current) return;
          const failure: Error & { retryInSeconds?: number } = e instanceof Error ? e : new Error(String(e));
          const delay = retryDelaySeconds(failure, retries);
          if (delay !== undefined) {
            failure.retryInSeconds = delay;
            retries += 1;
            // Cleared by onCleanup when the query changes, "Retry now" is clicked or the owner unmounts.
            retryTimer = setTimeout(() => {
              retrying = true;
              attempt.value++;
            }, delay * 1000);
          }
          error.value = failure;
          isLoading.value = false;
        },
      );
    },
    { immediate: true },
  );

  return { resultSet, resultQuery, isLoading, error, refetch: () => attempt.value++ };
}
