// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { computed } from 'vue';
import ReportFilters from '../../../dashboard/src/components/ReportFilters.vue';
import ReportFiltersDateRange from '../../../dashboard/src/components/ReportFiltersDateRange.vue';
import ReportFiltersMultiSelect from '../../../dashboard/src/components/ReportFiltersMultiSelect.vue';
import type { FilterOption, FilterOptionsState, OptionKind } from '../../../dashboard/src/composables/useFilterOptions.js';
import { DEFAULT_STATE, type ReportState } from '../../../dashboard/src/lib/report-state.js';

const CODES: FilterOption[] = [
  { id: '97110', label: '97110', detail: 'Therapeutic exercise, each 15 minutes', tag: 'CPT' },
  { id: '98941', label: '98941', detail: 'Chiropractic manipulative treatment; spinal, 3-4 regions', tag: 'CPT' },
  { id: 'MASS60', label: 'MASS60', detail: 'Therapeutic massage, 60 minutes', tag: 'Custom' },
];

function mountSelect(modelValue: string[] = []) {
  return mount(ReportFiltersMultiSelect, {
    props: { label: 'Service codes', options: CODES, byTag: true, modelValue },
    attachTo: document.body,
  });
}

describe('ReportFiltersMultiSelect', () => {
  it('shows "All" when nothing is selected, a name for one, a count for several', async () => {
    const wrapper = mountSelect();
    expect(wrapper.find('.multi-select-toggle').text()).toBe('All');
    await wrapper.setProps({ modelValue: ['98941'] });
    expect(wrapper.find('.multi-select-toggle').text()).toBe('98941');
    await wrapper.setProps({ modelValue: ['98941', 'MASS60'] });
    expect(wrapper.find('.multi-select-toggle').text()).toBe('2 selected');
    wrapper.unmount();
  });

  it('searches codes by description and applies the choice', async () => {
    const wrapper = mountSelect();
    await wrapper.find('.multi-select-toggle').trigger('click');
    expect(wrapper.emitted('open')).toHaveLength(1);
    await wrapper.find('input[type="search"]').setValue('massage');
    const boxes = wrapper.findAll('.multi-select-list input[type="checkbox"]');
    expect(boxes).toHaveLength(1);
    await boxes[0]!.setValue(true);
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Apply')!
      .trigger('click');
    expect(wrapper.emitted('update:modelValue')![0]).toEqual([['MASS60']]);
    expect(wrapper.find('.multi-select-panel').exists()).toBe(false);
    wrapper.unmount();
  });

  it('selects all CPT codes in one click', async () => {
    const wrapper = mountSelect(['MASS60']);
    await wrapper.find('.multi-select-toggle').trigger('click');
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Only CPT')!
      .trigger('click');
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Apply')!
      .trigger('click');
    expect(wrapper.emitted('update:modelValue')![0]).toEqual([['97110', '98941']]);
    wrapper.unmount();
  });

  it('cancels with Escape', async () => {
    const wrapper = mountSelect();
    await wrapper.find('.multi-select-toggle').trigger('click');
    await wrapper.findAll('.multi-select-list input')[0]!.setValue(true);
    await wrapper.find('.multi-select').trigger('keydown', { key: 'Escape' });
    expect(wrapper.find('.multi-select-panel').exists()).toBe(false);
    expect(wrapper.emitted('update:modelValue')).toBeUndefined();
    wrapper.unmount();
  });

  it('is labelled for screen readers and says whether it is open', async () => {
    const wrapper = mountSelect();
    const toggle = wrapper.find('.multi-select-toggle');
    const labelIds = toggle.attributes('aria-labelledby')!.split(' ');
    expect(labelIds.map((id) => document.getElementById(id)?.textContent).join(' ')).toBe('Service codes All');
    expect(toggle.attributes('aria-expanded')).toBe('false');
    await toggle.trigger('click');
    expect(toggle.attributes('aria-expanded')).toBe('true');
    expect(wrapper.find('input[type="search"]').attributes('aria-label')).toBe('Search service codes');
    wrapper.unmount();
  });
});

describe('ReportFiltersDateRange', () => {
  it('offers presets computed from the clinic’s today', async () => {
    const wrapper = mount(ReportFiltersDateRange, { props: { from: '2026-10-01', to: '2026-10-31', today: '2026-11-27' } });
    const select = wrapper.find('select');
    expect((select.element as HTMLSelectElement).value).toBe('last_month');
    await select.setValue('year_to_date');
    expect(wrapper.emitted('change')![0]).toEqual([{ from: '2026-01-01', to: '2026-11-27' }]);
  });

  it('takes a custom range and refuses an inverted one', async () => {
    const wrapper = mount(ReportFiltersDateRange, { props: { from: '2026-10-01', to: '2026-10-31', today: '2026-11-27' } });
    await wrapper.find('select').setValue('custom');
    const [from, to] = wrapper.findAll('input[type="date"]');
    await from!.setValue('2026-09-15');
    expect(wrapper.emitted('change')![0]).toEqual([{ from: '2026-09-15', to: '2026-10-31' }]);
    await to!.setValue('2026-09-01');
    expect(wrapper.emitted('change')).toHaveLength(1);
    expect(wrapper.find('[role="alert"]').text()).toContain('on or before');
  });
});

function fakeOptions(): FilterOptionsState & { loaded: OptionKind[] } {
  const loaded: OptionKind[] = [];
  const lists: Record<OptionKind, FilterOption[]> = {
    providers: [{ id: '3', label: 'Ann Lee, DC' }],
    payors: [
      { id: '12', label: 'Aetna' },
      { id: 'none', label: 'Self-pay' },
    ],
    caseTypes: [{ id: '4', label: 'Wellness' }],
    codes: CODES,
    modifiers: [
      { id: 'GP,59', label: 'GP,59' },
      { id: 'none', label: 'No modifier' },
    ],
  };
  const kinds = Object.keys(lists) as OptionKind[];
  return {
    loaded,
    options: Object.fromEntries(kinds.map((k) => [k, computed(() => lists[k])])) as FilterOptionsState['options'],
    loading: Object.fromEntries(kinds.map((k) => [k, computed(() => false)])) as FilterOptionsState['loading'],
    load: vi.fn((kind: OptionKind) => void loaded.push(kind)),
  };
}

describe('ReportFilters', () => {
  const state: ReportState = { ...DEFAULT_STATE, from: '2026-10-01', to: '2026-10-31', payors: ['none'] };

  it('loads the lists the URL already selects from, and the others when opened', async () => {
    const options = fakeOptions();
    const wrapper = mount(ReportFilters, { props: { state, today: '2026-11-27', filterOptions: options }, attachTo: document.body });
    expect(options.loaded).toEqual(['payors']);
    const payors = wrapper.findAllComponents(ReportFiltersMultiSelect)[1]!;
    expect(payors.find('.multi-select-toggle').text()).toBe('Self-pay');
    await wrapper.findAllComponents(ReportFiltersMultiSelect)[0]!.find('.multi-select-toggle').trigger('click');
    expect(options.loaded).toContain('providers');
    wrapper.unmount();
  });

  it('emits one patch per change, named as the state names it', async () => {
    const options = fakeOptions();
    const wrapper = mount(ReportFilters, { props: { state, today: '2026-11-27', filterOptions: options }, attachTo: document.body });
    const selects = wrapper.findAll('label.select-field select');
    await selects[0]!.setValue('non-billable');
    await selects[1]!.setValue('last_year');
    const providers = wrapper.findAllComponents(ReportFiltersMultiSelect)[0]!;
    await providers.find('.multi-select-toggle').trigger('click');
    await providers.find('.multi-select-list input').setValue(true);
    await providers
      .findAll('button')
      .find((b) => b.text() === 'Apply')!
      .trigger('click');
    await wrapper.find('.clear-filters').trigger('click');
    await flushPromises();
    expect(wrapper.emitted('change')).toEqual([
      [{ billing: 'non-billable' }],
      [{ compare: 'last_year' }],
      [{ providers: ['3'] }],
      [{ providers: [], payors: [], caseTypes: [], codes: [], modifiers: [], billing: null }],
    ]);
    wrapper.unmount();
  });
});
