// @vitest-environment happy-dom
import { flushPromises, mount, type DOMWrapper } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import { provideCubeClient, type CubeClient } from '../../../../dashboard/src/composables/useCubeApi.js';
import ExploreQueryForm from '../../../../dashboard/src/explore/ExploreQueryForm.vue';
import { catalogOf } from '../../../../dashboard/src/explore/explore-catalog.js';
import { EMPTY_QUERY, type ExploreQuery, type ExploreTime } from '../../../../dashboard/src/explore/explore-query.js';
import type { FieldProblem } from '../../../../dashboard/src/explore/explore-validate.js';

const V = 'service_code_usage';
const v = (name: string) => `${V}.${name}`;
const catalog = catalogOf([
  {
    name: V,
    type: 'view',
    title: 'Service Code Usage',
    measures: [
      { name: v('total_billed'), type: 'number', shortTitle: 'Total Billed', format: 'currency', aggType: 'sum' },
      { name: v('line_count'), type: 'number', shortTitle: 'Lines', aggType: 'count' },
    ],
    dimensions: [
      { name: v('service_code'), type: 'string', shortTitle: 'Service Code' },
      { name: v('provider_id'), type: 'number', shortTitle: 'Provider ID' },
      { name: v('date_of_service'), type: 'time', shortTitle: 'Date of Service' },
    ],
  },
]);

const TODAY = '2026-11-27';
const base: ExploreQuery = { ...EMPTY_QUERY, measures: [v('total_billed')] };
const monthly = (patch: Partial<ExploreTime> = {}): ExploreTime => ({
  dimension: v('date_of_service'),
  granularity: 'month',
  dateRange: { from: '2026-01-01', to: '2026-06-30' },
  compare: null,
  ...patch,
});

/** A client whose loads never answer: the filter rows' value lists stay unknown, so values are typed. */
const silentClient = (loads: unknown[] = []) =>
  ({
    load: (query: unknown) => (loads.push(query), new Promise(() => undefined)),
    meta: () => new Promise(() => undefined),
  }) as unknown as CubeClient;

let unmount: (() => void) | null = null;
afterEach(() => {
  unmount?.();
  unmount = null;
});

function mountForm(query: ExploreQuery, options: { problems?: FieldProblem[]; today?: string; client?: CubeClient } = {}) {
  const Harness = defineComponent({
    setup() {
      provideCubeClient(options.client ?? silentClient());
      return () => h(ExploreQueryForm, { query, catalog, problems: options.problems ?? [], today: options.today ?? TODAY });
    },
  });
  const wrapper = mount(Harness, { attachTo: document.body });
  unmount = () => wrapper.unmount();
  const form = wrapper.findComponent(ExploreQueryForm);
  const changes = () => (form.emitted<[ExploreQuery]>('change') ?? []).map(([q]) => q);
  /** The one change the action made. */
  const changed = () => {
    expect(changes()).toHaveLength(1);
    return changes()[0]!;
  };
  const button = (name: string) => {
    const found = wrapper.findAll('button').find((b) => (b.attributes('aria-label') ?? b.text()) === name);
    if (!found) throw new Error(`No button "${name}"`);
    return found;
  };
  const labelled = <E extends Element = HTMLElement>(label: string): DOMWrapper<E> => wrapper.find<E>(`[aria-label="${label}"]`);
  return { wrapper, changes, changed, button, labelled };
}

describe('ExploreQueryForm: measures and dimensions', () => {
  it('removing a measure also removes its order entry, and nothing else', async () => {
    const query: ExploreQuery = {
      ...base,
      measures: [v('total_billed'), v('line_count')],
      dimensions: [v('service_code')],
      order: [
        [v('total_billed'), 'desc'],
        [v('service_code'), 'asc'],
      ],
    };
    const { button, changed } = mountForm(query);
    await button('Remove measure Total Billed').trigger('click');
    expect(changed()).toEqual({ ...query, measures: [v('line_count')], order: [[v('service_code'), 'asc']] });
  });

  it('removing a dimension also removes its order entry', async () => {
    const query: ExploreQuery = {
      ...base,
      dimensions: [v('service_code'), v('provider_id')],
      order: [
        [v('provider_id'), 'asc'],
        [v('total_billed'), 'desc'],
      ],
    };
    const { button, changed } = mountForm(query);
    await button('Remove dimension Provider ID').trigger('click');
    expect(changed()).toEqual({ ...query, dimensions: [v('service_code')], order: [[v('total_billed'), 'desc']] });
  });
});

describe('ExploreQueryForm: time', () => {
  it('a granularity of "" (the whole range) removes the order on the time dimension', async () => {
    const query: ExploreQuery = {
      ...base,
      time: monthly(),
      order: [
        [v('date_of_service'), 'asc'],
        [v('total_billed'), 'desc'],
      ],
    };
    const { labelled, changed } = mountForm(query);
    await labelled('Granularity').setValue('');
    expect(changed()).toEqual({ ...query, time: monthly({ granularity: null }), order: [[v('total_billed'), 'desc']] });
  });

  it('another granularity keeps the order on the time dimension', async () => {
    const query: ExploreQuery = { ...base, time: monthly(), order: [[v('date_of_service'), 'asc']] };
    const { labelled, changed } = mountForm(query);
    await labelled('Granularity').setValue('week');
    expect(changed()).toEqual({ ...query, time: monthly({ granularity: 'week' }) });
  });

  it('"All dates" clears the range and the comparison', async () => {
    const query: ExploreQuery = { ...base, time: monthly({ compare: 'previous' }) };
    const { button, changed } = mountForm(query);
    await button('All dates').trigger('click');
    expect(changed()).toEqual({ ...query, time: monthly({ dateRange: null, compare: null }) });
  });

  it.each([
    ['2026-11-27', { from: '2026-10-01', to: '2026-10-31' }],
    ['2026-01-15', { from: '2025-12-01', to: '2025-12-31' }],
    ['2028-03-31', { from: '2028-02-01', to: '2028-02-29' }],
  ])('"Set a date range" on %s sets the clinic’s last month', async (today, range) => {
    const query: ExploreQuery = { ...base, time: monthly({ dateRange: null }) };
    const { button, changed } = mountForm(query, { today });
    await button('Set a date range').trigger('click');
    expect(changed()).toEqual({ ...query, time: monthly({ dateRange: range }) });
  });

  it('offers a comparison only with a range, and writes the one chosen', async () => {
    expect(
      mountForm({ ...base, time: monthly({ dateRange: null }) })
        .labelled('Compare with')
        .exists(),
    ).toBe(false);
    unmount!();

    const query: ExploreQuery = { ...base, time: monthly() };
    const { labelled, changed } = mountForm(query);
    await labelled('Compare with').setValue('last_year');
    expect(changed()).toEqual({ ...query, time: monthly({ compare: 'last_year' }) });
  });

  it('"Nothing" removes the comparison', async () => {
    const query: ExploreQuery = { ...base, time: monthly({ compare: 'previous' }) };
    const { labelled, changed } = mountForm(query);
    await labelled('Compare with').setValue('');
    expect(changed()).toEqual({ ...query, time: monthly({ compare: null }) });
  });
});

describe('ExploreQueryForm: filters', () => {
  it('"Add filter" adds one on the view’s first dimension with that type’s first operator', async () => {
    const query: ExploreQuery = { ...base, filters: [{ member: v('provider_id'), operator: 'gt', values: ['3'] }] };
    const { button, changed } = mountForm(query);
    await button('Add filter').trigger('click');
    expect(changed()).toEqual({
      ...query,
      filters: [...query.filters, { member: v('service_code'), operator: 'equals', values: [] }],
    });
  });

  it('"Add filter" is disabled until the query names a view', () => {
    const { button } = mountForm({ ...EMPTY_QUERY });
    expect(button('Add filter').attributes('disabled')).toBeDefined();
  });

  it('a number dimension keeps a compatible operator and drops the text values', async () => {
    const query: ExploreQuery = { ...base, filters: [{ member: v('service_code'), operator: 'in', values: ['97110', '98941'] }] };
    const { labelled, changed } = mountForm(query);
    await labelled('Filter 1: member').setValue(v('provider_id'));
    expect(changed().filters).toEqual([{ member: v('provider_id'), operator: 'in', values: [] }]);
  });

  it('an operator a number has not ("contains") becomes its first', async () => {
    const query: ExploreQuery = { ...base, filters: [{ member: v('service_code'), operator: 'contains', values: ['97'] }] };
    const { labelled, changed } = mountForm(query);
    await labelled('Filter 1: member').setValue(v('provider_id'));
    expect(changed().filters).toEqual([{ member: v('provider_id'), operator: 'equals', values: [] }]);
  });

  it('a member of the same type keeps the values (a number dimension to a measure)', async () => {
    const query: ExploreQuery = { ...base, filters: [{ member: v('provider_id'), operator: 'gte', values: ['3'] }] };
    const { labelled, changed } = mountForm(query);
    await labelled('Filter 1: member').setValue(v('line_count'));
    expect(changed().filters).toEqual([{ member: v('line_count'), operator: 'gte', values: ['3'] }]);
  });

  it('the operator "is set" drops the values; ">" keeps one', async () => {
    const query: ExploreQuery = { ...base, filters: [{ member: v('service_code'), operator: 'in', values: ['97110', '98941'] }] };
    const { labelled, changes } = mountForm(query);
    await labelled('Filter 1: operator').setValue('set');
    await labelled('Filter 1: operator').setValue('gt');
    expect(changes().map((q) => q.filters)).toEqual([
      [{ member: v('service_code'), operator: 'set', values: [] }],
      [{ member: v('service_code'), operator: 'gt', values: ['97110'] }],
    ]);
  });

  it('adds a typed value on Enter, not on every key', async () => {
    const query: ExploreQuery = { ...base, filters: [{ member: v('provider_id'), operator: 'in', values: ['3'] }] };
    const { labelled, changes } = mountForm(query);
    const input = labelled<HTMLInputElement>('Filter 1: add a value');
    input.element.value = '1';
    await input.trigger('input');
    input.element.value = '12';
    await input.trigger('input');
    expect(changes()).toEqual([]);
    await input.trigger('keydown', { key: 'Enter' });
    expect(changes().map((q) => q.filters)).toEqual([[{ member: v('provider_id'), operator: 'in', values: ['3', '12'] }]]);
  });

  it('does not add a value twice or an empty one', async () => {
    const query: ExploreQuery = { ...base, filters: [{ member: v('provider_id'), operator: 'in', values: ['3'] }] };
    const { labelled, changes } = mountForm(query);
    const input = labelled<HTMLInputElement>('Filter 1: add a value');
    await input.setValue(' 3 ');
    await input.trigger('keydown', { key: 'Enter' });
    await input.setValue('   ');
    await input.trigger('keydown', { key: 'Enter' });
    expect(changes()).toEqual([]);
  });

  it('removes a value with its × button', async () => {
    const query: ExploreQuery = { ...base, filters: [{ member: v('provider_id'), operator: 'in', values: ['3', '12', '40'] }] };
    const { button, changed } = mountForm(query);
    await button('Remove value 12').trigger('click');
    expect(changed().filters).toEqual([{ member: v('provider_id'), operator: 'in', values: ['3', '40'] }]);
  });

  it('removes a filter with its button, leaving the others', async () => {
    const first = { member: v('provider_id'), operator: 'in', values: ['3'] };
    const second = { member: v('service_code'), operator: 'set', values: [] };
    const { button, changed } = mountForm({ ...base, filters: [first, second] });
    await button('Remove filter 1').trigger('click');
    expect(changed().filters).toEqual([second]);
  });

  it('offers the values of a text dimension from the data when the list is short', async () => {
    const loads: unknown[] = [];
    const client = {
      load: (query: unknown) => {
        loads.push(query);
        return Promise.resolve({ rawData: () => [{ [v('service_code')]: '97110' }, { [v('service_code')]: '98941' }] });
      },
      meta: () => new Promise(() => undefined),
    } as unknown as CubeClient;
    const query: ExploreQuery = { ...base, filters: [{ member: v('service_code'), operator: 'in', values: [] }] };
    const { wrapper, labelled } = mountForm(query, { client });
    await flushPromises();
    expect(loads).toEqual([{ dimensions: [v('service_code')], order: [[v('service_code'), 'asc']], limit: 101 }]);
    // A picker instead of the typed input.
    expect(labelled('Filter 1: add a value').exists()).toBe(false);
    expect(wrapper.text()).toContain('Filter 1: values');
  });
});

describe('ExploreQueryForm: limit', () => {
  it('writes the row limit as a number', async () => {
    const { wrapper, changed } = mountForm(base);
    const input = wrapper.find<HTMLInputElement>('#explore-limit');
    expect(input.element.value).toBe('1000');
    await input.setValue('250');
    expect(changed()).toEqual({ ...base, limit: 250 });
  });
});

describe('ExploreQueryForm: problems', () => {
  const query: ExploreQuery = {
    ...base,
    dimensions: [v('service_code')],
    time: monthly(),
    filters: [
      { member: v('service_code'), operator: 'in', values: ['97110'] },
      { member: v('provider_id'), operator: 'gt', values: ['x'] },
    ],
    order: [[v('total_billed'), 'desc']],
  };
  const problems: FieldProblem[] = [
    { field: 'measures', message: 'Measure problem.' },
    { field: 'dimensions', message: 'Dimension problem.' },
    { field: 'time', message: 'Time problem.' },
    { field: 'filter:1', message: 'Provider ID is a number: "x" is not one.' },
    { field: 'order', message: 'Order problem.' },
    { field: 'limit', message: 'Limit problem.' },
    { field: 'query', message: 'Members of different views cannot be combined.' },
  ];
  const alertsIn = (el: Element) => [...el.querySelectorAll('[role="alert"]')].map((a) => a.textContent!.trim());

  it('shows each message once, as an alert', () => {
    const { wrapper } = mountForm(query, { problems });
    expect(alertsIn(wrapper.element).sort()).toEqual(problems.map((p) => p.message).sort());
  });

  it('puts a filter’s message under that filter only', () => {
    const { labelled } = mountForm(query, { problems });
    expect(alertsIn(labelled('Filter 2').element)).toEqual(['Provider ID is a number: "x" is not one.']);
    expect(alertsIn(labelled('Filter 1').element)).toEqual([]);
  });

  it('puts the time’s message in the time group', () => {
    const { labelled } = mountForm(query, { problems });
    expect(alertsIn(labelled('Time').element)).toEqual(['Time problem.']);
  });

  it('puts the query’s message at the end of the form', () => {
    const { wrapper } = mountForm(query, { problems });
    const last = wrapper.find('form').element.lastElementChild!;
    expect(last.getAttribute('role')).toBe('alert');
    expect(last.textContent!.trim()).toBe('Members of different views cannot be combined.');
  });

  it('puts the measures’, dimensions’, order’s and limit’s messages beside their fields', () => {
    const { wrapper } = mountForm(query, { problems });
    const fieldOf = (message: string) => wrapper.findAll('[role="alert"]').find((a) => a.text() === message)!.element.parentElement!;
    expect(fieldOf('Measure problem.').querySelector('[aria-label="Measures"]')).not.toBeNull();
    expect(fieldOf('Dimension problem.').querySelector('[aria-label="Dimensions"]')).not.toBeNull();
    expect(fieldOf('Order problem.').querySelector('[aria-label="Order 1"]')).not.toBeNull();
    expect(fieldOf('Limit problem.').querySelector('#explore-limit')).not.toBeNull();
  });

  it('shows no alert without problems', () => {
    const { wrapper } = mountForm(query);
    expect(wrapper.findAll('[role="alert"]')).toHaveLength(0);
  });
});
