// @vitest-environment happy-dom
import type { Query } from '@cubejs-client/core';
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { defineComponent, h, ref } from 'vue';
import { provideCubeClient, type CubeClient } from '../../../dashboard/src/composables/useCubeApi.js';
import { useCubeQuery } from '../../../dashboard/src/composables/useCubeQuery.js';

interface Call {
  query: Query;
  signal: AbortSignal | undefined;
  resolve(rows: unknown[]): void;
  reject(error: Error): void;
}

function fakeClient() {
  const calls: Call[] = [];
  const client = {
    load: (query: Query, options?: { signal?: AbortSignal }) =>
      new Promise((resolve, reject) => {
        calls.push({ query, signal: options?.signal, resolve: (rows) => resolve({ rawData: () => rows }), reject });
      }),
    meta: () => Promise.reject(new Error('not used')),
  } as unknown as CubeClient;
  return { client, calls };
}

function harness(client: CubeClient, query: () => Query | null) {
  let state!: ReturnType<typeof useCubeQuery>;
  const Child = defineComponent({
    setup() {
      state = useCubeQuery(query);
      return () => h('div');
    },
  });
  const Parent = defineComponent({
    setup() {
      provideCubeClient(client);
      return () => h(Child);
    },
  });
  mount(Parent);
  return () => state;
}

describe('useCubeQuery', () => {
  it('loads, and reloads when the query changes (not when an equal query is rebuilt)', async () => {
    const { client, calls } = fakeClient();
    const codes = ref(['98941']);
    const tick = ref(0);
    const state = harness(
      client,
      () => (tick.value, { measures: ['v.units'], filters: [{ member: 'v.code', operator: 'equals', values: codes.value }] }),
    );
    expect(state().isLoading.value).toBe(true);
    calls[0]!.resolve([{ a: 1 }]);
    await flushPromises();
    expect(state().isLoading.value).toBe(false);
    expect(state().resultSet.value!.rawData()).toEqual([{ a: 1 }]);

    tick.value++;
    await flushPromises();
    expect(calls).toHaveLength(1);

    codes.value = ['97110'];
    await flushPromises();
    expect(calls).toHaveLength(2);
    expect(state().resultSet.value!.rawData()).toEqual([{ a: 1 }]); // kept while the next one loads
  });

  it('aborts a request made stale by a newer query and ignores its answer', async () => {
    const { client, calls } = fakeClient();
    const n = ref(1);
    const state = harness(client, () => ({ measures: [`v.m${n.value}`] }));
    n.value = 2;
    await flushPromises();
    expect(calls[0]!.signal!.aborted).toBe(true);
    calls[1]!.resolve([{ second: true }]);
    calls[0]!.resolve([{ first: true }]);
    await flushPromises();
    expect(state().resultSet.value!.rawData()).toEqual([{ second: true }]);
  });

  it('reports an error and retries on refetch', async () => {
    const { client, calls } = fakeClient();
    const state = harness(client, () => ({ measures: ['v.units'] }));
    calls[0]!.reject(Object.assign(new Error('Token expired'), { status: 403 }));
    await flushPromises();
    expect(state().error.value!.message).toBe('Token expired');
    state().refetch();
    await flushPromises();
    expect(calls).toHaveLength(2);
    expect(state().error.value).toBeNull();
  });

  it('loads nothing for a null query', async () => {
    const { client, calls } = fakeClient();
    const state = harness(client, () => null);
    await flushPromises();
    expect(calls).toHaveLength(0);
    expect(state().isLoading.value).toBe(false);
  });
});
