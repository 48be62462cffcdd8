/**
 * The explorer's chart, shaped from a loaded result only (no request of its own): which measure is
 * drawn against which dimensions, why a chart cannot be drawn, and the ECharts option. Pure, so the
 * option objects are what the unit tests check (ECharts cannot paint outside a browser).
 *
 * Values are read from the raw rows (Cube returns decimals as strings, "70.50"): money is held as
 * integer cents and every figure a person reads is formatted from the exact value; floats are for
 * drawing only.
 */
import type { BarSeriesOption, HeatmapSeriesOption, LineSeriesOption, PieSeriesOption } from 'echarts/charts';
import type {
  AriaComponentOption,
  GridComponentOption,
  LegendComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from 'echarts/components';
import { format, type ComposeOption } from 'echarts/core';
import { CHART_COLORS, COMPARISON_COLOR, TEXT_STYLE, shorten } from '../lib/chart-theme.js';
import { isIsoDate, periodIndex, periodStartsIn, type DateRange, type Grain } from '../lib/clinic-calendar.js';
import { ratio, toCents } from '../lib/decimal.js';
import type { Formatters } from '../lib/format.js';
import type { ExploreResult, RawRow, RawValue, ResultColumn } from './explore-result.js';
import { formatValue, sumDecimals, timeGrain } from './explore-table.js';

export const EXPLORE_CHART_KINDS = ['line', 'bar', 'stacked', 'pie', 'donut', 'heatmap'] as const;
export type ExploreChartKind = (typeof EXPLORE_CHART_KINDS)[number];

export const CHART_KIND_LABELS: Readonly<Record<ExploreChartKind, string>> = {
  line: 'Line',
  bar: 'Bar',
  stacked: 'Stacked bar',
  pie: 'Pie',
  donut: 'Donut',
  heatmap: 'Heatmap',
};

export interface ChartSetup {
  kind: ExploreChartKind;
  /** A measure column's key. */
  measure: string;
  /** A dimension or time column's key: the category axis, or the pie's slices. */
  x: string | null;
  /** A second dimension or time column's key: one series per value (line, bar, stacked), or the heatmap's y axis. Pies ignore it. */
  series: string | null;
}

export type ExploreChartOption = ComposeOption<
  | LineSeriesOption
  | BarSeriesOption
  | PieSeriesOption
  | HeatmapSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | VisualMapComponentOption
  | AriaComponentOption
>;

/** More slices than this and a pie cannot be read. */
export const MAX_PIE_SLICES = 60;
/** More series than this cannot be told apart (six colours, a legend that scrolls). */
export const MAX_SERIES = 20;
/** More values than this on either heatmap axis and its cells are too small to see. */
export const MAX_HEATMAP_AXIS = 100;
/** A time axis is filled with its empty periods up to this many periods (a year of days and more). */
const MAX_FILLED_PERIODS = 1000;

const isPie = (kind: ExploreChartKind) => kind === 'pie' || kind === 'donut';
const categoryColumns = (result: ExploreResult) => result.columns.filter((c) => c.role !== 'measure');

/**
 * A first chart for a result: its first measure; on the axis (or the slices) the time column if there
 * is one, else the first dimension; one series per value of another dimension when there is one (none
 * for a pie). A line over time, else bars. Null when the result has no measure.
 */
export function defaultChartSetup(result: ExploreResult, kind?: ExploreChartKind): ChartSetup | null {
  const measure = result.columns.find((c) => c.role === 'measure');
  if (!measure) return null;
  const time = result.columns.find((c) => c.role === 'time');
  const dimensions = result.columns.filter((c) => c.role === 'dimension');
  const chosen = kind ?? (time ? 'line' : 'bar');
  const x = time ?? dimensions[0] ?? null;
  const series = isPie(chosen) ? null : (dimensions.find((d) => d !== x) ?? null);
  return { kind: chosen, measure: measure.key, x: x?.key ?? null, series: series?.key ?? null };
}

/** Why this chart cannot be drawn from this result, in words for the analyst; null when it can. */
export function chartProblem(result: ExploreResult, setup: ChartSetup): string | null {
  const shaped = shape(result, setup);
  return 'problem' in shaped ? shaped.problem : null;
}

/**
 * The ECharts option of a chart `chartProblem` has nothing against (it throws that problem otherwise).
 * A category or cell without a row is 0 where the measure is a sum or a count (nothing was counted) and
 * a gap where it is not (an average of nothing is no number); a time axis shows every period from the
 * first to the last, so an empty one is not skipped silently. A heatmap's cells without a row stay empty.
 */
export function exploreChartOption(result: ExploreResult, setup: ChartSetup, fmt: Formatters): ExploreChartOption {
  const model = shapeOrThrow(result, setup);
  if (model.kind === 'heatmap') return heatmapOption(model, fmt);
  if (isPie(model.kind)) return pieOption(model, fmt);
  return cartesianOption(model, fmt);
}

/** One sentence or two on what the chart shows, for screen readers (the chart element's aria-label). */
export function exploreChartSummary(result: ExploreResult, setup: ChartSetup, fmt: Formatters): string {
  const shaped = shape(result, setup);
  return 'problem' in shaped ? shaped.problem : summaryOf(shaped, fmt);
}

// ---- Reading values ----

/** A measure's value exactly: the API's decimal text ("70.50"); sums of them are exact too (sumDecimals). */
type Amount = string;

const ZERO: Amount = '0';
const plot = (a: Amount | null | undefined): number | null => (a ? Number(a) : null);

/** A row's value of the measure; null when it has none (or is no number). */
const readAmount = (raw: RawValue | undefined): Amount | null => sumDecimals([raw]);
const addAmounts = (a: Amount, b: Amount): Amount => sumDecimals([a, b]) ?? a;

/** A value as the table shows it (explore-table.ts): money from its cents, a ratio as a percentage. */
const showAmount = (column: ResultColumn, a: Amount | null | undefined, fmt: Formatters): string =>
  a ? formatValue(column, a, fmt).text : '—';

/** An axis tick or a visual map's bound (a float the chart chose), in the measure's format. */
const showTick = (column: ResultColumn, value: number, fmt: Formatters): string => formatValue(column, value, fmt).text;

// ---- Categories ----

const NULL_KEY = '\u0000null';
const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

/** A row's category: its time bucket as YYYY-MM-DD (Cube gives "2026-01-01T00:00:00.000"), else its text. */
function categoryKey(column: ResultColumn, raw: RawValue | undefined): string {
  if (raw === null || raw === undefined) return NULL_KEY;
  const text = String(raw);
  return column.role === 'time' && ISO_DATE.test(text) ? text.slice(0, 10) : text;
}

/** A category as the table shows it: a time bucket by its granularity ("Week of Jan 5, 2026", "Q1 2026"), '(empty)' for no value. */
const categoryLabel = (column: ResultColumn, key: string, fmt: Formatters): string =>
  formatValue(column, key === NULL_KEY ? null : key, fmt).text;

/**
 * Every period of a time axis (Cube returns only the periods that have rows): those of the compared
 * range when there is one, else from the first bucket to the last. The buckets as they are when they
 * cannot be stepped through (no calendar grain, an empty bucket, a bucket off the range, too many).
 */
function fillPeriods(sorted: readonly string[], grain: Grain | null, range: DateRange | null): string[] {
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (!grain || !first || !last || !sorted.every(isIsoDate)) return [...sorted];
  const span = range ?? { from: first, to: last };
  if (periodIndex(span.to, span.from, grain) >= MAX_FILLED_PERIODS) return [...sorted];
  const filled = periodStartsIn(span, grain);
  const periods = new Set(filled);
  return sorted.every((key) => periods.has(key)) ? filled : [...sorted];
}

/** The categories of a column in the rows: time ascending, anything else in the rows' order. */
function categoriesOf(column: ResultColumn, rows: readonly RawRow[]): string[] {
  const keys = [...new Set(rows.map((r) => categoryKey(column, r[column.key])))];
  return column.role === 'time' ? keys.sort() : keys;
}

// ---- Shaping the rows into a grid of cells ----

interface Grid {
  /** values[s][c]: series (or heatmap row) s at category c; undefined: no row. */
  values: (Amount | null | undefined)[][];
  /** Two rows fell on one cell and the measure cannot be added up. */
  clash: boolean;
}

function gridOf(
  rows: readonly RawRow[],
  measure: ResultColumn,
  x: ResultColumn,
  series: ResultColumn | null,
  xKeys: readonly string[],
  sKeys: readonly string[],
): Grid {
  const xIndex = new Map(xKeys.map((k, i) => [k, i]));
  const sIndex = new Map(sKeys.map((k, i) => [k, i]));
  const values: (Amount | null | undefined)[][] = sKeys.map(() => xKeys.map(() => undefined));
  let clash = false;
  for (const row of rows) {
    const c = xIndex.get(categoryKey(x, row[x.key]));
    const s = series ? sIndex.get(categoryKey(series, row[series.key])) : 0;
    const line = s === undefined ? undefined : values[s];
    if (c === undefined || !line) continue;
    const amount = readAmount(row[measure.key]);
    const before = line[c];
    if (before === undefined) line[c] = amount;
    else if (!measure.additive) clash = true;
    // Rows split by a dimension the chart does not show add up (a sum or a count, so exactly).
    else line[c] = before && amount ? addAmounts(before, amount) : (before ?? amount);
  }
  return { values, clash };
}

interface Model {
  kind: ExploreChartKind;
  measure: ResultColumn;
  x: ResultColumn;
  series: ResultColumn | null;
  xKeys: string[];
  /** The series' categories (the heatmap's rows); [''] when there is no series. */
  sKeys: string[];
  values: (Amount | null | undefined)[][];
  /** The compared period (line and bar without series): its value and its own category at each category. */
  previous: { values: (Amount | null)[]; keys: (string | null)[] } | null;
}

function shapeOrThrow(result: ExploreResult, setup: ChartSetup): Model {
  const shaped = shape(result, setup);
  if ('problem' in shaped) throw new RangeError(shaped.problem);
  return shaped;
}

function shape(result: ExploreResult, setup: ChartSetup): Model | { problem: string } {
  const problem = (text: string) => ({ problem: text });
  const measure = result.columns.find((c) => c.key === setup.measure && c.role === 'measure');
  if (!measure) return problem('Pick a measure to chart.');
  const column = (key: string | null) => (key === null ? null : (categoryColumns(result).find((c) => c.key === key) ?? null));
  const x = column(setup.x);
  const series = isPie(setup.kind) ? null : column(setup.series);
  if ((setup.x !== null && !x) || (!isPie(setup.kind) && setup.series !== null && !series))
    return problem('Pick the chart’s dimensions among the query’s dimensions.');
  if (setup.kind === 'heatmap' && (!x || !series)) return problem('A heatmap needs two dimensions: pick one for each axis.');
  if (isPie(setup.kind) && !x) return problem(`A ${setup.kind} needs one dimension for its slices.`);
  if (!x) return problem(`A ${CHART_KIND_LABELS[setup.kind].toLowerCase()} chart needs a dimension or a time for its axis.`);
  if (series && series.key === x.key) return problem('Pick two different dimensions: one for the axis, one for the series.');
  if (setup.kind === 'stacked' && !measure.additive)
    return problem(`A stacked bar adds its series up, and ${measure.title} is not a sum or a count: use a bar chart.`);
  if (result.rows.length === 0) return problem('The query returned no rows: there is nothing to chart.');

  const sKeys = series ? categoriesOf(series, result.rows) : [''];
  const sorted = categoriesOf(x, result.rows);
  const cartesian = setup.kind === 'line' || setup.kind === 'bar' || setup.kind === 'stacked';
  const xKeys = cartesian && x.role === 'time' ? fillPeriods(sorted, timeGrain(x), result.ranges?.current ?? null) : sorted;

  if (isPie(setup.kind) && xKeys.length > MAX_PIE_SLICES)
    return problem(`A pie of ${xKeys.length} slices cannot be read (${MAX_PIE_SLICES} at most): filter ${x.title}, or use a bar chart.`);
  if (setup.kind === 'heatmap' && (xKeys.length > MAX_HEATMAP_AXIS || sKeys.length > MAX_HEATMAP_AXIS))
    return problem(
      `A heatmap of ${xKeys.length} × ${sKeys.length} cells is too dense (${MAX_HEATMAP_AXIS} values a side at most): filter ${xKeys.length > MAX_HEATMAP_AXIS ? x.title : series?.title}.`,
    );
  if (cartesian && series && sKeys.length > MAX_SERIES)
    return problem(
      `${series.title} has ${sKeys.length} values, too many series to tell apart (${MAX_SERIES} at most): filter it, or pick another.`,
    );

  const grid = gridOf(result.rows, measure, x, series, xKeys, sKeys);
  if (grid.clash) {
    const shown = new Set([x.key, series?.key]);
    const others = categoryColumns(result)
      .filter((c) => !shown.has(c.key))
      .map((c) => c.title);
    const fix =
      others.length === 1 && !series && !isPie(setup.kind)
        ? `pick ${others[0]} for the series, or leave it out of the query`
        : `leave ${others.join(' and ')} out of the query`;
    return problem(
      `${measure.title} is not a sum or a count, so its values for different ${others.join(' and ')} cannot be added up: ${fix}.`,
    );
  }
  if (grid.values.every((line) => line.every((v) => !v))) return problem(`${measure.title} has no values in these rows.`);
  if (isPie(setup.kind) && grid.values[0]?.some((v) => v && Number(v) < 0))
    return problem(`Pie slices must be positive: ${measure.title} has negative values.`);
  if (isPie(setup.kind) && !grid.values[0]?.some((v) => v && Number(v) > 0))
    return problem(`${measure.title} is 0 throughout: a pie has nothing to slice.`);
  // A missing cell of a sum or a count is nothing counted: 0 (a heatmap leaves it empty).
  const values = measure.additive && cartesian ? grid.values.map((line) => line.map((v) => (v === undefined ? ZERO : v))) : grid.values;

  return {
    kind: setup.kind,
    measure,
    x,
    series,
    xKeys,
    sKeys,
    values,
    previous:
      (setup.kind === 'line' || setup.kind === 'bar') && !series && result.previous
        ? previousOf(result, result.previous, measure, x, xKeys)
        : null,
  };
}

/**
 * The compared period's values on the current categories: over time the period as many periods after
 * the first of the compared range as the current one is after the first of its range (both counted from
 * their rows' first bucket without the ranges), so a period without rows in either shifts no other; any
 * other category with the same category. Null when its rows cannot be added up.
 */
function previousOf(
  result: ExploreResult,
  rows: readonly RawRow[],
  measure: ResultColumn,
  x: ResultColumn,
  xKeys: readonly string[],
): Model['previous'] {
  const grain = x.role === 'time' ? timeGrain(x) : null;
  const keys = x.role === 'time' ? fillPeriods(categoriesOf(x, rows), grain, result.ranges?.previous ?? null) : xKeys;
  const grid = gridOf(rows, measure, x, null, keys, ['']);
  const line = grid.values[0];
  if (grid.clash || !line) return null;
  const at = alignedIndexes(xKeys, keys, grain, result.ranges);
  return {
    keys: at.map((j) => (j === null ? null : (keys[j] ?? null))),
    values: at.map((j) => {
      if (j === null) return null;
      const v = line[j];
      return v === undefined ? (measure.additive ? ZERO : null) : v;
    }),
  };
}

/** For each current category, the index of the compared period's category that goes with it (null: none). */
function alignedIndexes(
  xKeys: readonly string[],
  keys: readonly string[],
  grain: Grain | null,
  ranges: ExploreResult['ranges'],
): (number | null)[] {
  const positional = xKeys.map((_, i) => (i < keys.length ? i : null));
  const from = ranges?.current.from ?? xKeys.find(isIsoDate);
  const previousFrom = ranges?.previous.from ?? keys.find(isIsoDate);
  if (!grain || !from || !previousFrom) return positional;
  const byIndex = new Map(keys.flatMap((key, j) => (isIsoDate(key) ? [[periodIndex(key, previousFrom, grain), j] as const] : [])));
  return xKeys.map((key) => (isIsoDate(key) ? (byIndex.get(periodIndex(key, from, grain)) ?? null) : null));
}

// ---- Options ----

/** Data values reach the tooltips' HTML (payor names are typed by people): encoded there. */
const html = (text: string) => format.encodeHTML(text);

function labelsOf(model: Model, fmt: Formatters) {
  const { x, series, measure } = model;
  return {
    xLabels: model.xKeys.map((k) => categoryLabel(x, k, fmt)),
    sLabels: series ? model.sKeys.map((k) => categoryLabel(series, k, fmt)) : [measure.title],
  };
}

/** The axes' labels and names inside the grid's margins (ECharts 6's form of `containLabel`). */
const LABELS_INSIDE = { outerBoundsMode: 'same', outerBoundsContain: 'all' } as const;

const previousName = (measure: ResultColumn) => `${measure.title} (previous period)`;

function base(model: Model, fmt: Formatters) {
  return {
    textStyle: TEXT_STYLE,
    animation: false,
    color: [...CHART_COLORS],
    aria: { enabled: true, label: { description: summaryOf(model, fmt) } },
  } satisfies ExploreChartOption;
}

function cartesianOption(model: Model, fmt: Formatters): ExploreChartOption {
  const { measure, x, values, previous } = model;
  const { xLabels, sLabels } = labelsOf(model, fmt);
  const stacked = model.kind === 'stacked';
  const plotted = (line: readonly (Amount | null | undefined)[]) => line.map(plot);
  const many = xLabels.length > 60;
  const series: (LineSeriesOption | BarSeriesOption)[] = values.map((line, s) =>
    model.kind === 'line'
      ? { type: 'line', name: sLabels[s] ?? '', data: plotted(line), showSymbol: !many, connectNulls: false }
      : { type: 'bar', name: sLabels[s] ?? '', data: plotted(line), barMaxWidth: 40, ...(stacked ? { stack: 'total' } : {}) },
  );
  if (previous) {
    const name = previousName(measure);
    series.push(
      model.kind === 'line'
        ? { type: 'line', name, data: plotted(previous.values), color: COMPARISON_COLOR, lineStyle: { type: 'dashed' }, showSymbol: !many }
        : { type: 'bar', name, data: plotted(previous.values), color: COMPARISON_COLOR, barMaxWidth: 40 },
    );
  }
  const legend = series.length > 1;
  return {
    ...base(model, fmt),
    grid: { left: 8, right: 16, top: legend ? 40 : 16, bottom: 8, ...LABELS_INSIDE },
    legend: legend ? { type: 'scroll', top: 0 } : { show: false },
    tooltip: {
      trigger: 'axis',
      formatter: (params: unknown) => {
        const points = params as { seriesIndex: number; dataIndex: number; marker?: string }[];
        const c = points[0]?.dataIndex;
        if (c === undefined) return '';
        const lines = [`<b>${html(xLabels[c] ?? '')}</b>`];
        for (const p of points) {
          const line = values[p.seriesIndex];
          if (line) {
            lines.push(`${p.marker ?? ''}${html(sLabels[p.seriesIndex] ?? '')}: ${html(showAmount(measure, line[c], fmt))}`);
          } else if (previous) {
            const key = previous.keys[c];
            const when = x.role === 'time' && key ? ` (${categoryLabel(x, key, fmt)})` : '';
            lines.push(`${p.marker ?? ''}${html(previousName(measure) + when)}: ${html(showAmount(measure, previous.values[c], fmt))}`);
          }
        }
        if (stacked && values.length > 1) {
          const total = values.reduce<Amount>((sum, line) => (line[c] ? addAmounts(sum, line[c]) : sum), ZERO);
          lines.push(`<b>Total: ${html(showAmount(measure, total, fmt))}</b>`);
        }
        return lines.join('<br>');
      },
    },
    xAxis: {
      type: 'category',
      name: x.title,
      nameLocation: 'middle',
      nameGap: 28,
      data: xLabels,
      boundaryGap: model.kind !== 'line',
      axisLabel: { formatter: (v: string) => shorten(v), hideOverlap: true },
    },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => showTick(measure, v, fmt) } },
    series,
  };
}

function pieSlices(model: Model) {
  const line = model.values[0] ?? [];
  // A slice of nothing (no value, or zero) would only crowd the labels.
  const slices = model.xKeys.flatMap((key, i) => {
    const amount = line[i];
    return amount && Number(amount) > 0 ? [{ key, amount }] : [];
  });
  const money = model.measure.format === 'currency';
  const total = slices.reduce<Amount>((sum, s) => addAmounts(sum, s.amount), ZERO);
  const share = (a: Amount) => (money ? (ratio(toCents(a), toCents(total)) ?? 0) : Number(a) / Number(total));
  return slices.map((s) => ({ ...s, share: share(s.amount) }));
}

function pieOption(model: Model, fmt: Formatters): ExploreChartOption {
  const { measure, x } = model;
  const slices = pieSlices(model).map((s) => ({ ...s, label: categoryLabel(x, s.key, fmt) }));
  return {
    ...base(model, fmt),
    tooltip: {
      trigger: 'item',
      formatter: (p: unknown) => {
        const s = slices[(p as { dataIndex: number }).dataIndex];
        return s
          ? `<b>${html(s.label)}</b><br>${html(measure.title)}: ${html(showAmount(measure, s.amount, fmt))} (${fmt.percent(s.share)})`
          : '';
      },
    },
    series: [
      {
        type: 'pie',
        name: measure.title,
        radius: model.kind === 'donut' ? ['45%', '70%'] : '70%',
        data: slices.map((s) => ({ name: s.label, value: Number(s.amount) })),
        label: {
          formatter: (p: { dataIndex: number }) =>
            `${shorten(slices[p.dataIndex]?.label ?? '')}: ${fmt.percent(slices[p.dataIndex]?.share ?? 0)}`,
        },
        labelLayout: { hideOverlap: true },
      },
    ],
  };
}

function heatmapOption(model: Model, fmt: Formatters): ExploreChartOption {
  const { measure, values } = model;
  const { xLabels, sLabels } = labelsOf(model, fmt);
  const data: [number, number, number][] = [];
  values.forEach((line, s) => line.forEach((v, c) => v && data.push([c, s, Number(v)])));
  const plots = data.map((d) => d[2]);
  let min = Math.min(...plots);
  let max = Math.max(...plots);
  // One value throughout: a scale from 0 to it (or from it to 0) still reads.
  if (min === max) {
    [min, max] = [Math.min(0, min), Math.max(0, max)];
    if (min === max) max = 1;
  }
  const cell = (p: unknown) => {
    const [c, s] = (p as { value: [number, number, number] }).value;
    return { c, s, amount: values[s]?.[c] };
  };
  return {
    ...base(model, fmt),
    grid: { left: 8, right: 16, top: 8, bottom: 84, ...LABELS_INSIDE },
    tooltip: {
      trigger: 'item',
      formatter: (p: unknown) => {
        const { c, s, amount } = cell(p);
        return `<b>${html(xLabels[c] ?? '')} · ${html(sLabels[s] ?? '')}</b><br>${html(measure.title)}: ${html(showAmount(measure, amount, fmt))}`;
      },
    },
    xAxis: {
      type: 'category',
      name: model.x.title,
      nameLocation: 'middle',
      data: xLabels,
      axisLabel: { formatter: (v: string) => shorten(v), hideOverlap: true },
    },
    yAxis: {
      type: 'category',
      data: sLabels,
      name: model.series?.title,
      nameLocation: 'middle',
      inverse: true,
      axisLabel: { formatter: (v: string) => shorten(v) },
    },
    visualMap: {
      type: 'continuous',
      dimension: 2,
      min,
      max,
      calculable: true,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      inRange: { color: ['#dce8f5', CHART_COLORS[0]] },
      formatter: (v: unknown) => showTick(measure, Number(v), fmt),
    },
    series: [
      {
        type: 'heatmap',
        name: measure.title,
        data,
        // Amounts in the cells while they can fit; the tooltip always has them.
        label: {
          show: xLabels.length <= 12 && sLabels.length <= 20,
          fontSize: 10,
          formatter: (p: unknown) => showAmount(measure, cell(p).amount, fmt),
        },
        emphasis: { itemStyle: { borderColor: '#1f2933', borderWidth: 1 } },
      },
    ],
  };
}

// ---- What the chart says, in words ----

function highest(model: Model): { c: number; s: number; amount: Amount } | null {
  let best: { c: number; s: number; amount: Amount } | null = null;
  model.values.forEach((line, s) =>
    line.forEach((amount, c) => {
      if (amount && (!best || Number(amount) > Number(best.amount))) best = { c, s, amount };
    }),
  );
  return best;
}

function summaryOf(model: Model, fmt: Formatters): string {
  const { measure, x, series, kind } = model;
  const { xLabels, sLabels } = labelsOf(model, fmt);
  if (isPie(kind)) {
    const slices = pieSlices(model);
    const named = slices.slice(0, 10).map((s) => `${categoryLabel(x, s.key, fmt)} ${fmt.percent(s.share)}`);
    const more = slices.length > 10 ? `, and ${slices.length - 10} more` : '';
    return `${CHART_KIND_LABELS[kind]} of ${measure.title} by ${x.title}: ${named.join(', ')}${more}.`;
  }
  const top = highest(model);
  const where = top ? `${xLabels[top.c]}${series ? ` · ${sLabels[top.s]}` : ''}` : '';
  const best = top ? ` Highest: ${where}, ${showAmount(measure, top.amount, fmt)}.` : '';
  if (kind === 'heatmap') {
    const filled = model.values.reduce((n, line) => n + line.filter(Boolean).length, 0);
    return `Heatmap of ${measure.title} by ${x.title} and ${series?.title}: ${xLabels.length} × ${sLabels.length} cells, ${filled} with a value.${best}`;
  }
  const span =
    x.role === 'time' ? `${xLabels.length} periods from ${xLabels[0]} to ${xLabels[xLabels.length - 1]}` : `${xLabels.length} categories`;
  const per = series ? `, one series per ${series.title} (${sLabels.length})` : '';
  const compared = model.previous ? ' Compared with the previous period.' : '';
  return `${CHART_KIND_LABELS[kind]} chart of ${measure.title} by ${x.title}${per}: ${span}.${best}${compared}`;
}
