// @vitest-environment happy-dom
/**
 * A retryable answer (issue 13: the database unreachable, a query over its time limit, an instance
 * going away) is retried by useCubeQuery itself, shown by ReportStatus with a countdown, and the page
 * returns to normal when an answer comes. A real @cubejs-client/core client against a small HTTP server
 * that answers the API's 503 contract (server/cube/db-errors.ts) for as long as it is "down".
 */
import { flushPromises, mount } from '@vue/test-utils';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { defineComponent, h, ref, watch } from 'vue';
import ReportStatus from '../../../dashboard/src/components/ReportStatus.vue';
import { createCubeClient, provideCubeClient } from '../../../dashboard/src/composables/useCubeApi.js';
import { useCubeQuery } from '../../../dashboard/src/composables/useCubeQuery.js';
import { problemMessage, retryDelaySeconds } from '../../../dashboard/src/lib/request-error.js';

const DATA = [{ 'v.units': '42' }];
let server: http.Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** Answers 503 (the contract, or `status` with an empty body) for the first `down` requests, then data. */
async function api(down: number, status = 503): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  server = http.createServer((req, res) => {
    const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*' };
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    requests += 1;
    if (requests <= down) {
      const body =
        status === 503
          ? {
              error: 'The database is not answering; this is retried by itself.',
              type: 'DatabaseUnavailable',
              retryable: true,
              retryAfterSeconds: 1,
              requestId: 'abcdef0123456789',
            }
          : { error: 'Bad Gateway' };
      return void res.writeHead(status, { ...cors, 'Content-Type': 'application/json', 'Retry-After': '1' }).end(JSON.stringify(body));
    }
    const answer = { query: {}, data: DATA, annotation: { measures: {}, dimensions: {}, segments: {}, timeDimensions: {} } };
    res
      .writeHead(200, { ...cors, 'Content-Type': 'application/json' })
      .end(JSON.stringify({ queryType: 'regularQuery', results: [answer] }));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cubejs-api/v1`, requests: () => requests };
}

function page(url: string) {
  const query = ref<object | null>({ measures: ['v.units'] });
  let state!: ReturnType<typeof useCubeQuery>;
  const Child = defineComponent({
    setup() {
      state = useCubeQuery(() => query.value as never);
      return () =>
        state.error.value ? h(ReportStatus, { kind: 'error', error: state.error.value, onRetry: state.refetch }) : h('p', 'ok');
    },
  });
  const wrapper = mount(
    defineComponent({
      setup() {
        provideCubeClient(createCubeClient(() => 'token', url));
        return () => h(Child);
      },
    }),
  );
  return { wrapper, query, state: () => state };
}

const until = async (check: () => boolean, ms = 8_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
    await flushPromises();
  }
};

describe('a retryable answer', () => {
  it('is shown with a countdown and its reference, retried by itself, and the page recovers', async () => {
    const { url, requests } = await api(2);
    const { wrapper, state } = page(url);
    await until(() => state().error.value !== null);
    // Whether an error is on screen, at every change: a retry by itself keeps it until the answer.
    const errorShown: boolean[] = [];
    watch(
      () => state().error.value,
      (e) => errorShown.push(e !== null),
      { flush: 'sync' },
    );
    expect(wrapper.text()).toContain('The database is not answering; this is retried by itself.');
    expect(wrapper.text()).toMatch(/Retrying in 1 s… · reference abcdef01…/);
    expect(wrapper.find('button').text()).toBe('Retry now');
    await until(() => state().resultSet.value !== null);
    expect(requests()).toBe(3);
    expect(errorShown).toEqual([true, false]); // the second failure's error, then the answer
    expect(state().resultSet.value!.rawData()).toEqual(DATA);
    expect(wrapper.text()).toBe('ok');
  });

  it("'Retry now' asks at once, and a proxy's 504 is retried too (Cube's client re-asks on a 502 itself)", async () => {
    const { url, requests } = await api(1, 504);
    const { wrapper, state } = page(url);
    await until(() => state().error.value !== null);
    expect(requests()).toBe(1);
    await wrapper.find('button').trigger('click');
    await until(() => state().resultSet.value !== null, 1_500); // well before the 2 s backoff
    expect(requests()).toBe(2);
  });

  it('stops retrying when the page goes away', async () => {
    const { url, requests } = await api(100);
    const { wrapper, state } = page(url);
    await until(() => state().error.value !== null);
    wrapper.unmount();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(requests()).toBe(1);
  });

  it('is never a query mistake or a refused token', () => {
    expect(retryDelaySeconds({ status: 400, response: { error: 'bad member' } }, 0)).toBeUndefined();
    expect(retryDelaySeconds({ status: 403, response: { error: 'expired' } }, 0)).toBeUndefined();
    expect(retryDelaySeconds({ status: 503, response: { retryable: true, retryAfterSeconds: 5 } }, 3)).toBe(5);
    expect([0, 1, 2, 3, 4, 5].map((n) => retryDelaySeconds(new TypeError('fetch failed'), n))).toEqual([2, 4, 8, 16, 30, 30]);
    expect(problemMessage({ status: 400, message: 'x', response: { error: 'x' } })).toBe('The report server answered with an error: x');
    // Where there is no ReportStatus (a chart's overlay, a widget), the reference follows the sentence.
    const contract = { status: 503, response: { error: 'Down; retried.', retryable: true, requestId: 'abcdef0123' } };
    expect(problemMessage(contract)).toBe('Down; retried. (reference abcdef01…)');
    expect(problemMessage(contract, false)).toBe('Down; retried.');
  });
});
