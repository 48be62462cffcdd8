import { describe, expect, it } from 'vitest';
import type { Catalog, CatalogMember } from '../../../../dashboard/src/explore/explore-catalog.js';
import { exploreCsv } from '../../../../dashboard/src/explore/explore-csv.js';
import { defaultPivotLayout, pivotTable } from '../../../../dashboard/src/explore/explore-pivot.js';
import { EMPTY_QUERY } from '../../../../dashboard/src/explore/explore-query.js';
import { exploreResult } from '../../../../dashboard/src/explore/explore-result.js';
import { flatTable, type ShownCell, type ShownTable } from '../../../../dashboard/src/explore/explore-table.js';
import { createFormatters } from '../../../../dashboard/src/lib/format.js';

const fmt = createFormatters('en-US', 'USD');
const text = (t: string): ShownCell => ({ text: t, csv: t, numeric: false, value: null });
const number = (csv: string, shown = csv): ShownCell => ({ text: shown, csv, numeric: true, value: Number(csv) });

const table: ShownTable = {
  columns: [
    { key: 'payor', header: 'Payor, name', description: '', numeric: false },
    { key: 'billed', header: 'Billed', description: '', numeric: true },
    { key: 'change', header: '=Change', description: '', numeric: true },
  ],
  rows: [
    [text('=cmd'), number('-2.50', '-$2.50'), number('0.125', '+12.5%')],
    [text('+1'), number('70.50', '$70.50'), { text: '', csv: '', numeric: true, value: null }],
    [text('@x'), number('0', '$0.00'), number('-0.25', '-25.0%')],
    [text('-2'), number('1234567.89', '$1,234,567.89'), number('+5', '+5')],
    [text('say "hi"\r\nbye'), text('-2.50'), text('n/a')],
  ],
  totals: [text('Total'), number('1302568.39'), text('')],
};

const lines = (csv: string) => csv.split('\r\n');

describe('the explorer CSV', () => {
  const csv = exploreCsv(
    'Billed by payor',
    [
      ['Filter', '=HYPERLINK("x")'],
      ['Rows', '5'],
    ],
    table,
  );

  it('has the report’s shape: title, header lines, a blank line, columns, rows, totals; CRLF throughout', () => {
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv).not.toMatch(/[^\r]\n/);
    expect(lines(csv).slice(0, 5)).toEqual([
      'Billed by payor',
      `Filter,"'=HYPERLINK(""x"")"`,
      'Rows,5',
      '',
      `"Payor, name",Billed,'=Change`,
    ]);
    expect(lines(csv).at(-2)).toBe('Total,1302568.39,');
  });

  it('neutralizes text that a spreadsheet would run, and keeps numbers as numbers', () => {
    expect(lines(csv).slice(5, 9)).toEqual(["'=cmd,-2.50,0.125", "'+1,70.50,", "'@x,0,-0.25", "'-2,1234567.89,'+5"]);
  });

  it('quotes quotes and line breaks, and treats a number in a text cell as text', () => {
    expect(csv).toContain(`"say ""hi""\r\nbye",'-2.50,n/a\r\n`);
  });

  it('has no totals line when the table has no totals', () => {
    const out = exploreCsv('T', [], { ...table, totals: null });
    expect(lines(out).at(-2)).toBe(`bye",'-2.50,n/a`);
    expect(out).not.toContain('Total');
  });

  it('exports a flat table and a pivot exactly as shown', () => {
    const members: CatalogMember[] = [
      {
        name: 'sales.payor',
        view: 'sales',
        kind: 'dimension',
        type: 'string',
        title: 'Payor',
        description: '',
        format: 'text',
        additive: false,
      },
      {
        name: 'sales.date',
        view: 'sales',
        kind: 'dimension',
        type: 'time',
        title: 'Date',
        description: '',
        format: 'time',
        additive: false,
      },
      {
        name: 'sales.billed',
        view: 'sales',
        kind: 'measure',
        type: 'number',
        title: 'Billed',
        description: '',
        format: 'currency',
        additive: true,
      },
    ];
    const catalog: Catalog = { views: [], members: new Map(members.map((m) => [m.name, m])) };
    const query = {
      ...EMPTY_QUERY,
      dimensions: ['sales.payor'],
      measures: ['sales.billed'],
      time: { dimension: 'sales.date', granularity: 'month', dateRange: null, compare: null },
    };
    const m = 'sales.date.month';
    const result = exploreResult(
      query,
      catalog,
      [
        { 'sales.payor': '=evil', [m]: '2026-01-01T00:00:00.000', 'sales.billed': '1234.50' },
        { 'sales.payor': null, [m]: '2026-02-01T00:00:00.000', 'sales.billed': '-0.10' },
      ],
      null,
    );
    expect(lines(exploreCsv('Flat', [], flatTable(result, fmt))).slice(2)).toEqual([
      'Payor,Date (month),Billed',
      "'=evil,2026-01-01,1234.50",
      ',2026-02-01,-0.10',
      'Total,,1234.40',
      '',
    ]);
    expect(lines(exploreCsv('Pivot', [], pivotTable(result, defaultPivotLayout(result), fmt))).slice(2)).toEqual([
      'Payor,Jan 2026,Feb 2026,Total · Billed',
      "'=evil,1234.50,,1234.50",
      ',,-0.10,-0.10',
      'Total,1234.50,-0.10,1234.40',
      '',
    ]);
  });
});
