import { Window } from 'happy-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import { EMPTY_QUERY, type ExploreQuery } from '../../../../dashboard/src/explore/explore-query.js';
import { memoryExploreState, useAddressExploreState } from '../../../../dashboard/src/explore/useExploreState.js';

const V = 'service_code_usage';
const v = (name: string) => `${V}.${name}`;
const byCode: ExploreQuery = { ...EMPTY_QUERY, measures: [v('units_billed')], dimensions: [v('service_code')] };
const byCodeJson = `{"measures":["${v('units_billed')}"],"dimensions":["${v('service_code')}"],"limit":1000}`;
const byMonth: ExploreQuery = {
  ...EMPTY_QUERY,
  measures: [v('total_billed')],
  time: { dimension: v('date_of_service'), granularity: 'month', dateRange: { from: '2026-01-01', to: '2026-06-30' }, compare: null },
  limit: 200,
};
const byMonthJson =
  `{"measures":["${v('total_billed')}"],"timeDimensions":[{"dimension":"${v('date_of_service')}","granularity":"month",` +
  `"dateRange":["2026-01-01","2026-06-30"]}],"limit":200}`;
const NOT_JSON = 'The link\'s "query" is not valid JSON; the explorer starts empty.';

const windows: Window[] = [];
let scope = effectScope();
afterEach(async () => {
  scope.stop();
  scope = effectScope();
  await Promise.all(windows.splice(0).map((w) => w.happyDOM.close()));
});

/** A page of its own at `url`, and the explorer's state read from it. */
function open(url: string) {
  const win = new Window({ url });
  windows.push(win);
  const dom = win as unknown as globalThis.Window;
  const state = scope.run(() => useAddressExploreState(dom))!;
  const popTo = (path: string) => {
    // What Back does: the browser restores the address, then fires popstate.
    dom.history.replaceState(null, '', path);
    win.dispatchEvent(new win.PopStateEvent('popstate'));
  };
  return { win: dom, state, popTo };
}

describe('useAddressExploreState', () => {
  it('reads the query from the address', () => {
    const { state } = open(`https://clinic.test/explore?query=${encodeURIComponent(byMonthJson)}`);
    expect(state.query.value).toEqual(byMonth);
    expect(state.problems.value).toEqual([]);
  });

  it('pushes each change as ?query= with the Cube JSON, keeping the fragment', () => {
    const { win, state } = open('https://clinic.test/explore#token=abc');
    const entries = win.history.length;
    state.set(byCode);
    expect(win.history.length).toBe(entries + 1);
    expect(win.location.pathname).toBe('/explore');
    expect(new URLSearchParams(win.location.search).get('query')).toBe(byCodeJson);
    expect(win.location.hash).toBe('#token=abc');
    expect(state.query.value).toEqual(byCode);
    state.set(byMonth);
    expect(win.history.length).toBe(entries + 2);
    expect(new URLSearchParams(win.location.search).get('query')).toBe(byMonthJson);
  });

  it("'replace' changes the address without a history entry", () => {
    const { win, state } = open(`https://clinic.test/explore?query=${encodeURIComponent(byCodeJson)}#token=abc`);
    const entries = win.history.length;
    state.set(byMonth, 'replace');
    expect(win.history.length).toBe(entries);
    expect(new URLSearchParams(win.location.search).get('query')).toBe(byMonthJson);
    expect(win.location.hash).toBe('#token=abc');
  });

  it('an empty query leaves no ?query= in the address', () => {
    const { win, state } = open(`https://clinic.test/explore?query=${encodeURIComponent(byCodeJson)}#token=abc`);
    state.set({ ...EMPTY_QUERY });
    expect(win.location.search).toBe('');
    expect(win.location.hash).toBe('#token=abc');
  });

  it('an equal query pushes nothing', () => {
    const { win, state } = open(`https://clinic.test/explore?query=${encodeURIComponent(byCodeJson)}`);
    const push = vi.spyOn(win.history, 'pushState');
    const replace = vi.spyOn(win.history, 'replaceState');
    state.set({ ...byCode, measures: [...byCode.measures], dimensions: [...byCode.dimensions] });
    state.set({ ...byCode }, 'replace');
    expect(push).not.toHaveBeenCalled();
    expect(replace).not.toHaveBeenCalled();
  });

  it('on popstate, takes the query and the problems of the address it returned to', () => {
    const { state, popTo } = open('https://clinic.test/explore');
    state.set(byCode);
    state.set(byMonth);
    popTo(`/explore?query=${encodeURIComponent(byCodeJson)}`);
    expect(state.query.value).toEqual(byCode);
    expect(state.problems.value).toEqual([]);

    const withSegments = `{"measures":["${v('units_billed')}"],"segments":["${v('billable')}"]}`;
    popTo(`/explore?query=${encodeURIComponent(withSegments)}`);
    expect(state.query.value).toEqual({ ...EMPTY_QUERY, measures: [v('units_billed')] });
    expect(state.problems.value).toEqual(['"segments" is not something the explorer can set; it was left out.']);

    popTo('/explore');
    expect(state.query.value).toEqual(EMPTY_QUERY);
    expect(state.problems.value).toEqual([]);
  });

  it('says a link’s query is not JSON and starts empty; the next change clears the problem', () => {
    const { state } = open(`https://clinic.test/explore?query=${encodeURIComponent('{"measures":[')}`);
    expect(state.query.value).toEqual(EMPTY_QUERY);
    expect(state.problems.value).toEqual([NOT_JSON]);
    state.set(byCode);
    expect(state.problems.value).toEqual([]);
  });

  it('stops listening when its scope ends', () => {
    const { state, popTo } = open('https://clinic.test/explore');
    scope.stop();
    popTo(`/explore?query=${encodeURIComponent(byCodeJson)}`);
    expect(state.query.value).toEqual(EMPTY_QUERY);
  });
});

describe('memoryExploreState', () => {
  it('calls onChange only for a real change', () => {
    const onChange = vi.fn();
    const state = memoryExploreState({ query: byCode, problems: [] }, onChange);
    state.set({ ...byCode, measures: [...byCode.measures] });
    expect(onChange).not.toHaveBeenCalled();
    state.set(byMonth);
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onChange).toHaveBeenCalledWith(byMonth);
    expect(state.query.value).toEqual(byMonth);
  });

  it('reset takes a query and its problems without calling onChange; set clears the problems', () => {
    const onChange = vi.fn();
    const state = memoryExploreState({ query: byCode, problems: [] }, onChange);
    state.reset({ query: byMonth, problems: [NOT_JSON] });
    expect(state.query.value).toEqual(byMonth);
    expect(state.problems.value).toEqual([NOT_JSON]);
    expect(onChange).not.toHaveBeenCalled();
    state.set(byMonth);
    expect(state.problems.value).toEqual([]);
    expect(onChange).not.toHaveBeenCalled();
  });
});
