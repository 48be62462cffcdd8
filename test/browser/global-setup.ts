/**
 * Browser global setup: builds the dashboard when its sources are newer than dist/dashboard, seeds the
 * test databases (test/support/test-databases.ts, plus a small clinic of hostile names for the CSV
 * test), starts the real server on MariaDB and one headless Chromium, and provides their addresses.
 * Everything is torn down at the end.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { chromium, type BrowserServer } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import type { RunningApp } from '../../server/app.js';
import { PROJECT_ROOT } from '../../server/config.js';
import { prepareTestDatabases, type PreparedDatabases } from '../support/test-databases.js';
import { MYSQL, TEST_API_SECRET, startTestServer } from '../support/test-server.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, HOSTILE_CLINIC_ROWS } from './fixtures.js';
import { startPortalServer, type PortalServer } from './portal-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dashboardUrl: string;
    browserWsEndpoint: string;
    apiSecret: string;
    browserDatabase: string;
    /** The embedding tests' portal (portal-server.ts): allowed by the API, and an origin it does not allow. */
    portalOrigin: string;
    strangerOrigin: string;
  }
}

const DASHBOARD_SOURCES = path.join(PROJECT_ROOT, 'dashboard');
const DASHBOARD_BUILD = path.join(PROJECT_ROOT, 'dist/dashboard/index.html');
const EMBED_BUILD = path.join(PROJECT_ROOT, 'dist/embed/widgets.js');
const EXPLORE_BUILD = path.join(PROJECT_ROOT, 'dist/explore/explore.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** The report page, the explorer and the embedding script, each built again when a dashboard source is newer. */
function buildDashboardIfStale(): void {
  const sources = newestMtime(DASHBOARD_SOURCES);
  for (const [built, config] of [
    [DASHBOARD_BUILD, 'dashboard/vite.config.ts'],
    [EXPLORE_BUILD, 'dashboard/vite.explore.config.ts'],
    [EMBED_BUILD, 'dashboard/vite.embed.config.ts'],
  ] as const) {
    if ((fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0) > sources) continue;
    // In its own process with NODE_ENV=production: inside Vitest NODE_ENV is 'test', and Vite would
    // then keep the libraries' development code (ECharts' dev-only checks among it) in the bundle.
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

async function insertHostileClinic(database: string): Promise<void> {
  const conn = await mysql.createConnection({ ...MYSQL, database });
  try {
    for (const [table, rows] of Object.entries(HOSTILE_CLINIC_ROWS)) {
      for (const row of rows) {
        const columns = Object.keys(row);
        await conn.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (?)`, [columns.map((c) => row[c])]);
      }
    }
  } finally {
    await conn.end();
  }
}

export default async function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scu-browser-'));
  let databases: PreparedDatabases | undefined;
  let app: RunningApp | undefined;
  let browser: BrowserServer | undefined;
  let portal: PortalServer | undefined;
  const teardown = async () => {
    await browser?.close();
    await portal?.close();
    await app?.close();
    await databases?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    buildDashboardIfStale();
    // SCU_TEST_BROWSER_DB: a name of its own, so that two runs on one MariaDB do not share a database.
    databases = await prepareTestDatabases({
      mysqlDatabase: process.env.SCU_TEST_BROWSER_DB ?? 'scu_browser',
      duckdbPath: path.join(dir, 'browser.duckdb'),
    });
    await insertHostileClinic(databases.mysqlDatabase);
    portal = await startPortalServer();
    app = await startTestServer({ type: 'mysql', database: databases.mysqlDatabase }, { SCU_ALLOWED_ORIGINS: portal.origin });
    browser = await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    fs.mkdirSync(path.join(PROJECT_ROOT, 'test-artifacts'), { recursive: true });
    project.provide('dashboardUrl', app.url);
    project.provide('browserWsEndpoint', browser.wsEndpoint());
    project.provide('apiSecret', TEST_API_SECRET);
    project.provide('browserDatabase', databases.mysqlDatabase);
    project.provide('portalOrigin', portal.origin);
    project.provide('strangerOrigin', portal.strangerOrigin);
  } catch (e) {
    await teardown();
    throw e;
  }
  return teardown;
}
