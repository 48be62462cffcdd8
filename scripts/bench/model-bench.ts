/**
 * Measures the model's pre-aggregations (docs/model.md, "Measured"): full build time, the cost of one
 * refresh pass with nothing changed and with one payment added, and report query latency served from
 * the usage rollup (figures that add up) and from the visit_items partitions (with the distinct
 * counts) against the same queries on the host tables (the same model without its pre-aggregations).
 *
 *   node --import tsx scripts/bench/model-bench.ts [scale=1] [years=1]
 *
 * Uses the MariaDB at 127.0.0.1:3306 (database scu_model_bench, dropped at the end) and a DuckDB file
 * in the system's temp directory. Prints a Markdown table.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { createApp, type RunningApp } from '../../server/app.js';
import { PROJECT_ROOT, readConfig } from '../../server/config.js';
import { seedDuckDb, seedMysql } from '../../server/db/seed/index.js';
import { mintToken } from '../../server/security/tokens.js';
import { MYSQL } from '../../test/support/test-server.js';

const scale = Number(process.argv[2] ?? 1);
const years = Number(process.argv[3] ?? 1);
const SECRET = 'bench-secret-0123456789-0123456789-0123456789';
const DB = 'scu_model_bench';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scu-bench-'));
const duckPath = path.join(dir, 'bench.duckdb');
const V = 'service_code_usage';
const ITERATIONS = 7;

/** The model without its pre-aggregations: every query reads the host tables. */
function modelWithoutRollups(): string {
  const target = path.join(dir, 'model-raw');
  fs.cpSync(path.join(PROJECT_ROOT, 'model'), target, { recursive: true });
  for (const file of ['cubes/counted_items.js', 'cubes/insurance_applications.js']) {
    const full = path.join(target, file);
    const text = fs.readFileSync(full, 'utf8');
    const start = text.indexOf('  pre_aggregations: {');
    if (start < 0) throw new Error(`no pre_aggregations in ${file}`);
    fs.writeFileSync(full, `${text.slice(0, start)}});\n`);
  }
  return target;
}

/**
 * Refresh passes are measured with refresh keys trusted 1 s (every pass re-reads every key); query
 * latency with keys trusted an hour, so that no refresh work competes with the queries measured.
 * The app's own timer is stopped either way (stopTimer): the benchmark runs the passes.
 */
function env(type: 'mysql' | 'duckdb', keySeconds: number, modelDir?: string): Record<string, string | undefined> {
  const base = {
    ...process.env,
    PORT: '0',
    CUBEJS_API_SECRET: SECRET,
    SCU_REFRESH_KEY_EVERY_SECONDS: String(keySeconds),
    ...(modelDir ? { SCU_MODEL_DIR: modelDir } : {}),
  };
  return type === 'mysql'
    ? {
        ...base,
        CUBEJS_DB_TYPE: 'mysql',
        CUBEJS_DB_HOST: MYSQL.host,
        CUBEJS_DB_PORT: String(MYSQL.port),
        CUBEJS_DB_USER: MYSQL.user,
        CUBEJS_DB_PASS: MYSQL.password,
        CUBEJS_DB_NAME: DB,
        CUBEJS_PRE_AGGREGATIONS_SCHEMA: `${DB}_pre_aggregations`,
      }
    : { ...base, CUBEJS_DB_TYPE: 'duckdb', CUBEJS_DB_DUCKDB_DATABASE_PATH: duckPath };
}

type Core = { runScheduledRefresh(context: unknown, options: Record<string, unknown>): Promise<unknown> };

async function refreshPass(app: RunningApp): Promise<number> {
  const started = performance.now();
  await (app.core as unknown as Core).runScheduledRefresh(null, { throwErrors: true });
  return performance.now() - started;
}

const token = mintToken(SECRET, { clinic_id: 1, role: 'owner' }, 3600);

async function load(app: RunningApp, query: Record<string, unknown>): Promise<{ ms: number; used: string[] }> {
  const started = performance.now();
  for (;;) {
    const response = await fetch(`${app.url}/cubejs-api/v1/load`, {
      method: 'POST',
      headers: { authorization: token, 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { error?: string; usedPreAggregations?: Record<string, unknown> };
    if (body.error === 'Continue wait') continue;
    if (body.error) throw new Error(body.error);
    return { ms: performance.now() - started, used: Object.keys(body.usedPreAggregations ?? {}) };
  }
}

/** The figures that add up (served from the usage rollup). */
const ADDITIVE = [`${V}.units_billed`, `${V}.total_billed`, `${V}.insurance_paid`, `${V}.insurance_paid_ratio`];
/** The report table's figures with the distinct counts (served from the visit_items partitions). */
const WITH_VISITS = [...ADDITIVE, `${V}.visits_used`, `${V}.patients_seen`, `${V}.insurance_paid_per_visit`];

/** The report's queries: each grouping, a trend, the pivot, over the last year. */
function reportQueries(measures: readonly string[]): Record<string, unknown>[] {
  const range = { dimension: `${V}.date_of_service`, dateRange: ['2025-11-01', '2026-10-31'] };
  const groupings = [
    [`${V}.service_code`, `${V}.service_code_description`, `${V}.code_type`],
    [`${V}.provider_id`, `${V}.provider_name`],
    [`${V}.payor_id`, `${V}.payor_name`],
    [`${V}.case_type_id`, `${V}.case_type`],
    [`${V}.billing_type`],
    [`${V}.service_code`, `${V}.provider_id`],
  ];
  return [
    ...groupings.map((dimensions) => ({ measures, dimensions, timeDimensions: [range] })),
    { measures, timeDimensions: [{ ...range, granularity: 'week' }] },
    { measures, timeDimensions: [{ ...range, granularity: 'month' }] },
  ];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Median latency over ITERATIONS rounds of every report query, each round a new query (no result
 * cache). `source` is the pre-aggregation every query must be served from (null: the host tables).
 */
async function latency(app: RunningApp, measures: readonly string[], source: RegExp | null): Promise<number> {
  const times: number[] = [];
  for (let round = 0; round < ITERATIONS; round++) {
    for (const query of reportQueries(measures)) {
      const { ms, used } = await load(app, { ...query, limit: 5000 + round });
      const served = source ? used.length === 1 && source.test(used[0]!) : used.length === 0;
      if (!served) throw new Error(`expected ${source ?? 'the host tables'} for ${JSON.stringify(query)}, got ${JSON.stringify(used)}`);
      times.push(ms);
    }
  }
  return median(times);
}

async function addPayment(type: 'mysql' | 'duckdb', app: RunningApp): Promise<void> {
  // A payment for a visit of the second month of data: one partition of each rollup changes.
  const sql = [
    `INSERT INTO payments VALUES (999000000001, 1, 'insurance', NULL, DATE '2026-11-01', TIMESTAMP '2026-11-01 10:00:00', NULL)`,
    `INSERT INTO payment_applications SELECT 999000000001, 1, 999000000001, pi.id, 10.00, TIMESTAMP '2026-11-01 10:00:00'
       FROM purchase_items pi JOIN purchases p ON p.id = pi.purchase_id
      WHERE p.clinic_id = 1 AND p.status <> 'void' AND p.purchased_on >= DATE '2025-12-01' ORDER BY pi.id LIMIT 1`,
  ];
  if (type === 'mysql') {
    const conn = await mysql.createConnection({ ...MYSQL, database: DB });
    for (const s of sql) await conn.query(s);
    await conn.end();
  } else {
    // The server holds the DuckDB file: write through its own driver.
    const driver = await (app.core as unknown as { getDriver(ctx: unknown): Promise<{ query(sql: string): Promise<unknown> }> }).getDriver({
      securityContext: {},
      dataSource: 'default',
    });
    for (const s of sql) await driver.query(s);
  }
}

/** Stops the app's scheduled refresh timer (Cube keeps it in a private field). */
async function stopTimer(app: RunningApp): Promise<RunningApp> {
  await (
    app.core as unknown as { scheduledRefreshTimerInterval?: { cancel(wait?: boolean): Promise<void> } }
  ).scheduledRefreshTimerInterval?.cancel(true);
  return app;
}

async function bench(type: 'mysql' | 'duckdb') {
  const app = await stopTimer(await createApp(readConfig(env(type, 1)), SECRET));
  try {
    const fullBuild = await refreshPass(app);
    const idlePasses: number[] = [];
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 1100)); // every refresh key is due again
      idlePasses.push(await refreshPass(app));
    }
    await addPayment(type, app);
    await new Promise((r) => setTimeout(r, 1100));
    const onePaymentPass = await refreshPass(app);
    await app.close();
    const rollupApp = await stopTimer(await createApp(readConfig(env(type, 3600)), SECRET));
    let rollupMs: number;
    let itemsMs: number;
    try {
      await refreshPass(rollupApp); // reads the keys once; the partitions are all built already
      rollupMs = await latency(rollupApp, ADDITIVE, /counted_items_usage_by_day$/);
      itemsMs = await latency(rollupApp, WITH_VISITS, /counted_items_visit_items$/);
    } finally {
      await rollupApp.close();
    }
    const raw = await stopTimer(await createApp(readConfig(env(type, 3600, modelWithoutRollups())), SECRET));
    let rawMs: number;
    let rawVisitsMs: number;
    try {
      rawMs = await latency(raw, ADDITIVE, null);
      rawVisitsMs = await latency(raw, WITH_VISITS, null);
    } finally {
      await raw.close();
    }
    return { type, fullBuild, idlePass: median(idlePasses), onePaymentPass, rollupMs, rawMs, itemsMs, rawVisitsMs };
  } catch (e) {
    await app.close();
    throw e;
  }
}

async function main() {
  const admin = await mysql.createConnection(MYSQL);
  await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
  await admin.query(`DROP DATABASE IF EXISTS ${DB}_pre_aggregations`);
  await admin.query(`DROP DATABASE IF EXISTS ${DB}_pre_aggregations_changes`);
  await admin.end();
  const seed = { scale, seed: 20261127, years };
  const mysqlSummary = await seedMysql({ ...MYSQL, database: DB }, seed);
  await seedDuckDb(duckPath, seed);
  const items = mysqlSummary.rows.purchase_items;
  const results = [];
  try {
    for (const type of ['mysql', 'duckdb'] as const) results.push(await bench(type));
  } finally {
    const conn = await mysql.createConnection(MYSQL);
    await conn.query(`DROP DATABASE IF EXISTS ${DB}`);
    await conn.query(`DROP DATABASE IF EXISTS ${DB}_pre_aggregations`);
    await conn.query(`DROP DATABASE IF EXISTS ${DB}_pre_aggregations_changes`);
    await conn.end();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(`\nscale ${scale}, ${years} year(s), ${items} purchase_items, ${os.cpus().length} cores\n`);
  console.log(
    '| database | full build (3 pre-aggregations) | refresh pass, nothing changed | refresh pass, one payment added | report query, rollup (median) | same query, host tables (median) | with visit counts, visit_items (median) | same query, host tables (median) |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.type === 'mysql' ? 'MariaDB' : 'DuckDB'} | ${s(r.fullBuild)} | ${Math.round(r.idlePass)} ms | ${s(r.onePaymentPass)} | ${Math.round(r.rollupMs)} ms | ${Math.round(r.rawMs)} ms | ${Math.round(r.itemsMs)} ms | ${Math.round(r.rawVisitsMs)} ms |`,
    );
  }
}

await main();
process.exit(0);
