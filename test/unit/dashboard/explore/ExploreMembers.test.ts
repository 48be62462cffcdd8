// @vitest-environment happy-dom
import { mount, type VueWrapper } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import ExploreMembers from '../../../../dashboard/src/explore/ExploreMembers.vue';
import { catalogOf } from '../../../../dashboard/src/explore/explore-catalog.js';

const V = 'service_code_usage';
const v = (name: string) => `${V}.${name}`;
const BILLED = 'The amount billed for the lines, before adjustments.';
const catalog = catalogOf([
  {
    name: V,
    type: 'view',
    title: 'Service Code Usage',
    description: 'Billed service lines by code, provider and payor.',
    measures: [
      { name: v('total_billed'), type: 'number', shortTitle: 'Total Billed', description: BILLED, format: 'currency', aggType: 'sum' },
      { name: v('line_count'), type: 'number', shortTitle: 'Lines', description: 'Service lines billed.', aggType: 'count' },
    ],
    dimensions: [
      { name: v('service_code'), type: 'string', shortTitle: 'Service Code', description: 'The CPT or custom code.' },
      { name: v('date_of_service'), type: 'time', shortTitle: 'Date of Service', description: 'The visit’s date.' },
    ],
  },
  {
    name: 'visit_lines',
    type: 'view',
    title: 'Visit Lines',
    description: 'Every line of every visit.',
    measures: [{ name: 'visit_lines.line_count', type: 'number', shortTitle: 'Line Count', description: 'Lines.', aggType: 'count' }],
    dimensions: [],
  },
]);

function mountMembers(view: string | null, selected: string[] = []) {
  return mount(ExploreMembers, { props: { catalog, view, selected: new Set(selected) } });
}
const sections = (wrapper: VueWrapper) => wrapper.findAll('section');
const heading = (section: { find(s: string): { text(): string } }) => section.find('h2').text();
const checkbox = (wrapper: VueWrapper, member: string) => wrapper.find<HTMLInputElement>(`input[data-member="${member}"]`);

describe('ExploreMembers', () => {
  it('groups the members by view, under the view’s title and name, by kind', () => {
    const wrapper = mountMembers(null);
    const [scu, lines] = sections(wrapper);
    expect(heading(scu!)).toBe('Service Code Usage service_code_usage');
    expect(scu!.text()).toContain('Billed service lines by code, provider and payor.');
    expect(scu!.findAll('legend').map((l) => l.text())).toEqual(['Measures', 'Dimensions', 'Time']);
    expect(scu!.findAll('fieldset').map((f) => f.findAll('input').map((i) => i.attributes('data-member')))).toEqual([
      [v('total_billed'), v('line_count')],
      [v('service_code')],
      [v('date_of_service')],
    ]);
    // A view without dimensions has no empty groups.
    expect(heading(lines!)).toBe('Visit Lines visit_lines');
    expect(lines!.findAll('legend').map((l) => l.text())).toEqual(['Measures']);
  });

  it('names each checkbox by its title and its description (for assistive tech), the description also as a tooltip', () => {
    const wrapper = mountMembers(null);
    const box = checkbox(wrapper, v('total_billed'));
    const label = box.element.closest('label')!;
    // The checkbox's accessible name is its label's text.
    expect(label.textContent!.replace(/\s+/g, ' ').trim()).toBe(`Total Billed: ${BILLED}`);
    expect(label.getAttribute('title')).toBe(BILLED);
    const hidden = label.querySelector('.visually-hidden');
    expect(hidden?.textContent).toContain(BILLED);
  });

  it('with no view yet, every view can be picked and none says it cannot', () => {
    const wrapper = mountMembers(null);
    expect(wrapper.findAll('fieldset').map((f) => f.attributes('disabled'))).toEqual([undefined, undefined, undefined, undefined]);
    expect(wrapper.find('.explore-view-note').exists()).toBe(false);
  });

  it('once the query is on a view, the other views’ groups are disabled and say why', () => {
    const wrapper = mountMembers(V, [v('total_billed')]);
    const [scu, lines] = sections(wrapper);
    expect(scu!.findAll('fieldset').every((f) => f.attributes('disabled') === undefined)).toBe(true);
    expect(scu!.text()).not.toContain('Not combinable');
    expect(lines!.findAll('fieldset').map((f) => f.attributes('disabled'))).toEqual(['']);
    expect(lines!.find('.explore-view-note').text()).toBe('Not combinable with Service Code Usage: clear the query to use this view.');
  });

  it('lists the query’s view first', () => {
    expect(sections(mountMembers(null)).map((s) => s.find('code').text())).toEqual([V, 'visit_lines']);
    expect(sections(mountMembers('visit_lines')).map((s) => s.find('code').text())).toEqual(['visit_lines', V]);
  });

  it('checks the selected members', () => {
    const wrapper = mountMembers(V, [v('line_count'), v('date_of_service')]);
    const checked = wrapper.findAll<HTMLInputElement>('input[type="checkbox"]').filter((i) => i.element.checked);
    expect(checked.map((i) => i.attributes('data-member'))).toEqual([v('line_count'), v('date_of_service')]);
  });

  it('emits toggle with the member checked or unchecked', async () => {
    const wrapper = mountMembers(V, [v('line_count')]);
    await checkbox(wrapper, v('service_code')).setValue(true);
    await checkbox(wrapper, v('line_count')).setValue(false);
    expect(wrapper.emitted('toggle')).toEqual([[catalog.members.get(v('service_code'))], [catalog.members.get(v('line_count'))]]);
  });
});
