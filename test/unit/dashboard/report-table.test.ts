// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import ReportTable from '../../../dashboard/src/components/ReportTable.vue';
import { createFormatters } from '../../../dashboard/src/lib/format.js';
import { buildRows, buildTable, derivedOf, figuresOf, sortTable, type RawRow } from '../../../dashboard/src/lib/report-table.js';

const fmt = createFormatters('en-US', 'USD');
const v = (name: string) => `service_code_usage.${name}`;

function row(
  code: string,
  units: number,
  visits: number,
  billed: string,
  paid: string | null,
  extra: Record<string, unknown> = {},
): RawRow {
  return {
    [v('service_code')]: code,
    [v('service_code_description')]: `${code} description`,
    [v('code_type')]: 'CPT',
    [v('units_billed')]: String(units),
    [v('visits_used')]: visits,
    [v('total_billed')]: billed,
    [v('insurance_paid')]: paid,
    ...extra,
  };
}

const rows = [row('97110', 30, 10, '1200.00', '600.10'), row('98941', 10, 10, '600.00', null), row('MASS60', 5, 4, '400.00', '0.00')];
// The totals come from the API's own query without the grouping dimension: a visit with two codes is one visit.
const totalsRow = row('', 45, 18, '2200.00', '600.10', { [v('insurance_paid_per_unit')]: '13.34' });

function table(comparison?: RawRow[]) {
  return buildTable(buildRows('code', rows, comparison ?? null), {
    group: 'code',
    fmt,
    descriptions: { [v('units_billed')]: 'Sum of units over counted items.' },
    totals: figuresOf(totalsRow),
    totalsDerived: derivedOf(totalsRow),
    ...(comparison ? { previousTotals: figuresOf(row('', 40, 20, '2000.00', '500.00')), comparisonLabel: 'previous period' } : {}),
  });
}

describe('the report table model', () => {
  it('shows the four figures under the report’s own headers, then the derived ones', () => {
    const headers = table().columns.map((c) => c.header);
    expect(headers.slice(0, 7)).toEqual([
      'Service Code',
      'Description',
      'Code Type',
      'Units Billed',
      '# of Visits Used',
      'Total Billed',
      'Insurance Paid',
    ]);
    expect(headers).toContain('Share of Units');
  });

  it('takes totals from the totals query, not from adding the rows', () => {
    const t = table();
    const visits = t.columns.findIndex((c) => c.id === 'visits_used');
    expect(t.totals[visits]!.text).toBe('18'); // the rows add up to 24
    const paid = t.columns.findIndex((c) => c.id === 'insurance_paid');
    expect(t.totals[paid]!.csv).toBe('600.10');
    const perUnit = t.columns.findIndex((c) => c.id === 'paid_per_unit');
    expect(t.totals[perUnit]!.text).toBe('$13.34');
  });

  it('reads a group without insurance payments as 0.00, never empty', () => {
    const t = table();
    const paid = t.columns.findIndex((c) => c.id === 'insurance_paid');
    expect(t.rows[1]!.cells[paid]!.text).toBe('$0.00');
  });

  it('formats money exactly in the clinic’s currency', () => {
    const big = buildTable(buildRows('code', [row('X', 1, 1, '9007199254740993.07', '0')], null), {
      group: 'code',
      fmt: createFormatters('en-CA', 'CAD'),
      descriptions: {},
      totals: figuresOf(totalsRow),
      totalsDerived: derivedOf(totalsRow),
    });
    const billed = big.columns.findIndex((c) => c.id === 'total_billed');
    expect(big.rows[0]!.cells[billed]!.text).toBe('$9,007,199,254,740,993.07');
    expect(big.rows[0]!.cells[billed]!.csv).toBe('9007199254740993.07');
  });

  it('computes the share of units against the totals row', () => {
    const t = table();
    const share = t.columns.findIndex((c) => c.id === 'unit_share');
    expect(t.rows.map((r) => r.cells[share]!.text)).toEqual(['66.7%', '22.2%', '11.1%']);
    expect(t.totals[share]!.text).toBe('100.0%');
  });

  it('adds change columns when comparing, with "new" for groups absent before', () => {
    const t = table([row('97110', 20, 8, '1000.00', '300.05'), row('98941', 10, 12, '600.00', '10.00')]);
    const units = t.columns.findIndex((c) => c.id === 'units_billed_change');
    const paid = t.columns.findIndex((c) => c.id === 'insurance_paid_change');
    expect(t.columns[units]!.header).toBe('Δ Units Billed');
    expect(t.rows.map((r) => r.cells[units]!.text)).toEqual(['+50.0%', '0.0%', 'new']);
    expect(t.rows[0]!.cells[paid]!.text).toBe('+100.0%');
    expect(t.rows[0]!.cells[paid]!.title).toBe('Comparison period: $300.05');
    expect(t.totals[units]!.text).toBe('+12.5%');
  });

  it('sorts by any column, empty values last, and back', () => {
    const t = table();
    const paid = t.columns.findIndex((c) => c.id === 'insurance_paid');
    expect(sortTable(t, { column: 'insurance_paid', direction: 'desc' }).rows.map((r) => r.id)).toEqual(['97110', '98941', 'MASS60']);
    expect(sortTable(t, { column: 'units_billed', direction: 'asc' }).rows.map((r) => r.id)).toEqual(['MASS60', '98941', '97110']);
    expect(sortTable(t, { column: 'name', direction: 'desc' }).rows.map((r) => r.id)).toEqual(['MASS60', '98941', '97110']);
    expect(paid).toBeGreaterThan(0);
  });
});

describe('ReportTable', () => {
  const mountTable = (props: Record<string, unknown> = {}) =>
    mount(ReportTable, {
      props: { table: table(), caption: 'Service Code Usage by service code', sort: null, drillLabel: 'Show by provider:', ...props },
    });

  it('is a semantic table whose header cells read exactly the report’s column names', () => {
    const wrapper = mountTable();
    const headers = wrapper.findAll('thead th').map((th) => th.element.textContent);
    expect(headers).toEqual(expect.arrayContaining(['Units Billed', '# of Visits Used', 'Total Billed', 'Insurance Paid']));
    expect(wrapper.find('caption').text()).toBe('Service Code Usage by service code');
    expect(wrapper.findAll('thead th').every((th) => th.attributes('scope') === 'col')).toBe(true);
    expect(wrapper.findAll('tbody th[scope="row"]')).toHaveLength(3);
  });

  it('puts the totals row in the footer', () => {
    const wrapper = mountTable();
    const cells = wrapper.findAll('tfoot tr th, tfoot tr td').map((c) => c.text());
    expect(cells[0]).toBe('Total');
    expect(cells).toContain('$2,200.00');
  });

  it('describes each column with the model’s definition', () => {
    const wrapper = mountTable();
    const button = wrapper.findAll('thead th button').find((b) => b.text() === 'Units Billed')!;
    const described = wrapper.find(`#${button.attributes('aria-describedby')!}`);
    expect(described.text()).toBe('Sum of units over counted items.');
    expect(button.attributes('data-description')).toBe('Sum of units over counted items.');
  });

  it('sorts from the header: descending, ascending, then unsorted, with aria-sort', async () => {
    const wrapper = mountTable();
    const header = () => wrapper.findAll('thead th').find((th) => th.text() === 'Total Billed')!;
    await header().find('button').trigger('click');
    expect(wrapper.emitted('sort')![0]).toEqual([{ column: 'total_billed', direction: 'desc' }]);
    await wrapper.setProps({ sort: { column: 'total_billed', direction: 'desc' } });
    expect(header().attributes('aria-sort')).toBe('descending');
    await header().find('button').trigger('click');
    expect(wrapper.emitted('sort')![1]).toEqual([{ column: 'total_billed', direction: 'asc' }]);
    await wrapper.setProps({ sort: { column: 'total_billed', direction: 'asc' } });
    await header().find('button').trigger('click');
    expect(wrapper.emitted('sort')![2]).toEqual([null]);
  });

  it('drills into a row from a labelled button', async () => {
    const wrapper = mountTable();
    const button = wrapper.find('tbody tr:nth-child(2) th button');
    expect(button.attributes('aria-label')).toBe('Show by provider: 98941');
    await button.trigger('click');
    expect(wrapper.emitted('drill')![0]).toEqual(['98941']);
  });
});
