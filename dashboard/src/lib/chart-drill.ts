/**
 * What a click on a chart element offers (docs/dashboard.md, "Charts"): to show only that element in the
 * report (narrow the filters or dates to it, as a click did before drill-through), and, where the element
 * is a sum of visit lines, to show those lines (a drill, lib/drill.ts). Pure, so each chart's mapping from
 * a clicked element to its actions is tested without a canvas.
 */
import type { ChartFigure } from './chart-theme.js';
import { periodInRange, type DateRange } from './clinic-calendar.js';
import { drillOf, type DrillFigure, type DrillSelection } from './drill.js';
import type { ReportState } from './report-state.js';

/** The drill figure of each figure a chart can plot (the same measure of service_code_usage). */
export const CHART_DRILL_FIGURE: Readonly<Record<ChartFigure, DrillFigure>> = {
  units: 'units_billed',
  visits: 'visits_used',
  billed: 'total_billed',
  paid: 'insurance_paid',
};

export interface ChartLines {
  selection: DrillSelection;
  /** What the lines are behind, as the menu names it (a compared point: its own period). */
  thing: string;
  /** The figure's name as the chart shows it ("Units Billed"). */
  figureLabel: string;
  /** Its value as the chart shows it ("1,234", "$56.00"). */
  value: string;
}

export interface ChartActions {
  /** What "Show only …" names ("97140", "Aetna", "Sep 2026", "Aetna · 97140"). */
  thing: string;
  /** "Show only …": the report narrowed to the element. */
  narrow: Partial<ReportState>;
  /** "Show the lines …": the lines behind the element's figure; null where no set of lines adds up to it. */
  lines: ChartLines | null;
}

/** The shown value of a chart element's figure, with the figure's label. */
export interface ShownFigure {
  figure: ChartFigure;
  label: string;
  value: string;
}

/** "Show the lines behind Units Billed of 97140: 1,234" (the menu item's accessible name). */
export function linesActionName(lines: ChartLines): string {
  return `Show the lines behind ${lines.figureLabel} of ${lines.thing}: ${lines.value}`;
}

/** A bar of the top codes chart: that code, over the report's range. */
export function topCodeActions(code: string, shown: ShownFigure, range: DateRange): ChartActions {
  return {
    thing: code,
    narrow: { codes: [code] },
    lines: {
      selection: drillOf(CHART_DRILL_FIGURE[shown.figure], range, { codes: [code] }),
      thing: code,
      figureLabel: shown.label,
      value: shown.value,
    },
  };
}

/** A bar of the payor mix: that payor (NONE_ID for self-pay), or the payors a bar sums (an "Other" bar). */
export function payorMixActions(payor: { ids: string[]; name: string }, shown: ShownFigure, range: DateRange): ChartActions {
  return {
    thing: payor.name,
    narrow: { payors: [...payor.ids] },
    lines: {
      selection: drillOf(CHART_DRILL_FIGURE[shown.figure], range, { payors: [...payor.ids] }),
      thing: payor.name,
      figureLabel: shown.label,
      value: shown.value,
    },
  };
}

/**
 * A point of the trend. "Show only" narrows the report's dates to the axis' period (the current
 * series' week or month, clipped to the range), whichever series was clicked; the lines are those of
 * the point clicked: a current point's period clipped to the range, or the compared period's bucket
 * clipped to the comparison range.
 */
export function trendActions(
  point: { start: string; label: string },
  grain: 'week' | 'month',
  range: DateRange,
  shown: ShownFigure,
  compared?: { start: string; label: string; range: DateRange },
): ChartActions {
  const narrow = periodInRange(point.start, grain, range);
  const lines: ChartLines = compared
    ? {
        selection: drillOf(CHART_DRILL_FIGURE[shown.figure], periodInRange(compared.start, grain, compared.range), {}, 'comparison'),
        thing: compared.label,
        figureLabel: shown.label,
        value: shown.value,
      }
    : { selection: drillOf(CHART_DRILL_FIGURE[shown.figure], narrow), thing: point.label, figureLabel: shown.label, value: shown.value };
  return { thing: point.label, narrow, lines };
}

/** A cell of the payor × code heatmap: insurance paid per unit, the figure it colours. */
export function payorCodeActions(
  cell: { payorId: string; payorName: string; code: string },
  perUnit: string,
  range: DateRange,
): ChartActions {
  const narrow = { payors: [cell.payorId], codes: [cell.code] };
  const thing = `${cell.payorName} · ${cell.code}`;
  return {
    thing,
    narrow,
    lines: { selection: drillOf('insurance_paid_per_unit', range, narrow), thing, figureLabel: 'Insurance Paid per Unit', value: perUnit },
  };
}

/**
 * A bar of payment maturity: only "Show only". Its segments are insurance money by days from service to
 * payment; a line's payments can fall in several segments, so no set of lines adds up to a segment.
 */
export function maturityActions(point: { start: string; label: string }, grain: 'week' | 'month', range: DateRange): ChartActions {
  return { thing: point.label, narrow: periodInRange(point.start, grain, range), lines: null };
}

/** An open action menu: what it offers, and where the click was (pixels from the chart's top left). */
export interface ChartMenu {
  actions: ChartActions;
  at: { x: number; y: number };
}
