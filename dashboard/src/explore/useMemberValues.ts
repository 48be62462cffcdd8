import { computed, toValue, type ComputedRef, type MaybeRefOrGetter } from 'vue';
import { useCubeQuery } from '../composables/useCubeQuery.js';
import type { FilterOption } from '../composables/useFilterOptions.js';
import type { CatalogMember } from './explore-catalog.js';

/** A list longer than this is not offered: the analyst types values instead. */
export const MAX_OFFERED_VALUES = 100;

/** Text dimensions whose values are worth offering (identifiers such as a visit's number are not). */
export function offersValues(member: CatalogMember | undefined): boolean {
  return !!member && member.kind === 'dimension' && member.type === 'string' && !member.name.endsWith('_number');
}

/**
 * The values a filter on `member` can take, from the data (within the token's scope, like every
 * query), when the list is short; null while loading, when too long, or for members not offered.
 */
export function useMemberValues(member: MaybeRefOrGetter<CatalogMember | undefined>): {
  options: ComputedRef<FilterOption[] | null>;
  loading: ComputedRef<boolean>;
} {
  const query = computed(() => {
    const m = toValue(member);
    if (!offersValues(m)) return null;
    return { dimensions: [m!.name], order: [[m!.name, 'asc']] as [string, 'asc'][], limit: MAX_OFFERED_VALUES + 1 };
  });
  const { resultSet, resultQuery, isLoading } = useCubeQuery(query);
  const options = computed(() => {
    const m = toValue(member);
    if (!m || !resultSet.value || resultQuery.value?.dimensions?.[0] !== m.name) return null;
    const rows = resultSet.value.rawData() as Record<string, unknown>[];
    if (rows.length > MAX_OFFERED_VALUES) return null;
    return rows
      .map((r) => r[m.name])
      .filter((v): v is string => typeof v === 'string' && v !== '')
      .map((v) => ({ id: v, label: v }));
  });
  return { options, loading: computed(() => isLoading.value) };
}
