// @vitest-environment happy-dom
/**
 * The explorer's request goes through the report's useCubeQuery (issue 13): a retryable answer (the
 * API's 503 contract while its database is unavailable) is shown by ReportStatus with its countdown and
 * asked again by itself; a query mistake (400) is not, and stays the field problem ExplorePage places.
 * A real @cubejs-client/core client against a small node:http server; Vitest's fake timers drive the
 * countdown (the HTTP exchange itself runs on real I/O).
 */
import { flushPromises, mount } from '@vue/test-utils';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, ref } from 'vue';
import ReportStatus from '../../../../dashboard/src/components/ReportStatus.vue';
import { createCubeClient, provideCubeClient } from '../../../../dashboard/src/composables/useCubeApi.js';
import type { Catalog, CatalogMember } from '../../../../dashboard/src/explore/explore-catalog.js';
import { EMPTY_QUERY, type ExploreQuery } from '../../../../dashboard/src/explore/explore-query.js';
import { useExploreResult } from '../../../../dashboard/src/explore/useExploreResult.js';
import { problemKind } from '../../../../dashboard/src/lib/request-error.js';

const units: CatalogMember = {
  name: 'v.units',
  view: 'v',
  kind: 'measure',
  type: 'number',
  title: 'Units',
  description: 'Units, defined.',
  format: 'number',
  additive: true,
};
const code: CatalogMember = { ...units, name: 'v.code', kind: 'dimension', type: 'string', title: 'Code', format: 'text', additive: false };
const catalog: Catalog = { views: [], members: new Map([units, code].map((m) => [m.name, m])) };
const UNITS: ExploreQuery = { ...EMPTY_QUERY, measures: ['v.units'] };
const BY_CODE: ExploreQuery = { ...EMPTY_QUERY, measures: ['v.units'], dimensions: ['v.code'] };

const SENTENCE = 'The database is not answering; the figures come back by themselves.';

interface Api {
  url: string;
  /** The queries received, in order (their measures and dimensions). */
  received: string[];
  /** What the next requests get: the 503 contract, a 400, or data. */
  mode: 'down' | 'mistake' | 'up';
}

let server: http.Server | undefined;
async function startApi(mode: Api['mode']): Promise<Api> {
  const api: Api = { url: '', received: [], mode };
  server = http.createServer((req, res) => {
    const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*', 'Access-Control-Expose-Headers': '*' };
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    const query = JSON.parse(new URL(req.url!, 'http://x').searchParams.get('query') ?? '{}') as {
      measures?: string[];
      dimensions?: string[];
    };
    api.received.push([...(query.measures ?? []), ...(query.dimensions ?? [])].join(','));
    const json = { ...cors, 'Content-Type': 'application/json' };
    if (api.mode === 'down') {
      const body = {
        error: SENTENCE,
        type: 'DatabaseUnavailable',
        retryable: true,
        retryAfterSeconds: 3,
        requestId: '5f0c2a9e-77aa-4d1e-9b1c-0123456789ab-span-1',
      };
      return void res.writeHead(503, { ...json, 'Retry-After': '3' }).end(JSON.stringify(body));
    }
    if (api.mode === 'mistake') return void res.writeHead(400, json).end(JSON.stringify({ error: "'v.nope' not found" }));
    // Data that depends on the query, so that an answer cannot pass for another query's.
    const data = query.dimensions?.length
      ? [
          { 'v.code': '97140', 'v.units': '7' },
          { 'v.code': '98941', 'v.units': '5' },
        ]
      : [{ 'v.units': '12' }];
    const annotation = { measures: {}, dimensions: {}, segments: {}, timeDimensions: {} };
    res.writeHead(200, json).end(JSON.stringify({ queryType: 'regularQuery', results: [{ query, data, annotation }] }));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cubejs-api/v1`;
  return api;
}

/** An explorer page reduced to its result: ReportStatus on an error, else the rows. */
function explorer(url: string, first: ExploreQuery) {
  const query = ref<ExploreQuery | null>(first);
  let state!: ReturnType<typeof useExploreResult>;
  const Result = defineComponent({
    setup() {
      state = useExploreResult(query, catalog, () => Date.now());
      return () =>
        state.error.value
          ? h(ReportStatus, { kind: 'error', error: state.error.value, onRetry: state.refetch })
          : h('pre', JSON.stringify(state.run.value?.result.rows ?? null));
    },
  });
  const wrapper = mount(
    defineComponent({
      setup() {
        provideCubeClient(createCubeClient(() => 'token', url));
        return () => h(Result);
      },
    }),
  );
  return { wrapper, query, state: () => state };
}

/** Lets the HTTP exchange run (real I/O) while the fake clock stands still. */
async function settle(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) {
    await new Promise((resolve) => setImmediate(resolve));
    await flushPromises();
  }
  await flushPromises();
  if (!check()) throw new Error('the page did not settle');
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
});
afterEach(async () => {
  vi.useRealTimers();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe("the explorer's result, while the database is unavailable", () => {
  it('shows the server sentence and a countdown, asks again by itself after retryAfterSeconds, then shows the answer', async () => {
    const api = await startApi('down');
    const { wrapper, state } = explorer(api.url, UNITS);
    await settle(() => state().error.value !== null);

    expect(problemKind(state().error.value)).toBe('network'); // ExplorePage shows ReportStatus, not a field problem
    expect(wrapper.text()).toContain(SENTENCE);
    expect(wrapper.text()).toContain('Retrying in 3 s…');
    expect(wrapper.text()).toContain('5f0c2a9e'); // the reference support looks up
    expect(wrapper.find('button').text()).toBe('Retry now');

    await vi.advanceTimersByTimeAsync(1000);
    expect(wrapper.text()).toContain('Retrying in 2 s…');
    await vi.advanceTimersByTimeAsync(1000);
    expect(wrapper.text()).toContain('Retrying in 1 s…');
    expect(api.received).toHaveLength(1); // not before the server's delay

    api.mode = 'up';
    await vi.advanceTimersByTimeAsync(1000);
    await settle(() => state().run.value !== null);
    expect(api.received).toEqual(['v.units', 'v.units']);
    expect(state().run.value!.result.rows).toEqual([{ 'v.units': '12' }]);
    expect(state().error.value).toBeNull();
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
    // The time shown is the answering request's, not the outage's 3 s.
    expect(state().run.value!.milliseconds).toBeLessThan(3000);
  });

  it('keeps asking while the outage lasts, one request at a time', async () => {
    const api = await startApi('down');
    const { state } = explorer(api.url, UNITS);
    await settle(() => state().error.value !== null);
    for (let attempt = 2; attempt <= 5; attempt++) {
      const before = state().error.value;
      await vi.advanceTimersByTimeAsync(3000);
      await settle(() => state().error.value !== null && state().error.value !== before);
      expect(api.received).toHaveLength(attempt);
    }
    api.mode = 'up';
    await vi.advanceTimersByTimeAsync(3000);
    await settle(() => state().run.value !== null);
    expect(api.received).toHaveLength(6);
    expect(state().run.value!.result.rows).toEqual([{ 'v.units': '12' }]);
  });

  it('stops asking for a query that is no longer the one on screen, and asks for the new one', async () => {
    const api = await startApi('down');
    const { query, state } = explorer(api.url, UNITS);
    await settle(() => state().error.value !== null);
    api.mode = 'up';
    query.value = BY_CODE;
    await settle(() => state().run.value !== null);
    await vi.advanceTimersByTimeAsync(60_000);
    await settle(() => true);
    expect(api.received).toEqual(['v.units', 'v.units,v.code']);
    expect(state().run.value!.query).toEqual(BY_CODE);
    expect(state().run.value!.result.rows).toEqual([
      { 'v.code': '97140', 'v.units': '7' },
      { 'v.code': '98941', 'v.units': '5' },
    ]);
  });

  it('never asks again by itself for a query mistake (400)', async () => {
    const api = await startApi('mistake');
    const { wrapper, state } = explorer(api.url, UNITS);
    await settle(() => state().error.value !== null);
    expect(problemKind(state().error.value)).toBe('server'); // ExplorePage places it beside the field at fault
    expect(wrapper.text()).not.toContain('Retrying');
    expect(wrapper.find('button').text()).toBe('Retry');
    await vi.advanceTimersByTimeAsync(120_000);
    await settle(() => true);
    expect(api.received).toHaveLength(1);
  });

  it('stops asking when the explorer goes away', async () => {
    const api = await startApi('down');
    const { wrapper, state } = explorer(api.url, UNITS);
    await settle(() => state().error.value !== null);
    wrapper.unmount();
    await vi.advanceTimersByTimeAsync(120_000);
    await settle(() => true);
    expect(api.received).toHaveLength(1);
  });
});
