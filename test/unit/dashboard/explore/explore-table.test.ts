import { describe, expect, it } from 'vitest';
import type { Catalog, CatalogMember, ValueFormat } from '../../../../dashboard/src/explore/explore-catalog.js';
import { EMPTY_QUERY, type ExploreQuery } from '../../../../dashboard/src/explore/explore-query.js';
import { exploreResult, resultColumns, type RawRow, type ResultColumn } from '../../../../dashboard/src/explore/explore-result.js';
import { flatTable, formatValue, sumDecimals, type ShownTable } from '../../../../dashboard/src/explore/explore-table.js';
import { createFormatters } from '../../../../dashboard/src/lib/format.js';

const fmt = createFormatters('en-US', 'USD');

function member(name: string, kind: CatalogMember['kind'], format: ValueFormat, title: string, additive = false): CatalogMember {
  const type = format === 'time' ? 'time' : format === 'text' ? 'string' : format === 'boolean' ? 'boolean' : 'number';
  return { name: `sales.${name}`, view: 'sales', kind, type, title, description: `${title}, defined.`, format, additive };
}

const members = [
  member('payor', 'dimension', 'text', 'Payor'),
  member('code', 'dimension', 'text', 'Code'),
  member('date', 'dimension', 'time', 'Date'),
  member('billed', 'measure', 'currency', 'Billed', true),
  member('units', 'measure', 'number', 'Units', true),
  member('ratio', 'measure', 'number', 'Paid Ratio'),
  member('share', 'measure', 'percent', 'Share'),
];
const catalog: Catalog = { views: [], members: new Map(members.map((m) => [m.name, m])) };

const s = (name: string) => `sales.${name}`;

function query(parts: Partial<ExploreQuery>): ExploreQuery {
  return { ...EMPTY_QUERY, ...parts };
}

const byMonth = (dimensions: string[], measures: string[]) =>
  query({ dimensions, measures, time: { dimension: s('date'), granularity: 'month', dateRange: null, compare: null } });

function column(q: ExploreQuery, key: string): ResultColumn {
  return resultColumns(q, catalog).find((c) => c.key === key)!;
}

const texts = (table: ShownTable) => table.rows.map((r) => r.map((c) => c.text));
const at = (table: ShownTable, key: string) => table.columns.findIndex((c) => c.key === key);

describe('formatValue', () => {
  const q = byMonth([s('payor')], [s('billed'), s('units'), s('ratio'), s('share')]);

  it('shows money in the clinic’s currency and exports the API’s string as given', () => {
    expect(formatValue(column(q, s('billed')), '70.50', fmt)).toEqual({ text: '$70.50', csv: '70.50', numeric: true, value: 70.5 });
    expect(formatValue(column(q, s('billed')), '123456789012.34', fmt).text).toBe('$123,456,789,012.34');
    expect(formatValue(column(q, s('billed')), '-2.50', fmt).csv).toBe('-2.50');
  });

  it('formats big whole numbers without losing a digit, decimals to 4 places', () => {
    const units = column(q, s('units'));
    // As a float, 12345678901234567891 reads 12,345,678,901,234,567,000.
    expect(formatValue(units, '12345678901234567891', fmt)).toMatchObject({
      text: '12,345,678,901,234,567,891',
      csv: '12345678901234567891',
    });
    expect(formatValue(units, 42, fmt)).toMatchObject({ text: '42', csv: '42' });
    expect(formatValue(column(q, s('ratio')), '0.123456', fmt)).toMatchObject({ text: '0.1235', csv: '0.123456' });
    expect(formatValue(column(q, s('share')), '0.125', fmt)).toMatchObject({ text: '12.5%', csv: '0.125' });
  });

  it('shows a time bucket by its granularity and exports its day', () => {
    const at = (granularity: string, iso: string) =>
      formatValue({ ...column(q, `${s('date')}.month`), granularity }, `${iso}T00:00:00.000`, fmt);
    expect(at('day', '2026-01-05')).toEqual({ text: 'Jan 5, 2026', csv: '2026-01-05', numeric: false, value: Date.UTC(2026, 0, 5) });
    expect(at('week', '2026-01-05').text).toBe('Week of Jan 5, 2026');
    expect(at('month', '2026-03-01').text).toBe('Mar 2026');
    expect(at('quarter', '2026-04-01').text).toBe('Q2 2026');
    expect(at('quarter', '2026-12-01').text).toBe('Q4 2026');
    expect(at('year', '2026-01-01').text).toBe('2026');
  });

  it('shows an empty dimension as (empty) and an empty measure as blank; both export as empty', () => {
    expect(formatValue(column(q, s('payor')), null, fmt)).toMatchObject({ text: '(empty)', csv: '' });
    expect(formatValue(column(q, s('payor')), '', fmt)).toMatchObject({ text: '(empty)', csv: '' });
    expect(formatValue(column(q, s('billed')), null, fmt)).toEqual({ text: '', csv: '', numeric: true, value: null });
  });

  it('keeps text and booleans as they are', () => {
    expect(formatValue(column(q, s('payor')), '=cmd', fmt)).toEqual({ text: '=cmd', csv: '=cmd', numeric: false, value: null });
    expect(formatValue({ ...column(q, s('payor')), format: 'boolean' }, true, fmt).text).toBe('true');
  });
});

describe('exact sums', () => {
  it('adds decimal strings at the largest scale, where floats go wrong', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.3');
    expect(sumDecimals(['0.10', '0.2', null, ''])).toBe('0.30');
    expect(sumDecimals(['-1.005', '1'])).toBe('-0.005');
    expect(sumDecimals([])).toBeNull();
    expect(sumDecimals(['1', 'n/a'])).toBeNull();
  });
});

describe('the flat table', () => {
  const q = query({ dimensions: [s('payor')], measures: [s('billed'), s('units'), s('ratio')] });
  const tenDimes: RawRow[] = Array.from({ length: 10 }, (_, i) => ({
    [s('payor')]: `P${i}`,
    [s('billed')]: '0.10',
    [s('units')]: '1',
    [s('ratio')]: '0.5',
  }));

  it('has one column per result column, titled and defined, and one row per result row', () => {
    const table = flatTable(exploreResult(q, catalog, tenDimes, null), fmt);
    expect(table.columns.map((c) => [c.key, c.header, c.numeric])).toEqual([
      [s('payor'), 'Payor', false],
      [s('billed'), 'Billed', true],
      [s('units'), 'Units', true],
      [s('ratio'), 'Paid Ratio', true],
    ]);
    expect(table.columns[1]!.description).toBe('Billed, defined.');
    expect(texts(table)[0]).toEqual(['P0', '$0.10', '1', '0.5']);
    expect(table.rows).toHaveLength(10);
  });

  it('totals the additive measures exactly and leaves the others blank', () => {
    // Ten 0.10s add up to 0.9999999999999999 in floating point.
    expect(tenDimes.reduce((sum, r) => sum + Number(r[s('billed')]), 0)).not.toBe(1);
    const table = flatTable(exploreResult(q, catalog, tenDimes, null), fmt);
    expect(table.totals!.map((c) => [c.text, c.csv])).toEqual([
      ['Total', 'Total'],
      ['$1.00', '1.00'],
      ['10', '10'],
      ['', ''],
    ]);
  });

  it('totals big amounts to the cent', () => {
    const rows = ['123456789012.34', '0.01', '0.01', '0.01'].map((billed, i) => ({ [s('payor')]: `P${i}`, [s('billed')]: billed }));
    const q1 = query({ dimensions: [s('payor')], measures: [s('billed')] });
    const total = flatTable(exploreResult(q1, catalog, rows, null), fmt).totals![1]!;
    expect(total.csv).toBe('123456789012.37');
    expect(total.text).toBe('$123,456,789,012.37');
    expect(String(rows.reduce((sum, r) => sum + Number(r[s('billed')]), 0))).not.toBe('123456789012.37');
  });

  it('has a totals row only with a dimension and an additive measure', () => {
    const measuresOnly = query({ measures: [s('billed')] });
    expect(flatTable(exploreResult(measuresOnly, catalog, [{ [s('billed')]: '5.00' }], null), fmt).totals).toBeNull();
    const notAdditive = query({ dimensions: [s('payor')], measures: [s('ratio')] });
    expect(flatTable(exploreResult(notAdditive, catalog, [{ [s('payor')]: 'A', [s('ratio')]: '0.5' }], null), fmt).totals).toBeNull();
    const timeOnly = byMonth([], [s('units')]);
    const rows = [{ [`${s('date')}.month`]: '2026-01-01T00:00:00.000', [s('units')]: '3' }];
    expect(flatTable(exploreResult(timeOnly, catalog, rows, null), fmt).totals!.map((c) => c.text)).toEqual(['Total', '3']);
  });

  it('says the total is of the shown rows when the row limit was reached', () => {
    const limited = { ...q, limit: 10 };
    expect(flatTable(exploreResult(limited, catalog, tenDimes, null), fmt).totals![0]!.text).toBe('Total of shown rows');
    expect(flatTable(exploreResult({ ...q, limit: 11 }, catalog, tenDimes, null), fmt).totals![0]!.text).toBe('Total');
  });
});

describe('the flat table comparing two periods', () => {
  const q = byMonth([s('payor')], [s('billed'), s('units'), s('ratio')]);
  const month = `${s('date')}.month`;
  const row = (payor: string | null, iso: string, billed: string | null, units: string, ratio: string): RawRow => ({
    [s('payor')]: payor,
    [month]: `${iso}T00:00:00.000`,
    [s('billed')]: billed,
    [s('units')]: units,
    [s('ratio')]: ratio,
  });
  // Current range: Feb–Mar 2026; compared: Dec 2025–Jan 2026 (the 1st month with the 1st month).
  const current = [
    row('A', '2026-02-01', '110.00', '11', '0.5'),
    row('A', '2026-03-01', '90.00', '9', '0.4'),
    row('B', '2026-02-01', '0.30', '3', '0.1'),
  ];
  const previous = [
    row('A', '2025-12-01', '100.00', '10', '0.4'),
    row('A', '2026-01-01', '120.00', '12', '0.5'),
    row(null, '2026-01-01', '5.00', '1', '0.2'),
  ];
  const table = flatTable(exploreResult(q, catalog, current, previous), fmt);

  it('has the period, the compared period and the change for every measure', () => {
    expect(table.columns.map((c) => c.header)).toEqual([
      'Payor',
      'Date (month)',
      'Billed',
      'Billed (previous)',
      'Billed change',
      'Units',
      'Units (previous)',
      'Units change',
      'Paid Ratio',
      'Paid Ratio (previous)',
      'Paid Ratio change',
    ]);
    expect(new Set(table.columns.map((c) => c.key)).size).toBe(table.columns.length);
  });

  it('pairs rows by dimension values and the index of their time bucket in their own period', () => {
    expect(texts(table).map((r) => r.slice(0, 8))).toEqual([
      ['A', 'Feb 2026', '$110.00', '$100.00', '+10.0%', '11', '10', '+10.0%'],
      ['A', 'Mar 2026', '$90.00', '$120.00', '-25.0%', '9', '12', '-25.0%'],
      ['B', 'Feb 2026', '$0.30', '', '', '3', '', ''],
      ['(empty)', 'Jan 2026', '', '$5.00', '', '', '1', ''],
    ]);
  });

  it('exports the change as the report’s CSV does: a percentage with one decimal', () => {
    const change = at(table, `${s('billed')}.change`);
    expect(table.rows.map((r) => r[change]!.csv)).toEqual(['10.0%', '-25.0%', '', '']);
    expect(table.rows[0]![change]!.value).toBe(0.1);
    expect(table.rows[0]![at(table, `${s('ratio')}.change`)]!.csv).toBe('25.0%');
  });

  it('totals each period exactly and gives the change of the totals for additive measures', () => {
    const totals = table.totals!;
    expect(totals[0]!.text).toBe('Total');
    // 110.00 + 90.00 + 0.30 = 200.30 against 100.00 + 120.00 + 5.00 = 225.00: (200.30 − 225) ÷ 225 = −0.109777…
    expect(totals[at(table, s('billed'))]!.csv).toBe('200.30');
    expect(totals[at(table, `${s('billed')}.previous`)]!.csv).toBe('225.00');
    expect(totals[at(table, `${s('billed')}.change`)]!.csv).toBe('-11.0%');
    expect(totals[at(table, `${s('billed')}.change`)]!.text).toBe('-11.0%');
    // 11 + 9 + 3 against 10 + 12 + 1: no change.
    expect(totals[at(table, `${s('units')}.change`)]!).toMatchObject({ text: '0.0%', csv: '0.0%' });
    expect(totals[at(table, `${s('ratio')}`)]!.text).toBe('');
    expect(totals[at(table, `${s('ratio')}.change`)]!.text).toBe('');
  });

  describe('over compared ranges with a month without rows', () => {
    // 2026-01-01..2026-06-30 against the same months of 2025.
    const compared = query({
      dimensions: [s('payor')],
      measures: [s('units')],
      time: { dimension: s('date'), granularity: 'month', dateRange: { from: '2026-01-01', to: '2026-06-30' }, compare: 'last_year' },
    });
    const r = (iso: string, units: string): RawRow => ({ [s('payor')]: 'A', [month]: `${iso}T00:00:00.000`, [s('units')]: units });
    const shown = (cur: RawRow[], prev: RawRow[]) => texts(flatTable(exploreResult(compared, catalog, cur, prev), fmt));

    it('pairs each month with the same month of the compared range when the compared one lacks its first', () => {
      expect(
        shown([r('2026-01-01', '4'), r('2026-02-01', '6'), r('2026-05-01', '9')], [r('2025-02-01', '3'), r('2025-05-01', '10')]),
      ).toEqual([
        ['A', 'Jan 2026', '4', '', ''],
        ['A', 'Feb 2026', '6', '3', '+100.0%'],
        ['A', 'May 2026', '9', '10', '-10.0%'],
      ]);
    });

    it('pairs each month with the same month of the compared range when the current one lacks its first', () => {
      expect(
        shown([r('2026-02-01', '6'), r('2026-03-01', '8')], [r('2025-01-01', '2'), r('2025-02-01', '3'), r('2025-03-01', '4')]),
      ).toEqual([
        ['A', 'Feb 2026', '6', '3', '+100.0%'],
        ['A', 'Mar 2026', '8', '4', '+100.0%'],
        ['A', 'Jan 2025', '', '2', ''],
      ]);
    });

    it('counts weeks from the week a range starts in (Cube’s Monday weeks)', () => {
      // 2026-01-01 (a Thursday)..2026-01-14 against the 14 days before, 2025-12-18 (a Thursday)..2025-12-31.
      const weekly = query({
        measures: [s('units')],
        time: { dimension: s('date'), granularity: 'week', dateRange: { from: '2026-01-01', to: '2026-01-14' }, compare: 'previous' },
      });
      const w = (iso: string, units: string): RawRow => ({ [`${s('date')}.week`]: `${iso}T00:00:00.000`, [s('units')]: units });
      const t = flatTable(
        exploreResult(weekly, catalog, [w('2026-01-05', '4'), w('2026-01-12', '6')], [w('2025-12-15', '1'), w('2025-12-22', '2')]),
        fmt,
      );
      expect(texts(t)).toEqual([
        ['Week of Jan 5, 2026', '4', '2', '+100.0%'],
        ['Week of Jan 12, 2026', '6', '', ''],
        ['Week of Dec 15, 2025', '', '1', ''],
      ]);
    });
  });

  it('without the compared ranges, counts each period’s buckets from its first, so a month missing in between shifts none', () => {
    const r = (iso: string, units: string): RawRow => ({ [s('payor')]: 'A', [month]: `${iso}T00:00:00.000`, [s('units')]: units });
    const q1 = byMonth([s('payor')], [s('units')]);
    const t = flatTable(
      exploreResult(
        q1,
        catalog,
        [r('2026-04-01', '1'), r('2026-05-01', '2'), r('2026-06-01', '3')],
        [r('2026-01-01', '4'), r('2026-03-01', '5')],
      ),
      fmt,
    );
    expect(texts(t).map((row) => row.slice(1, 4))).toEqual([
      ['Apr 2026', '1', '4'],
      ['May 2026', '2', ''],
      ['Jun 2026', '3', '5'],
    ]);
  });

  it('compares without a time column by dimension values alone', () => {
    const q1 = query({ dimensions: [s('payor'), s('code')], measures: [s('units')] });
    const r = (payor: string, code: string, units: string) => ({ [s('payor')]: payor, [s('code')]: code, [s('units')]: units });
    const t = flatTable(exploreResult(q1, catalog, [r('A', 'x', '4'), r('A', 'y', '2')], [r('A', 'y', '1'), r('B', 'x', '7')]), fmt);
    expect(texts(t)).toEqual([
      ['A', 'x', '4', '', ''],
      ['A', 'y', '2', '1', '+100.0%'],
      ['B', 'x', '', '7', ''],
    ]);
    expect(t.totals!.map((c) => c.csv)).toEqual(['Total', '', '6', '8', '-25.0%']);
  });
});
