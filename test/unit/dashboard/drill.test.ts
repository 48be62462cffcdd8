// @vitest-environment happy-dom
import type { Query } from '@cubejs-client/core';
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import ReportTable from '../../../dashboard/src/components/ReportTable.vue';
import { provideCubeClient, type CubeClient } from '../../../dashboard/src/composables/useCubeApi.js';
import { useDrillLines } from '../../../dashboard/src/composables/useDrillLines.js';
import { linesCsv } from '../../../dashboard/src/lib/csv.js';
import {
  EXPORT_BATCH,
  LINE_COLUMNS,
  drillOf,
  linesBatchQuery,
  linesPageQuery,
  linesTotalsQuery,
  reportFigureQuery,
  type DrillSelection,
} from '../../../dashboard/src/lib/drill.js';
import { cellDrill, columnFigure, drillCsvHeader, drillTitle, rowNarrowing, sameDecimal } from '../../../dashboard/src/lib/drill-lines.js';
import { createFormatters } from '../../../dashboard/src/lib/format.js';
import type { ReportFilterValues } from '../../../dashboard/src/lib/report-query.js';
import {
  DEFAULT_STATE,
  parseReportState,
  serializeReportState,
  type GroupBy,
  type ReportState,
} from '../../../dashboard/src/lib/report-state.js';
import type { ReportTable as Table } from '../../../dashboard/src/lib/report-table.js';

const fmt = createFormatters('en-US', 'USD');
const RANGE = { from: '2026-07-01', to: '2026-09-30' };
const PREVIOUS = { from: '2026-04-01', to: '2026-06-30' };
const NO_FILTERS: ReportFilterValues = { providers: [], payors: [], caseTypes: [], codes: [], billing: null };

describe('the drill in the URL', () => {
  const state = (drill: DrillSelection | null): ReportState => ({ ...DEFAULT_STATE, ...RANGE, drill });

  it('round-trips every part of a drill', () => {
    const drill: DrillSelection = {
      ...drillOf(
        'insurance_paid',
        PREVIOUS,
        { providers: ['7'], payors: ['none'], caseTypes: ['3'], codes: ['97110'], billing: 'billable' },
        'comparison',
      ),
      sort: { column: 'billed_amount', direction: 'desc' },
      page: 3,
    };
    const search = serializeReportState(state(drill));
    expect(search).toContain('drill=insurance_paid');
    expect(search).toContain('drill_period=comparison');
    expect(search).toContain('drill_providers=7');
    expect(new URLSearchParams(search).get('drill_sort')).toBe('billed_amount:desc');
    expect(search).toContain('drill_page=3');
    expect(parseReportState(search).drill).toEqual(drill);
  });

  it('writes nothing for the defaults and no drill', () => {
    expect(serializeReportState(state(null))).toBe(`?from=${RANGE.from}&to=${RANGE.to}`);
    const search = serializeReportState(state(drillOf('units_billed', RANGE)));
    expect(search).toBe(`?from=${RANGE.from}&to=${RANGE.to}&drill=units_billed&drill_from=${RANGE.from}&drill_to=${RANGE.to}`);
  });

  it.each([
    ['an unknown figure', 'drill=patients&drill_from=2026-07-01&drill_to=2026-07-31'],
    ['no dates', 'drill=units_billed'],
    ['a bad date', 'drill=units_billed&drill_from=2026-02-30&drill_to=2026-03-01'],
    ['reversed dates', 'drill=units_billed&drill_from=2026-08-01&drill_to=2026-07-01'],
  ])('ignores a drill with %s', (_what, query) => {
    expect(parseReportState(`?${query}`).drill).toBeNull();
  });

  it('drops invalid parts and keeps the rest', () => {
    const drill = parseReportState(
      '?drill=units_billed&drill_from=2026-07-01&drill_to=2026-07-31&drill_providers=7,x,0&drill_billing=maybe&drill_sort=patient:asc&drill_page=-2&drill_period=other',
    ).drill!;
    expect(drill.narrow.providers).toEqual(['7']);
    expect(drill.narrow.billing).toBeNull();
    expect(drill.sort).toBeNull();
    expect(drill.page).toBe(1);
    expect(drill.period).toBe('report');
  });
});

describe('the drill queries', () => {
  const report: ReportFilterValues = { ...NO_FILTERS, payors: ['4'], billing: 'billable' };
  const drill = {
    ...drillOf('units_billed', RANGE, { codes: ['97110'] }),
    page: 3,
    sort: { column: 'billed_amount', direction: 'desc' as const },
  };

  it('filter by the report’s filters AND the narrowing, over the drill’s dates', () => {
    const q = linesPageQuery(report, drill);
    expect(q.filters).toEqual([
      { member: 'visit_lines.payor_id', operator: 'equals', values: ['4'] },
      { member: 'visit_lines.billing_type', operator: 'equals', values: ['Billable'] },
      { member: 'visit_lines.service_code', operator: 'equals', values: ['97110'] },
    ]);
    expect(q.timeDimensions).toEqual([{ dimension: 'visit_lines.date_of_service', dateRange: [RANGE.from, RANGE.to] }]);
    expect(linesTotalsQuery(report, drill).filters).toEqual(q.filters);
    expect(reportFigureQuery(report, drill)!.filters).toEqual([
      { member: 'service_code_usage.payor_id', operator: 'equals', values: ['4'] },
      { member: 'service_code_usage.billing_type', operator: 'equals', values: ['Billable'] },
      { member: 'service_code_usage.service_code', operator: 'equals', values: ['97110'] },
    ]);
  });

  it('page by limit and offset, ordered by the chosen column and then by line', () => {
    const q = linesPageQuery(report, drill, 50);
    expect([q.limit, q.offset]).toEqual([50, 100]);
    expect(q.order).toEqual([
      ['visit_lines.billed_amount', 'desc'],
      ['visit_lines.line_number', 'asc'],
    ]);
    expect(linesPageQuery(report, { ...drill, sort: null }).order).toEqual([
      ['visit_lines.date_of_service', 'asc'],
      ['visit_lines.line_number', 'asc'],
    ]);
    expect(linesPageQuery(report, { ...drill, sort: { column: 'line_number', direction: 'desc' } }).order).toEqual([
      ['visit_lines.line_number', 'desc'],
    ]);
    expect(linesBatchQuery(report, drill, 20_000, EXPORT_BATCH)).toMatchObject({ offset: 20_000, limit: EXPORT_BATCH });
  });

  it('restate the figure over the lines where they can, and the report’s own figure', () => {
    expect(linesTotalsQuery(report, drill).measures).toContain('visit_lines.units_billed');
    expect(reportFigureQuery(report, drill)!.measures).toEqual(['service_code_usage.units_billed']);
    expect(linesTotalsQuery(report, { ...drill, figure: 'patients_seen' }).measures).not.toContain('visit_lines.patients_seen');
  });
});

describe('what a figure opens', () => {
  const ctx = { pivot: false, group: 'code' as const, range: RANGE, comparison: PREVIOUS };

  it.each([
    ['code', '97110', { codes: ['97110'] }],
    ['provider', '12', { providers: ['12'] }],
    ['payor', 'none', { payors: ['none'] }],
    ['case_type', '3', { caseTypes: ['3'] }],
    ['billing_type', 'non-billable', { billing: 'non-billable' }],
    ['billing_type', 'billable', { billing: 'billable' }],
  ] as [GroupBy, string, Partial<ReportFilterValues>][])('a row grouped by %s (%s)', (group, rowId, narrow) => {
    expect(rowNarrowing(group, rowId)).toEqual(narrow);
    expect(cellDrill({ ...ctx, group }, rowId, 'units_billed')).toEqual(drillOf('units_billed', RANGE, narrow));
  });

  it('each column its figure; Share of Units its units; a Δ column its base figure in the compared period', () => {
    expect(columnFigure('paid_per_unit')).toEqual({ figure: 'insurance_paid_per_unit', period: 'report' });
    expect(columnFigure('paid_ratio')).toEqual({ figure: 'insurance_paid_ratio', period: 'report' });
    expect(columnFigure('unit_share')).toEqual({ figure: 'units_billed', period: 'report' });
    expect(columnFigure('name')).toBeNull();
    expect(cellDrill(ctx, '97110', 'total_billed_change')).toEqual(drillOf('total_billed', PREVIOUS, { codes: ['97110'] }, 'comparison'));
    expect(cellDrill({ ...ctx, comparison: null }, '97110', 'total_billed_change')).toBeNull();
  });

  it('the totals row opens the report’s lines, not narrowed', () => {
    expect(cellDrill(ctx, null, 'patients_seen')).toEqual(drillOf('patients_seen', RANGE));
  });

  it('a pivot cell its code and provider; the totals their code, their provider, or everything', () => {
    const pivot = { ...ctx, pivot: true };
    expect(cellDrill(pivot, '97110', 'provider_12')).toEqual(drillOf('units_billed', RANGE, { codes: ['97110'], providers: ['12'] }));
    expect(cellDrill(pivot, '97110', 'units_billed')).toEqual(drillOf('units_billed', RANGE, { codes: ['97110'] }));
    expect(cellDrill(pivot, null, 'provider_12')).toEqual(drillOf('units_billed', RANGE, { providers: ['12'] }));
    expect(cellDrill(pivot, null, 'units_billed')).toEqual(drillOf('units_billed', RANGE));
    expect(cellDrill(pivot, '97110', 'name')).toBeNull();
  });

  it('says in names what was opened', () => {
    const drill = drillOf('units_billed', PREVIOUS, { codes: ['97110'], providers: ['12'], payors: ['none'] }, 'comparison');
    const options = { providers: [{ id: '12', label: 'Ann Lee, DC' }], payors: [{ id: 'none', label: 'Self-pay' }] };
    expect(drillTitle(drill, options, fmt)).toBe(
      `Units Billed of 97110, Ann Lee, DC, Self-pay, ${fmt.dateRange(PREVIOUS.from, PREVIOUS.to)} (compared period)`,
    );
    expect(drillTitle(drillOf('total_billed', RANGE), {}, fmt)).toBe(`Total Billed of the total, ${fmt.dateRange(RANGE.from, RANGE.to)}`);
  });

  it('never shows a bare id as a name: "…" while a list loads, "#id" when the list lacks it', () => {
    const drill = drillOf('total_billed', RANGE, { payors: ['7'], providers: ['12'] });
    const period = fmt.dateRange(RANGE.from, RANGE.to);
    expect(drillTitle(drill, {}, fmt)).toBe(`Total Billed of …, …, ${period}`);
    expect(drillTitle(drill, { providers: [{ id: '3', label: 'Bo Diaz' }], payors: [{ id: '7', label: 'Aetna' }] }, fmt)).toBe(
      `Total Billed of #12, Aetna, ${period}`,
    );
  });

  it('compares the report’s figure with the lines’ exactly', () => {
    expect(sameDecimal('212', '212.00')).toBe(true);
    expect(sameDecimal('0.1250', '0.125')).toBe(true);
    expect(sameDecimal('45.00', '45.01')).toBe(false);
    expect(sameDecimal(null, null)).toBe(true);
    expect(sameDecimal(null, '0')).toBe(false);
  });
});

describe('the report table’s figure buttons', () => {
  const table: Table = {
    columns: [
      { id: 'name', header: 'Service Code', description: '', kind: 'label' },
      { id: 'units_billed', header: 'Units Billed', description: '', kind: 'count' },
    ],
    rows: [
      {
        id: '97140',
        cells: [
          { text: '97140', csv: '97140', sort: '97140' },
          { text: '212', csv: '212', sort: 212 },
        ],
      },
    ],
    totals: [
      { text: 'Total', csv: 'Total', sort: 'Total' },
      { text: '1,000', csv: '1000', sort: 1000 },
    ],
  };
  const ctx = { pivot: false, group: 'code' as const, range: RANGE, comparison: null };

  it('name the figure, its row and its value, and open that row’s lines', async () => {
    const wrapper = mount(ReportTable, {
      props: { table, caption: 'c', sort: null, cellDrill: (row: string | null, col: string) => cellDrill(ctx, row, col) },
    });
    const button = wrapper.find('button[aria-label="Show the lines behind Units Billed of 97140: 212"]');
    expect(button.text()).toBe('212');
    await button.trigger('click');
    await wrapper.find('button[aria-label="Show the lines behind Units Billed of Total: 1,000"]').trigger('click');
    expect(wrapper.emitted('open')).toEqual([[drillOf('units_billed', RANGE, { codes: ['97140'] })], [drillOf('units_billed', RANGE)]]);
  });

  it('offer no lines behind a count of nothing ("—")', () => {
    const empty: Table = { ...table, rows: [{ id: '97140', cells: [table.rows[0]!.cells[0]!, { text: '—', csv: '', sort: null }] }] };
    const wrapper = mount(ReportTable, {
      props: { table: empty, caption: 'c', sort: null, cellDrill: (row: string | null, col: string) => cellDrill(ctx, row, col) },
    });
    expect(wrapper.findAll('tbody td button')).toHaveLength(0);
    expect(wrapper.findAll('tfoot td button')).toHaveLength(1);
  });
});

describe('the lines’ CSV', () => {
  const line = (over: Record<string, unknown>) => ({
    'visit_lines.date_of_service': '2026-07-01T00:00:00.000',
    'visit_lines.visit_number': '501',
    'visit_lines.line_number': '9001',
    'visit_lines.service_code': '97110',
    'visit_lines.service_code_description': 'Therapeutic exercise',
    'visit_lines.code_type': 'CPT',
    'visit_lines.billing_type': 'Billable',
    'visit_lines.provider_name': 'Ann Lee, DC',
    'visit_lines.payor_name': 'Self-pay',
    'visit_lines.case_type': 'No case',
    'visit_lines.units': '2',
    'visit_lines.billed_amount': '90',
    'visit_lines.insurance_paid': '0.00',
    'visit_lines.insurance_payments': '0',
    'visit_lines.last_insurance_payment_on': null,
    ...over,
  });

  it('writes a title, the header lines, the columns, each line exactly, and a totals line', () => {
    const header: [string, string][] = [
      ['Clinic', '=Evil Clinic'],
      ['Figure', 'Units Billed'],
    ];
    const csv = linesCsv(
      'Visit lines',
      header,
      LINE_COLUMNS,
      [
        line({}),
        line({
          'visit_lines.payor_name': '=HYPERLINK("x")',
          'visit_lines.insurance_paid': '-5.25',
          'visit_lines.last_insurance_payment_on': '2026-07-20T00:00:00.000',
          'visit_lines.modifiers': 'GP,59',
        }),
      ],
      {
        units: '4',
        billed_amount: '180.00',
        insurance_paid: '-5.25',
      },
    );
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('Visit lines');
    expect(lines[1]).toBe("Clinic,'=Evil Clinic");
    expect(lines[3]).toBe('');
    expect(lines[4]).toBe(LINE_COLUMNS.map((c) => c.header).join(','));
    expect(lines[5]).toBe('2026-07-01,501,9001,97110,Therapeutic exercise,CPT,Billable,"Ann Lee, DC",Self-pay,No case,2,90.00,0.00,0,,');
    expect(lines[6]).toBe(
      `2026-07-01,501,9001,97110,Therapeutic exercise,CPT,Billable,"Ann Lee, DC","'=HYPERLINK(""x"")",No case,2,90.00,-5.25,0,2026-07-20,"GP,59"`,
    );
    expect(lines[7]).toBe('Total,,,,,,,,,,4,180.00,-5.25,,,');
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('heads the file with the report’s filters over the drill’s dates and what was opened', () => {
    const state: ReportState = { ...DEFAULT_STATE, ...RANGE, payors: ['4'] };
    const drill = drillOf('units_billed', PREVIOUS, { providers: ['12'] }, 'comparison');
    const header = drillCsvHeader(
      state,
      drill,
      { providers: [{ id: '12', label: 'Ann Lee, DC' }], payors: [{ id: '4', label: 'Aetna' }] },
      fmt,
      'Riverside',
    );
    expect(Object.fromEntries(header)).toEqual({
      Clinic: 'Riverside',
      'Dates of service': `2026-04-01 to 2026-06-30 (${fmt.dateRange(PREVIOUS.from, PREVIOUS.to)})`,
      Providers: 'All',
      Payors: 'Aetna',
      'Case types': 'All',
      'Service codes': 'All',
      'Billing type': 'All',
      Figure: 'Units Billed',
      'Lines of': 'Ann Lee, DC',
      Period: 'Compared period',
    });
  });
});

describe('reading every line for the export', () => {
  it('reads in batches of EXPORT_BATCH in the drill’s order until a short batch', async () => {
    const queries: Query[] = [];
    const client = {
      load: (query: Query) => {
        queries.push(query);
        const rows = Array.from({ length: queries.length === 1 ? EXPORT_BATCH : 3 }, (_, i) => ({ n: i }));
        return Promise.resolve({ rawData: () => rows });
      },
      meta: () => Promise.reject(new Error('unused')),
    } as unknown as CubeClient;
    let readAll: (() => Promise<unknown[]>) | undefined;
    const drill = { ...drillOf('lines', RANGE), sort: { column: 'units', direction: 'desc' as const } };
    mount(
      defineComponent({
        setup() {
          provideCubeClient(client);
          return () => h(defineComponent({ setup: () => ((readAll = useDrillLines({ filters: NO_FILTERS, drill }).readAll), () => null) }));
        },
      }),
    );
    queries.length = 0;
    const all = await readAll!();
    expect(all).toHaveLength(EXPORT_BATCH + 3);
    expect(queries.map((q) => [q.offset, q.limit])).toEqual([
      [0, EXPORT_BATCH],
      [EXPORT_BATCH, EXPORT_BATCH],
    ]);
    expect(queries[0]!.order).toEqual([
      ['visit_lines.units', 'desc'],
      ['visit_lines.line_number', 'asc'],
    ]);
  });
});
