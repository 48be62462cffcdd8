/**
 * A pre-aggregation build never locks a host row (server/cube/patches/mysql-read-committed.ts).
 *
 * Cube builds a partition with `CREATE TABLE … AS SELECT` over the host tables, through its MySQL
 * driver's `loadPreAggregationIntoTable` (one `query`). In InnoDB's default REPEATABLE READ that read
 * takes shared locks: it waits behind a clinic's uncommitted write, and a host write waits behind it
 * (the CI bench once deadlocked this way). Both directions are checked here on MariaDB with the
 * driver as the server patches it; without the patch the first test's build waits for the lock and
 * the second test's host write finishes only after the build.
 */
import { createRequire } from 'node:module';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installMysqlPoolLeakFix } from '../../../server/cube/patches/mysql-pool-leak.js';
import { MYSQL } from '../../support/test-server.js';

const require = createRequire(import.meta.url);
interface Driver {
  query(sql: string, values: unknown[]): Promise<Record<string, unknown>[]>;
  loadPreAggregationIntoTable(table: string, sql: string, params: unknown[], options: object): Promise<unknown>;
  release(): Promise<void>;
}
const { MySqlDriver } = require('@cubejs-backend/mysql-driver') as { MySqlDriver: new (config: Record<string, unknown>) => Driver };

const DB = 'scu_test_host_row_locks';
const HOST = `\`${DB}\`.payment_applications`;
let driver: Driver;
let build = 0;

/** What the host application holds: a transaction that changed a row and has not committed yet. */
async function hostTransaction(): Promise<mysql.Connection> {
  const conn = await mysql.createConnection({ ...MYSQL, database: DB });
  await conn.query('SET SESSION innodb_lock_wait_timeout = 20');
  return conn;
}

/** A partition build as Cube runs it, into a table of its own; resolves to the rows it copied. */
async function buildPartition(select: string): Promise<number> {
  const table = `\`${DB}\`.partition_${++build}`;
  await driver.loadPreAggregationIntoTable(table, `CREATE TABLE ${table} AS ${select}`, [], {});
  const [row] = await driver.query(`SELECT COUNT(*) AS n FROM ${table}`, []);
  return Number(row!.n);
}

/** `work`, or a failure naming what it waited for when it has not finished in 15 s (it would wait 20 s). */
async function unblocked<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} waited for a row lock`)), 15_000);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Resolves once the build's statement is waiting at the gate (it has read the rows before row 40). */
async function waitForBuildAtGate(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [row] = await driver.query(
      `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE 'CREATE TABLE%scu_build_gate%' AND STATE LIKE '%lock%'`,
      [],
    );
    if (Number(row!.n) > 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the build never reached the gate');
}

beforeAll(async () => {
  installMysqlPoolLeakFix();
  const admin = await mysql.createConnection(MYSQL);
  await admin.query(`DROP DATABASE IF EXISTS \`${DB}\``);
  await admin.query(`CREATE DATABASE \`${DB}\``);
  // The host table's shape where it matters: a primary key and the secondary index a build reads by.
  await admin.query(
    `CREATE TABLE ${HOST} (id BIGINT PRIMARY KEY, purchase_item_id BIGINT NOT NULL, amount DECIMAL(12,2) NOT NULL,
       KEY by_item (purchase_item_id)) ENGINE=InnoDB`,
  );
  await admin.query(`INSERT INTO ${HOST} VALUES (1, 10, 5.00), (2, 20, 7.50), (3, 30, 12.34), (4, 40, 1.00)`);
  await admin.end();
  driver = new MySqlDriver({ ...MYSQL, database: DB, readOnly: false });
});

afterAll(async () => {
  await driver?.release();
  const admin = await mysql.createConnection(MYSQL);
  await admin.query(`DROP DATABASE IF EXISTS \`${DB}\``);
  await admin.end();
});

describe('a pre-aggregation build and the host application', () => {
  it("a build does not wait for a clinic's uncommitted write: it copies the committed rows", async () => {
    const clinic = await hostTransaction();
    try {
      await clinic.query('BEGIN');
      await clinic.query(`DELETE FROM ${HOST} WHERE id = 3`);
      await clinic.query(`UPDATE ${HOST} SET amount = 99 WHERE id = 2`);
      const copied = await unblocked(buildPartition(`SELECT id, amount FROM ${HOST}`), 'the build');
      // The snapshot of committed rows: the uncommitted delete is not in it.
      expect(copied).toBe(4);
      const [sum] = await driver.query(`SELECT SUM(amount) AS total FROM \`${DB}\`.partition_${build}`, []);
      expect(String(sum!.total)).toBe('25.84');
      await clinic.query('ROLLBACK');
    } finally {
      await clinic.end();
    }
  });

  it('a host write to a row the build has already read does not wait for the build', async () => {
    const clinic = await hostTransaction();
    // The build reads rows 10, 20 and 30, then stops at row 40 until this gate (a named lock) opens.
    const gate = await hostTransaction();
    await gate.query("SELECT GET_LOCK('scu_build_gate', 5)");
    try {
      const running = buildPartition(
        `SELECT id, amount, IF(purchase_item_id = 40, GET_LOCK('scu_build_gate', 20), 0) AS gate
           FROM ${HOST} FORCE INDEX (by_item) WHERE purchase_item_id > 0 ORDER BY purchase_item_id`,
      );
      await waitForBuildAtGate();
      // In REPEATABLE READ the build holds a shared lock on row 10 until it ends: the write would wait.
      await unblocked(clinic.query(`UPDATE ${HOST} SET amount = amount + 1 WHERE purchase_item_id = 10`), "the host's write");
      await gate.query("SELECT RELEASE_LOCK('scu_build_gate')");
      expect(await running).toBe(4);
    } finally {
      await gate.end();
      await clinic.end();
    }
  });
});
