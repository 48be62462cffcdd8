/**
 * Row-level security on every data path (issue 4, item 2): REST load (GET and POST), the REST
 * subscribe route, /sql, /dry-run, the WebSocket (load, subscribe, sql), compareDateRange and data
 * blending queries. Each answer is checked against plain SQL for the token's own scope, while the
 * query itself tries to widen that scope with client filters nested in or/and.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { CubeSocket, V, load, ownerToken, providerToken, request, rowsOf, type Reply } from './client.js';
import { TARGETS, apiTotals, renderingProviders, scopeTotals, serviceDateSpan, type Scope } from './oracle.js';

const secret = () => inject('apiSecret');
const CLINIC = 1;
const OTHER = 2;
const MEASURES = [`${V}.units_billed`, `${V}.total_billed`, `${V}.visits_used`];

/** Client filters that would let every clinic's rows through, if they could widen anything. */
function wideningFilters(scope: Scope): unknown[] {
  return [
    {
      or: [
        { member: `${V}.clinic_id`, operator: 'equals', values: [String(OTHER)] },
        { member: `${V}.clinic_id`, operator: 'notEquals', values: [String(OTHER)] },
        { member: `${V}.clinic_id`, operator: 'notSet' },
        {
          and: [
            { member: `${V}.provider_id`, operator: 'set' },
            {
              or: [
                { member: `${V}.clinic_id`, operator: 'gt', values: ['0'] },
                { member: `${V}.provider_id`, operator: 'notEquals', values: [String(scope.providerId ?? 1)] },
              ],
            },
          ],
        },
      ],
    },
  ];
}

function scopedQuery(scope: Scope) {
  return { measures: MEASURES, dimensions: [`${V}.clinic_id`, `${V}.provider_id`], filters: wideningFilters(scope) };
}

function expectOnlyScope(rows: Record<string, unknown>[], scope: Scope): void {
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    // DuckDB's UBIGINT ids arrive as strings, MariaDB's as numbers.
    expect(Number(row[`${V}.clinic_id`])).toBe(scope.clinicId);
    if (scope.providerId !== undefined) expect(Number(row[`${V}.provider_id`])).toBe(scope.providerId);
  }
}

describe.each(TARGETS)('row-level security on every data path ($name)', ({ target, url }) => {
  let provider: number;
  let scopes: { name: string; scope: Scope; token: () => string }[];

  beforeAll(async () => {
    provider = (await renderingProviders(target, CLINIC))[0]!;
    scopes = [
      { name: 'owner', scope: { clinicId: CLINIC }, token: () => ownerToken(secret(), CLINIC) },
      { name: 'provider', scope: { clinicId: CLINIC, providerId: provider }, token: () => providerToken(secret(), CLINIC, provider) },
    ];
  });

  const restPaths: [string, (token: string, query: unknown) => Promise<Reply>][] = [
    ['GET /load', (token, query) => load(url(), token, query, 'load-get')],
    ['POST /load', (token, query) => load(url(), token, query, 'load-post')],
    [
      'GET /subscribe',
      (token, query) =>
        request(url(), `/cubejs-api/v1/subscribe?queryType=multi&query=${encodeURIComponent(JSON.stringify(query))}`, { token }),
    ],
  ];

  it.each(restPaths)("%s: only the token's rows, equal to plain SQL, whatever the client filters say", async (_path, call) => {
    for (const { scope, token } of scopes) {
      const reply = await call(token(), scopedQuery(scope));
      expect(reply.status).toBe(200);
      const rows = rowsOf(reply);
      expectOnlyScope(rows, scope);
      expect(apiTotals(rows).units).toBe((await scopeTotals(target, scope)).units);
      expect(apiTotals(rows).billed).toBe((await scopeTotals(target, scope)).billed);
    }
  });

  it('a filter naming another clinic only narrows: no rows at all', async () => {
    const reply = await load(url(), ownerToken(secret(), CLINIC), {
      measures: MEASURES,
      dimensions: [`${V}.clinic_id`],
      filters: [{ member: `${V}.clinic_id`, operator: 'equals', values: [String(OTHER)] }],
    });
    expect(reply.status).toBe(200);
    expect(rowsOf(reply).filter((r) => r[`${V}.units_billed`] !== null)).toEqual([]);
  });

  it('WebSocket load, subscribe and sql are scoped the same way', async () => {
    for (const { scope, token } of scopes) {
      const socket = await CubeSocket.open(url());
      try {
        expect((await socket.authorize(token())).handshake).toBe(true);
        for (const method of ['load', 'subscribe'] as const) {
          const reply = await socket.call(method, { query: scopedQuery(scope), queryType: 'multi' });
          expect(reply.status).toBe(200);
          const rows = (reply.message.results as { data: Record<string, unknown>[] }[]).flatMap((r) => r.data);
          expectOnlyScope(rows, scope);
          expect(apiTotals(rows).units).toBe((await scopeTotals(target, scope)).units);
        }
        const sql = await socket.call('sql', { query: scopedQuery(scope) });
        expect(sql.status).toBe(200);
        expectScopedSql(sql.message as never, scope);
      } finally {
        socket.close();
      }
    }
  });

  it("/sql shows the scope in the generated SQL's parameters, GET and POST", async () => {
    for (const { scope, token } of scopes) {
      const q = encodeURIComponent(JSON.stringify(scopedQuery(scope)));
      const get = await request(url(), `/cubejs-api/v1/sql?query=${q}`, { token: token() });
      const post = await request(url(), '/cubejs-api/v1/sql', { token: token(), body: JSON.stringify({ query: scopedQuery(scope) }) });
      for (const reply of [get, post]) {
        expect(reply.status).toBe(200);
        expectScopedSql(reply.body as never, scope);
      }
    }
  });

  it('/dry-run plans the query without running it: no rows, and private members refused', async () => {
    const token = ownerToken(secret(), CLINIC);
    const ok = await request(
      url(),
      `/cubejs-api/v1/dry-run?query=${encodeURIComponent(JSON.stringify(scopedQuery({ clinicId: CLINIC })))}`,
      { token },
    );
    expect(ok.status).toBe(200);
    expect(JSON.stringify(ok.body)).not.toMatch(/"data"/);
    const hidden = await request(url(), '/cubejs-api/v1/dry-run', {
      token,
      body: JSON.stringify({ query: { measures: ['counted_items.units_billed'] } }),
    });
    expect(hidden.status).toBe(400);
  });

  it('compareDateRange: every range scoped, each equal to plain SQL for that range', async () => {
    // Two halves of the data's own span, so both ranges have rows.
    const [first, last] = await serviceDateSpan(target, [CLINIC]);
    const middle = new Date((Date.parse(first) + Date.parse(last)) / 2).toISOString().slice(0, 10);
    const ranges: [string, string][] = [
      [first, middle],
      [dayAfter(middle), last],
    ];
    for (const { scope, token } of scopes) {
      const reply = await load(url(), token(), {
        measures: MEASURES,
        dimensions: [`${V}.clinic_id`, `${V}.provider_id`],
        filters: wideningFilters(scope),
        timeDimensions: [{ dimension: `${V}.date_of_service`, compareDateRange: ranges }],
      });
      expect(reply.status).toBe(200);
      expect(reply.body.queryType).toBe('compareDateRangeQuery');
      const results = reply.body.results as { data: Record<string, unknown>[] }[];
      expect(results).toHaveLength(2);
      for (const [i, result] of results.entries()) {
        expectOnlyScope(result.data, { clinicId: scope.clinicId });
        expect(apiTotals(result.data).units).toBe((await scopeTotals(target, scope, ...ranges[i]!)).units);
      }
    }
  });

  it('data blending: each query of the array scoped', async () => {
    for (const { scope, token } of scopes) {
      const byMonth = (measure: string) => ({
        measures: [measure],
        dimensions: [`${V}.clinic_id`],
        filters: wideningFilters(scope),
        timeDimensions: [{ dimension: `${V}.date_of_service`, granularity: 'month' }],
      });
      const reply = await load(url(), token(), [byMonth(`${V}.units_billed`), byMonth(`${V}.total_billed`)]);
      expect(reply.status).toBe(200);
      expect(reply.body.queryType).toBe('blendingQuery');
      const [units, billed] = reply.body.results as { data: Record<string, unknown>[] }[];
      expectOnlyScope([...units!.data, ...billed!.data], { clinicId: scope.clinicId });
      const want = await scopeTotals(target, scope);
      expect(apiTotals(units!.data).units).toBe(want.units);
      expect(apiTotals(billed!.data).billed).toBe(want.billed);
    }
  });
});

/** /sql answers `{sql: {sql: [text, params]}}`: the scope must be a parameter of the generated SQL. */
function expectScopedSql(body: { sql: { sql: [string, unknown[]] } }, scope: Scope): void {
  const [text, params] = body.sql.sql;
  expect(text).toMatch(/clinic_id/);
  expect(params.map(String)).toContain(String(scope.clinicId));
  if (scope.providerId !== undefined) expect(params.map(String)).toContain(String(scope.providerId));
}

function dayAfter(day: string): string {
  return new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
}
