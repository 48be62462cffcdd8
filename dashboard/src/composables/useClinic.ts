import { computed, type ComputedRef } from 'vue';
import { CLINIC_QUERY } from '../lib/report-query.js';
import { useCubeQuery, type CubeQueryState } from './useCubeQuery.js';

interface Clinic {
  name: string;
  /** IANA time zone: the clinic's calendar, for "today" and every date preset. */
  timezone: string;
  currency: string;
}

/** The clinic the token belongs to (the `clinic` view: the server scopes it to the token's clinic). */
export function useClinic(): Omit<CubeQueryState, 'resultSet' | 'resultQuery'> & { clinic: ComputedRef<Clinic | null> } {
  const { resultSet, isLoading, error, refetch } = useCubeQuery(CLINIC_QUERY);
  const clinic = computed<Clinic | null>(() => {
    const row = resultSet.value?.rawData()[0] as Record<string, unknown> | undefined;
    if (!row) return null;
    return {
      name: String(row['clinic.name'] ?? ''),
      timezone: String(row['clinic.timezone'] || 'UTC'),
      currency: String(row['clinic.currency'] || 'USD'),
    };
  });
  return { clinic, isLoading, error, refetch };
}
