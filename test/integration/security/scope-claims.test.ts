/**
 * The token's scope claims provider_ids, payor_ids, case_type_ids (docs/security.md, "Scope claims"),
 * through the real server on MariaDB and DuckDB: every view that has the dimension answers exactly
 * the plain SQL of the scope (test/support/reference-sql.ts), from the pre-aggregations; "none" is
 * self-pay / no case; client filters on ids, names and with any operator only narrow; the clinic
 * view is not narrowed (it has none of these dimensions); a bad claim is a 403.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { hundredths } from '../../support/decimal.js';
import { groupKey, paymentMaturity, referenceGroups, referenceLines } from '../../support/reference-sql.js';
import { CubeSocket, V, load, ownerToken, rawToken, request, rowsOf, scopeToken, nowSeconds, type Reply } from './client.js';
import { TARGETS, referenceScope, referenceTarget, scopeTotals, serviceDateSpan, type Scope } from './oracle.js';

const secret = () => inject('apiSecret');
const CLINIC = 1;
const L = 'visit_lines';
const M = 'payment_maturity';
type Id = number | 'none';

/** Regular (not multi) load, so the answer carries usedPreAggregations at the top. */
function loadOne(url: string, token: string, query: unknown): Promise<Reply> {
  return request(url, '/cubejs-api/v1/load', { token, body: JSON.stringify({ query }) });
}

const idOf = (value: unknown): Id => (value === null || value === undefined ? 'none' : Number(value));

/** Every row's provider, payor and case type (where the row carries them) lies in the scope. */
function expectRowsInScope(rows: Record<string, unknown>[], view: string, scope: Scope, label: string): void {
  const providers = scope.providerIds ?? (scope.providerId === undefined ? undefined : [scope.providerId]);
  for (const row of rows) {
    if (`${view}.clinic_id` in row) expect(Number(row[`${view}.clinic_id`]), label).toBe(scope.clinicId);
    for (const [member, ids] of [
      ['provider_id', providers],
      ['payor_id', scope.payorIds],
      ['case_type_id', scope.caseTypeIds],
    ] as const) {
      if (ids && `${view}.${member}` in row)
        expect(ids as Id[], `${label}: ${member} of ${JSON.stringify(row)}`).toContain(idOf(row[`${view}.${member}`]));
    }
  }
}

describe.each(TARGETS)('token scope claims ($name)', ({ target, url }) => {
  /** The clinic's providers, payors and case types that have counted items ('none': self-pay, no case). */
  const all = { providers: [] as number[], payors: [] as Id[], caseTypes: [] as Id[] };
  /** Names of each payor / provider / case type id, from the plain SQL. */
  const names = { providers: new Map<Id, string>(), payors: new Map<Id, string>(), caseTypes: new Map<Id, string>() };
  let scopes: { name: string; scope: Scope }[] = [];
  let span: [string, string];

  beforeAll(async () => {
    const groups = await referenceGroups(referenceTarget(target), {
      clinicId: CLINIC,
      groupBy: ['provider_id', 'provider_name', 'payor_id', 'payor_name', 'case_type_id', 'case_type'],
    });
    const byItems = new Map<string, number>();
    for (const { values, countedItems } of groups) {
      const [provider, providerName, payor, payorName, caseType, caseTypeName] = values;
      names.providers.set(idOf(provider), String(providerName));
      names.payors.set(idOf(payor), String(payorName));
      names.caseTypes.set(idOf(caseType), String(caseTypeName));
      for (const key of [`p${String(provider)}`, `y${String(payor)}`, `c${String(caseType)}`])
        byItems.set(key, (byItems.get(key) ?? 0) + countedItems);
    }
    const busiest = <T extends Id>(ids: T[], prefix: string) =>
      ids.sort(
        (a, b) => (byItems.get(`${prefix}${b === 'none' ? 'null' : b}`) ?? 0) - (byItems.get(`${prefix}${a === 'none' ? 'null' : a}`) ?? 0),
      );
    all.providers = busiest([...names.providers.keys()] as number[], 'p');
    all.payors = busiest([...names.payors.keys()], 'y');
    all.caseTypes = busiest([...names.caseTypes.keys()], 'c');
    const realPayors = all.payors.filter((p) => p !== 'none') as number[];
    const realCases = all.caseTypes.filter((c) => c !== 'none') as number[];
    // The demo clinic has what the scopes below need: self-pay, items without a case, several of each.
    expect(all.payors).toContain('none');
    expect(all.caseTypes).toContain('none');
    expect(realPayors.length).toBeGreaterThanOrEqual(3);
    expect(realCases.length).toBeGreaterThanOrEqual(2);
    expect(all.providers.length).toBeGreaterThanOrEqual(3);
    // Payors and case types go together in the data (a case has its payor): the combined scopes are
    // taken from combinations that have items, the busiest first.
    const combos = groups
      .filter((g) => g.values[2] !== null && g.values[4] !== null)
      .sort((a, b) => b.countedItems - a.countedItems)
      .map((g) => ({ provider: Number(g.values[0]), payor: Number(g.values[2]), caseType: Number(g.values[4]) }));
    const first = combos[0]!;
    const second = combos.find((c) => c.provider !== first.provider)!;
    scopes = [
      { name: 'two payors and self-pay', scope: { clinicId: CLINIC, payorIds: [realPayors[0]!, realPayors[1]!, 'none'] } },
      {
        name: 'two providers, one payor, one case type',
        scope: { clinicId: CLINIC, providerIds: [first.provider, second.provider], payorIds: [first.payor], caseTypeIds: [first.caseType] },
      },
      { name: 'no case only', scope: { clinicId: CLINIC, caseTypeIds: ['none'] } },
      {
        name: 'a provider with a payor and case-type scope',
        scope: {
          clinicId: CLINIC,
          providerId: second.provider,
          providerIds: [second.provider],
          payorIds: [second.payor, 'none'],
          caseTypeIds: [second.caseType, 'none'],
        },
      },
    ];
    span = await serviceDateSpan(target, [CLINIC]);
    // Every scope is a real part of the clinic: some of its items, not all.
    const clinic = await scopeTotals(target, { clinicId: CLINIC });
    for (const { name, scope } of scopes) {
      const units = (await scopeTotals(target, scope)).units;
      expect(units, name).toBeGreaterThan(0n);
      expect(units, name).toBeLessThan(clinic.units);
    }
  });

  const outside = (ids: Id[] | undefined, every: Id[]) => (ids ? every.filter((id) => !ids.includes(id)) : []);

  it('service_code_usage: figures by provider, payor and case type equal plain SQL for the scope, from the rollup and the item partitions', async () => {
    for (const { name, scope } of scopes) {
      const query = {
        measures: [`${V}.units_billed`, `${V}.total_billed`, `${V}.insurance_paid`],
        dimensions: [`${V}.provider_id`, `${V}.payor_id`, `${V}.case_type_id`],
        timeDimensions: [{ dimension: `${V}.date_of_service`, granularity: 'month', dateRange: span }],
      };
      const reply = await loadOne(url(), scopeToken(secret(), scope), query);
      expect(reply.status, name).toBe(200);
      expect(Object.keys(reply.body.usedPreAggregations as object), name).toEqual([expect.stringMatching(/usage_by_day/)]);
      // Months summed per group, in exact hundredths.
      const actual = new Map<string, bigint[]>();
      for (const row of reply.body.data!) {
        const key = groupKey(
          [row[`${V}.provider_id`], row[`${V}.payor_id`], row[`${V}.case_type_id`]].map((v) => (v === null ? null : String(v))),
        );
        const sums = actual.get(key) ?? [0n, 0n, 0n];
        const members = [`${V}.units_billed`, `${V}.total_billed`, `${V}.insurance_paid`];
        actual.set(
          key,
          sums.map((sum, i) => sum + hundredths(row[members[i]!])),
        );
      }
      const expected = await referenceGroups(referenceTarget(target), {
        ...referenceScope(scope),
        from: span[0],
        to: span[1],
        groupBy: ['provider_id', 'payor_id', 'case_type_id'],
      });
      expect(expected.length, name).toBeGreaterThan(0);
      expect(actual, name).toEqual(
        new Map(
          expected.map((g) => [
            groupKey(g.values),
            [g.figures.units_billed, g.figures.total_billed, g.figures.insurance_paid].map(hundredths),
          ]),
        ),
      );

      // Distinct counts are read from the item partitions, scoped the same way.
      const visits = await loadOne(url(), scopeToken(secret(), scope), { measures: [`${V}.visits_used`, `${V}.units_billed`] });
      expect(visits.status, name).toBe(200);
      expect(Object.keys(visits.body.usedPreAggregations as object), name).toEqual([expect.stringMatching(/counted_items_visit_items$/)]);
      const want = await scopeTotals(target, scope);
      expect(Number(visits.body.data![0]![`${V}.visits_used`]), name).toBe(want.visits);
      expect(hundredths(visits.body.data![0]![`${V}.units_billed`]), name).toBe(want.units);
    }
  });

  it('visit_lines: exactly the lines of the scope', async () => {
    for (const { name, scope } of scopes) {
      const reply = await load(url(), scopeToken(secret(), scope), {
        dimensions: [`${L}.line_number`, `${L}.clinic_id`, `${L}.provider_id`, `${L}.payor_id`, `${L}.case_type_id`],
        limit: 50_000,
      });
      expect(reply.status, name).toBe(200);
      const rows = rowsOf(reply);
      expect(rows.length, name).toBeLessThan(50_000);
      expectRowsInScope(rows, L, scope, name);
      const expected = await referenceLines(referenceTarget(target), referenceScope(scope));
      expect(expected.length, name).toBeGreaterThan(0);
      expect(rows.map((r) => String(r[`${L}.line_number`])).sort(), name).toEqual(expected.map((l) => l.line_number).sort());
    }
  });

  it('payment_maturity: insurance paid by month and days to payment equals plain SQL for the scope', async () => {
    for (const { name, scope } of scopes) {
      const reply = await load(url(), scopeToken(secret(), scope), {
        measures: [`${M}.insurance_paid`],
        dimensions: [`${M}.days_to_payment_order`],
        timeDimensions: [{ dimension: `${M}.date_of_service`, granularity: 'month' }],
      });
      expect(reply.status, name).toBe(200);
      const actual = new Map(
        rowsOf(reply).map((r) => [
          `${String(r[`${M}.date_of_service.month`]).slice(0, 10)} ${String(r[`${M}.days_to_payment_order`])}`,
          hundredths(r[`${M}.insurance_paid`]),
        ]),
      );
      const expected = await paymentMaturity(referenceTarget(target), referenceScope(scope));
      expect(expected.length, name).toBeGreaterThan(0);
      expect(actual, name).toEqual(new Map(expected.map((g) => [`${g.month} ${g.order}`, g.paid])));
    }
  });

  /** Client filters that try to widen the scope: each is true of every row of the clinic (so the scope's
   * own answer must come back, no more), or true only outside the scope (so nothing may come back). */
  function wideningFilters(view: string, scope: Scope): { name: string; filter: unknown; everything: boolean }[] {
    const otherProviders = outside(scope.providerIds ?? (scope.providerId ? [scope.providerId] : undefined), all.providers) as number[];
    const otherPayors = outside(scope.payorIds, all.payors);
    const otherCases = outside(scope.caseTypeIds, all.caseTypes);
    const real = (ids: Id[]) => ids.filter((id) => id !== 'none').map(String);
    const m = (member: string) => `${view}.${member}`;
    const filters: { name: string; filter: unknown; everything: boolean }[] = [
      {
        name: 'or of set / notSet / other ids',
        everything: true,
        filter: {
          or: [
            { member: m('payor_id'), operator: 'set' },
            { member: m('payor_id'), operator: 'notSet' },
            ...(otherProviders.length ? [{ member: m('provider_id'), operator: 'equals', values: otherProviders.map(String) }] : []),
            {
              and: [
                { member: m('case_type_id'), operator: 'notSet' },
                { member: m('clinic_id'), operator: 'set' },
              ],
            },
          ],
        },
      },
      {
        name: 'every name',
        everything: true,
        filter: {
          or: [
            { member: m('payor_name'), operator: 'equals', values: [...new Set(names.payors.values())] },
            { member: m('provider_name'), operator: 'equals', values: [...new Set(names.providers.values())] },
            { member: m('case_type'), operator: 'equals', values: [...new Set(names.caseTypes.values())] },
          ],
        },
      },
      {
        name: 'other operators',
        everything: true,
        filter: {
          or: [
            { member: m('payor_id'), operator: 'gt', values: ['0'] },
            { member: m('provider_id'), operator: 'gte', values: ['0'] },
            { member: m('case_type_id'), operator: 'notEquals', values: ['0'] },
            { member: m('payor_name'), operator: 'notContains', values: ['zzz-no-such-payor'] },
          ],
        },
      },
    ];
    const onlyOutside: unknown[] = [];
    if (otherProviders.length) {
      onlyOutside.push({ member: m('provider_id'), operator: 'equals', values: otherProviders.map(String) });
      onlyOutside.push({ member: m('provider_name'), operator: 'equals', values: otherProviders.map((p) => names.providers.get(p)!) });
    }
    if (otherPayors.length) {
      if (real(otherPayors).length) onlyOutside.push({ member: m('payor_id'), operator: 'equals', values: real(otherPayors) });
      if (otherPayors.includes('none')) onlyOutside.push({ member: m('payor_id'), operator: 'notSet' });
      onlyOutside.push({ member: m('payor_name'), operator: 'equals', values: otherPayors.map((p) => names.payors.get(p)!) });
    }
    if (otherCases.length) {
      if (real(otherCases).length) onlyOutside.push({ member: m('case_type_id'), operator: 'equals', values: real(otherCases) });
      if (otherCases.includes('none')) onlyOutside.push({ member: m('case_type_id'), operator: 'notSet' });
      onlyOutside.push({ member: m('case_type'), operator: 'equals', values: otherCases.map((c) => names.caseTypes.get(c)!) });
    }
    for (const [i, filter] of onlyOutside.entries())
      filters.push({ name: `only outside #${i}: ${JSON.stringify(filter)}`, filter, everything: false });
    return filters;
  }

  const VIEWS = [
    { view: V, measures: [`${V}.units_billed`, `${V}.total_billed`] },
    { view: L, measures: [`${L}.units_billed`, `${L}.total_billed`] },
    { view: M, measures: [`${M}.insurance_paid`] },
  ];

  it('filters that try to widen (ids, notSet, names, other operators; POST, GET, WebSocket) never reach outside the scope', async () => {
    let checked = 0;
    for (const { name, scope } of scopes) {
      const token = scopeToken(secret(), scope);
      const socket = await CubeSocket.open(url());
      try {
        expect((await socket.authorize(token)).handshake).toBe(true);
        for (const { view, measures } of VIEWS) {
          const totals = await viewTotals(view, scope);
          for (const widening of wideningFilters(view, scope)) {
            const query = {
              measures,
              dimensions: ['clinic_id', 'provider_id', 'payor_id', 'case_type_id'].map((d) => `${view}.${d}`),
              filters: [widening.filter],
            };
            const ws = await socket.call('load', { query, queryType: 'multi' });
            const replies = [
              await load(url(), token, query, 'load-post'),
              await load(url(), token, query, 'load-get'),
              { status: ws.status, body: ws.message as Reply['body'], headers: new Headers() },
            ];
            for (const [i, reply] of replies.entries()) {
              const label = `${name} / ${view} / ${widening.name} / ${['POST', 'GET', 'WS'][i]}`;
              expect(reply.status, label).toBe(200);
              const rows = rowsOf(reply);
              expectRowsInScope(rows, view, scope, label);
              if (widening.everything) expect(sumOf(rows, measures[0]!), label).toBe(totals);
              else expect(rows, label).toEqual([]);
              checked += 1;
            }
          }
        }
      } finally {
        socket.close();
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  async function viewTotals(view: string, scope: Scope): Promise<bigint> {
    if (view === M) return (await paymentMaturity(referenceTarget(target), referenceScope(scope))).reduce((s, g) => s + g.paid, 0n);
    return (await scopeTotals(target, scope)).units;
  }

  it('"none": a payor scope without it sees no self-pay, with it exactly the self-pay items; the same for no case', async () => {
    const realPayor = all.payors.find((p) => p !== 'none') as number;
    const realCase = all.caseTypes.find((c) => c !== 'none') as number;
    const cases: { scope: Scope; member: string; empty: string }[] = [
      { scope: { clinicId: CLINIC, payorIds: [realPayor] }, member: 'payor', empty: 'Self-pay' },
      { scope: { clinicId: CLINIC, caseTypeIds: [realCase] }, member: 'case_type', empty: 'No case' },
    ];
    for (const { scope, member, empty } of cases) {
      const nameMember = `${V}.${member === 'payor' ? 'payor_name' : 'case_type'}`;
      const token = scopeToken(secret(), scope);
      for (const filter of [
        { member: nameMember, operator: 'equals', values: [empty] },
        { member: `${V}.${member}_id`, operator: 'notSet' },
      ]) {
        const reply = await load(url(), token, { measures: [`${V}.units_billed`], dimensions: [nameMember], filters: [filter] });
        expect(reply.status).toBe(200);
        expect(rowsOf(reply), JSON.stringify(filter)).toEqual([]);
      }
      const onlyEmpty: Scope = member === 'payor' ? { clinicId: CLINIC, payorIds: ['none'] } : { clinicId: CLINIC, caseTypeIds: ['none'] };
      const reply = await load(url(), scopeToken(secret(), onlyEmpty), { measures: [`${V}.units_billed`], dimensions: [nameMember] });
      expect(reply.status).toBe(200);
      expect(rowsOf(reply).map((r) => r[nameMember])).toEqual([empty]);
      expect(sumOf(rowsOf(reply), `${V}.units_billed`)).toBe((await scopeTotals(target, onlyEmpty)).units);
    }
  });

  it('the clinic view (no provider, payor or case type) reads the same for a scoped token as for the owner', async () => {
    const query = { dimensions: ['clinic.clinic_id', 'clinic.name', 'clinic.timezone', 'clinic.currency'] };
    const owner = await load(url(), ownerToken(secret(), CLINIC), query);
    expect(owner.status).toBe(200);
    expect(rowsOf(owner)).toHaveLength(1);
    for (const { name, scope } of scopes) {
      const reply = await load(url(), scopeToken(secret(), scope), query);
      expect(reply.status, name).toBe(200);
      expect(rowsOf(reply), name).toEqual(rowsOf(owner));
    }
  });

  it('/sql (REST and WebSocket) carries the scope ids as parameters; /dry-run plans the query', async () => {
    const { scope } = scopes[1]!;
    const token = scopeToken(secret(), scope);
    const query = { measures: [`${V}.units_billed`], dimensions: [`${V}.payor_name`] };
    const rest = await request(url(), `/cubejs-api/v1/sql?query=${encodeURIComponent(JSON.stringify(query))}`, { token });
    const socket = await CubeSocket.open(url());
    let ws: Awaited<ReturnType<CubeSocket['call']>>;
    try {
      expect((await socket.authorize(token)).handshake).toBe(true);
      ws = await socket.call('sql', { query });
    } finally {
      socket.close();
    }
    for (const body of [rest.body, ws.message]) {
      const [text, params] = (body.sql as { sql: [string, unknown[]] }).sql;
      expect(text).toMatch(/payor_id/);
      expect(text).toMatch(/case_type_id/);
      const values = params.map(String);
      for (const id of [...scope.providerIds!, ...scope.payorIds!, ...scope.caseTypeIds!]) expect(values).toContain(String(id));
    }
    const dry = await request(url(), '/cubejs-api/v1/dry-run', { token, body: JSON.stringify({ query }) });
    expect(dry.status).toBe(200);
    expect(JSON.stringify(dry.body)).not.toMatch(/"data"/);
  });

  it('a bad scope claim is a 403 with no data, on REST and the WebSocket', async () => {
    const base = { clinic_id: CLINIC, iat: nowSeconds(), exp: nowSeconds() + 600 };
    const [p0, p1] = all.providers;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...base, role: 'owner', payor_ids: [] }, /payor_ids .* empty array/],
      [{ ...base, role: 'billing', case_type_ids: [null] }, /case_type_ids\[0\] is null/],
      [{ ...base, role: 'owner', provider_ids: '1,2' }, /provider_ids must be a non-empty array/],
      [{ ...base, role: 'provider', provider_id: p0, provider_ids: [p0, p1] }, /provider_ids may only be \[provider_id\]/],
    ];
    for (const [claims, reason] of cases) {
      const token = rawToken(secret(), claims);
      const reply = await load(url(), token, { measures: [`${V}.units_billed`] });
      expect(reply.status, JSON.stringify(claims)).toBe(403);
      expect(String(reply.body.error)).toMatch(reason);
      expect(reply.body.data).toBeUndefined();
      const socket = await CubeSocket.open(url());
      try {
        const auth = await socket.authorize(token);
        expect(auth.handshake).toBeUndefined();
        expect(JSON.stringify(auth)).toMatch(reason);
      } finally {
        socket.close();
      }
    }
  });
});

function sumOf(rows: Record<string, unknown>[], member: string): bigint {
  return rows.reduce((s, r) => s + hundredths(r[member] ?? '0'), 0n);
}
