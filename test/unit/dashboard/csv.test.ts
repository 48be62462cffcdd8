// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { neutralizeFormula, quoteCsv, reportCsv } from '../../../dashboard/src/lib/csv.js';
import type { ReportTable } from '../../../dashboard/src/lib/report-table.js';

describe('CSV escaping', () => {
  it.each(['=SUM(A1:A2)', '+1+2', '-2+3', '@cmd', '\tTAB', '\rCR'])('prefixes an apostrophe to %j', (text) => {
    expect(neutralizeFormula(text)).toBe(`'${text}`);
  });

  it('leaves ordinary text alone', () => {
    expect(neutralizeFormula('98941')).toBe('98941');
    expect(neutralizeFormula('Ann Lee, DC')).toBe('Ann Lee, DC');
    expect(neutralizeFormula('a=b')).toBe('a=b');
  });

  it('quotes delimiters, quotes and line breaks (RFC 4180)', () => {
    expect(quoteCsv('Ann Lee, DC')).toBe('"Ann Lee, DC"');
    expect(quoteCsv('say "hi"')).toBe('"say ""hi"""');
    expect(quoteCsv('two\nlines')).toBe('"two\nlines"');
    expect(quoteCsv('plain')).toBe('plain');
  });
});

describe('report CSV', () => {
  const table: ReportTable = {
    columns: [
      { id: 'name', header: 'Payor', description: '', kind: 'label' },
      { id: 'units_billed', header: 'Units Billed', description: '', kind: 'count' },
      { id: 'total_billed', header: 'Total Billed', description: '', kind: 'money' },
      { id: 'insurance_paid_change', header: 'Δ Insurance Paid', description: '', kind: 'change' },
    ],
    rows: [
      {
        id: '1',
        cells: [
          { text: '=HYPERLINK("http://x")', csv: '=HYPERLINK("http://x")', sort: '' },
          { text: '3', csv: '3', sort: 3 },
          { text: '$1,234.50', csv: '1234.50', sort: 123450 },
          { text: '−12.5%', csv: '-12.5%', sort: -0.125 },
        ],
      },
      {
        id: '2',
        cells: [
          { text: 'Smith, Jones & Co', csv: 'Smith, Jones & Co', sort: '' },
          { text: '1', csv: '1', sort: 1 },
          { text: '-$5.00', csv: '-5.00', sort: -500 },
          { text: 'new', csv: 'new', sort: null },
        ],
      },
    ],
    totals: [
      { text: 'Total', csv: 'Total', sort: '' },
      { text: '4', csv: '4', sort: 4 },
      { text: '$1,229.50', csv: '1229.50', sort: 0 },
      { text: '', csv: '', sort: null },
    ],
  };

  it('writes the title and filters first, then the table with every row and the totals', () => {
    const csv = reportCsv(
      'Service Code Usage',
      [
        ['Clinic', 'Riverside'],
        ['Payors', '@evil; Aetna'],
      ],
      table,
    );
    expect(csv.split('\r\n')).toEqual([
      'Service Code Usage',
      'Clinic,Riverside',
      "Payors,'@evil; Aetna",
      '',
      'Payor,Units Billed,Total Billed,Δ Insurance Paid',
      `"'=HYPERLINK(""http://x"")",3,1234.50,-12.5%`,
      '"Smith, Jones & Co",1,-5.00,new',
      'Total,4,1229.50,',
      '',
    ]);
  });

  it('never lets a figure column carry a formula', () => {
    const evil: ReportTable = {
      ...table,
      rows: [
        {
          id: 'x',
          cells: [
            table.rows[0]!.cells[0]!,
            { text: '', csv: '=1+1', sort: 0 },
            { text: '', csv: '-1+1', sort: 0 },
            { text: '', csv: '@x', sort: 0 },
          ],
        },
      ],
    };
    const line = reportCsv('t', [], evil).split('\r\n')[3];
    expect(line).toBe(`"'=HYPERLINK(""http://x"")",'=1+1,'-1+1,'@x`);
  });
});
