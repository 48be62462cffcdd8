// @vitest-environment happy-dom
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import ExploreSavedQueries from '../../../../dashboard/src/explore/ExploreSavedQueries.vue';
import { EMPTY_QUERY, sameQuery, toCubeQuery, type ExploreQuery } from '../../../../dashboard/src/explore/explore-query.js';
import { SAVED_QUERIES_KEY, savedQueriesStore } from '../../../../dashboard/src/explore/saved-queries.js';

const v = (name: string) => `service_code_usage.${name}`;

/** A Map behind the Storage interface. */
class FakeStorage implements Storage {
  readonly items = new Map<string, string>();
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

function mountSaved(query: ExploreQuery, storage: Storage | null = new FakeStorage()) {
  return mount(ExploreSavedQueries, { props: { query, storage }, attachTo: document.body });
}
const button = (wrapper: VueWrapper, name: string) => {
  const found = wrapper.findAll('button').find((b) => (b.attributes('aria-label') ?? b.text()) === name);
  if (!found) throw new Error(`No button "${name}"`);
  return found;
};
const savedNames = (wrapper: VueWrapper) => wrapper.findAll('li .link-button').map((b) => b.text());
const storedNames = (storage: Storage) =>
  savedQueriesStore(storage)
    .list()
    .map((s) => s.name);

async function saveAs(wrapper: VueWrapper, name: string) {
  await wrapper.find('input[type="text"]').setValue(name);
  await wrapper.find('form').trigger('submit');
}

describe('ExploreSavedQueries', () => {
  it('saves the query under a name, and cannot save an empty query', async () => {
    const storage = new FakeStorage();
    const wrapper = mountSaved({ ...EMPTY_QUERY }, storage);
    expect(button(wrapper, 'Save').attributes('disabled')).toBeDefined();
    expect(wrapper.text()).toContain('No saved queries yet.');

    await wrapper.setProps({ query: byCode });
    expect(button(wrapper, 'Save').attributes('disabled')).toBeUndefined();
    await saveAs(wrapper, '  ');
    expect(wrapper.find('[role="alert"]').text()).toBe('Give the query a name.');
    expect(storedNames(storage)).toEqual([]);

    await saveAs(wrapper, 'Units by code');
    expect(savedNames(wrapper)).toEqual(['Units by code']);
    expect(storedNames(storage)).toEqual(['Units by code']);
    expect(wrapper.find('[role="status"]').text()).toBe('Saved “Units by code”.');
    wrapper.unmount();
  });

  it('asks before replacing a saved query of the same name', async () => {
    const storage = new FakeStorage();
    savedQueriesStore(storage).save('Monthly', byMonth);
    const wrapper = mountSaved(byCode, storage);

    await saveAs(wrapper, 'Monthly');
    // Nothing written yet: the button asks.
    expect(button(wrapper, 'Replace “Monthly”?').exists()).toBe(true);
    expect(savedQueriesStore(storage).list()[0]!.query).toEqual(toCubeQuery(byMonth));

    // A cancelled replacement writes nothing.
    await button(wrapper, 'Cancel').trigger('click');
    expect(button(wrapper, 'Save').exists()).toBe(true);
    expect(savedQueriesStore(storage).list()[0]!.query).toEqual(toCubeQuery(byMonth));

    await wrapper.find('form').trigger('submit');
    await button(wrapper, 'Replace “Monthly”?').trigger('click');
    expect(savedQueriesStore(storage).list()).toHaveLength(1);
    expect(savedQueriesStore(storage).list()[0]!.query).toEqual(toCubeQuery(byCode));
    expect(button(wrapper, 'Save').exists()).toBe(true);
    wrapper.unmount();
  });

  it('opens a saved query: emits a query equal to the one saved', async () => {
    const storage = new FakeStorage();
    const store = savedQueriesStore(storage);
    store.save('Monthly', byMonth);
    store.save('Units by code', byCode);
    const wrapper = mountSaved({ ...EMPTY_QUERY }, storage);
    expect(savedNames(wrapper)).toEqual(['Monthly', 'Units by code']);

    await button(wrapper, 'Monthly').trigger('click');
    const opened = wrapper.emitted('open')![0]![0] as ExploreQuery;
    expect(sameQuery(opened, byMonth)).toBe(true);
    expect(sameQuery(opened, byCode)).toBe(false);
    // The name is ready for saving the edited query back.
    expect((wrapper.find('input[type="text"]').element as HTMLInputElement).value).toBe('Monthly');
    wrapper.unmount();
  });

  it('deletes a saved query by its own Delete button', async () => {
    const storage = new FakeStorage();
    const store = savedQueriesStore(storage);
    store.save('Monthly', byMonth);
    store.save('Units by code', byCode);
    const wrapper = mountSaved(byCode, storage);

    await button(wrapper, 'Delete “Monthly”').trigger('click');
    expect(savedNames(wrapper)).toEqual(['Units by code']);
    expect(storedNames(storage)).toEqual(['Units by code']);
    wrapper.unmount();
  });

  it('imports a file, merging by name, and shows the problem of its bad entry', async () => {
    const storage = new FakeStorage();
    savedQueriesStore(storage).save('Monthly', byMonth);
    const wrapper = mountSaved(byCode, storage);
    const text = JSON.stringify({
      format: 'service-code-usage/explorer-queries',
      version: 1,
      queries: [
        { name: 'Monthly', query: toCubeQuery(byCode), savedAt: '2024-07-01T10:00:00.000Z' },
        { name: 'Broken', query: 'not a query' },
        { name: 'Units by code', query: toCubeQuery(byCode), savedAt: '2024-07-01T10:00:00.000Z' },
      ],
    });
    const input = wrapper.find('input[type="file"]');
    Object.defineProperty(input.element, 'files', {
      value: [new File([text], 'queries.json', { type: 'application/json' })],
    });
    await input.trigger('change');
    await flushPromises();

    expect(storedNames(storage)).toEqual(['Monthly', 'Monthly (2)', 'Units by code']);
    expect(savedNames(wrapper)).toEqual(['Monthly', 'Monthly (2)', 'Units by code']);
    expect(wrapper.findAll('[role="status"]').map((s) => s.text())).toContain(
      'Imported 2 queries from queries.json: “Monthly (2)”, “Units by code”.',
    );
    const alert = wrapper.find('[role="alert"]');
    expect(alert.text()).toContain('"Broken": The query is not a JSON object.');
    expect(alert.text()).toContain('"Broken": it names no measure or dimension; it was skipped.');
    wrapper.unmount();
  });

  it('says so when the browser keeps nothing, and offers no saving', () => {
    const wrapper = mountSaved(byCode, null);
    expect(wrapper.find('[role="alert"]').text()).toBe('This browser does not let the page keep saved queries.');
    expect(button(wrapper, 'Save').attributes('disabled')).toBeDefined();
    expect(button(wrapper, 'Import').attributes('disabled')).toBeDefined();
    wrapper.unmount();
  });

  it('shows queries saved by another tab', async () => {
    const storage = new FakeStorage();
    const wrapper = mountSaved(byCode, storage);
    savedQueriesStore(storage).save('From elsewhere', byMonth);
    window.dispatchEvent(new StorageEvent('storage', { key: SAVED_QUERIES_KEY, storageArea: storage }));
    await flushPromises();
    expect(savedNames(wrapper)).toEqual(['From elsewhere']);
    wrapper.unmount();
  });
});
