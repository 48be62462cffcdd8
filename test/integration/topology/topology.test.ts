/**
 * Production topology (issue 13): one refresh worker (SCU_ROLE=refresh) and two API instances
 * (SCU_ROLE=api), each its own `node server/main.ts` process, on one MariaDB database of this test's own
 * (small seed), one pre-aggregations schema, one secret. Proven, in order:
 *   1. info says each role; the worker serves no query (404 JSON); the report's figures by code from
 *      either instance equal plain SQL and come from a pre-aggregation;
 *   2. each partition is built once: one table per `<pre-aggregation><YYYYMMDD>` after the worker's
 *      first pass, and a burst of queries on both instances adds none;
 *   3. a new insurance payment reaches both instances within FRESHNESS_BOUND_MS;
 *   4. SIGTERM one instance during a slow query on it (its table locked) while a loop queries the other:
 *      the slow query completes, every request of the survivor is 200 and right, readiness is 503
 *      `shutting-down` during the drain, exit 0 after "Closed cleanly";
 *   5. SIGTERM the worker: exit 0; the instance answers from the last partitions (lastRefreshTime not
 *      newer than the stop), a new payment does not show until a new worker is started;
 *   6. SIGTERM the worker during a build (forced by bumping every month in its change log; `payments`
 *      locked so that the build waits): exit 0, and a new worker brings every partition up, each once;
 *      SIGTERM a process of role `all` during a slow query: it completes, exit 0.
 * Times are reported (console), never asserted beyond the freshness bound.
 */
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadResult } from '../../../scripts/bench/server.js';
import { seedMysql } from '../../../server/db/seed/index.js';
import { countedItems, referenceFigures, type Figures, type Measure, type ReferenceQuery } from '../../support/reference-sql.js';
import { RoleProcess, type HttpReply } from '../../support/role-process.js';
import { MYSQL } from '../../support/test-server.js';
import { apiQuery, canonical, groupsOf } from '../model/model-client.js';

const DATABASE = `scu_tp_${process.pid % 100_000}`;
const SCHEMA = `${DATABASE}_pre_aggregations`;
const CHANGES = `${SCHEMA}_changes`;
/** The `all` process of the last case builds its own copy. */
const ALL_SCHEMA = `${DATABASE}_all`;
const SEED = { scale: 0.1, seed: 20261128, clinics: 3, years: 0.25 } as const;
const CLINIC = 1;
const FRESHNESS_BOUND_MS = 60_000;
/** The report's table: figures by code. */
const MEASURES: Measure[] = ['units_billed', 'visits_used', 'total_billed', 'insurance_paid'];
/** The same without the distinct count: served by the usage rollup, not the visit-items partitions. */
const USAGE_MEASURES: Measure[] = ['units_billed', 'total_billed', 'insurance_paid'];
const PRE_AGGREGATIONS = ['counted_items_billing', 'counted_items_usage_by_day', 'counted_items_visit_items', 'ins_apps_maturity_by_day'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface Table {
  name: string;
  created: string;
}
/** `<pre-aggregation>[YYYYMMDD]` of a table `<pre-aggregation>[YYYYMMDD]_<three version parts>`. */
const partitionOf = (table: string) => table.replace(/(_[a-z0-9]+){3}$/, '');

describe('two api instances and one refresh worker on one database', () => {
  let db: mysql.Connection;
  let worker: RoleProcess;
  let apiA: RoleProcess;
  let apiB: RoleProcess;
  const processes: RoleProcess[] = [];
  let range: { from: string; to: string };
  let months: string[];
  let report: ReferenceQuery;
  let nextId = 1_000_900_500_000;

  const reference = (q: ReferenceQuery) => referenceFigures({ dialect: 'mysql', location: DATABASE }, q);
  const token = () => worker.server.token({ clinic_id: CLINIC, role: 'owner' });

  const tables = async (schema = SCHEMA): Promise<Table[]> => {
    const [rows] = await db.query<mysql.RowDataPacket[]>(
      `SELECT table_name AS name, CAST(create_time AS CHAR) AS created FROM information_schema.tables
        WHERE table_schema = ? ORDER BY table_name`,
      [schema],
    );
    return rows.map((r) => ({ name: String(r.name), created: String(r.created) }));
  };
  const expectedPartitions = () =>
    ['clinics_labels', ...PRE_AGGREGATIONS.flatMap((p) => months.map((m) => `${p}${m.replaceAll('-', '')}01`))].sort();

  /** What is wrong with a reply against plain SQL (empty: nothing). */
  const mismatches = (result: LoadResult, q: ReferenceQuery, measures: readonly Measure[], expected: Map<string, Figures>): string[] => {
    if (!result.ok) return [`request failed: ${result.status} ${result.error}`];
    const got = groupsOf(q.groupBy, measures, result.data);
    const wrong: string[] = [];
    for (const key of new Set([...got.keys(), ...expected.keys()])) {
      for (const m of measures) {
        const a = canonical(got.get(key)?.[m]);
        const e = expected.get(key)?.[m] ?? null;
        if (a !== e) wrong.push(`${key} ${m}: API ${a}, SQL ${e}`);
      }
    }
    return wrong;
  };
  const load = (p: RoleProcess, q: ReferenceQuery, measures: readonly Measure[], noCache = false) =>
    p.server.load(token(), apiQuery(q, measures) as never, { noCache, timeoutMs: 60_000 });

  /** Inserts an insurance payment of 12.34 applied to a counted item of the clinic; returns its id. */
  const insertPayment = async (): Promise<number> => {
    const items = await countedItems({ dialect: 'mysql', location: DATABASE }, { clinicId: CLINIC });
    const item = items[Math.floor(items.length / 2)]!;
    const id = nextId++;
    await db.query(
      `INSERT INTO payments (id, clinic_id, source, payor_id, received_on, posted_at, reference)
                    VALUES (?, ?, 'insurance', NULL, CURRENT_DATE, UTC_TIMESTAMP(), NULL)`,
      [id, CLINIC],
    );
    await db.query(
      `INSERT INTO payment_applications (id, clinic_id, payment_id, purchase_item_id, amount, applied_at)
                    VALUES (?, ?, ?, ?, 12.34, UTC_TIMESTAMP())`,
      [id, CLINIC, id, item.id],
    );
    return id;
  };

  /** Polls `p` until the report equals `expected`; ms from `since` (undefined: not within the bound). */
  const awaitFigures = async (p: RoleProcess, expected: Map<string, Figures>, since: number, boundMs: number) => {
    while (performance.now() - since < boundMs) {
      if (mismatches(await load(p, report, MEASURES), report, MEASURES, expected).length === 0) return performance.now() - since;
      await sleep(250);
    }
    return undefined;
  };

  /**
   * The tables of the visit-items partition a one-month query of the report is served from
   * (schema-qualified; Cube's reply names the pre-aggregation, not its table).
   */
  const servingTables = async (p: RoleProcess, q: ReferenceQuery, schema: string): Promise<{ partition: string; tables: string[] }> => {
    const result = await load(p, q, MEASURES);
    expect(result.ok, result.error).toBe(true);
    expect(Object.keys(result.usedPreAggregations ?? {})).toEqual([expect.stringMatching(/counted_items_visit_items$/)]);
    const partition = `counted_items_visit_items${q.from!.slice(0, 7).replace('-', '')}01`;
    const names = (await tables(schema)).map((t) => t.name).filter((t) => partitionOf(t) === partition);
    expect(names.length).toBeGreaterThan(0);
    return { partition, tables: names.map((t) => `\`${schema}\`.\`${t}\``) };
  };
  /** Resolves once a statement other than this test's waits on a table lock on `table` (a name or `schema.name`). */
  const awaitLockWait = async (like: string, timeoutMs = 30_000) => {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const [rows] = await db.query<mysql.RowDataPacket[]>(
        `SELECT id, state, info FROM information_schema.processlist
          WHERE id <> CONNECTION_ID() AND info LIKE ? AND state LIKE '%lock%'`,
        [`%${like}%`],
      );
      if (rows.length > 0) return rows;
      if (performance.now() > deadline) throw new Error(`no statement waited on a lock of ${like} within ${timeoutMs} ms`);
      await sleep(50);
    }
  };
  /** /readyz every 50 ms until the process stops answering (or `untilMs`): the replies seen, in order. */
  const watchReadiness = async (p: RoleProcess, untilMs: number): Promise<(HttpReply | 'refused')[]> => {
    const seen: (HttpReply | 'refused')[] = [];
    const deadline = performance.now() + untilMs;
    while (performance.now() < deadline) {
      try {
        seen.push(await p.get('/readyz', 3_000));
      } catch {
        seen.push('refused');
        break;
      }
      await sleep(50);
    }
    return seen;
  };
  const bumpEveryMonth = async () => {
    const version = Date.now() * 1000;
    for (const month of months)
      await db.query(
        `INSERT INTO \`${CHANGES}\`.scu_change_log (month_start, version, changed_at) VALUES (?, ?, UTC_TIMESTAMP())
           ON DUPLICATE KEY UPDATE version = VALUES(version), changed_at = VALUES(changed_at)`,
        [`${month}-01`, version],
      );
  };
  const dropDatabases = async () => {
    for (const name of [DATABASE, SCHEMA, CHANGES, ALL_SCHEMA, `${ALL_SCHEMA}_changes`])
      await db.query(`DROP DATABASE IF EXISTS \`${name}\``);
  };

  beforeAll(async () => {
    db = await mysql.createConnection(MYSQL);
    await dropDatabases();
    let started = performance.now();
    await seedMysql({ ...MYSQL, database: DATABASE }, { ...SEED });
    console.info(`topology: seeded ${DATABASE} in ${seconds(performance.now() - started)}`);
    const [[r]] = await db.query<mysql.RowDataPacket[]>(
      `SELECT CAST(MIN(purchased_on) AS CHAR) AS first, CAST(MAX(purchased_on) AS CHAR) AS last FROM \`${DATABASE}\`.purchases`,
    );
    range = { from: String(r!.first), to: String(r!.last) };
    months = [];
    for (let m = range.from.slice(0, 7); m <= range.to.slice(0, 7);) {
      months.push(m);
      const [y, mo] = m.split('-').map(Number) as [number, number];
      m = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
    }
    report = { clinicId: CLINIC, from: range.from, to: range.to, groupBy: ['service_code'] };
    await db.query(`USE \`${DATABASE}\``);

    started = performance.now();
    worker = await RoleProcess.start('refresh', DATABASE, SCHEMA);
    processes.push(worker);
    console.info(`topology: the refresh worker's first pass done ${seconds(performance.now() - started)} after its spawn`);
    started = performance.now();
    [apiA, apiB] = await Promise.all([RoleProcess.start('api', DATABASE, SCHEMA), RoleProcess.start('api', DATABASE, SCHEMA)]);
    processes.push(apiA!, apiB!);
    console.info(`topology: two api instances started in ${seconds(performance.now() - started)}`);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill()));
    if (db) {
      await dropDatabases();
      await db.end();
    }
  });

  it('says each role; the worker serves no query; both instances answer plain SQL from a pre-aggregation', async () => {
    for (const [p, role] of [
      [worker, 'refresh'],
      [apiA, 'api'],
      [apiB, 'api'],
    ] as const) {
      const info = await p.get('/cubejs-api/v1/info');
      expect(info.status).toBe(200);
      expect(info.body.role).toBe(role);
      const ready = await p.get('/readyz');
      expect(ready, p.tail()).toMatchObject({ status: 200, body: { status: 'ready' } });
    }
    const refused = await worker.server.load(token(), apiQuery(report, MEASURES) as never, { timeoutMs: 10_000 });
    expect(refused.ok).toBe(false);
    expect(refused.status).toBe(404);
    expect(refused.error).toMatch(/refresh worker/);

    const expected = await reference(report);
    expect(expected.size).toBeGreaterThan(3);
    for (const p of [apiA, apiB]) {
      const result = await load(p, report, MEASURES);
      console.info(
        `topology: the report's first query on an api instance answered in ${seconds(result.ms)} (${result.retries} "Continue wait")`,
      );
      expect(mismatches(result, report, MEASURES, expected)).toEqual([]);
      expect(Object.keys(result.usedPreAggregations ?? {})).toEqual([expect.stringMatching(/counted_items_visit_items$/)]);
      const usage = await load(p, report, USAGE_MEASURES);
      expect(mismatches(usage, report, USAGE_MEASURES, expected)).toEqual([]);
      expect(Object.keys(usage.usedPreAggregations ?? {})).toEqual([expect.stringMatching(/counted_items_usage_by_day$/)]);
    }
  });

  it('builds each partition once: one table each, and a burst of queries on both instances adds none', async () => {
    const before = await tables();
    expect([...new Set(before.map((t) => partitionOf(t.name)))].sort()).toEqual(expectedPartitions());
    expect(before.map((t) => partitionOf(t.name)).sort(), 'a partition has more than one table').toEqual(expectedPartitions());

    const queries = Array.from({ length: 24 }, (_, i): ReferenceQuery => {
      const month = months[i % months.length]!;
      return i < 12 ? report : { ...report, from: `${month}-01`, to: `${month}-28` };
    });
    const expected = await Promise.all(queries.map((q) => reference(q)));
    const measuresOf = (i: number) => (i % 3 ? MEASURES : USAGE_MEASURES);
    const burst = await Promise.all(queries.map((q, i) => load(i % 2 ? apiA : apiB, q, measuresOf(i), true)));
    for (const [i, result] of burst.entries())
      expect(mismatches(result, queries[i]!, measuresOf(i), expected[i]!), `request ${i}`).toEqual([]);
    await sleep(4_000); // two refresh intervals: a build an instance started would show
    expect(await tables()).toEqual(before);
  });

  it(`brings a new insurance payment to both instances within ${FRESHNESS_BOUND_MS / 1000} s`, async () => {
    const before = await reference(report);
    await insertPayment();
    const inserted = performance.now();
    const expected = await reference(report);
    expect(expected).not.toEqual(before);
    const [a, b] = await Promise.all([apiA, apiB].map((p) => awaitFigures(p, expected, inserted, FRESHNESS_BOUND_MS)));
    console.info(
      `topology: the new payment showed on api A after ${a && seconds(a)}, on api B after ${b && seconds(b)} (refresh key every 2 s)`,
    );
    expect(a, 'never showed on api A').toBeDefined();
    expect(b, 'never showed on api B').toBeDefined();
  });

  it('SIGTERM to one instance during a slow query on it: the query completes, the other answers every request, exit 0', async () => {
    const expected = await reference(report);
    const month = months[1]!;
    const slowQuery: ReferenceQuery = { clinicId: CLINIC, from: `${month}-02`, to: `${month}-27`, groupBy: ['service_code'] };
    const slowExpected = await reference(slowQuery);
    const served = await servingTables(apiA, slowQuery, SCHEMA);

    const locker = await mysql.createConnection(MYSQL);
    let loop: Promise<LoadResult[]> | undefined;
    let stopLoop = false;
    try {
      await locker.query(`LOCK TABLES ${served.tables.map((t) => `${t} WRITE`).join(', ')}`);
      const slow = load(apiA, slowQuery, MEASURES, true);
      await awaitLockWait(served.partition);
      loop = (async () => {
        const results: LoadResult[] = [];
        while (!stopLoop) results.push(await load(apiB, report, USAGE_MEASURES, true));
        return results;
      })();
      await sleep(500);
      const exit = apiA.terminate();
      const readiness = watchReadiness(apiA, 15_000);
      await sleep(2_500); // past the 1 s drain: the port is closed, the slow request still in flight
      const slowStillWaiting = (await awaitLockWait(served.partition, 1_000)).length > 0;
      await locker.query('UNLOCK TABLES');
      const slowResult = await slow;
      const { code, signal } = await exit;
      await sleep(1_000);
      stopLoop = true;
      const results = await loop;
      const seen = await readiness;

      expect(slowStillWaiting).toBe(true);
      expect(mismatches(slowResult, slowQuery, MEASURES, slowExpected), 'the slow request').toEqual([]);
      expect({ code, signal }, apiA.tail()).toEqual({ code: 0, signal: null });
      expect(apiA.hasLogged(/^Closed cleanly$/), apiA.tail()).toBe(true);
      const replies = seen.filter((s): s is HttpReply => s !== 'refused');
      const firstDown = replies.findIndex((r) => r.status === 503);
      expect(firstDown, `readiness replies: ${JSON.stringify(seen)}`).toBeGreaterThanOrEqual(0);
      expect(replies[firstDown]!.body.status).toBe('shutting-down');
      expect(replies.slice(firstDown).every((r) => r.status === 503 && r.body.status === 'shutting-down')).toBe(true);
      console.info(
        `topology: api A stopped during a slow query: the query answered in ${seconds(slowResult.ms)}; ` +
          `${results.length} requests to api B meanwhile, readiness replies ${JSON.stringify(seen.map((s) => (s === 'refused' ? s : s.status)))}`,
      );
      expect(results.length).toBeGreaterThan(3);
      for (const [i, result] of results.entries()) expect(mismatches(result, report, USAGE_MEASURES, expected), `request ${i}`).toEqual([]);
    } finally {
      stopLoop = true;
      await loop?.catch(() => undefined);
      await locker.end();
    }
  });

  it('SIGTERM to the worker: exit 0; the instance answers from the last partitions and sees no new payment until a new worker runs', async () => {
    const expected = await reference(report);
    const { code, signal } = await worker.terminate();
    const stoppedAt = Date.now();
    expect({ code, signal }, worker.tail()).toEqual({ code: 0, signal: null });
    expect(worker.hasLogged(/^Closed cleanly$/), worker.tail()).toBe(true);

    const answer = await load(apiB, report, MEASURES, true);
    expect(mismatches(answer, report, MEASURES, expected)).toEqual([]);
    expect(answer.lastRefreshTime, 'the reply says how old its data is').toBeDefined();
    expect(Date.parse(answer.lastRefreshTime!)).toBeLessThanOrEqual(stoppedAt);

    await insertPayment();
    const inserted = performance.now();
    const withPayment = await reference(report);
    expect(withPayment).not.toEqual(expected);
    // Five refresh intervals with no worker: the instance keeps the last partitions.
    while (performance.now() - inserted < 10_000) {
      const now = await load(apiB, report, MEASURES);
      expect(mismatches(now, report, MEASURES, expected)).toEqual([]);
      await sleep(500);
    }

    const spawned = performance.now();
    worker = await RoleProcess.start('refresh', DATABASE, SCHEMA);
    processes.push(worker);
    const shown = await awaitFigures(apiB, withPayment, spawned, FRESHNESS_BOUND_MS + 60_000);
    console.info(
      `topology: with no worker the payment stayed out for 10 s; it showed ${shown && seconds(shown)} after a new worker was spawned`,
    );
    expect(shown, 'the payment never showed after a new worker started').toBeDefined();
  });

  it('SIGTERM to the worker during a build: exit 0, and a new worker brings every partition up, each once', async () => {
    const locker = await mysql.createConnection({ ...MYSQL, database: DATABASE });
    let released = false;
    try {
      await locker.query('LOCK TABLES payments WRITE');
      await bumpEveryMonth();
      const waiting = await awaitLockWait(SCHEMA, 60_000);
      expect(String(waiting[0]!.info)).toMatch(/CREATE TABLE|INSERT INTO/i);
      const exit = worker.terminate();
      await sleep(4_000);
      await locker.query('UNLOCK TABLES');
      released = true;
      const { code, signal } = await exit;
      expect({ code, signal }, worker.tail()).toEqual({ code: 0, signal: null });
      expect(worker.hasLogged(/^Closed cleanly$/), worker.tail()).toBe(true);
      console.info(
        `topology: a worker stopped during a build exited 0 ${seconds(performance.now() - worker.terminatedAt!)} after SIGTERM; ` +
          `abandoned: ${worker.hasLogged(/abandon/i)}`,
      );
    } finally {
      if (!released) await locker.query('UNLOCK TABLES');
      await locker.end();
    }

    const beforeNew = new Set((await tables()).map((t) => t.name));
    const spawned = performance.now();
    worker = await RoleProcess.start('refresh', DATABASE, SCHEMA);
    processes.push(worker);
    console.info(`topology: the next worker's first pass done ${seconds(performance.now() - spawned)} after its spawn`);
    const after = await tables();
    expect([...new Set(after.map((t) => partitionOf(t.name)))].sort()).toEqual(expectedPartitions());
    const built = after.filter((t) => !beforeNew.has(t.name)).map((t) => partitionOf(t.name));
    expect(built.length).toBe(new Set(built).size);
    const expected = await reference(report);
    expect(mismatches(await load(apiB, report, MEASURES, true), report, MEASURES, expected)).toEqual([]);
    await sleep(4_000);
    expect((await tables()).length, 'the worker kept building').toBe(after.length);
  });

  it('SIGTERM to a process of role all during a slow query: the query completes, exit 0', async () => {
    const all = await RoleProcess.start('all', DATABASE, ALL_SCHEMA);
    processes.push(all);
    const month = months[2]!;
    const slowQuery: ReferenceQuery = { clinicId: CLINIC, from: `${month}-03`, to: `${month}-26`, groupBy: ['service_code'] };
    const slowExpected = await reference(slowQuery);
    const served = await servingTables(all, slowQuery, ALL_SCHEMA);
    const locker = await mysql.createConnection(MYSQL);
    let released = false;
    try {
      await locker.query(`LOCK TABLES ${served.tables.map((t) => `${t} WRITE`).join(', ')}`);
      const slow = load(all, slowQuery, MEASURES, true);
      await awaitLockWait(served.partition);
      const exit = all.terminate();
      const readiness = watchReadiness(all, 15_000);
      await sleep(2_500);
      await locker.query('UNLOCK TABLES');
      released = true;
      const slowResult = await slow;
      const { code, signal } = await exit;
      const seen = await readiness;
      expect(mismatches(slowResult, slowQuery, MEASURES, slowExpected), 'the slow request').toEqual([]);
      expect({ code, signal }, all.tail()).toEqual({ code: 0, signal: null });
      expect(all.hasLogged(/^Closed cleanly$/), all.tail()).toBe(true);
      expect(
        seen.some((s) => s !== 'refused' && s.status === 503 && s.body.status === 'shutting-down'),
        JSON.stringify(seen),
      ).toBe(true);
      console.info(`topology: the all process stopped during a slow query: it answered in ${seconds(slowResult.ms)}`);
    } finally {
      if (!released) await locker.query('UNLOCK TABLES');
      await locker.end();
    }
  });
});
