/**
 * The test databases: the seeder's demo data (clinics 1..3, fixed seed) written to MariaDB and to
 * DuckDB, plus the extra datasets a test suite registers in test/support/datasets.ts.
 */
import fs from 'node:fs';
import mysql from 'mysql2/promise';
import { seedDuckDb, seedMysql } from '../../server/db/seed/index.js';
import { MYSQL } from './test-server.js';

/** The seeder options every test run uses: small, deterministic, every tricky case present. */
export const TEST_SEED = { scale: 1, seed: 20261127, clinics: 3, years: 1 } as const;

export interface PreparedDatabases {
  mysqlDatabase: string;
  duckdbPath: string;
  /** A copy of the DuckDB file taken before any server opened it: DuckDB locks an open file
   * against other processes, so tests compute their plain-SQL expectations on this copy. */
  duckdbReferencePath: string;
  drop(): Promise<void>;
}

type ExtraLoader = (target: 'mysql' | 'duckdb', location: string) => Promise<void>;

async function extraDatasets(): Promise<ExtraLoader | undefined> {
  const file = new URL('./datasets.ts', import.meta.url);
  if (!fs.existsSync(file)) return undefined;
  const mod = (await import(file.href)) as { loadExtraDatasets?: ExtraLoader };
  return mod.loadExtraDatasets;
}

/** Drops a test database and the pre-aggregation schema the test server writes beside it. */
async function dropMysqlDatabases(database: string): Promise<void> {
  const conn = await mysql.createConnection(MYSQL);
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await conn.query(`DROP DATABASE IF EXISTS \`${database}_pre_aggregations\``);
    await conn.query(`DROP DATABASE IF EXISTS \`${database}_pre_aggregations_changes\``);
  } finally {
    await conn.end();
  }
}

export async function prepareTestDatabases(options: { mysqlDatabase: string; duckdbPath: string }): Promise<PreparedDatabases> {
  const { mysqlDatabase, duckdbPath } = options;
  await dropMysqlDatabases(mysqlDatabase);
  await seedMysql({ ...MYSQL, database: mysqlDatabase }, { ...TEST_SEED });
  await seedDuckDb(duckdbPath, { ...TEST_SEED });
  const load = await extraDatasets();
  if (load) {
    await load('mysql', mysqlDatabase);
    await load('duckdb', duckdbPath);
  }
  const duckdbReferencePath = duckdbPath.replace(/\.duckdb$/, '') + '.reference.duckdb';
  fs.copyFileSync(duckdbPath, duckdbReferencePath);
  return {
    mysqlDatabase,
    duckdbPath,
    duckdbReferencePath,
    drop: () => dropMysqlDatabases(mysqlDatabase),
  };
}
