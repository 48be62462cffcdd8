/**
 * The query guard (server/security/query-guard.ts): what the dashboard and analysts send passes unchanged;
 * anything else is a 400 whose message says what to change, before Cube sees it.
 */
import { describe, expect, it } from 'vitest';
import { QueryValidator, asUserMistake, catalogFromMeta, isAbsoluteDate } from '../../../server/security/query-guard.js';

const V = 'service_code_usage';
const member = (name: string, type: string, isVisible = true) => ({ name, type, isVisible });
const META = [
  {
    config: {
      name: V,
      type: 'view',
      isVisible: true,
      measures: [member(`${V}.units_billed`, 'number'), member(`${V}.total_billed`, 'number')],
      dimensions: [
        member(`${V}.clinic_id`, 'number'),
        member(`${V}.provider_id`, 'number'),
        member(`${V}.service_code`, 'string'),
        member(`${V}.hidden_note`, 'string', false),
        { ...member(`${V}.date_of_service`, 'time'), granularities: [{ name: 'fiscal_year' }] },
      ],
      segments: [],
    },
  },
  {
    config: { name: 'counted_items', isVisible: false, measures: [member('counted_items.units_billed', 'number', false)], dimensions: [] },
  },
  { config: { name: 'unscoped_view', isVisible: true, measures: [member('unscoped_view.x', 'number')], dimensions: [] } },
  {
    config: {
      name: 'visit_lines',
      type: 'view',
      isVisible: true,
      measures: [member('visit_lines.line_count', 'number')],
      dimensions: [member('visit_lines.line_number', 'string'), member('visit_lines.date_of_service', 'time')],
      segments: [],
    },
  },
];
const validator = new QueryValidator(catalogFromMeta(META, [V, 'visit_lines']));
const units = `${V}.units_billed`;
const dos = `${V}.date_of_service`;

function problem(query: unknown): string {
  try {
    validator.validate(query);
  } catch (e) {
    expect((e as { status?: number }).status).toBe(400);
    return (e as Error).message;
  }
  throw new Error('the query was accepted');
}

describe('QueryValidator accepts what clients send', () => {
  it.each([
    [
      'the report query',
      {
        measures: [units, `${V}.total_billed`],
        dimensions: [`${V}.service_code`],
        timeDimensions: [{ dimension: dos, dateRange: ['2025-01-01', '2025-01-31'] }],
        filters: [
          { member: `${V}.provider_id`, operator: 'in', values: [1, '2'] },
          { or: [{ member: `${V}.service_code`, operator: 'startsWith', values: ['97'] }] },
        ],
        order: { [units]: 'desc' },
        limit: 50_000,
        total: true,
      },
    ],
    [
      'a trend',
      { measures: [units], timeDimensions: [{ dimension: dos, granularity: 'week', dateRange: 'last 12 months' }], order: [[dos, 'asc']] },
    ],
    ['a granularity in dimensions', { measures: [units], dimensions: [`${dos}.month`] }],
    ['a custom granularity', { measures: [units], timeDimensions: [{ dimension: dos, granularity: 'fiscal_year' }] }],
    [
      'a comparison',
      { measures: [units], timeDimensions: [{ dimension: dos, compareDateRange: [['2025-01-01', '2025-01-31'], 'last month'] }] },
    ],
    ['a blending query', [{ measures: [units], timeDimensions: [{ dimension: dos, granularity: 'month' }] }]],
    ['a JSON string (GET)', JSON.stringify({ measures: [units] })],
    [
      'date filters',
      {
        measures: [units],
        filters: [
          { member: dos, operator: 'inDateRange', values: ['2025-01-01T00:00:00.000', '2025-02-01'] },
          { member: dos, operator: 'beforeDate', values: ['last year'] },
        ],
      },
    ],
    ['a measure filter', { measures: [units], filters: [{ member: units, operator: 'gt', values: ['10.5'] }] }],
    [
      'explicit defaults',
      { measures: [units], ungrouped: false, limit: null, offset: 0, responseFormat: 'compact', timezone: 'UTC', cache: 'must-revalidate' },
    ],
    ['dimension instead of member', { measures: [units], filters: [{ dimension: `${V}.service_code`, operator: 'set' }] }],
    [
      'a page of visit lines (ungrouped: rows, not groups)',
      {
        dimensions: ['visit_lines.line_number'],
        timeDimensions: [{ dimension: 'visit_lines.date_of_service', dateRange: ['2025-01-01', '2025-12-31'] }],
        order: [['visit_lines.line_number', 'asc']],
        limit: 50,
        offset: 100,
        ungrouped: true,
      },
    ],
  ])('%s', (_case, query) => {
    expect(validator.validate(query)).toEqual(typeof query === 'string' ? JSON.parse(query) : query);
  });
});

describe('QueryValidator refuses, saying what to change', () => {
  it.each([
    ['invalid JSON text', '{"measures":', /not valid JSON/],
    ['a number', 7, /must be a JSON object/],
    ['an empty blending array', [], /array of 1 to 12 queries, got 0/],
    ['a private cube member', { measures: ['counted_items.units_billed'] }, /unknown or private member 'counted_items.units_billed'/],
    ['a hidden view member', { measures: [units], dimensions: [`${V}.hidden_note`] }, /unknown or private member/],
    [
      'a hidden member in a filter',
      { measures: [units], filters: [{ member: `${V}.hidden_note`, operator: 'startsWith', values: ['a'] }] },
      /unknown or private member/,
    ],
    ['an unknown member', { measures: [`${V}.nope`] }, /unknown or private member 'service_code_usage.nope'/],
    ['a view without a scope', { measures: ['unscoped_view.x'] }, /view 'unscoped_view' has no row-level scope/],
    ['a member expression', { measures: ['{"cubeName":"x"}'] }, /member expressions are not allowed/],
    ['a non-string member', { measures: [{ sql: 'SELECT 1' }] }, /must be a member name/],
    ['a measure as a dimension', { dimensions: [units] }, /is a measure, not a dimension/],
    ['a granularity on a number', { measures: [units], dimensions: [`${V}.clinic_id.day`] }, /not a time dimension/],
    [
      'an unknown granularity',
      { measures: [units], timeDimensions: [{ dimension: dos, granularity: 'decade' }] },
      /granularity "decade" is not one of .*fiscal_year/,
    ],
    [
      'ungrouped rows of the report',
      { measures: [units], ungrouped: true },
      /ungrouped is only available on visit_lines .*'service_code_usage.units_billed'/,
    ],
    ['ungrouped figures of the lines', { measures: ['visit_lines.line_count'], ungrouped: true }, /ungrouped returns lines, not figures/],
    [
      'ungrouped lines filtered by another view',
      { dimensions: ['visit_lines.line_number'], filters: [{ member: `${V}.service_code`, operator: 'set' }], ungrouped: true },
      /only available on visit_lines/,
    ],
    ['ungrouped that is not a boolean', { dimensions: ['visit_lines.line_number'], ungrouped: 'yes' }, /ungrouped must be true or false/],
    ['subqueryJoins', { measures: [units], subqueryJoins: [] }, /unknown property 'subqueryJoins'/],
    ['joinHints', { measures: [units], joinHints: [['a', 'b']] }, /unknown property 'joinHints'/],
    ['maskedMembers', { measures: [units], maskedMembers: [] }, /unknown property 'maskedMembers'/],
    ['a list that is not an array', { measures: units }, /measures must be an array/],
    ['too many members', { measures: Array.from({ length: 51 }, () => units) }, /at most 50/],
    [
      'an unknown operator',
      { measures: [units], filters: [{ member: `${V}.service_code`, operator: 'regex', values: ['.*'] }] },
      /"regex" is not a filter operator/,
    ],
    [
      'a string operator on a number',
      { measures: [units], filters: [{ member: `${V}.clinic_id`, operator: 'contains', values: ['1'] }] },
      /contains does not apply/,
    ],
    [
      'a date operator on a string',
      { measures: [units], filters: [{ member: `${V}.service_code`, operator: 'inDateRange', values: ['2025-01-01', '2025-01-02'] }] },
      /does not apply/,
    ],
    [
      'measureFilter on a dimension',
      { measures: [units], filters: [{ member: `${V}.service_code`, operator: 'measureFilter' }] },
      /does not apply/,
    ],
    [
      'text in a number filter',
      { measures: [units], filters: [{ member: `${V}.clinic_id`, operator: 'equals', values: ['1 OR 1=1'] }] },
      /is a number, got "1 OR 1=1"/,
    ],
    ['Infinity', { measures: [units], filters: [{ member: units, operator: 'gt', values: ['Infinity'] }] }, /is a number/],
    [
      'an object value',
      { measures: [units], filters: [{ member: `${V}.service_code`, operator: 'equals', values: [{}] }] },
      /must be a string or a number/,
    ],
    [
      'null outside equals',
      { measures: [units], filters: [{ member: `${V}.service_code`, operator: 'contains', values: [null] }] },
      /must be a string or a number/,
    ],
    [
      'a huge value',
      { measures: [units], filters: [{ member: `${V}.service_code`, operator: 'equals', values: ['x'.repeat(1001)] }] },
      /longer than 1000 characters/,
    ],
    [
      'too many values',
      { measures: [units], filters: [{ member: `${V}.clinic_id`, operator: 'in', values: Array.from({ length: 1001 }, () => 1) }] },
      /at most 1000/,
    ],
    ['no values', { measures: [units], filters: [{ member: `${V}.clinic_id`, operator: 'equals', values: [] }] }, /at least one value/],
    [
      'both member and dimension',
      { measures: [units], filters: [{ member: `${V}.clinic_id`, dimension: `${V}.clinic_id`, operator: 'set' }] },
      /both member and dimension/,
    ],
    ['and plus or', { measures: [units], filters: [{ and: [], or: [] }] }, /exactly one of "and" or "or"/],
    [
      'extra keys in a filter',
      { measures: [units], filters: [{ member: `${V}.clinic_id`, operator: 'set', sql: '1=1' }] },
      /unknown property 'sql'/,
    ],
    [
      'too deep',
      { measures: [units], filters: [JSON.parse(`${'{"or":['.repeat(9)}{"member":"${V}.clinic_id","operator":"set"}${']}'.repeat(9)}`)] },
      /deeper than 8 levels/,
    ],
    [
      'too many filters',
      { measures: [units], filters: Array.from({ length: 201 }, () => ({ member: `${V}.clinic_id`, operator: 'set' })) },
      /more than 200 filters/,
    ],
    [
      'February 30',
      { measures: [units], timeDimensions: [{ dimension: dos, dateRange: ['2025-02-30', '2025-03-01'] }] },
      /"2025-02-30" is not a date/,
    ],
    [
      'hour 25',
      { measures: [units], timeDimensions: [{ dimension: dos, dateRange: ['2025-02-01T25:00:00', '2025-03-01'] }] },
      /is not a date/,
    ],
    [
      'a reversed range',
      { measures: [units], timeDimensions: [{ dimension: dos, dateRange: ['2025-03-01', '2025-02-01'] }] },
      /starts \(2025-03-01\) after it ends/,
    ],
    [
      'a relative range inside an array',
      { measures: [units], timeDimensions: [{ dimension: dos, dateRange: ['last week', 'today'] }] },
      /is not a date/,
    ],
    ['a date-like relative range', { measures: [units], timeDimensions: [{ dimension: dos, dateRange: '2025-13-01' }] }, /is not a date/],
    [
      'three dates',
      { measures: [units], timeDimensions: [{ dimension: dos, dateRange: ['2025-01-01', '2025-01-02', '2025-01-03'] }] },
      /array \[from, to\]/,
    ],
    [
      'dateRange and compareDateRange',
      { measures: [units], timeDimensions: [{ dimension: dos, dateRange: 'today', compareDateRange: ['today'] }] },
      /both dateRange and compareDateRange/,
    ],
    [
      'two compared time dimensions',
      {
        measures: [units],
        timeDimensions: [
          { dimension: dos, compareDateRange: ['today'] },
          { dimension: dos, compareDateRange: ['today'] },
        ],
      },
      /compareDateRange can be used on one time dimension only/,
    ],
    ['a bad date filter', { measures: [units], filters: [{ member: dos, operator: 'equals', values: ['soon'] }] }, /"soon" is not a date/],
    ['a limit too large', { measures: [units], limit: 50_001 }, /above the maximum of 50000 rows/],
    ['a limit as text', { measures: [units], limit: '10' }, /limit must be a whole number/],
    ['a negative offset', { measures: [units], offset: -1 }, /offset must be a whole number/],
    ['ordering by what is not selected', { measures: [units], order: { [`${V}.service_code`]: 'asc' } }, /does not select it/],
    ['ordering by a private member', { measures: [units], order: { 'counted_items.id': 'asc' } }, /unknown or private member/],
    ['a bad direction', { measures: [units], order: [[units, 'up']] }, /direction must be "asc" or "desc"/],
    ['an order entry of one', { measures: [units], order: [[units]] }, /must be \[member, "asc" \| "desc"\]/],
  ])('%s', (_case, query, reason) => {
    expect(problem(query)).toMatch(reason);
  });

  it('messages start with "Invalid query" and show where the problem is', () => {
    expect(problem([{ measures: [units] }, { measures: [units], filters: [{ or: [{ member: 'x.y', operator: 'set' }] }] }])).toBe(
      "Invalid query: query[1].filters[0].or[0].member: unknown or private member 'x.y'; the members you can query are listed by GET /cubejs-api/v1/meta",
    );
  });
});

describe('helpers', () => {
  it('isAbsoluteDate accepts real calendar dates and timestamps only', () => {
    for (const ok of ['2024-02-29', '2025-12-31T23:59:59.999', '2025-01-01 00:00', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00+05:30'])
      expect(isAbsoluteDate(ok), ok).toBe(true);
    for (const bad of ['2025-02-29', '2025-00-10', '2025-01-32', '2025-1-1', '20250101', '2025-01-01T24:00:00', 'today'])
      expect(isAbsoluteDate(bad), bad).toBe(false);
  });

  it('turns the plain Errors stock Cube throws for user mistakes into 400s, and leaves real faults alone', () => {
    expect((asUserMistake(new Error('The query limit has been exceeded.')) as { status?: number }).status).toBe(400);
    expect((asUserMistake(new Error('Expressions are not allowed in this context')) as { status?: number }).status).toBe(400);
    const fault = new Error('connect ECONNREFUSED 127.0.0.1:3306');
    expect(asUserMistake(fault)).toBe(fault);
  });

  it('catalogFromMeta keeps visible members of scoped views only', () => {
    const catalog = catalogFromMeta(META, [V]);
    expect([...catalog.members.keys()].sort()).toEqual(
      [`${V}.clinic_id`, dos, `${V}.provider_id`, `${V}.service_code`, `${V}.total_billed`, units].sort(),
    );
    expect([...catalog.unscopedViews].sort()).toEqual(['unscoped_view', 'visit_lines']);
  });
});
