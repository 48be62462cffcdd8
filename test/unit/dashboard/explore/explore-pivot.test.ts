import { describe, expect, it } from 'vitest';
import type { Catalog, CatalogMember, ValueFormat } from '../../../../dashboard/src/explore/explore-catalog.js';
import { defaultPivotLayout, normalizePivotLayout, pivotTable } from '../../../../dashboard/src/explore/explore-pivot.js';
import { EMPTY_QUERY, type ExploreQuery } from '../../../../dashboard/src/explore/explore-query.js';
import { exploreResult, type RawRow } from '../../../../dashboard/src/explore/explore-result.js';
import type { ShownTable } from '../../../../dashboard/src/explore/explore-table.js';
import { createFormatters } from '../../../../dashboard/src/lib/format.js';

const fmt = createFormatters('en-US', 'USD');

function member(name: string, kind: CatalogMember['kind'], format: ValueFormat, title: string, additive = false): CatalogMember {
  const type = format === 'time' ? 'time' : format === 'text' ? 'string' : 'number';
  return { name: `sales.${name}`, view: 'sales', kind, type, title, description: '', format, additive };
}

const members = [
  member('payor', 'dimension', 'text', 'Payor'),
  member('code', 'dimension', 'text', 'Code'),
  member('provider', 'dimension', 'text', 'Provider'),
  member('date', 'dimension', 'time', 'Date'),
  member('billed', 'measure', 'currency', 'Billed', true),
  member('units', 'measure', 'number', 'Units', true),
  member('ratio', 'measure', 'number', 'Paid Ratio'),
];
const catalog: Catalog = { views: [], members: new Map(members.map((m) => [m.name, m])) };
const s = (name: string) => `sales.${name}`;
const month = `${s('date')}.month`;

const query = (dimensions: string[], measures: string[], time = true): ExploreQuery => ({
  ...EMPTY_QUERY,
  dimensions,
  measures,
  time: time ? { dimension: s('date'), granularity: 'month', dateRange: null, compare: null } : null,
});

const texts = (table: ShownTable) => table.rows.map((r) => r.map((c) => c.text));
const headers = (table: ShownTable) => table.columns.map((c) => c.header);

function row(payor: string | null, code: string, iso: string, billed: string, units: string, ratio = '0.5'): RawRow {
  return {
    [s('payor')]: payor,
    [s('code')]: code,
    [month]: `${iso}T00:00:00.000`,
    [s('billed')]: billed,
    [s('units')]: units,
    [s('ratio')]: ratio,
  };
}

// The API's order (by billed, say), not by month: the pivot sorts the months itself.
const rows = [
  row('A', 'x', '2026-03-01', '0.10', '1'),
  row('A', 'x', '2026-01-01', '0.20', '2'),
  row('B', 'x', '2026-01-01', '123456789012.34', '3'),
  row('B', 'x', '2026-02-01', '0.01', '4'),
  row('A', 'x', '2026-02-01', '0.70', '5'),
];

describe('the pivot layout', () => {
  it('puts time across and the other dimensions down by default', () => {
    expect(defaultPivotLayout(exploreResult(query([s('payor'), s('code')], [s('units')]), catalog, rows, null))).toEqual({
      rows: [s('payor'), s('code')],
      columns: [month],
    });
  });

  it('without time, puts the last of two or more dimensions across', () => {
    const r = (dims: string[]) => exploreResult(query(dims, [s('units')], false), catalog, [], null);
    expect(defaultPivotLayout(r([s('payor'), s('code'), s('provider')]))).toEqual({
      rows: [s('payor'), s('code')],
      columns: [s('provider')],
    });
    expect(defaultPivotLayout(r([s('payor')]))).toEqual({ rows: [s('payor')], columns: [] });
    expect(defaultPivotLayout(r([]))).toEqual({ rows: [], columns: [] });
  });

  it('drops unknown and repeated keys and puts every leftover dimension down the rows', () => {
    const result = exploreResult(query([s('payor'), s('code'), s('provider')], [s('units')]), catalog, [], null);
    const layout = normalizePivotLayout(result, { rows: [s('code'), 'sales.gone', s('code')], columns: [s('units'), s('code'), month] });
    expect(layout).toEqual({ rows: [s('code'), s('payor'), s('provider')], columns: [month] });
  });
});

describe('the pivot table', () => {
  const result = exploreResult(query([s('payor')], [s('billed')]), catalog, rows, null);

  it('with one measure: a column per month, ascending, headed by the month alone', () => {
    const table = pivotTable(result, defaultPivotLayout(result), fmt);
    expect(headers(table)).toEqual(['Payor', 'Jan 2026', 'Feb 2026', 'Mar 2026', 'Total · Billed']);
    expect(texts(table)).toEqual([
      ['A', '$0.20', '$0.70', '$0.10', '$1.00'],
      ['B', '$123,456,789,012.34', '$0.01', '', '$123,456,789,012.35'],
    ]);
    expect(table.rows[1]![3]).toEqual({ text: '', csv: '', numeric: true, value: null });
  });

  it('totals rows and columns exactly', () => {
    const table = pivotTable(result, defaultPivotLayout(result), fmt);
    // Floats: 0.2 + 0.7 + 0.1 is 0.9999999999999999.
    expect(0.2 + 0.7 + 0.1).not.toBe(1);
    expect(table.rows[0]![4]!.csv).toBe('1.00');
    expect(table.totals!.map((c) => c.csv)).toEqual(['Total', '123456789012.54', '0.71', '0.10', '123456789013.35']);
  });

  it('with two measures: a column per month and measure, and a total column per additive measure', () => {
    const two = exploreResult(query([s('payor')], [s('units'), s('ratio')]), catalog, rows, null);
    const table = pivotTable(two, defaultPivotLayout(two), fmt);
    expect(headers(table)).toEqual([
      'Payor',
      'Jan 2026 · Units',
      'Jan 2026 · Paid Ratio',
      'Feb 2026 · Units',
      'Feb 2026 · Paid Ratio',
      'Mar 2026 · Units',
      'Mar 2026 · Paid Ratio',
      'Total · Units',
    ]);
    expect(texts(table)[0]).toEqual(['A', '2', '0.5', '5', '0.5', '1', '0.5', '8']);
    expect(table.totals!.map((c) => c.text)).toEqual(['Total', '5', '', '9', '', '1', '', '15']);
    expect(new Set(table.columns.map((c) => c.key)).size).toBe(table.columns.length);
  });

  it('with nothing across: one column per measure headed by its title, no total column', () => {
    const table = pivotTable(result, { rows: [s('payor'), month], columns: [] }, fmt);
    expect(headers(table)).toEqual(['Payor', 'Date (month)', 'Billed']);
    expect(texts(table)[0]).toEqual(['A', 'Mar 2026', '$0.10']);
    expect(table.totals!.map((c) => c.text)).toEqual(['Total', '', '$123,456,789,013.35']);
  });

  it('crosses two dimensions across, time ascending within the others’ first appearance', () => {
    const both = exploreResult(query([s('payor'), s('code')], [s('units')]), catalog, rows, null);
    const table = pivotTable(both, { rows: [s('code')], columns: [s('payor'), month] }, fmt);
    expect(headers(table)).toEqual([
      'Code',
      'A · Jan 2026',
      'A · Feb 2026',
      'A · Mar 2026',
      'B · Jan 2026',
      'B · Feb 2026',
      'Total · Units',
    ]);
    expect(texts(table)).toEqual([['x', '2', '5', '1', '3', '4', '15']]);
  });

  it('shows an empty dimension value as (empty), across and down', () => {
    const withEmpty = exploreResult(query([s('payor')], [s('units')]), catalog, [row(null, 'x', '2026-01-01', '1.00', '6'), ...rows], null);
    const table = pivotTable(withEmpty, { rows: [month], columns: [s('payor')] }, fmt);
    expect(headers(table)).toEqual(['Date (month)', '(empty)', 'A', 'B', 'Total · Units']);
    expect(texts(table)[0]).toEqual(['Jan 2026', '6', '2', '3', '11']);
  });

  it('keeps column keys the same for the same layout and result', () => {
    const keys = () => pivotTable(result, defaultPivotLayout(result), fmt).columns.map((c) => c.key);
    expect(keys()).toEqual(keys());
    expect(keys()[0]).toBe(s('payor'));
  });

  it('says a truncated total is of the shown rows, and totals nothing without a row dimension', () => {
    const limited = exploreResult({ ...query([s('payor')], [s('billed')]), limit: rows.length }, catalog, rows, null);
    expect(pivotTable(limited, defaultPivotLayout(limited), fmt).totals![0]!.text).toBe('Total of shown rows');
    const across = pivotTable(result, { rows: [], columns: [s('payor'), month] }, fmt);
    expect(across.rows).toHaveLength(1);
    expect(across.totals).toBeNull();
  });

  it('ignores a compared period', () => {
    const compared = exploreResult(query([s('payor')], [s('billed')]), catalog, rows, [row('A', 'x', '2025-12-01', '9.00', '9')]);
    expect(pivotTable(compared, defaultPivotLayout(compared), fmt)).toEqual(pivotTable(result, defaultPivotLayout(result), fmt));
  });
});
