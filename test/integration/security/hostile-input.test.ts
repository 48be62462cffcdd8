/**
 * Hostile and mistaken input (issue 4, items 3 and 6): each gets a 4xx with a message a developer can
 * act on; never a 5xx, never a crash, never anyone else's rows. Covers private and unknown members,
 * member expressions, SQL injection strings, malformed JSON, unknown operators, invalid date ranges,
 * huge limits and oversized requests, over REST (load GET/POST, sql, dry-run) and the WebSocket.
 */
import { describe, expect, inject, it } from 'vitest';
import { CubeSocket, V, load, ownerToken, request, rowsOf } from './client.js';
import { TARGETS } from './oracle.js';

const secret = () => inject('apiSecret');
const m = (name: string) => `${V}.${name}`;
const UNITS = m('units_billed');
const DOS = m('date_of_service');
const base = { measures: [UNITS] };

/** [case, query, a pattern of the message]. */
const BAD_QUERIES: [string, unknown, RegExp][] = [
  ["a private cube's member", { measures: ['counted_items.units_billed'] }, /unknown or private member 'counted_items.units_billed'/],
  [
    'a private member in a filter',
    { ...base, filters: [{ member: 'counted_items.purchase_id', operator: 'set' }] },
    /unknown or private member/,
  ],
  ['a private member in order', { ...base, order: { 'counted_items.id': 'asc' } }, /unknown or private member/],
  ['patient data', { measures: [UNITS], dimensions: ['patients.last_name'] }, /unknown or private member 'patients.last_name'/],
  ['an unknown member', { measures: [m('no_such_measure')] }, /unknown or private member 'service_code_usage.no_such_measure'/],
  ['an unknown view', { measures: ['payroll.salary'] }, /unknown or private member 'payroll.salary'/],
  ['a dimension as a measure', { measures: [m('clinic_id')] }, /is a dimension, not a measure/],
  [
    'a member expression',
    { measures: [JSON.stringify({ cubeName: V, alias: 'x', expr: { type: 'SqlFunction', cubeParams: [V], sql: 'SELECT 1' } })] },
    /member expressions are not allowed/,
  ],
  [
    'subqueryJoins (raw SQL)',
    { ...base, subqueryJoins: [{ sql: 'SELECT * FROM patients', on: '1=1', joinType: 'LEFT', alias: 'p' }] },
    /unknown property 'subqueryJoins'/,
  ],
  ['ungrouped rows of the report (row-level data)', { ...base, ungrouped: true }, /ungrouped is only available on visit_lines/],
  [
    'an unknown operator',
    { ...base, filters: [{ member: m('clinic_id'), operator: 'like', values: ['1'] }] },
    /operator "like" is not a filter operator/,
  ],
  [
    'an operator for another type',
    { ...base, filters: [{ member: m('provider_id'), operator: 'contains', values: ['1'] }] },
    /operator contains does not apply/,
  ],
  ['a filter without values', { ...base, filters: [{ member: m('provider_id'), operator: 'equals' }] }, /values must be an array/],
  [
    'an object as a value',
    { ...base, filters: [{ member: m('provider_id'), operator: 'equals', values: [{ $gt: 1 }] }] },
    /must be a string or a number/,
  ],
  [
    'SQL in a number filter',
    { ...base, filters: [{ member: m('provider_id'), operator: 'equals', values: ['1 OR 1=1'] }] },
    /is a number, got "1 OR 1=1"/,
  ],
  ['SQL in a clinic filter', { ...base, filters: [{ member: m('clinic_id'), operator: 'in', values: ["1') OR ('1'='1"] }] }, /is a number/],
  ['an empty or', { ...base, filters: [{ or: [] }] }, /non-empty array/],
  ['filters nested too deep', { ...base, filters: [nest(12)] }, /nest deeper than 8 levels/],
  [
    'too many filter values',
    { ...base, filters: [{ member: m('provider_id'), operator: 'in', values: Array.from({ length: 1001 }, () => 1) }] },
    /at most 1000 are allowed/,
  ],
  [
    'an impossible date',
    { ...base, timeDimensions: [{ dimension: DOS, dateRange: ['2024-02-30', '2024-03-01'] }] },
    /"2024-02-30" is not a date/,
  ],
  ['a month 13', { ...base, timeDimensions: [{ dimension: DOS, dateRange: ['2024-13-01', '2024-12-31'] }] }, /"2024-13-01" is not a date/],
  [
    'a reversed date range',
    { ...base, timeDimensions: [{ dimension: DOS, dateRange: ['2025-02-01', '2025-01-01'] }] },
    /starts \(2025-02-01\) after it ends/,
  ],
  ['words in a date array', { ...base, timeDimensions: [{ dimension: DOS, dateRange: ['yesterday', 'today'] }] }, /is not a date/],
  ['an unparseable relative range', { ...base, timeDimensions: [{ dimension: DOS, dateRange: 'qwerty zxcvb' }] }, /Can't parse date/],
  [
    'a garbage date filter',
    { ...base, filters: [{ member: DOS, operator: 'inDateRange', values: ['2024-01-01', 'zzz'] }] },
    /"zzz" is not a date/,
  ],
  [
    'a granularity that does not exist',
    { ...base, timeDimensions: [{ dimension: DOS, granularity: 'fortnight' }] },
    /granularity "fortnight" is not one of/,
  ],
  [
    'a granularity on a number',
    { ...base, timeDimensions: [{ dimension: m('clinic_id'), granularity: 'day' }] },
    /is not a time dimension/,
  ],
  ['a huge limit', { ...base, limit: 10_000_000 }, /limit 10000000 is above the maximum of 50000 rows/],
  ['a negative limit', { ...base, limit: -1 }, /limit must be a whole number/],
  ['a fractional limit', { ...base, limit: 1.5 }, /limit must be a whole number/],
  ['a huge offset', { ...base, offset: 1e15 }, /offset must be a whole number from 0 to/],
  ['an order by a member not selected', { ...base, order: { [m('provider_id')]: 'asc' } }, /does not select it/],
  ['a bad order direction', { ...base, order: { [UNITS]: 'sideways' } }, /direction must be "asc" or "desc"/],
  ['an invalid time zone', { ...base, timezone: 'Mars/Olympus_Mons' }, /must be a valid IANA time zone/],
  ['an array as the query', [], /array of 1 to 12 queries, got 0/],
  ['too many blended queries', Array.from({ length: 20 }, () => base), /array of 1 to 12 queries, got 20/],
  ['a number as the query', 42, /must be a JSON object/],
  [
    'compareDateRange that is not an array',
    { ...base, timeDimensions: [{ dimension: DOS, compareDateRange: 'last year' }] },
    /compareDateRange must be an array/,
  ],
  ['no members at all', { filters: [] }, /should contain either measures, dimensions or timeDimensions/],
];

function nest(depth: number): unknown {
  let filter: unknown = { member: m('provider_id'), operator: 'set' };
  for (let i = 0; i < depth; i++) filter = { or: [filter] };
  return filter;
}

describe.each(TARGETS)('hostile input gets a clear 4xx ($name)', ({ url }) => {
  const token = () => ownerToken(secret(), 1);

  it.each(BAD_QUERIES)('%s: 400 on POST /load, GET /load, /sql and /dry-run', async (_case, query, reason) => {
    const q = encodeURIComponent(JSON.stringify(query));
    const replies = {
      'POST /load': await load(url(), token(), query),
      'GET /load': await load(url(), token(), query, 'load-get'),
      'POST /sql': await request(url(), '/cubejs-api/v1/sql', { token: token(), body: JSON.stringify({ query }) }),
      'GET /dry-run': await request(url(), `/cubejs-api/v1/dry-run?query=${q}`, { token: token() }),
    };
    for (const [path, reply] of Object.entries(replies)) {
      expect({ path, status: reply.status, error: reply.body.error }).toMatchObject({ path, status: 400 });
      expect(reply.body.error, path).toMatch(reason);
      expect(reply.body.data, path).toBeUndefined();
      expect(reply.body.results, path).toBeUndefined();
    }
  });

  it('the same over the WebSocket, and the socket stays usable', async () => {
    const socket = await CubeSocket.open(url());
    try {
      expect((await socket.authorize(token())).handshake).toBe(true);
      for (const [name, query, reason] of BAD_QUERIES) {
        const reply = await socket.call('load', { query, queryType: 'multi' });
        expect({ name, status: reply.status }).toEqual({ name, status: 400 });
        expect(reply.message.error, name).toMatch(reason);
      }
      socket.sendRaw('{"not json');
      socket.sendRaw(JSON.stringify({ messageId: 'x', method: 'drop-tables', params: {} }));
      const ok = await socket.call('load', { query: { ...base, dimensions: [m('clinic_id')] }, queryType: 'multi' });
      expect(ok.status).toBe(200);
      expect((ok.message.results as { data: { [k: string]: unknown }[] }[])[0]!.data.map((r) => Number(r[m('clinic_id')]))).toEqual([1]);
    } finally {
      socket.close();
    }
  });

  it('injection strings in string filters are values, not SQL: 200, no error, no rows of anyone else', async () => {
    const meta = await request(url(), '/cubejs-api/v1/meta', { token: token() });
    const view = (meta.body.cubes as { name: string; dimensions: { name: string; type: string }[] }[]).find((c) => c.name === V)!;
    const stringDimensions = view.dimensions.filter((d) => d.type === 'string').map((d) => d.name);
    expect(stringDimensions.length).toBeGreaterThan(0);
    const values = ["' OR '1'='1", "x'); DROP TABLE purchases; --", "\\' OR 1=1 #", '%', '_', '\\', '"', '😀'.repeat(50), 'a'.repeat(1000)];
    for (const dimension of stringDimensions) {
      const reply = await load(url(), token(), {
        measures: [UNITS],
        dimensions: [m('clinic_id')],
        filters: [
          {
            or: [
              ...['equals', 'contains', 'startsWith', 'endsWith', 'notEquals', 'notContains'].map((operator) => ({
                member: dimension,
                operator,
                values,
              })),
              { member: m('clinic_id'), operator: 'notEquals', values: ['1'] },
            ],
          },
        ],
      });
      expect({ dimension, status: reply.status, error: reply.body.error }).toEqual({ dimension, status: 200, error: undefined });
      expect(rowsOf(reply).every((r) => Number(r[m('clinic_id')]) === 1)).toBe(true);
    }
  });

  it('an oversized WebSocket message closes that socket (1009), and the server goes on', async () => {
    const socket = await CubeSocket.open(url());
    const closed = new Promise<number>((resolve) => socket.onClose(resolve));
    socket.sendRaw(JSON.stringify({ authorization: 'x'.repeat(2 * 1024 * 1024) }));
    expect(await closed).toBe(1009);
    expect((await request(url(), '/readyz')).status).toBe(200);
  });

  it('malformed and oversized request bodies get 400 and 413', async () => {
    const malformed = await request(url(), '/cubejs-api/v1/load', { token: token(), body: '{"query": {' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatch(/not valid JSON/);
    const huge = await request(url(), '/cubejs-api/v1/load', {
      token: token(),
      body: JSON.stringify({ query: base, padding: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toMatch(/larger than 1048576 bytes/);
    const notJsonQuery = await request(url(), '/cubejs-api/v1/load?query=%7Bnope', { token: token() });
    expect(notJsonQuery.status).toBe(400);
    const noQuery = await request(url(), '/cubejs-api/v1/load', { token: token(), body: '{}' });
    expect(noQuery.status).toBe(400);
    expect(noQuery.body.error).toMatch(/Query param is required/);
  });

  it('routes this product does not serve are closed with 404, never 500', async () => {
    for (const [path, method] of [
      ['/cubejs-api/graphql', 'POST'],
      ['/cubejs-api/v1/graphql-to-json', 'POST'],
      ['/cubejs-api/v1/cubesql', 'POST'],
      ['/cubejs-api/v1/convert-query', 'POST'],
      ['/cubejs-api/v1/pre-aggregations/can-use', 'POST'],
      ['/cubejs-api/v1/pre-aggregations/jobs', 'POST'],
      ['/cubejs-api/v1/running-query/abc', 'DELETE'],
      ['/cubejs-system/v1/context', 'GET'],
    ] as const) {
      const reply = await request(url(), path, { token: token(), method, ...(method === 'POST' ? { body: '{"query":"x"}' } : {}) });
      expect({ path, status: reply.status }).toEqual({ path, status: 404 });
    }
  });
});
