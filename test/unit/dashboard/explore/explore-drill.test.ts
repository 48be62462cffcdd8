import { describe, expect, it } from 'vitest';
import { catalogOf } from '../../../../dashboard/src/explore/explore-catalog.js';
import { drillProblem, linesQueryOf } from '../../../../dashboard/src/explore/explore-drill.js';
import { EMPTY_QUERY, type ExploreQuery } from '../../../../dashboard/src/explore/explore-query.js';
import { resultColumns } from '../../../../dashboard/src/explore/explore-result.js';

const V = 'service_code_usage';
const dims = (view: string, names: string[], type = 'string') => names.map((n) => ({ name: `${view}.${n}`, type }));
const catalog = catalogOf([
  {
    name: V,
    type: 'view',
    measures: [
      { name: `${V}.total_billed`, type: 'number', aggType: 'sum' },
      { name: `${V}.units_billed`, type: 'number', aggType: 'sum' },
    ],
    dimensions: [
      ...dims(V, ['provider_name', 'payor_name', 'service_code', 'billing_type']),
      ...dims(V, ['provider_id', 'payor_id'], 'number'),
      { name: `${V}.date_of_service`, type: 'time' },
    ],
  },
  {
    name: 'visit_lines',
    type: 'view',
    measures: [{ name: 'visit_lines.line_count', type: 'number', aggType: 'count' }],
    dimensions: [
      ...dims('visit_lines', ['provider_name', 'payor_name', 'service_code', 'billing_type', 'line_number']),
      ...dims('visit_lines', ['provider_id', 'payor_id'], 'number'),
      { name: 'visit_lines.date_of_service', type: 'time' },
    ],
  },
  {
    name: 'payment_maturity',
    type: 'view',
    measures: [{ name: 'payment_maturity.insurance_paid', type: 'number', aggType: 'sum' }],
    dimensions: dims('payment_maturity', ['days_to_payment']),
  },
]);

const query: ExploreQuery = {
  ...EMPTY_QUERY,
  measures: [`${V}.total_billed`],
  dimensions: [`${V}.payor_name`, `${V}.provider_name`],
  time: { dimension: `${V}.date_of_service`, granularity: 'month', dateRange: { from: '2026-01-15', to: '2026-03-31' }, compare: null },
  filters: [
    { member: `${V}.service_code`, operator: 'startsWith', values: ['989'] },
    { member: `${V}.total_billed`, operator: 'gt', values: ['100'] },
  ],
  limit: 500,
};

describe('the visit lines behind a row', () => {
  it("narrows to the row's values and its month within the range, keeps line filters, drops measure filters", () => {
    const row = {
      [`${V}.payor_name`]: null,
      [`${V}.provider_name`]: 'Mark Chen, PT',
      [`${V}.date_of_service.month`]: '2026-01-01T00:00:00.000',
      [`${V}.total_billed`]: '120.00',
    };
    const lines = linesQueryOf(query, catalog, resultColumns(query, catalog), row);
    expect(lines).toEqual({
      measures: [],
      dimensions: expect.arrayContaining(['visit_lines.line_number', 'visit_lines.billed_amount']),
      time: {
        dimension: 'visit_lines.date_of_service',
        granularity: 'day',
        dateRange: { from: '2026-01-15', to: '2026-01-31' },
        compare: null,
      },
      filters: [
        { member: 'visit_lines.service_code', operator: 'startsWith', values: ['989'] },
        { member: 'visit_lines.payor_name', operator: 'notSet', values: [] },
        { member: 'visit_lines.provider_name', operator: 'equals', values: ['Mark Chen, PT'] },
      ],
      order: [
        ['visit_lines.date_of_service', 'asc'],
        ['visit_lines.line_number', 'asc'],
      ],
      limit: 500,
    });
  });

  it('a quarter bucket without a range is the whole quarter', () => {
    const q: ExploreQuery = { ...query, dimensions: [], filters: [], time: { ...query.time!, granularity: 'quarter', dateRange: null } };
    const row = { [`${V}.date_of_service.quarter`]: '2025-10-01T00:00:00.000', [`${V}.total_billed`]: '1.00' };
    expect(linesQueryOf(q, catalog, resultColumns(q, catalog), row)?.time?.dateRange).toEqual({ from: '2025-10-01', to: '2025-12-31' });
  });

  it('says why a query cannot be opened', () => {
    expect(drillProblem(query, catalog, false)).toBeNull();
    expect(drillProblem(query, catalog, true)).toMatch(/comparison/);
    expect(drillProblem({ ...query, measures: [] }, catalog, false)).toMatch(/not figures/);
    const maturity = { ...EMPTY_QUERY, measures: ['payment_maturity.insurance_paid'], dimensions: ['payment_maturity.days_to_payment'] };
    expect(drillProblem(maturity, catalog, false)).toMatch(/Only rows of visit lines/);
    expect(drillProblem({ ...query, dimensions: [`${V}.patients_seen_bucket`] }, catalog, false)).toMatch(/no "patients_seen_bucket"/);
  });
});
