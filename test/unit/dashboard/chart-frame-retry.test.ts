// @vitest-environment happy-dom
/**
 * A chart's overlay after a retryable error counts down to the attempt useCubeQuery has scheduled by
 * itself (the error's `retryInSeconds`), as the page's status does, and offers "Retry now"; an error
 * that is not retried by itself offers "Retry" and no countdown.
 */
import { mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import ReportChartFrame from '../../../dashboard/src/components/ReportChartFrame.vue';

afterEach(() => vi.useRealTimers());

const retryable = (seconds: number) =>
  Object.assign(new Error('The query did not finish within 30 seconds; it will be retried.'), { retryInSeconds: seconds });

describe('ReportChartFrame after an error', () => {
  it('counts down to the retry it makes by itself, and offers to retry now', async () => {
    vi.useFakeTimers();
    const wrapper = mount(ReportChartFrame, { props: { title: 'Top codes', error: retryable(3) } });
    const overlay = () => wrapper.find('[role="alert"]');
    expect(overlay().text()).toContain('Retrying in 3 s…');
    expect(overlay().find('button').text()).toBe('Retry now');
    vi.advanceTimersByTime(1000);
    await nextTick();
    expect(overlay().text()).toContain('Retrying in 2 s…');
    vi.advanceTimersByTime(2000);
    await nextTick();
    expect(overlay().text()).toContain('Retrying…');
    await overlay().find('button').trigger('click');
    expect(wrapper.emitted('retry')).toHaveLength(1);
    wrapper.unmount();
  });

  it('without a scheduled retry: no countdown, a plain Retry', () => {
    const wrapper = mount(ReportChartFrame, { props: { title: 'Top codes', error: new Error('Request failed') } });
    const overlay = wrapper.find('[role="alert"]');
    expect(overlay.text()).not.toContain('Retrying');
    expect(overlay.find('button').text()).toBe('Retry');
  });
});
