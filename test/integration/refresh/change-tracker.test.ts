/**
 * The change tracker (server/refresh/change-tracker.ts) on real MariaDB and DuckDB databases of its own:
 * it bumps exactly the months of service that a change touches, nothing when nothing changed, every
 * month when a shown name changes, and its reconciliation catches what high-water marks cannot see
 * (a deleted item, a visit moved to another month, an application edited in place).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDuckDb, seedMysql } from '../../../server/db/seed/index.js';
import { ChangeTracker, CHANGE_LOG_TABLE, EVERY_MONTH, type RunSql } from '../../../server/refresh/change-tracker.js';
import { MYSQL } from '../../support/test-server.js';

const SEED = { scale: 0.05, seed: 11, clinics: 2, years: 1, endDate: '2026-06-30' } as const;
const DATABASE = 'scu_change_tracker_test';
const SCHEMA = `${DATABASE}_pre_aggregations`;
const NEW_ID = 9_000_000_000;

interface Target {
  name: string;
  run: RunSql;
  close(): Promise<void>;
}

async function mariadbTarget(): Promise<Target> {
  const admin = await mysql.createConnection(MYSQL);
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
  await admin.query(`DROP DATABASE IF EXISTS ${SCHEMA}`);
  await admin.end();
  await seedMysql({ ...MYSQL, database: DATABASE }, { ...SEED });
  const conn = await mysql.createConnection({ ...MYSQL, database: DATABASE, dateStrings: true, decimalNumbers: false });
  return {
    name: 'MariaDB',
    run: async (sql) => (await conn.query(sql))[0] as Record<string, unknown>[],
    close: async () => {
      await conn.end();
      const drop = await mysql.createConnection(MYSQL);
      await drop.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
      await drop.query(`DROP DATABASE IF EXISTS ${SCHEMA}`);
      await drop.end();
    },
  };
}

async function duckdbTarget(): Promise<Target> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scu-tracker-'));
  const file = path.join(dir, 'host.duckdb');
  await seedDuckDb(file, { ...SEED });
  const instance = await DuckDBInstance.create(file);
  const conn: DuckDBConnection = await instance.connect();
  return {
    name: 'DuckDB',
    run: async (sql) => (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[],
    close: async () => {
      conn.closeSync();
      instance.closeSync();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe.each([
  ['MariaDB', mariadbTarget],
  ['DuckDB', duckdbTarget],
])('%s: the change tracker', (_name, open) => {
  let target: Target;
  let tracker: ChangeTracker;
  let clock = Date.parse('2026-11-28T00:00:00Z');
  /** A counted visit in each of two different months, with an item each. */
  let visits: { id: number; clinic: number; month: string; item: number }[];

  const log = async () =>
    Object.fromEntries(
      (await target.run(`SELECT CAST(month_start AS CHAR) AS m, version FROM ${SCHEMA}.${CHANGE_LOG_TABLE}`)).map((r) => [
        String(r.m).slice(0, 10),
        Number(r.version),
      ]),
    );
  const pass = () => {
    clock += 10_000;
    return tracker.pass();
  };

  beforeAll(async () => {
    target = await open();
    tracker = new ChangeTracker({
      dialect: _name === 'MariaDB' ? 'mysql' : 'duckdb',
      schema: SCHEMA,
      unindexedEditsEverySeconds: 0,
      run: target.run,
      reconcileEverySeconds: 3600,
      now: () => clock,
    });
    await tracker.ensureTables();
    const rows = await target.run(
      `SELECT p.id, p.clinic_id, CAST(p.purchased_on AS CHAR) AS day, MIN(pi.id) AS item FROM purchases p
         JOIN purchase_items pi ON pi.purchase_id = p.id
        WHERE p.status != 'void' AND (p.purchased_on BETWEEN '2026-02-10' AND '2026-02-12' OR p.purchased_on BETWEEN '2026-04-10' AND '2026-04-12')
        GROUP BY p.id, p.clinic_id, p.purchased_on ORDER BY p.purchased_on, p.id`,
    );
    const first = rows[0]!;
    const last = rows[rows.length - 1]!;
    visits = [first, last].map((r) => ({
      id: Number(r.id),
      clinic: Number(r.clinic_id),
      month: `${String(r.day).slice(0, 7)}-01`,
      item: Number(r.item),
    }));
    expect(visits[0]!.month).toBe('2026-02-01');
    expect(visits[1]!.month).toBe('2026-04-01');
  }, 120_000);

  afterAll(async () => {
    await target?.close();
  });

  it('bumps every month on its first pass (nothing built before it can be trusted), then nothing while idle', async () => {
    const first = await pass();
    expect(first.months).toEqual(['*']);
    expect(first.reconciled).toBe(false); // its baseline comes one interval later
    expect(Object.keys(await log())).toEqual([EVERY_MONTH]);
    const idle = await pass();
    expect(idle).toMatchObject({ months: [], clinics: [] });
    const again = await pass();
    expect(again.months).toEqual([]);
  });

  it('a new insurance payment application bumps the month of its visit, and only that month', async () => {
    const before = await log();
    await target.run(`INSERT INTO payments (id, clinic_id, source, payor_id, received_on, posted_at, reference)
                      VALUES (${NEW_ID}, ${visits[0]!.clinic}, 'insurance', NULL, '2026-11-01', '2026-11-01 10:00:00', NULL)`);
    await target.run(`INSERT INTO payment_applications (id, clinic_id, payment_id, purchase_item_id, amount, applied_at)
                      VALUES (${NEW_ID}, ${visits[0]!.clinic}, ${NEW_ID}, ${visits[0]!.item}, 12.34, '2026-11-01 10:00:00')`);
    const result = await pass();
    expect(result.months).toEqual([visits[0]!.month]);
    expect(result.clinics).toEqual([visits[0]!.clinic]);
    const after = await log();
    expect(after[visits[0]!.month]).toBeGreaterThan(before[visits[0]!.month] ?? 0);
    expect(after[EVERY_MONTH]).toBe(before[EVERY_MONTH]);
    expect((await pass()).months).toEqual([]);
  });

  it('an application committed late, with an id below one already seen, is still found', async () => {
    await target.run(`INSERT INTO payment_applications (id, clinic_id, payment_id, purchase_item_id, amount, applied_at)
                      VALUES (${NEW_ID - 5}, ${visits[1]!.clinic}, ${NEW_ID}, ${visits[1]!.item}, 1.00, '2026-11-01 10:00:00')`);
    // Which row of the newest-id window is the late one cannot be told: every row of it is located again.
    expect((await pass()).months).toEqual([visits[0]!.month, visits[1]!.month]);
    expect((await pass()).months).toEqual([]);
  });

  it('an edited visit (updated_at moves) bumps its month', async () => {
    // The rows at the old mark are read again (>=: a row updated later in that same second was not seen).
    const atMark = await target.run(
      `SELECT DISTINCT CAST(purchased_on AS CHAR) AS day FROM purchases WHERE updated_at = (SELECT MAX(updated_at) FROM purchases)`,
    );
    const markMonths = atMark.map((r) => `${String(r.day).slice(0, 7)}-01`);
    const later = '2099-01-01 00:00:00';
    await target.run(`UPDATE purchases SET status = 'void', updated_at = '${later}' WHERE id = ${visits[1]!.id}`);
    expect((await pass()).months).toEqual([...new Set([visits[1]!.month, ...markMonths])].sort());
    // A second edit in the same second as the mark is still seen (the mark counts the rows at it).
    // (Every row at the mark is read again, so the first visit's month is bumped once more too.)
    await target.run(`UPDATE purchases SET status = 'finalized', updated_at = '${later}' WHERE id = ${visits[0]!.id}`);
    expect((await pass()).months).toEqual([visits[0]!.month, visits[1]!.month]);
  });

  it('keeps the range of months to build, widened by a visit dated past it', async () => {
    const range = async () =>
      Object.fromEntries(
        (await target.run(`SELECT name, value FROM ${SCHEMA}.scu_change_state WHERE name IN ('first_month', 'last_month')`)).map((r) => [
          r.name,
          r.value,
        ]),
      );
    expect(await range()).toEqual({ first_month: '2025-07-01', last_month: '2026-06-01' });
    await target.run(`INSERT INTO purchases (id, clinic_id, patient_id, patient_case_id, provider_id, payor_id, purchased_on, status, created_at, updated_at)
                      SELECT ${NEW_ID}, clinic_id, patient_id, NULL, provider_id, NULL, '2026-09-15', 'open', '2026-09-15 10:00:00', '2026-09-15 10:00:00' FROM purchases WHERE id = ${visits[0]!.id}`);
    expect((await pass()).months).toEqual(['2026-09-01']);
    expect(await range()).toEqual({ first_month: '2025-07-01', last_month: '2026-09-01' });
  });

  it('a renamed payor bumps every month', async () => {
    await target.run(`UPDATE payors SET name = CONCAT(name, ' (renamed)') WHERE id = (SELECT MIN(id) FROM payors)`);
    expect((await pass()).months).toEqual(['*']);
    expect((await pass()).months).toEqual([]);
  });

  it('reconciliation: a visit moved to another month bumps both months; a deleted application its month', async () => {
    clock += 3600_000;
    expect((await pass()).reconciled).toBe(true); // the baseline, with everything above in it
    // Moved without touching updated_at: invisible to the marks, seen by the next reconciliation.
    await target.run(`UPDATE purchases SET purchased_on = '2026-03-15' WHERE id = ${visits[0]!.id}`);
    expect((await pass()).months).toEqual([]);
    clock += 3600_000;
    const reconciled = await pass();
    expect(reconciled.reconciled).toBe(true);
    expect(reconciled.months).toEqual(['2026-02-01', '2026-03-01']);

    await target.run(`DELETE FROM payment_applications WHERE id = ${NEW_ID - 5}`);
    clock += 3600_000;
    // The marks see a row gone from the newest-id window (they locate the window again: the moved visit's
    // application, now in March), the reconciliation the month the deleted row counted in.
    expect((await pass()).months).toEqual(['2026-03-01', visits[1]!.month]);
  });

  /** A tracker like the server's on this target whose statements are recorded, each followed by `after`. */
  const observedTracker = (options: { unindexedEditsEverySeconds?: number; after?: () => Promise<void> }, statements: string[]) =>
    new ChangeTracker({
      dialect: _name === 'MariaDB' ? 'mysql' : 'duckdb',
      schema: SCHEMA,
      reconcileEverySeconds: 0,
      now: () => clock,
      unindexedEditsEverySeconds: options.unindexedEditsEverySeconds,
      run: async (sql) => {
        const rows = await target.run(sql);
        statements.push(sql);
        await options.after?.();
        return rows;
      },
    });

  it('keeps the build range and each month key readable between any two of its statements', async () => {
    // The server's other connections read these tables at any moment: every partition's build range
    // (first_month, last_month) and refresh key (its month's version), with the model's own SQL. Read
    // after each statement of passes that rewrite both, the range must always be there and a month's
    // version never go back (a build range read as empty made Cube read no partition but the current
    // month's, and answer queries with no rows).
    const model = (await import(new URL('../../../model/shared/sql.js', import.meta.url).href)) as {
      firstDateOfServiceSql(schema: string): string;
      lastDateOfServiceSql(schema: string): string;
      monthChangesSql(schema: string, monthPredicate: string): string;
    };
    const month = visits[1]!.month;
    const readers = `SELECT CAST((${model.firstDateOfServiceSql(SCHEMA)}) AS CHAR) AS first_day,
      CAST((${model.lastDateOfServiceSql(SCHEMA)}) AS CHAR) AS last_day,
      (${model.monthChangesSql(SCHEMA, `month_start = '${month}'`)}) AS version`;
    const seen: { statement: string; firstDay: unknown; lastDay: unknown; version: number }[] = [];
    const statements: string[] = [];
    const observed = observedTracker(
      {
        after: async () => {
          const [row] = await target.run(readers);
          seen.push({ statement: statements.at(-1)!, firstDay: row?.first_day, lastDay: row?.last_day, version: Number(row?.version) });
        },
      },
      statements,
    );
    // Two new applications of one item, one pass each: the marks and the month's version are rewritten twice.
    for (const id of [NEW_ID + 1, NEW_ID + 2]) {
      await target.run(`INSERT INTO payment_applications (id, clinic_id, payment_id, purchase_item_id, amount, applied_at)
                        VALUES (${id}, ${visits[1]!.clinic}, ${NEW_ID}, ${visits[1]!.item}, 2.00, '2026-11-02 10:00:00')`);
      clock += 10_000;
      expect((await observed.pass()).months).toContain(month);
    }
    expect(statements.some((sql) => sql.includes('scu_change_state') && /^\s*INSERT/i.test(sql))).toBe(true);
    expect(statements.some((sql) => sql.includes(CHANGE_LOG_TABLE) && /^\s*INSERT/i.test(sql))).toBe(true);
    for (const s of seen) {
      expect({ after: s.statement, firstDay: s.firstDay ?? null }).toEqual({ after: s.statement, firstDay: '2025-07-01' });
      expect({ after: s.statement, lastDay: s.lastDay ?? null }).toEqual({ after: s.statement, lastDay: '2026-09-30' });
    }
    for (let i = 1; i < seen.length; i++) {
      expect({ after: seen[i]!.statement, version: seen[i]!.version >= seen[i - 1]!.version }).toEqual({
        after: seen[i]!.statement,
        version: true,
      });
    }
    expect(seen.at(-1)!.version).toBeGreaterThan(seen[0]!.version);
  });

  it('writes nothing while idle, also on the passes that read updated_at (no index on it)', async () => {
    const statements: string[] = [];
    // Without the index (this MariaDB database has none) updated_at is read every 300 s only.
    const observed = observedTracker({ unindexedEditsEverySeconds: 300 }, statements);
    await observed.pass(); // a new tracker saves its marks once
    statements.length = 0;
    for (let i = 0; i < 8; i++) {
      clock += 100_000;
      expect((await observed.pass()).months).toEqual([]);
    }
    expect(statements.filter((sql) => /^\s*(INSERT|DELETE|UPDATE)\b/i.test(sql))).toEqual([]);
  });

  it('a restarted tracker resumes from the saved marks (no bump while nothing changed)', async () => {
    const restarted = new ChangeTracker({
      dialect: _name === 'MariaDB' ? 'mysql' : 'duckdb',
      schema: SCHEMA,
      run: target.run,
      reconcileEverySeconds: 3600,
      now: () => clock,
    });
    expect((await restarted.pass()).months).toEqual([]);
  });
});
