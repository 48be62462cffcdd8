import type { Meta } from '@cubejs-client/core';
import { computed, shallowRef, type ComputedRef, type ShallowRef } from 'vue';
import { useCubeClient } from './useCubeApi.js';

interface CubeMetaState {
  meta: ShallowRef<Meta | null>;
  error: ShallowRef<Error | null>;
  /** Member descriptions (the model's definitions of each figure), by full member name. */
  descriptions: ComputedRef<Record<string, string | undefined>>;
}

/** The model's metadata from /meta: loaded once per page. */
export function useCubeMeta(): CubeMetaState {
  const client = useCubeClient();
  const meta = shallowRef<Meta | null>(null);
  const error = shallowRef<Error | null>(null);
  client.meta().then(
    (m) => {
      meta.value = m;
    },
    (e: unknown) => {
      error.value = e instanceof Error ? e : new Error(String(e));
    },
  );
  const members = computed(() => {
    const map = new Map<string, { description?: string }>();
    for (const cube of meta.value?.cubes ?? []) {
      for (const member of [...cube.measures, ...cube.dimensions]) map.set(member.name, member);
    }
    return map;
  });
  const descriptions = computed(() =>
    Object.fromEntries([...members.value].map(([name, member]) => [name, member.description || undefined])),
  );
  return { meta, error, descriptions };
}
