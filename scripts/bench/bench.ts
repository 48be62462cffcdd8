/**
 * npm run bench -- --items 10M  (usage: scripts/bench/args.ts; what each figure is: scripts/bench/README.md)
 *
 * Seeds or reuses scu_bench_<size>, starts the server cold and measures it: first data and every
 * partition, the report's queries beside their floors, the refresh cost when idle and for one new
 * payment, concurrent users, memory. Writes the size's section of BENCHMARKS.md. Only 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type mysql from 'mysql2/promise';
import { presetRange, todayInZone } from '../../dashboard/src/lib/clinic-calendar.js';
import { PROJECT_ROOT } from '../../server/config.js';
import { DEFAULT_END_DATE } from '../../server/db/seed/index.js';
import { USAGE, UsageError, parseBenchArgs } from './args.js';
import { SlowLog, connect, databasePid, rows } from './db.js';
import { runLoad, type LoadFigures } from './load.js';
import { DEFAULT_VIEW, defaultRange, lastFullYear, pageQueries } from './queries.js';
import { idleCost, newPaymentCost } from './refresh.js';
import { writeReport } from './report.js';
import type { BenchResults } from './results.js';
import { ensureBenchDatabase } from './seed.js';
import type { BenchServer } from './server.js';
import { coldStart } from './startup.js';
import { runSuite, type ClinicInfo, type ClinicSuite } from './suite.js';

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const git = (...args: string[]) => execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();

async function clinicsOf(db: mysql.Connection, database: string): Promise<ClinicInfo[]> {
  const q = (n: string) => `${db.escapeId(database)}.${db.escapeId(n)}`;
  const clinics = await rows<{ id: string; name: string; timezone: string }>(
    db,
    `SELECT id, name, timezone FROM ${q('clinics')} ORDER BY id`,
  );
  const items = await rows<{ clinic_id: string; n: string }>(
    db,
    `SELECT clinic_id, COUNT(*) AS n FROM ${q('purchase_items')} GROUP BY clinic_id`,
  );
  const providers = await rows<{ clinic_id: string; id: string }>(db, `SELECT clinic_id, id FROM ${q('providers')} ORDER BY id`);
  const payors = await rows<{ clinic_id: string; id: string }>(db, `SELECT clinic_id, id FROM ${q('payors')} ORDER BY id`);
  return clinics.map((c) => ({
    id: Number(c.id),
    name: c.name,
    timezone: c.timezone,
    items: Number(items.find((i) => i.clinic_id === c.id)?.n ?? 0),
    providers: providers.filter((p) => p.clinic_id === c.id).map((p) => Number(p.id)),
    payors: payors.filter((p) => p.clinic_id === c.id).map((p) => Number(p.id)),
  }));
}

async function main(argv: string[]): Promise<void> {
  const args = parseBenchArgs(argv);
  const started = performance.now();
  const startedAt = new Date().toISOString();
  // The commit measured is the one the server starts from (others may commit while the run goes on).
  const commit = git('rev-parse', '--short', 'HEAD');
  const modelDirty = git('status', '--porcelain', '--', 'model') !== '';
  const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
  const refreshEverySeconds = Number(process.env.SCU_REFRESH_KEY_EVERY_SECONDS || 10);
  const db = await connect();
  const slow = new SlowLog(db, args.database);
  let server: BenchServer | null = null;
  let cleaningUp: Promise<void> | null = null;
  const cleanup = () =>
    (cleaningUp ??= (async () => {
      await server?.stop().catch(() => undefined);
      await slow.restore().catch((e: unknown) => log(`could not restore the slow-log settings: ${(e as Error).message}`));
    })());
  const onSignal = (signal: string) => {
    log(`${signal}: stopping the server and restoring MariaDB's settings`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));

  try {
    const seeded = await ensureBenchDatabase(db, args, log);
    const clinics = (await clinicsOf(db, args.database)).filter((c) => c.items > 0).sort((a, b) => a.items - b.items);
    const [end] = await rows<{ d: string }>(db, `SELECT CAST(MAX(purchased_on) AS CHAR) AS d FROM ${db.escapeId(args.database)}.purchases`);
    const dataEnd = end?.d ?? DEFAULT_END_DATE;
    const largest = clinics[clinics.length - 1]!;
    const median = clinics[Math.floor((clinics.length - 1) / 2)]!;
    const small = clinics[0]!;
    const range = defaultRange(largest.timezone, dataEnd);
    // The load's presets are computed from the same "today" the default view was (moved with it when the data ends earlier).
    const realToday = todayInZone(largest.timezone);
    const today = presetRange('last_month', realToday).from === range.from ? realToday : nextDay(range.to);
    log(
      `clinics: small ${small.id} (${small.items} items), median ${median.id} (${median.items}), largest ${largest.id} (${largest.items}); default view ${range.from} … ${range.to}`,
    );

    const dbPid = databasePid();
    // Before the spawn: the server's pooled sessions copy long_query_time and slow_query_log when they connect.
    await slow.arm();
    const cold = await coldStart(
      db,
      args.database,
      args.preAggregationsSchema,
      largest.id,
      pageQueries(DEFAULT_VIEW, range, '').main,
      args.items >= 5_000_000 ? 60 * 60_000 : 20 * 60_000,
      log,
    );
    server = cold.server;
    const infoResponse = await fetch(`${server.baseUrl}/cubejs-api/v1/info`, { signal: AbortSignal.timeout(10_000) });
    const info = (await infoResponse.json()) as { cubeVersion: string; mode: string };

    // Does `cache: "no-cache"` reach the database? Count the bench database's statements on the
    // pre-aggregation schema during one uncached and one cached request.
    const token = server.token({ clinic_id: largest.id, role: 'owner' });
    const mainQuery = pageQueries(DEFAULT_VIEW, range, '').main;
    await server.load(token, mainQuery);
    await slow.open();
    await server.load(token, mainQuery, { noCache: true });
    const uncachedWindow = await slow.close();
    await slow.open();
    await server.load(token, mainQuery);
    const cachedWindow = await slow.close();
    const noCacheCheck = `one uncached request ran ${uncachedWindow.statements} statement(s) in the bench database (${uncachedWindow.preAggregationMs.toFixed(1)} ms on the pre-aggregation schema); one cached request ran ${cachedWindow.statements} (refresh-key checks included, when one was due).`;
    log(noCacheCheck);

    const host = await connect();
    // The direct reads run as Cube's own sessions do: in the bench database, in UTC.
    const preDb = await connect(args.database);
    await preDb.query("SET time_zone = '+00:00'");
    const suites: ClinicSuite[] = [];
    try {
      const picks: [ClinicSuite['which'], ClinicInfo][] = [
        ['small', small],
        ['median', median],
        ['largest', largest],
      ];
      for (const [which, clinic] of picks)
        suites.push(await runSuite(server, host, preDb, args.database, which, clinic, range, args.runs, log, lastFullYear(dataEnd)));
    } finally {
      await host.end();
      await preDb.end();
    }

    const idle = args.minutes > 0 ? await idleCost(server, slow, dbPid, args.minutes, refreshEverySeconds) : null;
    if (idle)
      log(
        `idle ${idle.seconds.toFixed(0)} s: database ${idle.dbCpuSecondsPerMinute.toFixed(2)} CPU s/min, ${idle.slowLog.statements} statements ${idle.slowLog.totalMs.toFixed(0)} ms`,
      );
    const newPayment = await newPaymentCost(server, db, slow, dbPid, args.database, median.id, 180, log);

    const drillCodes = new Map(suites.map((x) => [x.clinic.id, x.drillCode]));
    const load: LoadFigures[] = [];
    const afterLoadMb: [number, number][] = [];
    for (const users of args.users) {
      log(`${users} concurrent users for ${args.loadSeconds} s`);
      const figures = await runLoad(server, clinics, users, args.loadSeconds, today, drillCodes);
      load.push(figures);
      afterLoadMb.push([users, server.sampleRss()]);
      log(
        `  ${figures.queriesPerSecond.toFixed(1)} queries/s, p50 ${figures.latency.median.toFixed(0)} ms, p95 ${figures.latency.p95.toFixed(0)} ms, p99 ${figures.latency.p99.toFixed(0)} ms, ${figures.errors} errors, ${figures.crossTenantRows} cross-tenant rows`,
      );
    }

    const peakMb = Math.max(...server.rss.map((x) => x.mb));
    const results: BenchResults = {
      args,
      argv,
      startedAt,
      totalSeconds: (performance.now() - started) / 1000,
      machine: {
        label: process.env.SCU_BENCH_LABEL ?? '',
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
        memoryGb: os.totalmem() / 2 ** 30,
        node: process.version,
        mariadb: (await rows<{ v: string }>(db, 'SELECT VERSION() AS v'))[0]!.v,
        cube: info.cubeVersion,
        cubeMode: info.mode,
        commit,
        dirty,
        modelDirty,
      },
      data: { reused: seeded.reused, seedSeconds: seeded.seedSeconds, rowsByTable: seeded.rowsByTable, clinics: seeded.clinics },
      defaultRange: range,
      refreshEverySeconds,
      coldStart: {
        firstDataMs: cold.firstDataMs,
        firstDataRows: cold.firstDataRows,
        firstDataAttempts: cold.firstDataAttempts,
        allPartitionsMs: cold.allPartitionsMs,
        upToDateLogMs: cold.upToDateLogMs,
        refreshPassSeconds: cold.refreshPassSeconds,
        tables: cold.tables,
      },
      noCacheCheck,
      suites,
      idle,
      newPayment,
      load,
      memory: { atReadyMb: cold.rssAtReadyMb, afterLoadMb, peakMb },
    };
    writeReport(args.out, results);
    log(`wrote the ${args.sizeLabel} section of ${args.out} (${(results.totalSeconds / 60).toFixed(1)} min)`);
    if (args.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await cleanup();
    await db.end();
  }
}

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError || String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
    if ((error as Error).message) process.stderr.write(`bench: ${(error as Error).message}\n\n`);
    process.stderr.write(USAGE);
    process.exitCode = 2;
  } else {
    process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
}
