/**
 * Caches and rollups never serve one tenant's rows to another (issue 4): the same query under the
 * tokens of two clinics (and two providers), answered from a pre-aggregation and from Cube's query
 * cache, each equal to plain SQL for its own scope. Cube's cache key is the generated SQL with its
 * parameter values (query-orchestrator QueryCache.queryCacheKey: [sql, values, pre-aggregations]);
 * the tenant filters are parameters, so two tenants never share a key: /sql shows it.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { hundredths } from '../../support/decimal.js';
import { SECURITY_CLINIC_IDS } from '../../support/security-dataset.js';
import { V, ownerToken, providerToken, request, type Reply } from './client.js';
import { TARGETS, renderingProviders, scopeTotals, serviceDateSpan, type Scope } from './oracle.js';

const secret = () => inject('apiSecret');
const [A, B] = [1, 2];

/** Regular (not multi) load, so the answer carries usedPreAggregations at the top. `stale-while-revalidate`
 * answers from any cache entry under the query's key, however old: a shared key would show at once. */
function loadOne(url: string, token: string, query: unknown): Promise<Reply> {
  return request(url, '/cubejs-api/v1/load', { token, body: JSON.stringify({ query, cache: 'stale-while-revalidate' }) });
}

const sum = (reply: Reply, member: string) => (reply.body.data ?? []).reduce((s, r) => s + hundredths(r[member]), 0n);

describe.each(TARGETS)('caches and rollups respect the tenant ($name)', ({ target, url }) => {
  let range: [string, string];

  beforeAll(async () => {
    const [from, to] = await serviceDateSpan(target, [A, B]);
    range = [from, to];
  });

  it('a report query served from a rollup: each clinic gets its own figures, in any order', async () => {
    const query = {
      measures: [`${V}.units_billed`, `${V}.total_billed`],
      dimensions: [`${V}.service_code`],
      timeDimensions: [{ dimension: `${V}.date_of_service`, granularity: 'month', dateRange: range }],
    };
    const want = { [A]: await scopeTotals(target, { clinicId: A }, ...range), [B]: await scopeTotals(target, { clinicId: B }, ...range) };
    expect(want[A]!.units).not.toBe(want[B]!.units);
    for (const clinic of [A, B, A, B]) {
      const reply = await loadOne(url(), ownerToken(secret(), clinic), query);
      expect(reply.status).toBe(200);
      expect(Object.keys(reply.body.usedPreAggregations as object)).not.toEqual([]);
      expect(sum(reply, `${V}.units_billed`)).toBe(want[clinic]!.units);
      expect(sum(reply, `${V}.total_billed`)).toBe(want[clinic]!.billed);
    }
  });

  it('look-alike clinics (same codes, names and amounts) each get rows of their own clinic from the rollup', async () => {
    const query = {
      measures: [`${V}.units_billed`],
      dimensions: [`${V}.clinic_id`, `${V}.service_code`, `${V}.provider_name`],
      timeDimensions: [{ dimension: `${V}.date_of_service`, granularity: 'month' }],
    };
    const answers: string[][] = [];
    for (const clinic of SECURITY_CLINIC_IDS) {
      const reply = await loadOne(url(), ownerToken(secret(), clinic), query);
      expect(reply.status).toBe(200);
      expect(Object.keys(reply.body.usedPreAggregations as object)).not.toEqual([]);
      const rows = reply.body.data!;
      expect(rows.length).toBeGreaterThan(0);
      expect(new Set(rows.map((r) => Number(r[`${V}.clinic_id`])))).toEqual(new Set([clinic]));
      expect(sum(reply, `${V}.units_billed`)).toBe((await scopeTotals(target, { clinicId: clinic })).units);
      answers.push(rows.map(({ [`${V}.clinic_id`]: _clinic, ...rest }) => JSON.stringify(rest)).sort());
    }
    // Look-alike data: apart from the clinic id, the clinics' answers are the same rows.
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  it('two providers of one clinic each get only their own items from the rollup', async () => {
    const [p1, p2] = await renderingProviders(target, A);
    const query = {
      measures: [`${V}.units_billed`],
      timeDimensions: [{ dimension: `${V}.date_of_service`, granularity: 'month', dateRange: range }],
    };
    for (const provider of [p1!, p2!, p1!]) {
      const scope: Scope = { clinicId: A, providerId: provider };
      const reply = await loadOne(url(), providerToken(secret(), A, provider), query);
      expect(reply.status).toBe(200);
      expect(Object.keys(reply.body.usedPreAggregations as object)).not.toEqual([]);
      expect(sum(reply, `${V}.units_billed`)).toBe((await scopeTotals(target, scope, ...range)).units);
    }
  });

  it('visit counts served from the item partitions, then from the query cache: each clinic and provider its own answer', async () => {
    // visits_used is a distinct count: no rollup adds it up, so it is read from visit_items, which
    // holds every clinic's items.
    const query = { measures: [`${V}.visits_used`, `${V}.units_billed`] };
    const first = await loadOne(url(), ownerToken(secret(), A), query);
    expect(first.status).toBe(200);
    expect(Object.keys((first.body.usedPreAggregations as object | undefined) ?? {})).toEqual([
      expect.stringMatching(/counted_items_visit_items$/),
    ]);
    const again = await loadOne(url(), ownerToken(secret(), A), query);
    expect(again.body.data).toEqual(first.body.data);
    for (const clinic of [B, A, B]) {
      const reply = await loadOne(url(), ownerToken(secret(), clinic), query);
      const want = await scopeTotals(target, { clinicId: clinic });
      expect(Number(reply.body.data![0]![`${V}.visits_used`])).toBe(want.visits);
      expect(sum(reply, `${V}.units_billed`)).toBe(want.units);
    }
    expect(Number(first.body.data![0]![`${V}.visits_used`])).toBe((await scopeTotals(target, { clinicId: A })).visits);
    const [p1, p2] = await renderingProviders(target, A);
    for (const provider of [p1!, p2!, p1!]) {
      const reply = await loadOne(url(), providerToken(secret(), A, provider), query);
      expect(reply.status).toBe(200);
      const want = await scopeTotals(target, { clinicId: A, providerId: provider });
      expect(Number(reply.body.data![0]![`${V}.visits_used`])).toBe(want.visits);
      expect(sum(reply, `${V}.units_billed`)).toBe(want.units);
    }
  });

  it('the cache key differs per tenant: same SQL text, the clinic (and provider) among its parameters', async () => {
    const query = encodeURIComponent(JSON.stringify({ measures: [`${V}.visits_used`] }));
    const [p1] = await renderingProviders(target, A);
    const sqlOf = async (token: string) => {
      const reply = await request(url(), `/cubejs-api/v1/sql?query=${query}`, { token });
      return (reply.body.sql as { sql: [string, unknown[]] }).sql;
    };
    const [textA, paramsA] = await sqlOf(ownerToken(secret(), A));
    const [textB, paramsB] = await sqlOf(ownerToken(secret(), B));
    const [textP, paramsP] = await sqlOf(providerToken(secret(), A, p1!));
    expect(textB).toBe(textA);
    expect(paramsA.map(String)).toContain(String(A));
    expect(paramsB.map(String)).toContain(String(B));
    expect(paramsB).not.toEqual(paramsA);
    expect(paramsP.map(String)).toEqual(expect.arrayContaining([String(A), String(p1)]));
    expect(textP).not.toBe(textA);
  });
});
