/**
 * The dashboard's budgets, measured (issue 5; reported in docs/dashboard.md and the README, not
 * asserted by tests):
 *   - the report page's JavaScript, gzipped: every script the page loads, as Chromium received it;
 *   - time to first data on screen: navigation start to the first row of the report table, in headless
 *     Chromium against the real server on localhost, each run in a fresh browser context (no HTTP
 *     cache), medians over several runs;
 *   - the explorer page (issue 11, docs/explorer.md): its JavaScript and its first row of a query, the same way;
 *   - the embedding script (issue 10, docs/embedding.md): what a portal page of another origin loads for
 *     a `<scu-figure>`, a `<scu-report>` and a `<scu-explorer>` (every script from /embed/, gzipped), and
 *     the time from navigation start to the widget's `scu-loaded` event, the same way.
 *
 *   node --import tsx scripts/bench/measure-dashboard.ts [--runs 7] [--db mysql|duckdb] [--no-build] [--json]
 *
 * It builds the dashboard (NODE_ENV=production), seeds the demo data (scale 1) into a scratch MariaDB
 * database `scu_measure` (127.0.0.1:3306, root) or a temporary DuckDB file, starts the server with
 * createApp, measures, and removes everything it made.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import mysql from 'mysql2/promise';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp, type RunningApp } from '../../server/app.js';
import { PROJECT_ROOT, readConfig } from '../../server/config.js';
import { DEFAULT_END_DATE, seedDuckDb, seedMysql } from '../../server/db/seed/index.js';
import { mintToken } from '../../server/security/tokens.js';
import { portalPageUrl, startPortalServer, type PortalServer } from '../../test/browser/portal-server.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    db: { type: 'string', default: 'mysql' },
    'no-build': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const RUNS = Number(args.runs);
const SECRET = 'measure-dashboard-secret-0123456789abcdef';
const MYSQL = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };
const DATABASE = 'scu_measure';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const log = (line: string) => process.stderr.write(`${line}\n`);

function isoMonthsBefore(date: string, months: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - months + 1, 1)).toISOString().slice(0, 10);
}

/** Two views of the seeded data: its last month, and its last twelve months. */
const SCENARIOS = [
  { name: 'last month of data', search: `?from=${isoMonthsBefore(DEFAULT_END_DATE, 1)}&to=${DEFAULT_END_DATE}` },
  { name: 'last 12 months of data', search: `?from=${isoMonthsBefore(DEFAULT_END_DATE, 12)}&to=${DEFAULT_END_DATE}` },
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function startServer(dir: string, portalOrigin: string): Promise<{ app: RunningApp; cleanup: () => Promise<void> }> {
  const seed = { scale: 1, seed: 20240101 };
  if (args.db === 'duckdb') {
    const file = path.join(dir, 'measure.duckdb');
    await seedDuckDb(file, seed);
    const config = readConfig({
      ...process.env,
      PORT: '0',
      CUBEJS_API_SECRET: SECRET,
      CUBEJS_DB_TYPE: 'duckdb',
      CUBEJS_DB_DUCKDB_DATABASE_PATH: file,
      SCU_ALLOWED_ORIGINS: portalOrigin,
    });
    return { app: await createApp(config, SECRET), cleanup: async () => {} };
  }
  const admin = await mysql.createConnection(MYSQL);
  const drop = async () => {
    await admin.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
    await admin.query(`DROP DATABASE IF EXISTS \`${DATABASE}_pre_aggregations\``);
    await admin.query(`DROP DATABASE IF EXISTS \`${DATABASE}_pre_aggregations_changes\``);
  };
  await drop();
  await seedMysql({ ...MYSQL, database: DATABASE }, seed);
  const config = readConfig({
    ...process.env,
    PORT: '0',
    CUBEJS_API_SECRET: SECRET,
    CUBEJS_DB_TYPE: 'mysql',
    CUBEJS_DB_HOST: MYSQL.host,
    CUBEJS_DB_PORT: String(MYSQL.port),
    CUBEJS_DB_USER: MYSQL.user,
    CUBEJS_DB_PASS: MYSQL.password,
    CUBEJS_DB_NAME: DATABASE,
    CUBEJS_PRE_AGGREGATIONS_SCHEMA: `${DATABASE}_pre_aggregations`,
    SCU_ALLOWED_ORIGINS: portalOrigin,
  });
  return {
    app: await createApp(config, SECRET),
    cleanup: async () => {
      await drop();
      await admin.end();
    },
  };
}

interface Run {
  firstDataMs: number;
  jsBytes: number;
  jsGzipBytes: number;
  scripts: number;
}

/** Records the bodies of the scripts a page loads (those `include` keeps); `run` sums them with a first-data time. */
function recordScripts(page: Page, include: (url: string) => boolean = () => true) {
  const scripts: Promise<Buffer>[] = [];
  page.on('response', (response) => {
    if (response.request().resourceType() === 'script' && include(response.url())) scripts.push(response.body());
  });
  return async (firstDataMs: number): Promise<Run> => {
    const bodies = await Promise.all(scripts);
    return {
      firstDataMs,
      jsBytes: bodies.reduce((sum, b) => sum + b.length, 0),
      // zlib's default level (6), what a server's compression typically sends: stricter than -9.
      jsGzipBytes: bodies.reduce((sum, b) => sum + zlib.gzipSync(b).length, 0),
      scripts: bodies.length,
    };
  };
}

async function measureOnce(browser: Browser, url: string, firstRow = 'table.report-table tbody tr td'): Promise<Run> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // Records when the first row of the report table is in the document (timed from navigation start).
  await page.addInitScript((selector) => {
    const w = window as unknown as { __firstData?: number };
    const observer = new MutationObserver(() => {
      if (w.__firstData === undefined && document.querySelector(selector)) {
        w.__firstData = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document, { childList: true, subtree: true });
  }, firstRow);
  const run = recordScripts(page);
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { __firstData?: number }).__firstData !== undefined, undefined, {
    timeout: 60_000,
  });
  const firstDataMs = await page.evaluate(() => (window as unknown as { __firstData: number }).__firstData);
  // Let the charts load too, so that any script they would pull in is counted.
  await page.waitForFunction(() => !document.querySelector('.chart-card[aria-busy]'), undefined, { timeout: 60_000 });
  const result = await run(firstDataMs);
  await context.close();
  return result;
}

/** A portal page with one widget (`{access}` in it stands for its api-url and token attributes): the
 * scripts it loads from /embed/ and the time from navigation start to its `scu-loaded`. */
async function measureWidget(browser: Browser, portal: PortalServer, api: string, token: string, widget: string): Promise<Run> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const run = recordScripts(page, (url) => url.includes('/embed/'));
  const html = `<!doctype html><html><head><meta charset="utf-8">
    <script>document.addEventListener('scu-loaded', () => { window.__firstData ??= performance.now(); });</script>
    <script type="module" src="${api}/embed/widgets.js"></script></head>
    <body>${widget.replace('{access}', `api-url="${api}/cubejs-api/v1" token="${token}"`)}</body></html>`;
  await page.goto(portalPageUrl(portal.origin, html));
  await page.waitForFunction(() => (window as unknown as { __firstData?: number }).__firstData !== undefined, undefined, {
    timeout: 60_000,
  });
  const firstDataMs = await page.evaluate(() => (window as unknown as { __firstData: number }).__firstData);
  const result = await run(firstDataMs);
  await context.close();
  return result;
}

async function main(): Promise<void> {
  if (!args['no-build']) {
    log('Building the dashboard (NODE_ENV=production)…');
    execFileSync(
      process.execPath,
      [path.join(PROJECT_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'dashboard/vite.config.ts', '--logLevel', 'warn'],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, NODE_ENV: 'production' },
        stdio: 'inherit',
      },
    );
    for (const config of ['dashboard/vite.explore.config.ts', 'dashboard/vite.embed.config.ts']) {
      execFileSync(
        process.execPath,
        [path.join(PROJECT_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', config, '--logLevel', 'warn'],
        {
          cwd: PROJECT_ROOT,
          env: { ...process.env, NODE_ENV: 'production' },
          stdio: 'inherit',
        },
      );
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scu-measure-'));
  log(`Seeding the demo data (${args.db}) and starting the server…`);
  const portal = await startPortalServer();
  const { app, cleanup } = await startServer(dir, portal.origin);
  const browser = await chromium.launch({ executablePath: process.env.SCU_CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const token = mintToken(SECRET, { clinic_id: 1, role: 'owner' }, 3600);
  const results: { scenario: string; coldMs: number; runsMs: number[]; medianMs: number }[] = [];
  let js: Run | undefined;
  const widgets: { name: string; first: Run; medianMs: number }[] = [];
  let explorer: { first: Run; medianMs: number } | undefined;
  try {
    for (const scenario of SCENARIOS) {
      const url = `${app.url}/${scenario.search}#token=${token}`;
      // The first load also fills the server's caches (and builds any rollup): reported on its own.
      const cold = await measureOnce(browser, url);
      js ??= cold;
      const runs: number[] = [];
      for (let i = 0; i < RUNS; i++) runs.push((await measureOnce(browser, url)).firstDataMs);
      results.push({ scenario: scenario.name, coldMs: cold.firstDataMs, runsMs: runs, medianMs: median(runs) });
      log(`${scenario.name}: cold ${cold.firstDataMs.toFixed(0)} ms, median of ${RUNS} ${median(runs).toFixed(0)} ms`);
    }
    // The explorer (docs/explorer.md): a provider × month query over the last 12 months of data.
    const exploreQuery = {
      measures: ['service_code_usage.total_billed', 'service_code_usage.units_billed'],
      dimensions: ['service_code_usage.provider_name'],
      timeDimensions: [
        {
          dimension: 'service_code_usage.date_of_service',
          granularity: 'month',
          dateRange: [isoMonthsBefore(DEFAULT_END_DATE, 12), DEFAULT_END_DATE],
        },
      ],
      limit: 1000,
    };
    const exploreUrl = `${app.url}/explore?query=${encodeURIComponent(JSON.stringify(exploreQuery))}#token=${token}`;
    const exploreCold = await measureOnce(browser, exploreUrl, 'table.explore-table tbody tr td');
    const exploreRuns: number[] = [];
    for (let i = 0; i < RUNS; i++)
      exploreRuns.push((await measureOnce(browser, exploreUrl, 'table.explore-table tbody tr td')).firstDataMs);
    explorer = { first: exploreCold, medianMs: median(exploreRuns) };
    log(`explorer: ${(exploreCold.jsGzipBytes / 1000).toFixed(1)} kB gzipped, median first data ${median(exploreRuns).toFixed(0)} ms`);
    const last = SCENARIOS[0]!.search.slice(1);
    const filters = JSON.stringify(Object.fromEntries(new URLSearchParams(last)));
    for (const [name, widget] of [
      ['<scu-figure measure="units_billed">', `<scu-figure {access} measure="units_billed" filters='${filters}'></scu-figure>`],
      ['<scu-report>', `<scu-report {access} filters='${filters}'></scu-report>`],
      ['<scu-explorer>', `<scu-explorer {access} query='${JSON.stringify(exploreQuery)}'></scu-explorer>`],
    ] as const) {
      const first = await measureWidget(browser, portal, app.url, token, widget);
      const runs: number[] = [];
      for (let i = 0; i < RUNS; i++) runs.push((await measureWidget(browser, portal, app.url, token, widget)).firstDataMs);
      widgets.push({ name, first, medianMs: median(runs) });
      log(
        `${name}: ${first.scripts} scripts ${(first.jsGzipBytes / 1000).toFixed(1)} kB gzipped, median first data ${median(runs).toFixed(0)} ms`,
      );
    }
  } finally {
    await portal.close();
    await browser.close();
    await app.close();
    await cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // kB = 1000 bytes, as Vite reports sizes (the stricter reading of the budget).
  const kb = (bytes: number) => (bytes / 1000).toFixed(1);
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ db: args.db, js, results, explorer, widgets }, null, 2)}\n`);
    return;
  }
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} with \`node --import tsx scripts/bench/measure-dashboard.ts --db ${args.db}\` (${os.cpus().length} CPUs, headless Chromium, server on localhost, demo data scale 1):`,
    '',
    '| budget | limit | measured |',
    '|---|---|---|',
    `| report page JavaScript, gzipped (${js!.scripts} script${js!.scripts === 1 ? '' : 's'}, all the page loads; ${kb(js!.jsBytes)} kB uncompressed) | < 250 kB | ${kb(js!.jsGzipBytes)} kB |`,
    ...results.map(
      (r) =>
        `| time to first data on screen, ${r.scenario} (median of ${RUNS}; first, cold-cache load ${r.coldMs.toFixed(0)} ms) | < 1.5 s | ${(r.medianMs / 1000).toFixed(2)} s |`,
    ),
    `| explorer page JavaScript, gzipped (${explorer!.first.scripts} script${explorer!.first.scripts === 1 ? '' : 's'}; ${kb(explorer!.first.jsBytes)} kB uncompressed) | < 300 kB | ${kb(explorer!.first.jsGzipBytes)} kB |`,
    `| explorer: time to first data, provider × month over the last 12 months of data (median of ${RUNS}; first load ${explorer!.first.firstDataMs.toFixed(0)} ms) | < 1.5 s | ${(explorer!.medianMs / 1000).toFixed(2)} s |`,
    ...widgets.flatMap((w) => [
      `| embedding scripts a portal loads for \`${w.name}\`, gzipped (${w.first.scripts} scripts from /embed/, ${kb(w.first.jsBytes)} kB uncompressed) | ${w.name.startsWith('<scu-figure') ? '< 150 kB (the first script)' : 'none set (loaded on first use)'} | ${kb(w.first.jsGzipBytes)} kB |`,
      `| \`${w.name}\` in a portal page of another origin: time to first data (\`scu-loaded\`), ${w.name === '<scu-explorer>' ? 'the provider × month query above' : 'last month of data'} (median of ${RUNS}; first load ${w.first.firstDataMs.toFixed(0)} ms) | < 1.5 s | ${(w.medianMs / 1000).toFixed(2)} s |`,
    ]),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
