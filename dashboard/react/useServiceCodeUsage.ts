/**
 * `useServiceCodeUsage(filters, options?)`: the report table's rows and totals for the filters (the
 * report URL's names and meanings), through `@cubejs-client/react`'s `useCubeQuery` and the
 * dashboard's own queries (queries.ts), so they equal the report's. Inside a ServiceCodeUsageProvider
 * (or give `options.cubeApi`).
 */
import type { CubeApi } from '@cubejs-client/core';
import { useCubeQuery, type UseCubeQueryOptions } from '@cubejs-client/react';
import { useMemo } from 'react';
import { CLINIC_QUERY } from '../src/lib/report-query.js';
import type { GroupBy } from '../src/lib/report-state.js';
import {
  figuresOf,
  reportRange,
  reportStateOf,
  rowsOf,
  serviceCodeUsageQueries,
  type DateRange,
  type ServiceCodeUsageFigures,
  type ServiceCodeUsageFilters,
  type ServiceCodeUsageRow,
} from './queries.js';

export interface UseServiceCodeUsageOptions {
  /** A client of its own instead of the provider's. */
  cubeApi?: CubeApi;
  /** Ask nothing (yet). */
  skip?: boolean;
}

export interface ServiceCodeUsageResult {
  /** One row per group, by name; null until loaded. */
  rows: ServiceCodeUsageRow[] | null;
  /** The whole range's figures (the report's Total row); null until loaded. */
  totals: ServiceCodeUsageFigures | null;
  group: GroupBy;
  /** The dates asked (the filters', or the clinic's last month); null until known. */
  range: DateRange | null;
  isLoading: boolean;
  /** Filters that do not read (a WidgetConfigError saying which and why), or the API's error. */
  error: Error | null;
  refetch: () => void;
}

type ClientOption = Pick<UseCubeQueryOptions, 'cubeApi'>;

export function useServiceCodeUsage(
  filters: ServiceCodeUsageFilters | null | undefined,
  options: UseServiceCodeUsageOptions = {},
): ServiceCodeUsageResult {
  const key = JSON.stringify(filters ?? {});
  const parsed = useMemo(() => {
    try {
      return { state: reportStateOf(JSON.parse(key) as ServiceCodeUsageFilters), error: null };
    } catch (e) {
      return { state: null, error: e as Error };
    }
  }, [key]);
  const state = parsed.state;
  // @cubejs-client/react types the client with its own core (1.7.42); ours is the project's 1.7.43.
  const client: ClientOption = options.cubeApi ? { cubeApi: options.cubeApi as unknown as ClientOption['cubeApi'] } : {};
  const needsClinic = state !== null && !(state.from && state.to);
  const clinic = useCubeQuery(CLINIC_QUERY, { ...client, skip: options.skip || !needsClinic });
  const timeZone = clinic.resultSet
    ? String((clinic.resultSet.rawData()[0] as Record<string, unknown> | undefined)?.['clinic.timezone'] || 'UTC')
    : null;
  const range = useMemo(() => (state ? reportRange(state, timeZone) : null), [state, timeZone]);
  const queries = useMemo(() => (state && range ? serviceCodeUsageQueries(state, range) : null), [state, range]);
  const skip = options.skip || queries === null;
  const rows = useCubeQuery(queries?.rows ?? {}, { ...client, skip });
  const totals = useCubeQuery(queries?.totals ?? {}, { ...client, skip });
  const group = state?.group ?? 'code';
  const rowSet = skip ? null : rows.resultSet;
  const totalSet = skip ? null : totals.resultSet;
  const typedRows = useMemo(() => (rowSet ? rowsOf(rowSet.rawData() as Record<string, unknown>[], group) : null), [rowSet, group]);
  const typedTotals = useMemo(
    () => (totalSet ? figuresOf(totalSet.rawData()[0] as Record<string, unknown> | undefined) : null),
    [totalSet],
  );
  const error = parsed.error ?? clinic.error ?? rows.error ?? totals.error;
  return {
    rows: typedRows,
    totals: typedTotals,
    group,
    range,
    isLoading: error === null && !options.skip && (typedRows === null || typedTotals === null || rows.isLoading || totals.isLoading),
    error,
    refetch: () => {
      if (needsClinic) void clinic.refetch();
      void rows.refetch();
      void totals.refetch();
    },
  };
}
