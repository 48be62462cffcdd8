import { computed, ref, toValue, type ComputedRef, type MaybeRefOrGetter, type Ref } from 'vue';
import { FIGURE_LABELS, type ChartFigure } from '../lib/chart-theme.js';
import type { Formatters } from '../lib/format.js';

interface ChartFigureState {
  /** The figure the chart shows (bound to its ReportChartFigurePicker). */
  figure: Ref<ChartFigure>;
  /** Its header text ("Total Billed"). */
  label: ComputedRef<string>;
  /** Money figures are integer cents. */
  isMoney: ComputedRef<boolean>;
  /** A value of the figure as a person reads it, formatted from the exact value. */
  show(value: bigint): string;
  /** A value of the figure for drawing only (money in whole currency units, as a float). */
  plot(value: bigint): number;
}

/** The figure a chart shows, chosen by the viewer, and how its values are read and drawn. */
export function useChartFigure(fmt: MaybeRefOrGetter<Formatters>, initial: ChartFigure = 'units'): ChartFigureState {
  const figure = ref<ChartFigure>(initial);
  const label = computed(() => FIGURE_LABELS[figure.value]);
  const isMoney = computed(() => figure.value === 'billed' || figure.value === 'paid');
  return {
    figure,
    label,
    isMoney,
    show: (value) => (isMoney.value ? toValue(fmt).money(value) : toValue(fmt).count(value)),
    // Only drawing uses floats; every number a person reads is formatted from the exact value.
    plot: (value) => (isMoney.value ? Number(value) / 100 : Number(value)),
  };
}
