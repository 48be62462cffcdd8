// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { defineComponent, h, ref } from 'vue';
import ReportChartFigurePicker from '../../../dashboard/src/components/ReportChartFigurePicker.vue';
import { useChartFigure } from '../../../dashboard/src/composables/useChartFigure.js';
import { changeRatio } from '../../../dashboard/src/lib/decimal.js';
import { createFormatters } from '../../../dashboard/src/lib/format.js';

const usd = createFormatters('en-US', 'USD');

describe('useChartFigure', () => {
  it('starts on the given figure and names it with the report’s header text', () => {
    expect(useChartFigure(usd).figure.value).toBe('units');
    const { figure, label, isMoney } = useChartFigure(usd, 'billed');
    expect([figure.value, label.value, isMoney.value]).toEqual(['billed', 'Total Billed', true]);
    figure.value = 'visits';
    expect([label.value, isMoney.value]).toEqual(['# of Visits Used', false]);
  });

  it('formats money from exact cents and counts as whole numbers; plots money in currency units', () => {
    const { figure, show, plot } = useChartFigure(usd);
    expect(show(123456n)).toBe('123,456');
    expect(plot(123456n)).toBe(123456);
    figure.value = 'paid';
    expect(show(123456n)).toBe('$1,234.56');
    expect(plot(123456n)).toBe(1234.56);
  });

  it('reads the formatters when it formats, so a new clinic currency applies at once', () => {
    const fmt = ref(usd);
    const { show } = useChartFigure(() => fmt.value, 'billed');
    expect(show(150n)).toBe('$1.50');
    fmt.value = createFormatters('en-GB', 'GBP');
    expect(show(150n)).toBe('£1.50');
  });
});

describe('ReportChartFigurePicker', () => {
  function mountPicker() {
    const figure = ref<'units' | 'visits' | 'billed' | 'paid'>('units');
    const Host = defineComponent(
      () => () =>
        h(ReportChartFigurePicker, {
          label: 'Rank by',
          modelValue: figure.value,
          'onUpdate:modelValue': (v: typeof figure.value) => (figure.value = v),
        }),
    );
    return { wrapper: mount(Host, { attachTo: document.body }), figure };
  }

  it('is a labelled select of the four figures, named by its hidden label', () => {
    const { wrapper } = mountPicker();
    const label = wrapper.find('label.inline-field');
    expect(label.find('span.visually-hidden').text()).toBe('Rank by');
    const options = label.findAll('select > option');
    expect(options.map((o) => [o.attributes('value'), o.text()])).toEqual([
      ['units', 'Units Billed'],
      ['visits', '# of Visits Used'],
      ['billed', 'Total Billed'],
      ['paid', 'Insurance Paid'],
    ]);
    wrapper.unmount();
  });

  it('binds the chosen figure both ways', async () => {
    const { wrapper, figure } = mountPicker();
    const select = wrapper.find('select');
    expect((select.element as HTMLSelectElement).value).toBe('units');
    await select.setValue('paid');
    expect(figure.value).toBe('paid');
    figure.value = 'visits';
    await wrapper.vm.$nextTick();
    expect((select.element as HTMLSelectElement).value).toBe('visits');
    wrapper.unmount();
  });
});

describe('changeRatio', () => {
  it('is the change against the comparison value, null without one', () => {
    expect(changeRatio(150n, 100n)).toBe(0.5);
    expect(changeRatio(75n, 100n)).toBe(-0.25);
    expect(changeRatio(100n, 100n)).toBe(0);
    // Against a negative comparison value (refunds): rising from −100 to −50 is an increase.
    expect(changeRatio(-50n, -100n)).toBe(0.5);
    expect(changeRatio(5n, 0n)).toBeNull();
  });
});
