import { describe, expect, it } from 'vitest';
import {
  CHART_KIND_LABELS,
  EXPLORE_CHART_KINDS,
  chartProblem,
  defaultChartSetup,
  exploreChartOption,
  exploreChartSummary,
  type ChartSetup,
} from '../../../../dashboard/src/explore/explore-chart.js';
import type { Catalog, CatalogMember } from '../../../../dashboard/src/explore/explore-catalog.js';
import { EMPTY_QUERY, type ExploreQuery } from '../../../../dashboard/src/explore/explore-query.js';
import { exploreResult, type ExploreResult, type RawRow } from '../../../../dashboard/src/explore/explore-result.js';
import type { ComparisonMode, DateRange } from '../../../../dashboard/src/lib/clinic-calendar.js';
import { createFormatters } from '../../../../dashboard/src/lib/format.js';

const fmt = createFormatters('en-US', 'USD');

// A small catalog of one view, as catalogOf would read it from meta.
const V = 'usage';
const member = (
  name: string,
  kind: CatalogMember['kind'],
  type: string,
  title: string,
  extra: Partial<CatalogMember> = {},
): CatalogMember => ({
  name: `${V}.${name}`,
  view: V,
  kind,
  type,
  title,
  description: '',
  format: type === 'time' ? 'time' : type === 'number' ? 'number' : 'text',
  additive: false,
  ...extra,
});
const members = [
  member('billed', 'measure', 'number', 'Total Billed', { format: 'currency', additive: true }),
  member('units', 'measure', 'number', 'Units Billed', { additive: true }),
  member('per_unit', 'measure', 'number', 'Billed per Unit', { format: 'currency' }),
  member('paid_ratio', 'measure', 'number', 'Paid ÷ Billed', { format: 'percent' }),
  member('payor', 'dimension', 'string', 'Payor'),
  member('code', 'dimension', 'string', 'Service Code'),
  member('date', 'dimension', 'time', 'Date of Service'),
];
const catalog: Catalog = { views: [], members: new Map(members.map((m) => [m.name, m])) };

const BILLED = `${V}.billed`;
const UNITS = `${V}.units`;
const PER_UNIT = `${V}.per_unit`;
const PAYOR = `${V}.payor`;
const CODE = `${V}.code`;
const MONTH = `${V}.date.month`;

function result(
  q: { measures: string[]; dimensions?: string[]; granularity?: string; compare?: { range: DateRange; mode: ComparisonMode } },
  rows: RawRow[],
  previous: RawRow[] | null = null,
): ExploreResult {
  const time = { dimension: `${V}.date`, dateRange: q.compare?.range ?? null, compare: q.compare?.mode ?? null };
  const query: ExploreQuery = {
    ...EMPTY_QUERY,
    measures: q.measures,
    dimensions: q.dimensions ?? [],
    time: q.granularity ? { ...time, granularity: q.granularity } : null,
  };
  return exploreResult(query, catalog, rows, previous);
}

const setup = (kind: ChartSetup['kind'], measure: string, x: string | null, series: string | null = null): ChartSetup => ({
  kind,
  measure,
  x,
  series,
});

// ECharts' option types are unions of arrays and single objects; the tests read them as plain data.
const option = (r: ExploreResult, s: ChartSetup): any => exploreChartOption(r, s, fmt);
const seriesOf = (o: any): any[] => o.series;
/** An axis tooltip as ECharts calls it: one entry per series at a category. */
const axisTip = (o: any, dataIndex: number): string =>
  o.tooltip.formatter(seriesOf(o).map((_, seriesIndex) => ({ seriesIndex, dataIndex, marker: '' })));

// Months of 2026 out of order, February missing (Cube returns only periods with rows).
const monthly = result({ measures: [BILLED, PER_UNIT], granularity: 'month' }, [
  { [MONTH]: '2026-03-01T00:00:00.000', [BILLED]: '1234.56', [PER_UNIT]: '20.10' },
  { [MONTH]: '2026-01-01T00:00:00.000', [BILLED]: '70.50', [PER_UNIT]: '35.25' },
]);

const byPayorCode = result({ measures: [BILLED, UNITS, PER_UNIT], dimensions: [PAYOR, CODE] }, [
  { [PAYOR]: 'Aetna', [CODE]: '97110', [BILLED]: '100.10', [UNITS]: '4', [PER_UNIT]: '25.03' },
  { [PAYOR]: 'Aetna', [CODE]: '97140', [BILLED]: '50.05', [UNITS]: '2', [PER_UNIT]: '25.03' },
  { [PAYOR]: 'Cigna', [CODE]: '97110', [BILLED]: '0.35', [UNITS]: '1', [PER_UNIT]: '0.35' },
]);

describe('chart kinds', () => {
  it('are named for the picker', () => {
    expect(EXPLORE_CHART_KINDS.map((k) => CHART_KIND_LABELS[k])).toEqual(['Line', 'Bar', 'Stacked bar', 'Pie', 'Donut', 'Heatmap']);
  });
});

describe('defaultChartSetup', () => {
  it('is null without a measure', () => {
    expect(defaultChartSetup(result({ measures: [], dimensions: [PAYOR] }, []))).toBeNull();
  });

  it('draws a line over time, one series per dimension', () => {
    const r = result({ measures: [BILLED], dimensions: [PAYOR, CODE], granularity: 'month' }, []);
    expect(defaultChartSetup(r)).toEqual({ kind: 'line', measure: BILLED, x: MONTH, series: PAYOR });
  });

  it('draws bars by the first dimension without a time, series by the second; a pie has no series', () => {
    expect(defaultChartSetup(byPayorCode)).toEqual({ kind: 'bar', measure: BILLED, x: PAYOR, series: CODE });
    expect(defaultChartSetup(byPayorCode, 'pie')).toEqual({ kind: 'pie', measure: BILLED, x: PAYOR, series: null });
    expect(defaultChartSetup(byPayorCode, 'heatmap')).toEqual({ kind: 'heatmap', measure: BILLED, x: PAYOR, series: CODE });
    const one = result({ measures: [UNITS], dimensions: [PAYOR] }, []);
    expect(defaultChartSetup(one)).toEqual({ kind: 'bar', measure: UNITS, x: PAYOR, series: null });
    expect(defaultChartSetup(result({ measures: [UNITS] }, []))).toEqual({ kind: 'bar', measure: UNITS, x: null, series: null });
  });
});

describe('line and bar charts', () => {
  it('put periods in ascending order, every month from the first to the last, a sum’s empty month at 0', () => {
    const o = option(monthly, setup('line', BILLED, MONTH));
    expect(o.xAxis.data).toEqual(['Jan 2026', 'Feb 2026', 'Mar 2026']);
    expect(seriesOf(o)).toHaveLength(1);
    expect(seriesOf(o)[0]).toMatchObject({ type: 'line', name: 'Total Billed', data: [70.5, 0, 1234.56] });
  });

  it('leave a gap where a measure that is not a sum has no row', () => {
    const o = option(monthly, setup('bar', PER_UNIT, MONTH));
    expect(seriesOf(o)[0]).toMatchObject({ type: 'bar', name: 'Billed per Unit', data: [35.25, null, 20.1] });
    expect(axisTip(o, 1)).toBe('<b>Feb 2026</b><br>Billed per Unit: —');
  });

  it('show exact money in the tooltip and on the axis', () => {
    const o = option(monthly, setup('line', BILLED, MONTH));
    expect(axisTip(o, 2)).toBe('<b>Mar 2026</b><br>Total Billed: $1,234.56');
    expect(o.yAxis.axisLabel.formatter(1500)).toBe('$1,500.00');
    expect(o.yAxis.axisLabel.formatter(0.1 + 0.2)).toBe('$0.30');
  });

  it('count with the locale', () => {
    const o = option(
      result({ measures: [UNITS], dimensions: [PAYOR] }, [{ [PAYOR]: 'Aetna', [UNITS]: '12345' }]),
      setup('bar', UNITS, PAYOR),
    );
    expect(axisTip(o, 0)).toBe('<b>Aetna</b><br>Units Billed: 12,345');
    expect(o.yAxis.axisLabel.formatter(2500)).toBe('2,500');
  });

  it('label periods by their granularity', () => {
    const quarters = result({ measures: [UNITS], granularity: 'quarter' }, [
      { [`${V}.date.quarter`]: '2026-04-01T00:00:00.000', [UNITS]: '3' },
      { [`${V}.date.quarter`]: '2025-10-01T00:00:00.000', [UNITS]: '1' },
    ]);
    const o = option(quarters, setup('bar', UNITS, `${V}.date.quarter`));
    expect(o.xAxis.data).toEqual(['Q4 2025', 'Q1 2026', 'Q2 2026']);
    expect(seriesOf(o)[0].data).toEqual([1, 0, 3]);

    const weeks = result({ measures: [UNITS], granularity: 'week' }, [
      { [`${V}.date.week`]: '2026-01-19T00:00:00.000', [UNITS]: '2' },
      { [`${V}.date.week`]: '2026-01-05T00:00:00.000', [UNITS]: '1' },
    ]);
    expect(option(weeks, setup('line', UNITS, `${V}.date.week`)).xAxis.data).toEqual([
      'Week of Jan 5, 2026',
      'Week of Jan 12, 2026',
      'Week of Jan 19, 2026',
    ]);

    const days = result({ measures: [UNITS], granularity: 'day' }, [
      { [`${V}.date.day`]: '2026-03-01T00:00:00.000', [UNITS]: '2' },
      { [`${V}.date.day`]: '2026-02-27T00:00:00.000', [UNITS]: '1' },
    ]);
    expect(option(days, setup('bar', UNITS, `${V}.date.day`)).xAxis.data).toEqual(['Feb 27, 2026', 'Feb 28, 2026', 'Mar 1, 2026']);

    const years = result({ measures: [UNITS], granularity: 'year' }, [
      { [`${V}.date.year`]: '2024-01-01T00:00:00.000', [UNITS]: '2' },
      { [`${V}.date.year`]: '2026-01-01T00:00:00.000', [UNITS]: '1' },
    ]);
    expect(option(years, setup('line', UNITS, `${V}.date.year`)).xAxis.data).toEqual(['2024', '2025', '2026']);
  });

  it('draw one series per value of the series dimension, in the rows’ order, a missing pair at 0 for a sum', () => {
    const o = option(byPayorCode, setup('bar', BILLED, PAYOR, CODE));
    expect(o.xAxis.data).toEqual(['Aetna', 'Cigna']);
    expect(seriesOf(o).map((s) => [s.name, s.data, s.stack])).toEqual([
      ['97110', [100.1, 0.35], undefined],
      ['97140', [50.05, 0], undefined],
    ]);
    expect(o.legend).toMatchObject({ type: 'scroll' });
  });

  it('add up the rows of a dimension the chart does not show, when the measure is a sum', () => {
    const o = option(byPayorCode, setup('bar', BILLED, PAYOR));
    // 100.10 + 50.05, in cents.
    expect(seriesOf(o)[0].data).toEqual([150.15, 0.35]);
    expect(axisTip(o, 0)).toBe('<b>Aetna</b><br>Total Billed: $150.15');
  });

  it('stack bars and total them exactly in the tooltip', () => {
    const o = option(byPayorCode, setup('stacked', BILLED, PAYOR, CODE));
    expect(seriesOf(o).map((s) => s.stack)).toEqual(['total', 'total']);
    expect(axisTip(o, 0)).toBe('<b>Aetna</b><br>97110: $100.10<br>97140: $50.05<br><b>Total: $150.15</b>');
  });

  it('encode data values in the tooltip', () => {
    const r = result({ measures: [UNITS], dimensions: [PAYOR] }, [{ [PAYOR]: '<img src=x onerror=alert(1)>', [UNITS]: '1' }]);
    expect(axisTip(option(r, setup('bar', UNITS, PAYOR)), 0)).toBe('<b>&lt;img src=x onerror=alert(1)&gt;</b><br>Units Billed: 1');
  });

  it('add the previous period, its nth period with the nth current one', () => {
    const r = result(
      { measures: [BILLED], granularity: 'month' },
      [
        { [MONTH]: '2026-01-01T00:00:00.000', [BILLED]: '10.00' },
        { [MONTH]: '2026-02-01T00:00:00.000', [BILLED]: '20.00' },
      ],
      [
        { [MONTH]: '2025-12-01T00:00:00.000', [BILLED]: '7.25' },
        { [MONTH]: '2025-11-01T00:00:00.000', [BILLED]: '5.00' },
      ],
    );
    const o = option(r, setup('line', BILLED, MONTH));
    expect(seriesOf(o).map((s) => [s.name, s.data])).toEqual([
      ['Total Billed', [10, 20]],
      ['Total Billed (previous period)', [5, 7.25]],
    ]);
    expect(axisTip(o, 1)).toBe('<b>Feb 2026</b><br>Total Billed: $20.00<br>Total Billed (previous period) (Dec 2025): $7.25');
    // Not with a series dimension, nor stacked.
    expect(seriesOf(option(r, setup('stacked', BILLED, MONTH)))).toHaveLength(1);
  });

  it('align the previous period by the periods of the compared ranges, whichever months have no rows', () => {
    const m = (iso: string, billed: string) => ({ [MONTH]: `${iso}T00:00:00.000`, [BILLED]: billed });
    const compare = { range: { from: '2026-01-01', to: '2026-06-30' }, mode: 'last_year' as const };
    // No January 2025: January 2026 goes with that empty month, not with February 2025.
    const r = result(
      { measures: [BILLED], granularity: 'month', compare },
      [m('2026-01-01', '10.00'), m('2026-02-01', '20.00'), m('2026-05-01', '30.00')],
      [m('2025-02-01', '7.25'), m('2025-05-01', '5.00')],
    );
    const o = option(r, setup('bar', BILLED, MONTH));
    // Every month of the range, June too although it has no row.
    expect(o.xAxis.data).toEqual(['Jan 2026', 'Feb 2026', 'Mar 2026', 'Apr 2026', 'May 2026', 'Jun 2026']);
    expect(seriesOf(o).map((s) => s.data)).toEqual([
      [10, 20, 0, 0, 30, 0],
      [0, 7.25, 0, 0, 5, 0],
    ]);
    expect(axisTip(o, 0)).toBe('<b>Jan 2026</b><br>Total Billed: $10.00<br>Total Billed (previous period) (Jan 2025): $0.00');
    expect(axisTip(o, 4)).toBe('<b>May 2026</b><br>Total Billed: $30.00<br>Total Billed (previous period) (May 2025): $5.00');

    // No January 2026 (a week range starting on a Thursday): the first week of each range still go together.
    const w = (iso: string, units: string) => ({ [`${V}.date.week`]: `${iso}T00:00:00.000`, [UNITS]: units });
    const weekly = result(
      { measures: [UNITS], granularity: 'week', compare: { range: { from: '2026-01-01', to: '2026-01-14' }, mode: 'previous' } },
      [w('2026-01-05', '4'), w('2026-01-12', '6')],
      // The compared range is 2025-12-18 to 2025-12-31: the weeks of Dec 15, 22 and 29.
      [w('2025-12-15', '1'), w('2025-12-22', '2'), w('2025-12-29', '3')],
    );
    const wo = option(weekly, setup('line', UNITS, `${V}.date.week`));
    expect(wo.xAxis.data).toEqual(['Week of Dec 29, 2025', 'Week of Jan 5, 2026', 'Week of Jan 12, 2026']);
    expect(seriesOf(wo).map((s) => s.data)).toEqual([
      [0, 4, 6],
      [1, 2, 3],
    ]);
  });
});

describe('pie and donut charts', () => {
  it('slice by the dimension, adding up a sum over the others; the donut has a hole', () => {
    const pie = option(byPayorCode, setup('pie', BILLED, PAYOR));
    expect(seriesOf(pie)).toHaveLength(1);
    expect(seriesOf(pie)[0]).toMatchObject({
      type: 'pie',
      name: 'Total Billed',
      radius: '70%',
      data: [
        { name: 'Aetna', value: 150.15 },
        { name: 'Cigna', value: 0.35 },
      ],
    });
    // 150.15 / 150.50 = 99.767…%
    expect(pie.tooltip.formatter({ dataIndex: 0 })).toBe('<b>Aetna</b><br>Total Billed: $150.15 (99.8%)');
    expect(seriesOf(option(byPayorCode, setup('donut', BILLED, PAYOR)))[0].radius).toEqual(['45%', '70%']);
  });

  it('leave out slices of nothing', () => {
    const r = result({ measures: [UNITS], dimensions: [PAYOR] }, [
      { [PAYOR]: 'Aetna', [UNITS]: '3' },
      { [PAYOR]: 'Cigna', [UNITS]: '0' },
      { [PAYOR]: null, [UNITS]: '1' },
    ]);
    expect(seriesOf(option(r, setup('pie', UNITS, PAYOR)))[0].data).toEqual([
      { name: 'Aetna', value: 3 },
      { name: '(empty)', value: 1 },
    ]);
  });
});

describe('heatmap', () => {
  it('puts a cell where a row is, leaves the others empty, and scales its colours from the least to the most', () => {
    const o = option(byPayorCode, setup('heatmap', BILLED, CODE, PAYOR));
    expect(o.xAxis.data).toEqual(['97110', '97140']);
    expect(o.yAxis.data).toEqual(['Aetna', 'Cigna']);
    expect(seriesOf(o)).toHaveLength(1);
    expect(seriesOf(o)[0].type).toBe('heatmap');
    // Cigna has no 97140 row: no [1, 1, …] cell (not a 0).
    expect(seriesOf(o)[0].data).toEqual([
      [0, 0, 100.1],
      [1, 0, 50.05],
      [0, 1, 0.35],
    ]);
    expect(o.visualMap).toMatchObject({ min: 0.35, max: 100.1, dimension: 2 });
    expect(o.visualMap.formatter(100.1)).toBe('$100.10');
    expect(o.tooltip.formatter({ value: [1, 0, 50.05] })).toBe('<b>97140 · Aetna</b><br>Total Billed: $50.05');
  });
});

describe('chartProblem', () => {
  it('is null for a chart that can be drawn', () => {
    for (const kind of EXPLORE_CHART_KINDS) {
      const s = defaultChartSetup(byPayorCode, kind);
      expect(s && chartProblem(byPayorCode, s)).toBeNull();
    }
  });

  it('asks for the dimensions a kind needs', () => {
    expect(chartProblem(byPayorCode, setup('heatmap', BILLED, PAYOR))).toBe('A heatmap needs two dimensions: pick one for each axis.');
    expect(chartProblem(byPayorCode, setup('pie', BILLED, null))).toBe('A pie needs one dimension for its slices.');
    expect(chartProblem(byPayorCode, setup('line', BILLED, null))).toBe('A line chart needs a dimension or a time for its axis.');
    expect(chartProblem(byPayorCode, setup('bar', BILLED, PAYOR, PAYOR))).toBe(
      'Pick two different dimensions: one for the axis, one for the series.',
    );
    expect(chartProblem(byPayorCode, setup('bar', 'usage.nothing', PAYOR))).toBe('Pick a measure to chart.');
  });

  it('refuses to stack, or add up, what is not a sum or a count', () => {
    expect(chartProblem(byPayorCode, setup('stacked', PER_UNIT, PAYOR, CODE))).toBe(
      'A stacked bar adds its series up, and Billed per Unit is not a sum or a count: use a bar chart.',
    );
    expect(chartProblem(byPayorCode, setup('bar', PER_UNIT, PAYOR))).toBe(
      'Billed per Unit is not a sum or a count, so its values for different Service Code cannot be added up: pick Service Code for the series, or leave it out of the query.',
    );
    expect(chartProblem(byPayorCode, setup('pie', PER_UNIT, PAYOR))).toBe(
      'Billed per Unit is not a sum or a count, so its values for different Service Code cannot be added up: leave Service Code out of the query.',
    );
    expect(chartProblem(byPayorCode, setup('bar', PER_UNIT, PAYOR, CODE))).toBeNull();
  });

  it('keeps pies positive and readable', () => {
    const negative = result({ measures: [BILLED], dimensions: [PAYOR] }, [
      { [PAYOR]: 'Aetna', [BILLED]: '10.00' },
      { [PAYOR]: 'Refunds', [BILLED]: '-2.50' },
    ]);
    expect(chartProblem(negative, setup('donut', BILLED, PAYOR))).toBe('Pie slices must be positive: Total Billed has negative values.');
    expect(chartProblem(negative, setup('bar', BILLED, PAYOR))).toBeNull();

    const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ [PAYOR]: `Payor ${i}`, [UNITS]: '1' }));
    expect(chartProblem(result({ measures: [UNITS], dimensions: [PAYOR] }, rows(60)), setup('pie', UNITS, PAYOR))).toBeNull();
    expect(chartProblem(result({ measures: [UNITS], dimensions: [PAYOR] }, rows(61)), setup('pie', UNITS, PAYOR))).toBe(
      'A pie of 61 slices cannot be read (60 at most): filter Payor, or use a bar chart.',
    );
  });

  it('says when there is nothing to draw', () => {
    expect(chartProblem(result({ measures: [UNITS], dimensions: [PAYOR] }, []), setup('bar', UNITS, PAYOR))).toBe(
      'The query returned no rows: there is nothing to chart.',
    );
    const empty = result({ measures: [PER_UNIT], dimensions: [PAYOR] }, [{ [PAYOR]: 'Aetna', [PER_UNIT]: null }]);
    expect(chartProblem(empty, setup('bar', PER_UNIT, PAYOR))).toBe('Billed per Unit has no values in these rows.');
    expect(() => exploreChartOption(empty, setup('bar', PER_UNIT, PAYOR), fmt)).toThrow('Billed per Unit has no values in these rows.');
  });
});

describe('what a chart says to a screen reader', () => {
  it('names the chart, its axis, its series and its highest value, in the option’s aria description too', () => {
    const s = setup('bar', BILLED, PAYOR, CODE);
    const summary = exploreChartSummary(byPayorCode, s, fmt);
    expect(summary).toBe(
      'Bar chart of Total Billed by Payor, one series per Service Code (2): 2 categories. Highest: Aetna · 97110, $100.10.',
    );
    expect(option(byPayorCode, s).aria).toEqual({ enabled: true, label: { description: summary } });
    expect(exploreChartSummary(monthly, setup('line', BILLED, MONTH), fmt)).toBe(
      'Line chart of Total Billed by Date of Service (month): 3 periods from Jan 2026 to Mar 2026. Highest: Mar 2026, $1,234.56.',
    );
    expect(exploreChartSummary(byPayorCode, setup('pie', BILLED, PAYOR), fmt)).toBe(
      'Pie of Total Billed by Payor: Aetna 99.8%, Cigna 0.2%.',
    );
  });
});
