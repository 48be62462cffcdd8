import { onScopeDispose, shallowRef, type ShallowRef } from 'vue';
import { exploreSearch, parseExploreSearch, sameQuery, type ExploreQuery, type ReadResult } from './explore-query.js';

export interface ExploreStateControl {
  query: Readonly<ShallowRef<ExploreQuery>>;
  /** What the link (or the attribute) said that could not be shown; cleared by the next change. */
  problems: Readonly<ShallowRef<string[]>>;
  /** 'push' makes a history entry (Back returns to the previous query); 'replace' does not. */
  set(next: ExploreQuery, mode?: 'push' | 'replace'): void;
}

/**
 * The explorer's query, held in the address (docs/contract.md, "Explorer contract":
 * `/explore?query=<JSON>`): every change is a history entry, so Back and Forward walk through the
 * queries, and a reload or a shared link opens the same one. The fragment (the token) is kept as is.
 */
export function useAddressExploreState(win: Window = window): ExploreStateControl {
  const read = parseExploreSearch(win.location.search);
  const query = shallowRef(read.query);
  const problems = shallowRef(read.problems);
  /** The address says the query shown: a link read only in part is rewritten (its problems stay on screen). */
  const canonical = (q: ExploreQuery) => {
    const search = exploreSearch(q);
    if (search !== win.location.search)
      win.history.replaceState(win.history.state, '', `${win.location.pathname}${search}${win.location.hash}`);
  };
  if (read.problems.length) canonical(read.query);

  function set(next: ExploreQuery, mode: 'push' | 'replace' = 'push'): void {
    problems.value = [];
    if (sameQuery(next, query.value)) {
      query.value = next;
      return;
    }
    query.value = next;
    const url = `${win.location.pathname}${exploreSearch(next)}${win.location.hash}`;
    if (mode === 'push') win.history.pushState(null, '', url);
    else win.history.replaceState(win.history.state, '', url);
  }

  const onPopState = () => {
    const again = parseExploreSearch(win.location.search);
    query.value = again.query;
    problems.value = again.problems;
    if (again.problems.length) canonical(again.query);
  };
  win.addEventListener('popstate', onPopState);
  onScopeDispose(() => win.removeEventListener('popstate', onPopState));
  return { query, problems, set };
}

/** The explorer's query in memory (an embedded explorer: the portal's address is the portal's). */
export function memoryExploreState(
  initial: ReadResult,
  onChange: (q: ExploreQuery) => void = () => undefined,
): ExploreStateControl & {
  reset(read: ReadResult): void;
} {
  const query = shallowRef(initial.query);
  const problems = shallowRef(initial.problems);
  return {
    query,
    problems,
    set(next) {
      problems.value = [];
      const changed = !sameQuery(next, query.value);
      query.value = next;
      if (changed) onChange(next);
    },
    reset(read) {
      query.value = read.query;
      problems.value = read.problems;
    },
  };
}
