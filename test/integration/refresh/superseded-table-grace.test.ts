/**
 * A refresh worker (SCU_ROLE=refresh) that rebuilds a partition keeps the table it replaced for a
 * while: an `api` instance that listed the tables a moment before (it re-lists every refresh interval,
 * server/app.ts) may still read it. Cube drops a replaced table only when it is not marked "used"; a
 * worker serves no query, but each of its refresh passes loads every current partition, which marks it
 * used for Cube's used-table time (CUBEJS_DB_QUERY_TIMEOUT, 10 minutes by default; the mark is renewed
 * every half of it). Here the worker runs with 6 s, and the test waits past that before the rebuild, so
 * the table survives only if the passes keep marking the current tables (not merely because it was
 * built a moment ago, which Cube marks too).
 *
 * The worker runs on the integration run's MariaDB database with a pre-aggregations schema of its own
 * (so the shared server's tables are untouched); a month is marked changed in that worker's own change
 * log, which moves the month's refresh key and makes the worker rebuild its partitions, without writing
 * a row of the host tables other tests read.
 */
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningApp } from '../../../server/app.js';
import { MYSQL, startTestServer } from '../../support/test-server.js';

const ROLLUP = 'counted_items_usage_by_day';
/** Cube's used-table time for this worker (its CUBEJS_DB_QUERY_TIMEOUT, read when its orchestrator starts). */
const USED_TABLE_SECONDS = 6;
const pastUsedTableTime = () => new Promise((r) => setTimeout(r, (USED_TABLE_SECONDS + 1.5) * 1000));

describe('a refresh worker rebuilding a partition', () => {
  const database = inject('mysqlDatabase');
  const schema = `${database}_grace`;
  let worker: RunningApp;
  let db: mysql.Connection;

  const tables = async (): Promise<string[]> => {
    const [rows] = await db.query<mysql.RowDataPacket[]>(
      'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name',
      [schema],
    );
    return rows.map((r) => String(r.name));
  };

  const previousTimeout = process.env.CUBEJS_DB_QUERY_TIMEOUT;
  beforeAll(async () => {
    db = await mysql.createConnection(MYSQL);
    // This test file's process only (Vitest runs each file in a worker of its own).
    process.env.CUBEJS_DB_QUERY_TIMEOUT = `${USED_TABLE_SECONDS}s`;
    worker = await startTestServer({ type: 'mysql', database, preAggregationsSchema: schema }, { SCU_ROLE: 'refresh' });
    await worker.refreshRollups();
  }, 180_000);

  afterAll(async () => {
    await worker?.close();
    if (previousTimeout === undefined) delete process.env.CUBEJS_DB_QUERY_TIMEOUT;
    else process.env.CUBEJS_DB_QUERY_TIMEOUT = previousTimeout;
    await db.query(`DROP DATABASE IF EXISTS \`${schema}\``);
    await db.query(`DROP DATABASE IF EXISTS \`${schema}_changes\``);
    await db.end();
  });

  const partitionsOf = (tables: string[], month: string) => tables.filter((t) => t.startsWith(`${ROLLUP}${month}_`));
  /** Moves the month's refresh key in this worker's own change log. */
  const markChanged = (month: string) =>
    db.query(
      `INSERT INTO \`${schema}_changes\`.scu_change_log (month_start, version, changed_at) VALUES (?, ?, UTC_TIMESTAMP())
         ON DUPLICATE KEY UPDATE version = VALUES(version), changed_at = VALUES(changed_at)`,
      [`${month.slice(0, 4)}-${month.slice(4, 6)}-01`, Date.now() * 1000],
    );

  it('keeps the table it replaced, and only that month is rebuilt', async () => {
    await pastUsedTableTime();
    const before = await tables();
    const months = [...new Set(before.filter((t) => t.startsWith(ROLLUP)).map((t) => t.slice(ROLLUP.length, ROLLUP.length + 8)))].sort();
    expect(months.length).toBeGreaterThan(1);
    const month = months[months.length - 1]!;
    const old = partitionsOf(before, month);
    expect(old).toHaveLength(1);

    await markChanged(month);
    await expect.poll(async () => partitionsOf(await tables(), month).length, { timeout: 60_000, interval: 250 }).toBe(2);
    const after = await tables();
    expect(after, 'the replaced table was dropped at once').toContain(old[0]);
    // Every other month's tables are the very same ones.
    const added = after.filter((t) => !before.includes(t));
    for (const table of added) expect(table, 'a table of another month was rebuilt').toContain(month);
    expect(
      before.filter((t) => !after.includes(t)),
      'a table was dropped',
    ).toEqual([]);
  }, 120_000);
});
