/**
 * Integration global setup: seeds the demo data (plus any extra datasets of test/support/datasets.ts)
 * into a MariaDB database and a DuckDB file, starts one real server on each, and provides their
 * URLs to the tests. Everything is torn down at the end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import type { RunningApp } from '../../server/app.js';
import { prepareTestDatabases, type PreparedDatabases } from '../support/test-databases.js';
import { TEST_API_SECRET, startTestServer } from '../support/test-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mysqlUrl: string;
    duckdbUrl: string;
    apiSecret: string;
    mysqlDatabase: string;
    duckdbPath: string;
    /** Copy of the DuckDB test file for plain-SQL expectations (the server holds the original's lock). */
    duckdbReferencePath: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scu-it-'));
  let databases: PreparedDatabases | undefined;
  const apps: RunningApp[] = [];
  try {
    databases = await prepareTestDatabases({
      // Per-run name: several runs (developers, CI) may share one MariaDB.
      mysqlDatabase: `scu_it_${process.pid}`,
      duckdbPath: path.join(dir, 'it.duckdb'),
    });
    const mysqlApp = await startTestServer({ type: 'mysql', database: databases.mysqlDatabase });
    apps.push(mysqlApp);
    const duckApp = await startTestServer({ type: 'duckdb', path: databases.duckdbPath });
    apps.push(duckApp);
    project.provide('mysqlUrl', mysqlApp.url);
    project.provide('duckdbUrl', duckApp.url);
    project.provide('apiSecret', TEST_API_SECRET);
    project.provide('mysqlDatabase', databases.mysqlDatabase);
    project.provide('duckdbPath', databases.duckdbPath);
    project.provide('duckdbReferencePath', databases.duckdbReferencePath);
  } catch (e) {
    await Promise.all(apps.map((a) => a.close()));
    throw e;
  }
  return async () => {
    await Promise.all(apps.map((a) => a.close()));
    await databases?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
