import { describe, expect, it } from 'vitest';
import { OPERATORS_BY_TYPE as GUARD_OPERATORS } from '../../../../server/security/query-guard.js';
import { catalogOf, OPERATORS_BY_TYPE, operatorsFor } from '../../../../dashboard/src/explore/explore-catalog.js';
import { EMPTY_QUERY, type ExploreQuery } from '../../../../dashboard/src/explore/explore-query.js';
import { reportLinkOf } from '../../../../dashboard/src/explore/explore-report-link.js';
import { fieldOfApiError, queryProblems } from '../../../../dashboard/src/explore/explore-validate.js';

const V = 'service_code_usage';
const meta = [
  {
    name: V,
    type: 'view',
    title: 'Service Code Usage',
    measures: [
      { name: `${V}.total_billed`, type: 'number', shortTitle: 'Total Billed', format: 'currency', aggType: 'sum' },
      { name: `${V}.visits_used`, type: 'number', shortTitle: '# of Visits Used', aggType: 'number' },
    ],
    dimensions: [
      { name: `${V}.service_code`, type: 'string', shortTitle: 'Service Code' },
      { name: `${V}.provider_id`, type: 'number', shortTitle: 'Provider ID' },
      { name: `${V}.date_of_service`, type: 'time', shortTitle: 'Date of Service' },
      { name: `${V}.hidden`, type: 'string', shortTitle: 'Hidden', isVisible: false },
    ],
  },
  { name: 'visit_lines', type: 'view', measures: [{ name: 'visit_lines.line_count', type: 'number', aggType: 'count' }], dimensions: [] },
  { name: 'counted_items', type: 'cube', measures: [], dimensions: [{ name: 'counted_items.id', type: 'number' }] },
];
const catalog = catalogOf(meta);
const q = (patch: Partial<ExploreQuery>): ExploreQuery => ({ ...EMPTY_QUERY, measures: [`${V}.total_billed`], ...patch });

describe('the catalog from meta', () => {
  it('lists visible views only, members by kind, with shortTitle, format and additivity', () => {
    expect(catalog.views.map((v) => v.name)).toEqual([V, 'visit_lines']);
    const view = catalog.views[0]!;
    expect(view.dimensions.map((d) => d.name)).toEqual([`${V}.service_code`, `${V}.provider_id`]);
    expect(view.timeDimensions.map((d) => d.name)).toEqual([`${V}.date_of_service`]);
    expect(catalog.members.get(`${V}.total_billed`)).toMatchObject({ title: 'Total Billed', format: 'currency', additive: true });
    expect(catalog.members.get(`${V}.visits_used`)).toMatchObject({ additive: false, format: 'number' });
    expect(catalog.members.get('visit_lines.line_count')?.additive).toBe(true);
    expect(catalog.members.has(`${V}.hidden`)).toBe(false);
  });

  it("offers exactly the query guard's operators for each type", () => {
    for (const type of Object.keys(GUARD_OPERATORS)) {
      expect([...OPERATORS_BY_TYPE[type]!].sort(), type).toEqual([...GUARD_OPERATORS[type]!].sort());
    }
    expect(Object.keys(OPERATORS_BY_TYPE).sort()).toEqual(Object.keys(GUARD_OPERATORS).sort());
    expect(operatorsFor(catalog.members.get(`${V}.total_billed`)!)).toEqual(OPERATORS_BY_TYPE.number);
  });
});

describe('problems beside their field', () => {
  it('a valid query has none', () => {
    expect(queryProblems(q({ dimensions: [`${V}.service_code`] }), catalog)).toEqual([]);
  });

  it('a value of the wrong type is named at its filter', () => {
    const problems = queryProblems(
      q({
        filters: [
          { member: `${V}.service_code`, operator: 'equals', values: ['98941'] },
          { member: `${V}.provider_id`, operator: 'gt', values: ['three'] },
          { member: `${V}.total_billed`, operator: 'gte', values: ['1e3'] },
          { member: `${V}.service_code`, operator: 'gt', values: [] },
        ],
      }),
      catalog,
    );
    expect(problems).toEqual([
      { field: 'filter:1', message: 'Provider ID is a number: "three" is not one.' },
      { field: 'filter:3', message: 'Give a value.' },
    ]);
  });

  it('a date range that is not a range, on the time field and in a filter', () => {
    const time = {
      dimension: `${V}.date_of_service`,
      granularity: 'month',
      dateRange: { from: '2026-03-01', to: '2026-01-31' },
      compare: null,
    };
    expect(queryProblems(q({ time }), catalog)).toEqual([
      { field: 'time', message: 'The range ends (2026-01-31) before it starts (2026-03-01).' },
    ]);
    const filters = [{ member: `${V}.date_of_service`, operator: 'inDateRange', values: ['2026-02-30', '2026-03-01'] }];
    expect(queryProblems(q({ filters }), catalog)).toEqual([{ field: 'filter:0', message: '"2026-02-30" is not a date (YYYY-MM-DD).' }]);
    const trailing = [{ member: `${V}.date_of_service`, operator: 'afterDate', values: ['2026-01-01xyz'] }];
    expect(queryProblems(q({ filters: trailing }), catalog)).toEqual([
      { field: 'filter:0', message: '"2026-01-01xyz" is not a date (YYYY-MM-DD).' },
    ]);
    const reversed = [{ member: `${V}.date_of_service`, operator: 'inDateRange', values: ['2026-03-02', '2026-03-01'] }];
    expect(queryProblems(q({ filters: reversed }), catalog)[0]?.message).toMatch(/ends .* before it starts/);
  });

  it('members of two views, an operator of another type, an order on an unselected member, a limit out of bounds', () => {
    const problems = queryProblems(
      q({
        measures: [`${V}.total_billed`, 'visit_lines.line_count'],
        filters: [{ member: `${V}.service_code`, operator: 'afterDate', values: ['2026-01-01'] }],
        order: [[`${V}.service_code`, 'asc']],
        limit: 60_000,
      }),
      catalog,
    );
    expect(problems.map((p) => p.field)).toEqual(['query', 'filter:0', 'order', 'limit']);
  });

  it("places the API's message by what it names", () => {
    const query = q({
      dimensions: [`${V}.service_code`],
      filters: [
        { member: `${V}.provider_id`, operator: 'equals', values: ['1'] },
        { member: `${V}.service_code`, operator: 'equals', values: ['x'] },
      ],
    });
    expect(fieldOfApiError('query.filters[1].values[0] must be a string or a number', query)).toBe('filter:1');
    expect(fieldOfApiError('query.timeDimensions[0].dateRange must be [from, to]', query)).toBe('time');
    expect(fieldOfApiError('query.limit 90000 is above the maximum of 50000 rows', query)).toBe('limit');
    expect(fieldOfApiError(`'${V}.total_billed' not found`, query)).toBe('measures');
    expect(fieldOfApiError(`Can't filter by '${V}.provider_id'`, query)).toBe('filter:0');
    expect(fieldOfApiError('Internal trouble', query)).toBe('query');
  });
});

describe('the report link', () => {
  const range = { from: '2026-01-01', to: '2026-03-31' };
  const time = { dimension: `${V}.date_of_service`, granularity: 'month', dateRange: range, compare: 'last_year' as const };

  it('opens the report on the same slice when its filters and grouping can say it', () => {
    const link = reportLinkOf(
      q({
        dimensions: [`${V}.provider_name`, `${V}.provider_id`],
        time,
        filters: [
          { member: `${V}.payor_id`, operator: 'equals', values: ['12', '14'] },
          { member: `${V}.case_type_id`, operator: 'notSet', values: [] },
          { member: `${V}.service_code`, operator: 'equals', values: ['98941'] },
          { member: `${V}.billing_type`, operator: 'equals', values: ['Non-billable'] },
        ],
      }),
    );
    expect(link).toEqual({
      href: '/?from=2026-01-01&to=2026-03-31&payors=12,14&case_types=none&codes=98941&billing=non-billable&group=provider&compare=last_year',
    });
  });

  it('says why not otherwise', () => {
    expect(reportLinkOf(q({ filters: [{ member: `${V}.service_code`, operator: 'contains', values: ['98'] }] }))).toEqual({
      reason: `The report has no filter like "${V}.service_code contains".`,
    });
    expect(reportLinkOf(q({ dimensions: [`${V}.service_code`, `${V}.payor_name`] }))).toMatchObject({
      reason: expect.stringMatching(/one thing/),
    });
    expect(reportLinkOf({ ...EMPTY_QUERY, measures: ['clinic.name'] })).toMatchObject({ reason: expect.any(String) });
    const twice = [
      { member: `${V}.payor_id`, operator: 'equals', values: ['12'] },
      { member: `${V}.payor_id`, operator: 'notSet', values: [] },
    ];
    expect(reportLinkOf(q({ filters: twice }))).toMatchObject({ reason: expect.stringMatching(/one filter per field/) });
    // Without dates the report would show last month: no link.
    expect(reportLinkOf(q({ dimensions: [`${V}.payor_name`] }))).toEqual({
      reason: 'The report needs a range of dates of service: set one.',
    });
    // A code's type alone is not one of the report's groupings; payment maturity is not the report's view.
    expect(reportLinkOf(q({ dimensions: [`${V}.code_type`], time }))).toMatchObject({ reason: expect.stringMatching(/cannot group/) });
    const maturity = {
      ...EMPTY_QUERY,
      measures: ['payment_maturity.insurance_paid'],
      time: { ...time, dimension: 'payment_maturity.date_of_service' },
    };
    expect(reportLinkOf(maturity)).toMatchObject({ reason: expect.stringMatching(/Service Code Usage view only/) });
  });
});
