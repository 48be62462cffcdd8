/**
 * What the billing checks' rollup (counted_items.billing_by_day, docs/model.md "Pre-aggregations") costs
 * beside usage_by_day, on a seeded bench database:
 *
 *   node --import tsx scripts/bench/billing-bench.ts [--db scu_bench_bill1m] [--cold-runs 1] [--build-runs 3] [--months N] [--runs 9] [--json FILE]
 *
 * 1. Cold start (startup.ts, the bench's own: the pre-aggregation schema dropped, the server spawned on a
 *    free port, done when every partition is built) with MariaDB's slow log written to a table for the
 *    whole start (db.ts, SlowLog): each statement on the pre-aggregation schema is attributed to its
 *    pre-aggregation by the table name it writes, so every rollup's build statements are summed (database
 *    time while the scheduler builds several at once).
 * 2. Row counts (SELECT COUNT(*)) and sizes of every pre-aggregation's tables.
 * 3. On the same server: the report's Billing checks section for the largest clinic over the last 12
 *    months (dashboard/src/lib/billing-checks.ts, as ReportBillingChecks.vue calls it, the five age buckets
 *    in one compareDateRange request) and the report's main grouped query by code, uncached
 *    (`cache: "no-cache"`, server.ts) and cached, medians and p95 over `--runs`, with usedPreAggregations.
 * 4. The builds replayed one at a time, the server stopped: each partition's `CREATE TABLE … AS SELECT`
 *    exactly as Cube ran it in (1), into `<db>_pre_aggregations_scratch`, usage_by_day and billing_by_day
 *    alternating month by month, `--build-runs` times (median per month): the sequential cold build of
 *    each, and the refresh of one month (the newest month of data, with visit_items and maturity_by_day
 *    replayed too: a changed month rebuilds its partitions of each).
 *
 * The database name must be short: Cube 1.7.43 refuses a MySQL pre-aggregation table whose
 * `<schema>.<name>` passes 64 characters, usage_by_day's is the longest (server/config.ts). Only 127.0.0.1. Prints
 * markdown on stdout; --json writes every figure to a file.
 */
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { Query } from '@cubejs-client/core';
import {
  ageRanges,
  codeModifiersQuery,
  distinctProcedureCodesQuery,
  modifierChecksQuery,
  unpaidQuery,
} from '../../dashboard/src/lib/billing-checks.js';
import { addDays, presetRange, todayInZone, type DateRange } from '../../dashboard/src/lib/clinic-calendar.js';
import { BASE_MEASURES, MEASURES, groupedQuery } from '../../dashboard/src/lib/report-query.js';
import { MAX_PRE_AGGREGATIONS_SCHEMA_LENGTH } from '../../server/config.js';
import { SlowLog, connect, rows } from './db.js';
import { DEFAULT_VIEW, defaultRange, pageQueries } from './queries.js';
import { BenchServer } from './server.js';
import { coldStart } from './startup.js';
import { summarize, type Summary } from './stats.js';

const log = (line: string) => process.stderr.write(`billing-bench: ${line}\n`);

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    db: { type: 'string', default: 'scu_bench_bill1m' },
    'cold-runs': { type: 'string', default: '1' },
    'build-runs': { type: 'string', default: '3' },
    months: { type: 'string' },
    runs: { type: 'string', default: '9' },
    json: { type: 'string' },
  },
});
const database = values.db;
if (!/^scu_bench_\w+$/.test(database)) throw new Error('--db must be a bench database (scu_bench_…)');
const schema = `${database}_pre_aggregations`;
// Cube 1.7.43 refuses a MySQL pre-aggregation whose `<schema>.<cube>_<name>` is longer than 64 characters
// (its refresh scheduler then fails every pass and never finishes): server/config.ts refuses such a schema.
if (schema.length > MAX_PRE_AGGREGATIONS_SCHEMA_LENGTH)
  throw new Error(`--db: ${schema} is longer than the ${MAX_PRE_AGGREGATIONS_SCHEMA_LENGTH} characters a pre-aggregations schema may have`);
const scratch = `${schema}_scratch`;
const coldRuns = Number(values['cold-runs']);
const buildRuns = Number(values['build-runs']);
/** Replay only the newest N months (default: every month). */
const replayMonths = values.months === undefined ? Infinity : Number(values.months);
const runs = Number(values.runs);

/** A pre-aggregation table's name: `<cube alias>_<pre-aggregation>[YYYYMMDD]_<content>_<structure>_<refreshed, base 36>`. */
const TABLE_NAME = /^([a-z_]+?)(\d{8})?_[a-z0-9]+_[a-z0-9]+_[a-z0-9]+$/;
// billing_by_day's tables are named by its sql_alias, `billing`.
const ROLLUPS = ['counted_items_usage_by_day', 'counted_items_billing'];
const MONTH_ALSO = ['counted_items_visit_items', 'ins_apps_maturity_by_day'];

interface Statement {
  ms: number;
  sql: string;
}
interface PreAggBuild {
  statements: number;
  /** CREATE TABLE … AS (the partition's build). */
  createMs: number;
  /** CREATE INDEX (the by_clinic index). */
  indexMs: number;
  /** Every other statement on its tables (reads of the partitions by queries, drops). */
  otherMs: number;
  partitions: Set<string>;
}

function preAggOf(table: string): { name: string; partition: string | null } | null {
  const match = TABLE_NAME.exec(table);
  return match ? { name: match[1]!, partition: match[2] ?? null } : null;
}

async function slowLogSince(db: Awaited<ReturnType<typeof connect>>, since: string): Promise<Statement[]> {
  return (
    await rows<{ ms: string; sql_text: string }>(
      db,
      `SELECT TIME_TO_SEC(query_time) * 1000 AS ms, CONVERT(sql_text USING utf8mb4) AS sql_text
         FROM mysql.slow_log WHERE db = ? AND start_time >= ?`,
      [database, since],
    )
  ).map((r) => ({ ms: Number(r.ms), sql: String(r.sql_text) }));
}

/** Build statements by pre-aggregation, and each partition's CREATE TABLE … AS statement (the last seen). */
function attribute(statements: Statement[]): { builds: Map<string, PreAggBuild>; creates: Map<string, Map<string, string>> } {
  const builds = new Map<string, PreAggBuild>();
  const creates = new Map<string, Map<string, string>>();
  const inSchema = new RegExp(`\`?${schema}\`?\\.\`?([a-z0-9_]+)\`?`, 'i');
  for (const s of statements) {
    const m = inSchema.exec(s.sql);
    if (!m) continue;
    const target = preAggOf(m[1]!);
    if (!target) continue;
    const b = builds.get(target.name) ?? { statements: 0, createMs: 0, indexMs: 0, otherMs: 0, partitions: new Set<string>() };
    builds.set(target.name, b);
    b.statements++;
    const head = s.sql.trimStart().slice(0, 40).toUpperCase();
    if (head.startsWith('CREATE TABLE') && /\bSELECT\b/i.test(s.sql)) {
      b.createMs += s.ms;
      b.partitions.add(target.partition ?? '-');
      const byPartition = creates.get(target.name) ?? new Map<string, string>();
      creates.set(target.name, byPartition);
      byPartition.set(target.partition ?? '-', s.sql);
    } else if (head.startsWith('CREATE INDEX') || head.startsWith('ALTER TABLE')) b.indexMs += s.ms;
    else b.otherMs += s.ms;
  }
  return { builds, creates };
}

async function tableFigures(db: Awaited<ReturnType<typeof connect>>) {
  const tables = await rows<{ t: string; bytes: string }>(
    db,
    'SELECT table_name AS t, data_length + index_length AS bytes FROM information_schema.tables WHERE table_schema = ?',
    [schema],
  );
  // The newest table of each partition (a partition rebuilt during the run has two until Cube drops one).
  const newest = new Map<string, { t: string; refreshed: number; bytes: number }>();
  for (const { t, bytes } of tables) {
    const p = preAggOf(t);
    if (!p) continue;
    const key = `${p.name}|${p.partition ?? '-'}`;
    const refreshed = parseInt(t.split('_').pop()!, 36);
    if ((newest.get(key)?.refreshed ?? -1) < refreshed) newest.set(key, { t, refreshed, bytes: Number(bytes) });
  }
  const out = new Map<string, { partitions: number; rows: number; bytes: number }>();
  for (const [key, { t, bytes }] of newest) {
    const name = key.split('|')[0]!;
    const [c] = await rows<{ n: string }>(db, `SELECT COUNT(*) AS n FROM ${db.escapeId(schema)}.${db.escapeId(t)}`);
    const f = out.get(name) ?? { partitions: 0, rows: 0, bytes: 0 };
    f.partitions++;
    f.rows += Number(c!.n);
    f.bytes += bytes;
    out.set(name, f);
  }
  return out;
}

interface QueryFigure {
  label: string;
  rows: number;
  uncached: Summary;
  cached: Summary;
  used: string[];
  errors: number;
}

async function measureQuery(server: BenchServer, token: string, label: string, query: Query): Promise<QueryFigure> {
  let errors = 0;
  const first = await server.load(token, query);
  if (!first.ok) errors++;
  const uncached: number[] = [];
  const cached: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await server.load(token, query, { noCache: true });
    if (r.ok) uncached.push(r.ms);
    else errors++;
  }
  for (let i = 0; i < runs; i++) {
    const r = await server.load(token, query);
    if (r.ok) cached.push(r.ms);
    else errors++;
  }
  const used = Object.keys(first.usedPreAggregations ?? {}).map((n) => n.split('.').pop()!);
  const f = { label, rows: first.data.length, uncached: summarize(uncached), cached: summarize(cached), used, errors };
  log(
    `  ${label}: uncached ${f.uncached.median.toFixed(1)} / ${f.uncached.p95.toFixed(1)} ms, cached ${f.cached.median.toFixed(1)} ms, ${f.rows} rows, ${used.join(', ')}${errors ? `, ${errors} errors` : ''}`,
  );
  return f;
}

/**
 * The machine is shared: a server killed by a signal from outside (someone's `pkill -f server/main.ts`) makes
 * startup.ts wait for its timeout (it checks the exit code only), and so does a refresh scheduler that fails
 * every pass. Each spawned server is watched here: a killed one's cold start is started again, a failing
 * refresh ends the run.
 */
let spawned: BenchServer | null = null;
const originalStart = BenchServer.start.bind(BenchServer);
BenchServer.start = async (...args: Parameters<typeof BenchServer.start>) => (spawned = await originalStart(...args));
/** Read through a call: the assignment above is in another function, out of TypeScript's narrowing. */
const current = (): BenchServer | null => spawned;

async function watchedColdStart(...args: Parameters<typeof coldStart>): Promise<Awaited<ReturnType<typeof coldStart>> & { since: string }> {
  for (let attempt = 1; ; attempt++) {
    spawned = null;
    // The slow log's statements are counted from the start of the attempt that completes.
    const [t0] = await rows<{ t: string }>(args[0], 'SELECT CAST(NOW(6) AS CHAR) AS t');
    const start = coldStart(...args);
    let settled = false;
    void start.finally(() => (settled = true)).catch(() => undefined);
    const killed = (async () => {
      while (!settled) {
        await new Promise((r) => setTimeout(r, 1000));
        const child = current()?.child;
        if (child && child.signalCode !== null) return child.signalCode;
        const failed = current()?.findLog(/Refresh Scheduler Error/);
        if (failed && !settled) throw new Error(`the server's refresh failed: ${failed.text.slice(0, 400)}`);
      }
      return null;
    })();
    const outcome = await Promise.race([
      start.then((c) => ({ c })),
      killed.then((signal) => (signal === null ? new Promise<never>(() => {}) : { signal })),
    ]);
    if ('c' in outcome) return { ...outcome.c, since: t0!.t };
    log(`cold start ${attempt}: the server was killed from outside (${outcome.signal}); starting again`);
    if (attempt >= 3) throw new Error('the server was killed three times');
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const fmt = (ms: number, digits = 1) => (ms / 1000).toFixed(digits);

async function main(): Promise<void> {
  const started = new Date().toISOString();
  const db = await connect();
  const slow = new SlowLog(db, database);
  let server: BenchServer | null = null;
  const cleanup = async () => {
    await server?.stop().catch(() => undefined);
    await slow.restore().catch((e: unknown) => log(`could not restore the slow-log settings: ${(e as Error).message}`));
    await db.query(`DROP DATABASE IF EXISTS ${db.escapeId(scratch)}`).catch(() => undefined);
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  try {
    const [bp] = await rows<{ b: string }>(db, 'SELECT @@GLOBAL.innodb_buffer_pool_size AS b');
    const clinics = await rows<{ id: string; timezone: string; n: string }>(
      db,
      `SELECT c.id, c.timezone, (SELECT COUNT(*) FROM ${db.escapeId(database)}.purchase_items pi WHERE pi.clinic_id = c.id) AS n
         FROM ${db.escapeId(database)}.clinics c ORDER BY n DESC`,
    );
    const [items] = await rows<{ n: string }>(db, `SELECT COUNT(*) AS n FROM ${db.escapeId(database)}.purchase_items`);
    const largest = clinics[0]!;
    const [end] = await rows<{ d: string }>(db, `SELECT CAST(MAX(purchased_on) AS CHAR) AS d FROM ${db.escapeId(database)}.purchases`);
    const dataEnd = end!.d;
    // The clinic's today, moved to the day after the data's last when the data ends earlier, so that every
    // age bucket of the unpaid table holds visits.
    const realToday = todayInZone(largest.timezone);
    const today = dataEnd < realToday ? addDays(dataEnd, 1) : realToday;
    const year: DateRange = presetRange('last_12_months', today);
    log(
      `${database}: ${Number(items!.n).toLocaleString('en-US')} items, largest clinic ${largest.id} (${largest.n} items); year ${year.from} … ${year.to}, today ${today}`,
    );

    // 1. Cold starts, the slow log on for each.
    await slow.arm();
    const cold: { allMs: number; upToDateMs: number; tables: number; builds: Map<string, PreAggBuild>; intact: boolean }[] = [];
    let creates = new Map<string, Map<string, string>>();
    const mainQuery = groupedQuery(DEFAULT_VIEW, year, 'code', [MEASURES.units, MEASURES.billed, MEASURES.paid]);
    // First data as npm run bench asks it: the report's default view (startup.ts).
    const defaultView = pageQueries(DEFAULT_VIEW, defaultRange(largest.timezone, dataEnd), '').main;
    for (let i = 0; i < coldRuns; i++) {
      await server?.stop();
      server = null;
      await slow.open();
      const c = await watchedColdStart(db, database, schema, Number(largest.id), defaultView, 30 * 60_000, log);
      server = c.server;
      const statements = await slowLogSince(db, c.since);
      const window = await slow.close();
      const a = attribute(statements);
      creates = a.creates;
      cold.push({ allMs: c.allPartitionsMs, upToDateMs: c.upToDateLogMs, tables: c.tables, builds: a.builds, intact: window.intact });
      log(
        `cold start ${i + 1}: every partition ${fmt(c.allPartitionsMs)} s; build statements: ` +
          [...a.builds].map(([n, b]) => `${n} ${fmt(b.createMs + b.indexMs)} s (${b.partitions.size})`).join(', '),
      );
    }

    // 2. Rows (before the replay: the same tables the queries read).
    const tables = await tableFigures(db);

    // 3. Queries, on the server of the last cold start.
    const token = server!.token({ clinic_id: Number(largest.id), role: 'owner' });
    const buckets = ageRanges(year, today);
    const queries: [string, Query][] = [
      ['modifier checks by provider', modifierChecksQuery(DEFAULT_VIEW, year, true)],
      ['modifier checks, clinic total', modifierChecksQuery(DEFAULT_VIEW, year, false)],
      ['59/X{EPSU} codes by provider', distinctProcedureCodesQuery(DEFAULT_VIEW, year)],
      ['codes with modifiers', codeModifiersQuery(DEFAULT_VIEW, year)],
      [`unpaid by payor, ${buckets.length} age buckets`, unpaidQuery(DEFAULT_VIEW, buckets)!],
      ['report main table by code (units, billed, paid)', mainQuery],
      ['report main table by code (base measures, with visits)', groupedQuery(DEFAULT_VIEW, year, 'code', BASE_MEASURES)],
    ];
    const figures: QueryFigure[] = [];
    for (const [label, q] of queries) figures.push(await measureQuery(server!, token, label, q));
    await server!.stop();
    server = null;

    // 4. The builds replayed one at a time.
    const scratchDb = await connect(database);
    const replay = new Map<string, Map<string, number[]>>();
    const months = [...(creates.get(ROLLUPS[0]!)?.keys() ?? [])].sort().slice(-replayMonths);
    const newest = months[months.length - 1]!;
    try {
      await scratchDb.query("SET time_zone = '+00:00'");
      await scratchDb.query(`CREATE DATABASE IF NOT EXISTS ${scratchDb.escapeId(scratch)}`);
      const target = new RegExp(`^\\s*CREATE TABLE\\s+\`?${schema}\`?\\.\`?[a-z0-9_]+\`?`, 'i');
      for (let run = 0; run < buildRuns; run++) {
        for (const month of months) {
          const names = month === newest ? [...ROLLUPS, ...MONTH_ALSO] : ROLLUPS;
          for (const name of names) {
            const sql = creates.get(name)?.get(month);
            if (!sql) continue;
            const table = `${scratchDb.escapeId(scratch)}.tmp_${name}`;
            await scratchDb.query(`DROP TABLE IF EXISTS ${table}`);
            const t = performance.now();
            await scratchDb.query(sql.replace(target, `CREATE TABLE ${table}`));
            const ms = performance.now() - t;
            await scratchDb.query(`DROP TABLE ${table}`);
            const byMonth = replay.get(name) ?? new Map<string, number[]>();
            replay.set(name, byMonth);
            byMonth.set(month, [...(byMonth.get(month) ?? []), ms]);
          }
        }
        log(
          `replay run ${run + 1}: ` + ROLLUPS.map((n) => `${n} ${fmt(sum([...replay.get(n)!.values()].map((x) => x[run]!)))} s`).join(', '),
        );
      }
    } finally {
      await scratchDb.query(`DROP DATABASE IF EXISTS ${scratchDb.escapeId(scratch)}`).catch(() => undefined);
      await scratchDb.end();
    }

    // Report.
    const med = (xs: number[]) => summarize(xs).median;
    const out: string[] = [];
    out.push(
      `Database \`${database}\` (${Number(items!.n).toLocaleString('en-US')} purchase_items, ${clinics.length} clinics), ${os.cpus().length} CPUs, ` +
        `innodb_buffer_pool_size ${(Number(bp!.b) / 2 ** 30).toFixed(0)} GB; started ${started}; load average at the end ${os
          .loadavg()
          .map((x) => x.toFixed(2))
          .join(', ')}.`,
      '',
      `**Cold start** (${coldRuns} run(s); every partition built, from spawn: ${cold.map((c) => fmt(c.allMs)).join(', ')} s; ${cold.at(-1)!.tables} tables; slow-log window ${cold.every((c) => c.intact) ? 'intact' : 'PARTIAL'}). Database time of each pre-aggregation's build statements (CREATE TABLE … AS and its index), summed over its partitions, median of the runs; the scheduler runs several at once:`,
      '',
      '| pre-aggregation | partitions | build statements s | of which index s | share | rows | MB |',
      '|---|---:|---:|---:|---:|---:|---:|',
    );
    const names = [...new Set(cold.flatMap((c) => [...c.builds.keys()]))].sort();
    const buildS = (n: string) => med(cold.map((c) => (c.builds.get(n)?.createMs ?? 0) + (c.builds.get(n)?.indexMs ?? 0)));
    const totalBuild = sum(names.map(buildS));
    for (const n of names) {
      const t = tables.get(n);
      out.push(
        `| ${n} | ${t?.partitions ?? '?'} | ${fmt(buildS(n))} | ${fmt(med(cold.map((c) => c.builds.get(n)?.indexMs ?? 0)), 2)} | ${((100 * buildS(n)) / totalBuild).toFixed(0)} % | ${t?.rows.toLocaleString('en-US') ?? '?'} | ${t ? (t.bytes / 2 ** 20).toFixed(1) : '?'} |`,
      );
    }
    out.push(`| all | | ${fmt(totalBuild)} | | 100 % | | |`, '');
    const u = ROLLUPS[0]!;
    const b = ROLLUPS[1]!;
    const monthMs = (n: string, m: string) => med(replay.get(n)?.get(m) ?? []);
    out.push(
      `**Builds replayed one at a time** (each partition's CREATE TABLE … AS SELECT as Cube ran it, into a scratch schema; usage and billing alternating month by month; median of ${buildRuns}):`,
      '',
      '| month | usage_by_day s | billing_by_day s | billing ÷ usage |',
      '|---|---:|---:|---:|',
    );
    for (const m of months)
      out.push(
        `| ${m.slice(0, 4)}-${m.slice(4, 6)} | ${fmt(monthMs(u, m), 2)} | ${fmt(monthMs(b, m), 2)} | ${(monthMs(b, m) / monthMs(u, m)).toFixed(2)}× |`,
      );
    const su = sum(months.map((m) => monthMs(u, m)));
    const sb = sum(months.map((m) => monthMs(b, m)));
    out.push(
      `| ${months.length === cold.at(-1)!.builds.get(u)?.partitions.size ? 'all ' : ''}${months.length} months | ${fmt(su)} | ${fmt(sb)} | ${(sb / su).toFixed(2)}× |`,
      '',
    );
    const monthNames = [...ROLLUPS, ...MONTH_ALSO].filter((n) => replay.get(n)?.has(newest));
    const monthTotal = sum(monthNames.map((n) => monthMs(n, newest)));
    out.push(
      `**Refresh of one month** (${newest.slice(0, 4)}-${newest.slice(4, 6)}, the newest; its partitions replayed one at a time, median of ${buildRuns}): ` +
        monthNames.map((n) => `${n} ${fmt(monthMs(n, newest), 2)} s`).join(', ') +
        `; in all ${fmt(monthTotal, 2)} s, of which billing_by_day ${((100 * monthMs(b, newest)) / monthTotal).toFixed(0)} %.`,
      '',
      `**Queries**, largest clinic ${largest.id} (${Number(largest.n).toLocaleString('en-US')} items), ${year.from} … ${year.to} (last 12 months, today ${today}), owner; ms, median / p95 over ${runs} runs; uncached = \`cache: "no-cache"\`:`,
      '',
      '| query | rows | uncached | cached | pre-aggregation |',
      '|---|---:|---:|---:|---|',
    );
    for (const f of figures)
      out.push(
        `| ${f.label} | ${f.rows} | ${f.uncached.median.toFixed(1)} / ${f.uncached.p95.toFixed(1)} | ${f.cached.median.toFixed(1)} / ${f.cached.p95.toFixed(1)} | ${f.used.join(', ') || 'none'}${f.errors ? ` (${f.errors} errors)` : ''} |`,
      );
    console.log(out.join('\n'));
    if (values.json)
      fs.writeFileSync(
        values.json,
        JSON.stringify(
          {
            database,
            started,
            year,
            today,
            cold: cold.map((c) => ({
              ...c,
              builds: Object.fromEntries([...c.builds].map(([n, x]) => [n, { ...x, partitions: [...x.partitions] }])),
            })),
            tables: Object.fromEntries(tables),
            replay: Object.fromEntries([...replay].map(([n, m]) => [n, Object.fromEntries(m)])),
            queries: figures,
          },
          null,
          2,
        ),
      );
  } finally {
    await cleanup();
    await db.end();
  }
}

await main();
