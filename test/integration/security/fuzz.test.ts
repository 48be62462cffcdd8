/**
 * Tenant-isolation fuzz test (issue 4): thousands of seeded random queries (fuzz-queries.ts) under
 * random tokens of several clinics and every role, against data where clinics have look-alike rows
 * (test/support/security-dataset.ts: same codes, provider names and amounts; plus the demo clinics,
 * which share code strings). Over REST (POST and GET) and the WebSocket. Must hold:
 *   - zero rows outside the token's scope: every row that carries the clinic (and, for a provider,
 *     the provider; for a token with scope claims, the provider, payor or case type) is the token's; a query without those dimensions must answer exactly the rows
 *     of the same query with them added (within the scope they are constant, so adding them changes
 *     no group), which are checked in turn;
 *   - totals of unfiltered queries equal plain SQL for the token's clinic/provider;
 *   - zero 5xx, and no 4xx for these valid queries.
 * The seed is fixed (FUZZ_SEED); FUZZ_QUERIES, FUZZ_SEED and FUZZ_TARGET (mysql, duckdb) may be
 * overridden to explore further.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { Random } from '../../../server/db/seed/random.js';
import { mintToken, type TokenClaims } from '../../../server/security/tokens.js';
import { SECURITY_CLINIC_IDS } from '../../support/security-dataset.js';
import { CubeSocket, V, load, request, type Reply } from './client.js';
import { fuzzQuery, type ValuePool, type ViewMeta } from './fuzz-queries.js';
import { clinicsWithData, renderingProviders, scopeTotals, serviceDateSpan, sqlRows, type Scope, type Target } from './oracle.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_127);
const QUERIES = Number(process.env.FUZZ_QUERIES ?? 2000);
const CONCURRENCY = 4;
const DEMO_CLINICS = [1, 2, 3];
const ROLES = ['owner', 'billing', 'provider'] as const;
/** Share of tokens that carry scope claims (provider_ids, payor_ids, case_type_ids; docs/security.md). */
const SCOPED_SHARE = 0.35;
/** MariaDB by default; FUZZ_TARGET=duckdb runs the same queries against the DuckDB server. */
const TARGET: Target = process.env.FUZZ_TARGET === 'duckdb' ? 'duckdb' : 'mysql';
const url = () => inject(TARGET === 'duckdb' ? 'duckdbUrl' : 'mysqlUrl');

type Row = Record<string, unknown>;
interface Token {
  scope: Scope;
  role: (typeof ROLES)[number];
  jwt: string;
  otherClinics: number[];
}

/** The rows of each result of a reply (compact results turned into objects). */
function resultsOf(body: Record<string, unknown>): { data: Row[]; limit: number }[] {
  const results = (Array.isArray(body.results) ? body.results : [body]) as { data: unknown; query?: { limit?: number } }[];
  return results.map((r) => {
    const limit = r.query?.limit ?? 10_000;
    const data = r.data as Row[] | { members: string[]; dataset: unknown[][] };
    if (Array.isArray(data)) return { data, limit };
    return { data: data.dataset.map((values) => Object.fromEntries(data.members.map((m, i) => [m, values[i]]))), limit };
  });
}

/** Values compared across two answers: numbers (and decimal strings) by value, the rest as is. */
function canonical(row: Row, drop: string[]): string {
  const entries = Object.entries(row)
    .filter(([k]) => !drop.includes(k))
    .map(([k, v]) => [k, typeof v === 'number' || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) ? Number(v).toFixed(6) : v] as const)
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(entries);
}

function withScopeDimensions(query: Record<string, unknown>, view: string, token: Token, providerScoped: boolean): Record<string, unknown> {
  const dims = [...((query.dimensions as string[]) ?? [])];
  const add = [`${view}.clinic_id`, ...(token.role === 'provider' && providerScoped ? [`${view}.provider_id`] : [])];
  for (const d of add) if (!dims.includes(d)) dims.push(d);
  return { ...query, dimensions: dims };
}

describe(`tenant-isolation fuzz (${TARGET === 'duckdb' ? 'DuckDB' : 'MariaDB'})`, () => {
  const views: ViewMeta[] = [];
  const pool: ValuePool = { strings: new Map(), numbers: new Map(), dates: [] };
  const providerScoped = new Set<string>();
  /** Views with payor_id / case_type_id: narrowed by payor_ids / case_type_ids. */
  const payorScoped = new Set<string>();
  const caseTypeScoped = new Set<string>();
  let clinics: number[] = [];
  const providers = new Map<number, number[]>();
  /** Each clinic's payor and case-type ids, for the scope claims. */
  const payors = new Map<number, number[]>();
  const caseTypes = new Map<number, number[]>();

  beforeAll(async () => {
    clinics = await clinicsWithData(TARGET, [...DEMO_CLINICS, ...SECURITY_CLINIC_IDS]);
    for (const clinic of clinics) providers.set(clinic, (await renderingProviders(TARGET, clinic)).slice(0, 4));
    const [from, to] = await serviceDateSpan(TARGET, clinics);
    for (let t = Date.parse(from); t <= Date.parse(to) + 40 * 86_400_000; t += 17 * 86_400_000) {
      pool.dates.push(new Date(t).toISOString().slice(0, 10));
    }
    const owner = mintToken(inject('apiSecret'), { clinic_id: clinics[0]!, role: 'owner' }, 3600);
    const meta = await request(url(), '/cubejs-api/v1/meta', { token: owner });
    for (const cube of meta.body.cubes as { name: string; measures: { name: string }[]; dimensions: { name: string; type: string }[] }[]) {
      views.push({
        name: cube.name,
        measures: cube.measures.map((m) => m.name),
        dimensions: cube.dimensions.filter((d) => d.type !== 'time'),
        timeDimension: cube.dimensions.find((d) => d.type === 'time')?.name,
      });
      if (cube.dimensions.some((d) => d.name === `${cube.name}.provider_id`)) providerScoped.add(cube.name);
      if (cube.dimensions.some((d) => d.name === `${cube.name}.payor_id`)) payorScoped.add(cube.name);
      if (cube.dimensions.some((d) => d.name === `${cube.name}.case_type_id`)) caseTypeScoped.add(cube.name);
    }
    // Filter values: every clinic's strings (look-alike strings included) and every clinic's ids.
    for (const view of views) {
      for (const dimension of view.dimensions) {
        if (dimension.type === 'string') {
          const seen = new Set<string>();
          for (const clinic of clinics) {
            const token = mintToken(inject('apiSecret'), { clinic_id: clinic, role: 'owner' }, 3600);
            const reply = await load(url(), token, { dimensions: [dimension.name], limit: 30 });
            for (const r of resultsOf(reply.body))
              for (const row of r.data) if (typeof row[dimension.name] === 'string') seen.add(row[dimension.name] as string);
          }
          pool.strings.set(dimension.name, [...seen]);
        }
      }
    }
    const ids = async (sql: string) => (await sqlRows(TARGET, sql)).map((r) => Number(Object.values(r)[0]));
    const inClinics = `clinic_id IN (${clinics.join(', ')})`;
    for (const clinic of clinics) {
      payors.set(clinic, await ids(`SELECT id FROM payors WHERE clinic_id = ${clinic} ORDER BY id`));
      caseTypes.set(clinic, await ids(`SELECT id FROM case_types WHERE clinic_id = ${clinic} ORDER BY id`));
    }
    const numberPools: Record<string, number[]> = {
      clinic_id: clinics,
      provider_id: await ids(`SELECT id FROM providers WHERE ${inClinics}`),
      payor_id: await ids(`SELECT id FROM payors WHERE ${inClinics}`),
      case_type_id: await ids(`SELECT id FROM case_types WHERE ${inClinics}`),
    };
    for (const view of views) {
      for (const dimension of view.dimensions) {
        if (dimension.type === 'number') {
          const key = dimension.name.split('.')[1]!;
          pool.numbers.set(dimension.name, numberPools[key] ?? [0, 1, 2, 30, 60, 90, 180]);
        }
      }
    }
  });

  it(`${QUERIES} random queries under random tokens: no row outside the token's scope, no 5xx`, async () => {
    expect(clinics.length).toBeGreaterThanOrEqual(3);
    const random = new Random(SEED);
    const secret = inject('apiSecret');
    const tokens: Token[] = [];
    const cases = Array.from({ length: QUERIES }, () => {
      const clinicId = random.pick(clinics);
      const role = random.pick(ROLES);
      const otherClinics = clinics.filter((c) => c !== clinicId);
      let scope: Scope = { clinicId };
      if (role === 'provider') {
        // Now and then a provider id of another clinic: such a token must see nothing at all.
        const from = random.chance(0.1) ? random.pick(otherClinics) : clinicId;
        scope = { clinicId, providerId: random.pick(providers.get(from)!) };
      }
      const claims: TokenClaims = { clinic_id: clinicId, role, ...(scope.providerId ? { provider_id: scope.providerId } : {}) };
      if (random.chance(SCOPED_SHARE)) {
        // Some ids of the clinic, now and then one of another clinic's (it matches nothing), and "none".
        const some = <T>(ids: T[], extra: T[]): T[] => {
          const picked = ids.filter(() => random.chance(0.4));
          if (picked.length === 0 && ids.length > 0) picked.push(random.pick(ids));
          if (random.chance(0.15) && extra.length > 0) picked.push(random.pick(extra));
          return picked.length > 0 ? picked : extra.slice(0, 1);
        };
        const other = random.pick(otherClinics);
        if (role === 'provider') {
          if (random.chance(0.3)) claims.provider_ids = [scope.providerId!];
        } else if (random.chance(0.5)) {
          claims.provider_ids = some(providers.get(clinicId)!, providers.get(other)!);
        }
        if (random.chance(0.6)) {
          claims.payor_ids = some<number | 'none'>(payors.get(clinicId)!, payors.get(other)!);
          if (random.chance(0.4)) claims.payor_ids.push('none');
        }
        if (random.chance(0.5)) {
          claims.case_type_ids = some<number | 'none'>(caseTypes.get(clinicId)!, caseTypes.get(other)!);
          if (random.chance(0.4)) claims.case_type_ids.push('none');
        }
        scope = { ...scope, providerIds: claims.provider_ids, payorIds: claims.payor_ids, caseTypeIds: claims.case_type_ids };
      }
      const jwt = mintToken(secret, claims, 3600);
      const token: Token = { scope, role, jwt, otherClinics };
      tokens.push(token);
      const how = random.float();
      return { token, ...fuzzQuery(random, views, pool, { clinicId, otherClinics }), path: how < 0.7 ? 'post' : how < 0.9 ? 'get' : 'ws' };
    });

    const stats = { requests: 0, rowsChecked: 0, pairedComparisons: 0, oracleComparisons: 0 };
    const failures: string[] = [];
    const oracle = new Map<string, Promise<bigint>>();
    const fail = (i: number, what: string, query: unknown) => {
      if (failures.length < 20) failures.push(`#${i} ${what}\n  query: ${JSON.stringify(query)}`);
    };

    async function send(token: Token, query: unknown, path: string): Promise<Reply> {
      stats.requests += 1;
      if (path === 'get') return load(url(), token.jwt, query, 'load-get');
      if (path === 'ws') {
        const socket = await CubeSocket.open(url());
        try {
          const auth = await socket.authorize(token.jwt);
          if (!auth.handshake) return { status: Number(auth.status), body: auth.message as never, headers: new Headers() };
          const reply = await socket.call('load', { query, queryType: 'multi' });
          return { status: reply.status, body: reply.message as never, headers: new Headers() };
        } finally {
          socket.close();
        }
      }
      return load(url(), token.jwt, query);
    }

    /** Status check; returns the results when the answer is a 200. */
    function accept(i: number, reply: Reply, query: unknown): { data: Row[]; limit: number }[] | undefined {
      if (reply.status === 200 && !reply.body.error) return resultsOf(reply.body);
      fail(i, `status ${reply.status}: ${String(reply.body.error ?? '').slice(0, 300)}`, query);
      return undefined;
    }

    function checkScope(i: number, rows: Row[], view: string, token: Token, query: unknown): void {
      for (const row of rows) {
        stats.rowsChecked += 1;
        const clinic = row[`${view}.clinic_id`];
        if (clinic !== undefined && Number(clinic) !== token.scope.clinicId) {
          fail(i, `row of clinic ${String(clinic)} under a token of clinic ${token.scope.clinicId}`, query);
          return;
        }
        const provider = row[`${view}.provider_id`];
        if (
          token.scope.providerId !== undefined &&
          provider !== undefined &&
          providerScoped.has(view) &&
          Number(provider) !== token.scope.providerId
        ) {
          fail(i, `row of provider ${String(provider)} under a token of provider ${token.scope.providerId}`, query);
          return;
        }
        // The scope claims: null is "none" (self-pay, no case).
        for (const [member, ids, scoped] of [
          ['provider_id', token.scope.providerIds, providerScoped],
          ['payor_id', token.scope.payorIds, payorScoped],
          ['case_type_id', token.scope.caseTypeIds, caseTypeScoped],
        ] as const) {
          const value = row[`${view}.${member}`];
          if (!ids || value === undefined || !scoped.has(view)) continue;
          const id = value === null ? 'none' : Number(value);
          if (!(ids as (number | 'none')[]).includes(id)) {
            fail(i, `row of ${member} ${String(value)} under a token scoped to ${member}s ${JSON.stringify(ids)}`, query);
            return;
          }
        }
      }
    }

    async function runCase(i: number): Promise<void> {
      const { token, view, query, path } = cases[i]!;
      const queries = Array.isArray(query) ? query : [query];
      const results = accept(i, await send(token, query, path), query);
      if (!results) return;
      results.forEach((r) => checkScope(i, r.data, view, token, query));
      const scopeDims = [`${view}.clinic_id`, ...(token.role === 'provider' && providerScoped.has(view) ? [`${view}.provider_id`] : [])];
      const hasScopeDims = queries.every((q) => scopeDims.every((d) => (q.dimensions as string[]).includes(d)));
      if (!hasScopeDims) {
        // The same query with the scope's own dimensions: checked row by row, then compared.
        const scoped = Array.isArray(query)
          ? query.map((q) => withScopeDimensions(q, view, token, providerScoped.has(view)))
          : withScopeDimensions(query, view, token, providerScoped.has(view));
        const paired = accept(i, await send(token, scoped, 'post'), scoped);
        if (!paired) return;
        paired.forEach((r) => checkScope(i, r.data, view, token, scoped));
        const truncated = [...results, ...paired].some((r) => r.data.length >= r.limit);
        if (!truncated && paired.length === results.length) {
          stats.pairedComparisons += 1;
          results.forEach((r, k) => {
            // Without dimensions, no matching rows is one row of empty measures; with them, no row.
            if (
              paired[k]!.data.length === 0 &&
              r.data.length === 1 &&
              Object.values(r.data[0]!).every((v) => v === null || Number(v) === 0)
            )
              return;
            const a = r.data.map((row) => canonical(row, [])).sort();
            // A compareDateRange query is one query with one result per range.
            const own = queries[Math.min(k, queries.length - 1)]!;
            const added = [`${view}.clinic_id`, `${view}.provider_id`].filter((d) => !(own.dimensions as string[]).includes(d));
            const b = paired[k]!.data.map((row) => canonical(row, added)).sort();
            if (JSON.stringify(a) !== JSON.stringify(b))
              fail(
                i,
                `rows differ from the same query with the scope dimensions added:\n  ${JSON.stringify(r.data).slice(0, 400)}\n  vs ${JSON.stringify(paired[k]!.data).slice(0, 400)}`,
                query,
              );
          });
        }
      }
      // Unfiltered totals: the sum over all rows is the token's whole scope, by plain SQL.
      const q = queries[0]!;
      const td = (q.timeDimensions as Record<string, unknown>[] | undefined)?.[0];
      if (
        !Array.isArray(query) &&
        view === V &&
        (q.measures as string[]).includes(`${V}.units_billed`) &&
        !q.filters &&
        !td?.dateRange &&
        !td?.compareDateRange &&
        results[0]!.data.length < results[0]!.limit
      ) {
        const key = JSON.stringify(token.scope);
        if (!oracle.has(key))
          oracle.set(
            key,
            scopeTotals(TARGET, token.scope).then((t) => t.units),
          );
        const want = await oracle.get(key)!;
        const got = results[0]!.data.reduce((sum, row) => sum + BigInt(Math.round(Number(row[`${V}.units_billed`] ?? 0) * 100)), 0n);
        stats.oracleComparisons += 1;
        if (got !== want) fail(i, `units ${got} (hundredths) != plain SQL ${want} for ${key}`, query);
      }
    }

    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < cases.length) {
          const i = next++;
          try {
            await runCase(i);
          } catch (e) {
            fail(i, `request failed: ${(e as Error).message}`, cases[i]!.query);
          }
        }
      }),
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const roles = Object.fromEntries(ROLES.map((r) => [r, tokens.filter((t) => t.role === r).length]));
    const scoped = tokens.filter((t) => t.scope.providerIds || t.scope.payorIds || t.scope.caseTypeIds).length;
    console.log(
      `fuzz: ${QUERIES} queries (seed ${SEED}), ${stats.requests} requests in ${seconds} s over clinics ${clinics.join(', ')}; ` +
        `roles ${JSON.stringify(roles)}, ${scoped} with scope claims; ${stats.rowsChecked} rows checked, ${stats.pairedComparisons} paired comparisons, ` +
        `${stats.oracleComparisons} plain-SQL totals; ${failures.length} failures`,
    );
    expect(failures).toEqual([]);
    expect(stats.rowsChecked).toBeGreaterThan(QUERIES);
    expect(stats.pairedComparisons).toBeGreaterThan(QUERIES / 10);
    expect(stats.oracleComparisons).toBeGreaterThan(10);
  }, 900_000);
});
