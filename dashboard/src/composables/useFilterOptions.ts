import { computed, reactive, type ComputedRef } from 'vue';
import { OPTION_DIMENSIONS, optionsQuery } from '../lib/report-query.js';
import { NONE_ID } from '../lib/report-state.js';
import { useCubeQuery } from './useCubeQuery.js';

export type OptionKind = keyof typeof OPTION_DIMENSIONS;

export interface FilterOption {
  id: string;
  label: string;
  /** Shown beside the label and searched too (a code's description). */
  detail?: string;
  /** A code's type: CPT or Custom. */
  tag?: string;
}

function toOption(kind: OptionKind, row: Record<string, unknown>): FilterOption {
  const [a, b, c] = OPTION_DIMENSIONS[kind].map((d) => row[d]);
  if (kind === 'codes') return { id: String(c), label: String(c), detail: String(b ?? ''), tag: String(a ?? '') };
  // A modifiers list is its own id (GP,59); lines without any are NONE_ID.
  if (kind === 'modifiers')
    return a === null || a === undefined || a === '' ? { id: NONE_ID, label: 'No modifier' } : { id: String(a), label: String(a) };
  // Self-pay and No case have no id in the data: NONE_ID stands for them in the URL.
  return { id: a === null || a === undefined ? NONE_ID : String(a), label: String(b ?? '') };
}

export interface FilterOptionsState {
  options: Record<OptionKind, ComputedRef<FilterOption[]>>;
  loading: Record<OptionKind, ComputedRef<boolean>>;
  /** Starts loading a list (when its menu opens, or when the URL already selects from it). */
  load(kind: OptionKind): void;
}

/**
 * The values each filter can take, loaded only when wanted so that the first data on screen does not
 * queue behind four list queries. Lists cover all dates: a provider does not vanish from the filter
 * because the range has no visits of theirs.
 */
export function useFilterOptions(): FilterOptionsState {
  const wanted = reactive<Record<OptionKind, boolean>>({
    providers: false,
    payors: false,
    caseTypes: false,
    codes: false,
    modifiers: false,
  });
  const kinds = Object.keys(OPTION_DIMENSIONS) as OptionKind[];
  const queries = Object.fromEntries(
    kinds.map((kind) => [kind, useCubeQuery(() => (wanted[kind] ? optionsQuery(OPTION_DIMENSIONS[kind]) : null))]),
  ) as Record<OptionKind, ReturnType<typeof useCubeQuery>>;
  const options = Object.fromEntries(
    kinds.map((kind) => [
      kind,
      computed(() => {
        const rows = (queries[kind].resultSet.value?.rawData() ?? []) as Record<string, unknown>[];
        const seen = new Set<string>();
        return rows.map((r) => toOption(kind, r)).filter((o) => !seen.has(o.id) && seen.add(o.id));
      }),
    ]),
  ) as Record<OptionKind, ComputedRef<FilterOption[]>>;
  const loading = Object.fromEntries(kinds.map((kind) => [kind, computed(() => queries[kind].isLoading.value)])) as Record<
    OptionKind,
    ComputedRef<boolean>
  >;
  return {
    options,
    loading,
    load(kind) {
      wanted[kind] = true;
    },
  };
}
