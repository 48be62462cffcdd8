// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { nextTick, shallowRef } from 'vue';
import ReportChartActions from '../../../dashboard/src/components/ReportChartActions.vue';
import { useChartMenu, type ChartClick } from '../../../dashboard/src/composables/useECharts.js';
import {
  CHART_DRILL_FIGURE,
  linesActionName,
  maturityActions,
  payorCodeActions,
  payorMixActions,
  topCodeActions,
  trendActions,
} from '../../../dashboard/src/lib/chart-drill.js';
import type { ChartFigure } from '../../../dashboard/src/lib/chart-theme.js';
import { NO_NARROWING, parseDrill, writeDrill } from '../../../dashboard/src/lib/drill.js';

const RANGE = { from: '2026-07-01', to: '2026-09-30' };
const units = { figure: 'units' as ChartFigure, label: 'Units Billed', value: '1,234' };

describe('what a click on a chart element offers', () => {
  it('top codes: show only the code, or its lines of the chart’s figure over the report’s range', () => {
    const actions = topCodeActions('97140', units, RANGE);
    expect(actions.thing).toBe('97140');
    expect(actions.narrow).toEqual({ codes: ['97140'] });
    expect(actions.lines!.selection).toEqual({
      figure: 'units_billed',
      period: 'report',
      ...RANGE,
      narrow: { ...NO_NARROWING, codes: ['97140'] },
      sort: null,
      page: 1,
    });
    expect(linesActionName(actions.lines!)).toBe('Show the lines behind Units Billed of 97140: 1,234');
  });

  it('each figure of the picker drills into the same measure', () => {
    const figures = (['units', 'visits', 'billed', 'paid'] as const).map(
      (figure) => topCodeActions('97110', { figure, label: '', value: '' }, RANGE).lines!.selection.figure,
    );
    expect(figures).toEqual(['units_billed', 'visits_used', 'total_billed', 'insurance_paid']);
    expect(Object.keys(CHART_DRILL_FIGURE)).toHaveLength(4);
  });

  it('payor mix: one payor, self-pay as "none", or every payor a bar sums', () => {
    const paid = { figure: 'paid' as ChartFigure, label: 'Insurance Paid', value: '$5.00' };
    const selfPay = payorMixActions({ ids: ['none'], name: 'Self-pay' }, paid, RANGE);
    expect(selfPay.narrow).toEqual({ payors: ['none'] });
    expect(selfPay.lines!.selection.narrow).toEqual({ ...NO_NARROWING, payors: ['none'] });
    expect(selfPay.lines!.selection.figure).toBe('insurance_paid');
    expect(linesActionName(selfPay.lines!)).toBe('Show the lines behind Insurance Paid of Self-pay: $5.00');
    const other = payorMixActions({ ids: ['4', '9', 'none'], name: 'Other' }, paid, RANGE);
    expect(other.lines!.selection.narrow.payors).toEqual(['4', '9', 'none']);
    expect(other.narrow).toEqual({ payors: ['4', '9', 'none'] });
  });

  it('trend: a week’s lines over that week clipped to the range, and nothing else narrowed', () => {
    // The first week of the range starts on Monday Jun 29, before it.
    const actions = trendActions({ start: '2026-06-29', label: 'week of Jul 1, 2026' }, 'week', RANGE, units);
    expect(actions.narrow).toEqual({ from: '2026-07-01', to: '2026-07-05' });
    expect(actions.lines!.selection).toMatchObject({ figure: 'units_billed', period: 'report', from: '2026-07-01', to: '2026-07-05' });
    expect(actions.lines!.selection.narrow).toEqual(NO_NARROWING);
    const last = trendActions({ start: '2026-09-28', label: 'week of Sep 28, 2026' }, 'week', RANGE, units);
    expect([last.lines!.selection.from, last.lines!.selection.to]).toEqual(['2026-09-28', '2026-09-30']);
    const month = trendActions({ start: '2026-08-01', label: 'Aug 2026' }, 'month', RANGE, units);
    expect([month.lines!.selection.from, month.lines!.selection.to]).toEqual(['2026-08-01', '2026-08-31']);
    expect(month.thing).toBe('Aug 2026');
  });

  it('trend: a compared point’s lines are of its own bucket in the compared range', () => {
    const compared = { from: '2026-04-01', to: '2026-06-30' };
    const actions = trendActions({ start: '2026-08-01', label: 'Aug 2026' }, 'month', RANGE, units, {
      start: '2026-05-01',
      label: 'May 2026',
      range: compared,
    });
    expect(actions.lines!.selection).toMatchObject({ period: 'comparison', from: '2026-05-01', to: '2026-05-31' });
    expect(linesActionName(actions.lines!)).toBe('Show the lines behind Units Billed of May 2026: 1,234');
    // "Show only" is still the axis' period, as a click did before.
    expect(actions.thing).toBe('Aug 2026');
    expect(actions.narrow).toEqual({ from: '2026-08-01', to: '2026-08-31' });
    // A compared week starting before its range is clipped to it.
    const week = trendActions({ start: '2026-06-29', label: 'week of Jul 1, 2026' }, 'week', RANGE, units, {
      start: '2026-03-30',
      label: 'week of Apr 1, 2026',
      range: compared,
    });
    expect([week.lines!.selection.from, week.lines!.selection.to]).toEqual(['2026-04-01', '2026-04-05']);
  });

  it('payor × code: the lines of that payor and code, behind insurance paid per unit', () => {
    const actions = payorCodeActions({ payorId: '7', payorName: 'Aetna', code: '97140' }, '$31.20', RANGE);
    expect(actions.narrow).toEqual({ payors: ['7'], codes: ['97140'] });
    expect(actions.lines!.selection).toMatchObject({
      figure: 'insurance_paid_per_unit',
      period: 'report',
      ...RANGE,
      narrow: { ...NO_NARROWING, payors: ['7'], codes: ['97140'] },
    });
    expect(linesActionName(actions.lines!)).toBe('Show the lines behind Insurance Paid per Unit of Aetna · 97140: $31.20');
  });

  it('payment maturity offers no lines, only the period', () => {
    const actions = maturityActions({ start: '2026-09-01', label: 'Sep 2026' }, 'month', RANGE);
    expect(actions.lines).toBeNull();
    expect(actions.narrow).toEqual({ from: '2026-09-01', to: '2026-09-30' });
  });

  it('a chart’s drill goes through the address unchanged', () => {
    const selection = payorCodeActions({ payorId: '7', payorName: 'Aetna', code: '97140' }, '$1.00', RANGE).lines!.selection;
    const params = new URLSearchParams();
    writeDrill(params, selection);
    expect(params.get('drill')).toBe('insurance_paid_per_unit');
    expect(parseDrill(params)).toEqual(selection);
  });
});

describe('ReportChartActions', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  function mountMenu(actions = topCodeActions('97140', units, RANGE)) {
    const host = document.createElement('div');
    document.body.append(host);
    return mount(ReportChartActions, { props: { actions, at: { x: 10, y: 20 } }, attachTo: host });
  }

  it('is a menu of two items, the first focused; the lines item is named by the figure and its value', async () => {
    const wrapper = mountMenu();
    await new Promise((r) => setTimeout(r));
    const items = wrapper.findAll('[role="menuitem"]');
    expect(wrapper.get('[role="menu"]').attributes('aria-label')).toBe('97140');
    expect(items.map((i) => i.text())).toEqual(['Show only 97140', 'Show the lines Units Billed: 1,234']);
    expect(items[1]!.attributes('aria-label')).toBe('Show the lines behind Units Billed of 97140: 1,234');
    expect(document.activeElement).toBe(items[0]!.element);
    await wrapper.get('[role="menu"]').trigger('keydown', { key: 'ArrowDown' });
    expect(document.activeElement).toBe(items[1]!.element);
    await wrapper.get('[role="menu"]').trigger('keydown', { key: 'ArrowDown' });
    expect(document.activeElement).toBe(items[0]!.element);
    wrapper.unmount();
  });

  it('emits the narrowing or the drill, then closes', async () => {
    const actions = topCodeActions('97140', units, RANGE);
    const wrapper = mountMenu(actions);
    const [only, lines] = wrapper.findAll('[role="menuitem"]');
    await only!.trigger('click');
    expect(wrapper.emitted('narrow')).toEqual([[{ codes: ['97140'] }]]);
    await lines!.trigger('click');
    expect(wrapper.emitted('drill')).toEqual([[actions.lines!.selection]]);
    expect(wrapper.emitted('close')).toHaveLength(2);
    wrapper.unmount();
  });

  it('closes on Escape and on a press outside it, not on one inside it', async () => {
    const wrapper = mountMenu();
    await wrapper.get('[role="menu"]').trigger('keydown', { key: 'Escape' });
    expect(wrapper.emitted('close')).toHaveLength(1);
    wrapper.find('[role="menuitem"]').element.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
    expect(wrapper.emitted('close')).toHaveLength(1);
    document.body.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
    expect(wrapper.emitted('close')).toHaveLength(2);
    wrapper.unmount();
  });

  it('offers only "Show only" where there are no lines', () => {
    const wrapper = mountMenu(maturityActions({ start: '2026-09-01', label: 'Sep 2026' }, 'month', RANGE));
    expect(wrapper.findAll('[role="menuitem"]').map((i) => i.text())).toEqual(['Show only Sep 2026']);
    wrapper.unmount();
  });
});

describe('useChartMenu', () => {
  it('opens at the click and closes when the chart is drawn anew (its element may be gone)', async () => {
    const option = shallowRef({ series: [1] });
    const { menu, open, close } = useChartMenu(option);
    const actions = topCodeActions('97140', units, RANGE);
    open(actions, { at: { x: 12, y: 34 } } as ChartClick);
    expect(menu.value).toEqual({ actions, at: { x: 12, y: 34 } });
    option.value = { series: [2] };
    await nextTick();
    expect(menu.value).toBeNull();
    open(actions, { at: { x: 1, y: 2 } } as ChartClick);
    close();
    expect(menu.value).toBeNull();
  });
});
