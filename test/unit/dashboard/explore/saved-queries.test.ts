import { describe, expect, it } from 'vitest';
import { EMPTY_QUERY, fromCubeQuery, sameQuery, toCubeQuery, type ExploreQuery } from '../../../../dashboard/src/explore/explore-query.js';
import {
  exportSavedQueries,
  importSavedQueries,
  mergeSaved,
  SAVED_QUERIES_KEY,
  savedQueriesStore,
  STORAGE_UNAVAILABLE,
  type SavedQuery,
} from '../../../../dashboard/src/explore/saved-queries.js';

const v = (name: string) => `service_code_usage.${name}`;

/** A Map behind the Storage interface; `full` makes every write throw as a full localStorage does. */
class FakeStorage implements Storage {
  readonly items = new Map<string, string>();
  full = false;
  get length() {
    return this.items.size;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    if (this.full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    this.items.set(key, String(value));
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  clear() {
    this.items.clear();
  }
}

const byCode: ExploreQuery = {
  ...EMPTY_QUERY,
  measures: [v('units_billed')],
  dimensions: [v('service_code')],
  order: [[v('units_billed'), 'desc']],
};
const byMonth: ExploreQuery = {
  ...EMPTY_QUERY,
  measures: [v('total_billed')],
  time: { dimension: v('visit_date'), granularity: 'month', dateRange: { from: '2024-01-01', to: '2024-06-30' }, compare: null },
  filters: [{ member: v('payor_name'), operator: 'equals', values: ['Blue Cross'] }],
  limit: 200,
};
const saved = (name: string, query: ExploreQuery, savedAt = '2024-07-01T10:00:00.000Z'): SavedQuery => ({
  name,
  query: toCubeQuery(query),
  savedAt,
});
const file = (queries: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ format: 'service-code-usage/explorer-queries', version: 1, queries, ...extra });

describe('savedQueriesStore', () => {
  it('saves under the trimmed name, lists by name, replaces a query of the same name and removes', () => {
    const storage = new FakeStorage();
    const store = savedQueriesStore(storage);
    expect(store.list()).toEqual([]);
    expect(store.problem()).toBeNull();

    const entry = store.save('  Units by code ', byCode);
    expect(entry.name).toBe('Units by code');
    expect(entry.query).toEqual(toCubeQuery(byCode));
    expect(Number.isNaN(Date.parse(entry.savedAt))).toBe(false);
    store.save('billed by month', byMonth);
    store.save('Query 10', byCode);
    store.save('Query 9', byCode);
    expect(store.list().map((s) => s.name)).toEqual(['billed by month', 'Query 9', 'Query 10', 'Units by code']);

    store.save('Units by code', byMonth);
    const replaced = store.list().filter((s) => s.name === 'Units by code');
    expect(replaced).toHaveLength(1);
    expect(sameQuery(fromCubeQuery(replaced[0]!.query).query, byMonth)).toBe(true);

    store.remove('Query 9');
    expect(store.list().map((s) => s.name)).toEqual(['billed by month', 'Query 10', 'Units by code']);
    // Another store over the same storage (another tab) reads the same list.
    expect(savedQueriesStore(storage).list()).toEqual(store.list());
  });

  it('refuses an empty name and an empty query', () => {
    const store = savedQueriesStore(new FakeStorage());
    expect(() => store.save('   ', byCode)).toThrow('Give the query a name.');
    expect(() => store.save('Nothing', { ...EMPTY_QUERY })).toThrow(/empty/);
    expect(store.list()).toEqual([]);
  });

  it('keeps the stored list when the browser storage is full, and says so', () => {
    const storage = new FakeStorage();
    const store = savedQueriesStore(storage);
    store.save('Units by code', byCode);
    const before = store.list();
    storage.full = true;
    expect(() => store.save('billed by month', byMonth)).toThrow(
      /“billed by month” was not saved: the browser's storage for this page is full/,
    );
    expect(() => store.remove('Units by code')).toThrow(/“Units by code” was not deleted/);
    expect(() => store.merge([saved('imported', byMonth)])).toThrow(/not imported/);
    expect(store.list()).toEqual(before);
    expect(store.problem()).toBeNull();
  });

  it('lists nothing with a problem when the stored text is corrupt, and a save replaces it', () => {
    const storage = new FakeStorage();
    storage.setItem(SAVED_QUERIES_KEY, '{"format": "service-code-usage/explorer-queries", "version": 1, "queries": [');
    const store = savedQueriesStore(storage);
    expect(store.list()).toEqual([]);
    expect(store.problem()).toMatch(/^Saved queries could not be read: the stored text is not JSON/);
    store.save('Units by code', byCode);
    expect(store.list().map((s) => s.name)).toEqual(['Units by code']);
    expect(store.problem()).toBeNull();
  });

  it('says when the browser keeps nothing, or blocks reading', () => {
    const none = savedQueriesStore(null);
    expect(none.list()).toEqual([]);
    expect(none.problem()).toBe(STORAGE_UNAVAILABLE);
    expect(() => none.save('Units by code', byCode)).toThrow(STORAGE_UNAVAILABLE);

    const blocked = new FakeStorage();
    blocked.getItem = () => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    };
    const store = savedQueriesStore(blocked);
    expect(store.list()).toEqual([]);
    expect(store.problem()).toBe(STORAGE_UNAVAILABLE);
  });

  it('merges imported queries in one write and returns those added under their final names', () => {
    const store = savedQueriesStore(new FakeStorage());
    store.save('Units by code', byCode);
    const added = store.merge([saved('Units by code', byMonth), saved('Units by code', byCode), saved('New', byMonth)]);
    expect(added.map((s) => s.name)).toEqual(['New', 'Units by code (2)']);
    expect(store.list().map((s) => s.name)).toEqual(['New', 'Units by code', 'Units by code (2)']);
    expect(store.merge([saved('New', byMonth)])).toEqual([]);
  });
});

describe('exportSavedQueries / importSavedQueries', () => {
  it('reads back what it wrote', () => {
    const queries = [saved('billed by month', byMonth), saved('Units by code', byCode, '2023-12-31T23:59:59.000Z')];
    const text = exportSavedQueries(queries);
    expect(JSON.parse(text)).toMatchObject({ format: 'service-code-usage/explorer-queries', version: 1 });
    expect(text).toContain('\n  "queries": [');
    expect(importSavedQueries(text)).toEqual({ queries, problems: [] });
  });

  it('refuses a text that is not JSON, of another format or of another version, with one problem', () => {
    for (const [text, problem] of [
      ['not json', /^The file is not JSON/],
      ['[]', /"format" must be "service-code-usage\/explorer-queries"/],
      [JSON.stringify({ format: 'something-else', version: 1, queries: [] }), /"format" must be/],
      [file([], { version: 2 }), /version 2 .* reads version 1/],
      [JSON.stringify({ format: 'service-code-usage/explorer-queries', version: 1 }), /no "queries" list/],
      [file(Array.from({ length: 501 }, (_, i) => saved(`q${i}`, byCode))), /501 queries; at most 500/],
    ] as const) {
      const read = importSavedQueries(text);
      expect(read.queries).toEqual([]);
      expect(read.problems).toHaveLength(1);
      expect(read.problems[0]).toMatch(problem);
    }
  });

  it('skips entries without a name, a query or a member, and keeps one read in part with its problems', () => {
    const partly = { ...toCubeQuery(byCode), segments: ['service_code_usage.recent'] };
    const read = importSavedQueries(
      file([
        { query: toCubeQuery(byCode) },
        'just a string',
        { name: 'No query' },
        { name: 'No member', query: { limit: 10 } },
        { name: ' Partly ', query: partly, savedAt: 'yesterday' },
        { name: 'Fine', query: toCubeQuery(byMonth), savedAt: '2024-07-01T10:00:00.000Z' },
      ]),
    );
    expect(read.queries.map((s) => s.name)).toEqual(['Partly', 'Fine']);
    expect(read.queries[0]!.query).toEqual(toCubeQuery(byCode));
    expect(read.queries[1]).toEqual(saved('Fine', byMonth));
    expect(read.problems).toEqual([
      'Entry 1 has no name; it was skipped.',
      'Entry 2 has no name; it was skipped.',
      'Entry 3 ("No query") has no query; it was skipped.',
      '"No member": it names no measure or dimension; it was skipped.',
      '"Partly": "segments" is not something the explorer can set; it was left out.',
      '"Partly": its "savedAt" is not a date; the time of reading is used.',
    ]);
  });
});

describe('mergeSaved', () => {
  it('numbers a name taken by another query, and adds an identical query once', () => {
    const existing = [saved('Units by code', byCode), saved('Billed', byMonth)];
    const merged = mergeSaved(existing, [
      saved('Units by code', byMonth),
      saved('Units by code', byCode, '2020-01-01T00:00:00.000Z'),
      saved('Billed', byCode),
      saved('Billed', { ...byCode, limit: 5 }),
    ]);
    expect(merged.map((s) => [s.name, s.query])).toEqual([
      ['Billed', toCubeQuery(byMonth)],
      ['Billed (2)', toCubeQuery(byCode)],
      ['Billed (3)', toCubeQuery({ ...byCode, limit: 5 })],
      ['Units by code', toCubeQuery(byCode)],
      ['Units by code (2)', toCubeQuery(byMonth)],
    ]);
    // The same file imported again adds nothing.
    expect(mergeSaved(merged, [saved('Units by code', byMonth), saved('Billed', byCode)])).toEqual(merged);
  });

  it('compares queries, not their key order', () => {
    const { limit, ...rest } = toCubeQuery(byCode);
    const reordered = { name: 'Units by code', query: { limit, ...rest }, savedAt: '2020-01-01T00:00:00.000Z' };
    expect(mergeSaved([saved('Units by code', byCode)], [reordered])).toHaveLength(1);
  });
});
