import { init, type ECharts, type EChartsCoreOption } from 'echarts/core';
import { onBeforeUnmount, onMounted, ref, shallowRef, toValue, watch, type MaybeRefOrGetter, type Ref } from 'vue';
import type { ChartActions, ChartMenu } from '../lib/chart-drill.js';

/** What a click on a chart element reports (ECharts' event params, the fields used here). */
export interface ChartClick {
  componentType: string;
  seriesIndex?: number;
  dataIndex: number;
  name: string;
  value: unknown;
  data: unknown;
  /** Where the click was, in pixels from the chart element's top left corner (its action menu opens there). */
  at: { x: number; y: number };
}

/** A chart's element carries its ECharts instance: the browser tests find where an element is drawn
 * with its public `convertToPixel` (the bundle exposes no `echarts` global for `getInstanceByDom`). */
interface ChartElement extends HTMLElement {
  echartsInstance?: ECharts;
}

/**
 * Mounts an ECharts instance on `el`, keeps it in step with `option` (a shallowRef or getter: ECharts
 * options are large, never deep-reactive), resizes it with its container, and disposes it on unmount.
 * Each chart component registers (echarts/core `use`) only the chart types and components it needs.
 */
export function useECharts(
  el: Ref<HTMLElement | null>,
  option: MaybeRefOrGetter<EChartsCoreOption | null>,
  onClick?: (params: ChartClick) => void,
): { chart: Ref<ECharts | null>; width: Ref<number>; height: Ref<number> } {
  const chart = shallowRef<ECharts | null>(null);
  /** The chart's width in CSS pixels, for options that depend on room (labels on or off). */
  const width = ref(0);
  const height = ref(0);
  let observer: ResizeObserver | undefined;
  // Printing lays the page out at paper width: the canvas follows.
  const printing = typeof window.matchMedia === 'function' ? window.matchMedia('print') : null;
  const onPrint = () => chart.value?.resize();

  onMounted(() => {
    if (!el.value) return;
    const instance = init(el.value, undefined, { renderer: 'canvas' });
    chart.value = instance;
    (el.value as ChartElement).echartsInstance = instance;
    if (onClick)
      instance.on('click', (params) => {
        const event = (params as { event?: { offsetX?: number; offsetY?: number } }).event;
        // The tooltip would cover the menu the click opens; it shows again when the pointer moves on.
        // After this turn: the tooltip's own click trigger shows it once the click handlers have run.
        setTimeout(() => instance.dispatchAction({ type: 'hideTip' }));
        onClick({ ...(params as unknown as Omit<ChartClick, 'at'>), at: { x: event?.offsetX ?? 0, y: event?.offsetY ?? 0 } });
      });
    width.value = el.value.clientWidth;
    height.value = el.value.clientHeight;
    observer = new ResizeObserver(() => {
      width.value = el.value?.clientWidth ?? 0;
      height.value = el.value?.clientHeight ?? 0;
      instance.resize();
    });
    observer.observe(el.value);
    printing?.addEventListener('change', onPrint);
    const current = toValue(option);
    if (current) instance.setOption(current, { notMerge: true });
  });

  watch(
    () => toValue(option),
    (next) => {
      if (chart.value && next) chart.value.setOption(next, { notMerge: true });
    },
  );

  onBeforeUnmount(() => {
    observer?.disconnect();
    printing?.removeEventListener('change', onPrint);
    chart.value?.dispose();
    chart.value = null;
    if (el.value) delete (el.value as ChartElement).echartsInstance;
  });

  return { chart, width, height };
}

/**
 * The action menu of a chart (ReportChartActions, opened by a click on an element): closed again
 * whenever the chart is drawn anew, since the element it was about may be gone or moved.
 */
export function useChartMenu(option: MaybeRefOrGetter<unknown>): {
  menu: Ref<ChartMenu | null>;
  open(actions: ChartActions, click: ChartClick): void;
  close(): void;
} {
  const menu = shallowRef<ChartMenu | null>(null);
  watch(
    () => toValue(option),
    () => {
      menu.value = null;
    },
  );
  return {
    menu,
    open: (actions, click) => {
      menu.value = { actions, at: click.at };
    },
    close: () => {
      menu.value = null;
    },
  };
}
