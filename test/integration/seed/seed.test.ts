// Seeds the same options into a fresh MariaDB database and a fresh DuckDB file, and checks with plain
// SQL that both hold the same rows as the in-memory generator, with every tricky case present.
// Self-contained: its own database (scu_seedtest_*) and temp file, whatever the global setup does.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateHostRows,
  HOST_TABLES,
  parseCents,
  seedDuckDb,
  seedMysql,
  type HostTable,
  type SeedSummary,
} from '../../../server/db/seed/index.js';
import { wholeDatabaseFigures } from '../../support/reference-sql.js';
import { duckdbRows, mysqlRows, type Row } from '../../support/sql.js';
import { MYSQL } from '../../support/test-server.js';

const SEED = { scale: 0.1, seed: 424242, clinics: 3 } as const;
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const database = `scu_seedtest_${process.pid}`;
const cliDatabase = `scu_seedtest_cli_${process.pid}`;

let dir: string;
let duckPath: string;
let mysqlSummary: SeedSummary;
let duckSummary: SeedSummary;

/** What the generator itself says, computed in memory: the independent expectation. */
const expected = {
  rows: Object.fromEntries(HOST_TABLES.map((t) => [t, 0])) as Record<HostTable, number>,
  idSum: Object.fromEntries(HOST_TABLES.map((t) => [t, 0])) as Record<HostTable, number>,
  billedCents: 0,
  unitFeeCents: 0,
  units: 0,
  appliedCents: 0,
  countedBilledCents: 0,
  countedInsuranceCents: 0,
};

async function dropDatabases(): Promise<void> {
  const admin = await mysql.createConnection(MYSQL);
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.query(`DROP DATABASE IF EXISTS \`${cliDatabase}\``);
  } finally {
    await admin.end();
  }
}

/** Numbers as canonical text (MySQL gives numbers or decimal strings, DuckDB bigints as strings). */
function canonical(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value);
  return /^-?\d+\.\d+$/.test(text) ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

function canonicalRow(row: Row | undefined): Record<string, string | null> {
  return Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, canonical(v)]));
}

/** Runs one query on both targets; returns both first rows in canonical form. */
async function onBoth(sql: string): Promise<[Record<string, string | null>, Record<string, string | null>]> {
  const [m] = await mysqlRows(database, sql);
  const [d] = await duckdbRows(duckPath, sql);
  return [canonicalRow(m), canonicalRow(d)];
}

/** Runs a `SELECT … AS n` on both; expects the same n on both and returns it. */
async function countOnBoth(sql: string): Promise<number> {
  const [m, d] = await onBoth(sql);
  expect(m.n, sql).toBe(d.n);
  return Number(m.n);
}

const cents = (money: string | null | undefined): number => (money == null ? 0 : parseCents(money));

beforeAll(async () => {
  const itemsStatus = new Map<number, string>();
  const purchaseStatus = new Map<number, string>();
  const itemPurchase = new Map<number, number>();
  const paymentSource = new Map<number, string>();
  for (const { table, row } of generateHostRows(SEED)) {
    expected.rows[table]++;
    expected.idSum[table] += row.id;
    if (table === 'purchases') purchaseStatus.set(row.id, row.status);
    if (table === 'purchase_items') {
      expected.billedCents += parseCents(row.billed_amount);
      expected.unitFeeCents += parseCents(row.unit_fee);
      expected.units += row.units;
      itemPurchase.set(row.id, row.purchase_id);
      itemsStatus.set(row.id, purchaseStatus.get(row.purchase_id)!);
      if (purchaseStatus.get(row.purchase_id) !== 'void') expected.countedBilledCents += parseCents(row.billed_amount);
    }
    if (table === 'payments') paymentSource.set(row.id, row.source);
    if (table === 'payment_applications') {
      expected.appliedCents += parseCents(row.amount);
      if (paymentSource.get(row.payment_id) === 'insurance' && itemsStatus.get(row.purchase_item_id) !== 'void') {
        expected.countedInsuranceCents += parseCents(row.amount);
      }
    }
  }

  dir = mkdtempSync(join(tmpdir(), 'scu-seedtest-'));
  duckPath = join(dir, 'seed.duckdb');
  await dropDatabases();
  // A batch size that divides nothing: rows must not depend on how they are batched.
  mysqlSummary = await seedMysql({ ...MYSQL, database }, { ...SEED, batchRows: 777 });
  duckSummary = await seedDuckDb(duckPath, SEED);
}, 120_000);

afterAll(async () => {
  await dropDatabases();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('seeding MariaDB and DuckDB with the same options', () => {
  it('reports the generator’s row counts from both writers', () => {
    expect(mysqlSummary.rows).toEqual(expected.rows);
    expect(duckSummary.rows).toEqual(expected.rows);
    expect(expected.rows.purchase_items).toBeGreaterThan(3000);
  });

  it('stores the same number of rows and the same ids per table on both', async () => {
    for (const table of HOST_TABLES) {
      const [m, d] = await onBoth(`SELECT COUNT(*) AS n, SUM(id) AS ids FROM ${table}`);
      expect(m, table).toEqual(d);
      expect(m, table).toEqual({ n: String(expected.rows[table]), ids: String(expected.idSum[table]) });
    }
  });

  it('gives every DuckDB table its primary key (added after the bulk load)', async () => {
    const rows = await duckdbRows(
      duckPath,
      "SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' ORDER BY table_name",
    );
    expect(rows.map((r) => r.table_name)).toEqual([...HOST_TABLES].sort());
  });

  it('stores the same amounts on both, to the cent', async () => {
    const [mItems, dItems] = await onBoth(
      'SELECT SUM(billed_amount) AS billed, SUM(unit_fee) AS fees, SUM(units) AS units FROM purchase_items',
    );
    expect(mItems).toEqual(dItems);
    expect(cents(mItems.billed)).toBe(expected.billedCents);
    expect(cents(mItems.fees)).toBe(expected.unitFeeCents);
    expect(Number(mItems.units)).toBe(expected.units);
    const [mApplied, dApplied] = await onBoth('SELECT SUM(amount) AS amount FROM payment_applications');
    expect(mApplied).toEqual(dApplied);
    expect(cents(mApplied.amount)).toBe(expected.appliedCents);
    const [mFees, dFees] = await onBoth('SELECT SUM(default_fee) AS fees, COUNT(default_fee) AS n FROM service_codes');
    expect(mFees).toEqual(dFees);
  });

  it('gives the same report totals on both (void excluded, insurance applications only)', async () => {
    // Every clinic's counted items at once, from the plain-SQL oracle (test/support/reference-sql.ts).
    const [m, d] = await Promise.all([
      wholeDatabaseFigures({ dialect: 'mysql', location: database }),
      wholeDatabaseFigures({ dialect: 'duckdb', location: duckPath }),
    ]);
    expect(m).toEqual(d);
    expect(cents(m?.total_billed)).toBe(expected.countedBilledCents);
    expect(cents(m?.insurance_paid)).toBe(expected.countedInsuranceCents);
  });

  it('stores dates and datetimes identically (min / max per column)', async () => {
    const [m, d] = await onBoth(
      `SELECT MIN(purchased_on) AS first_visit, MAX(purchased_on) AS last_visit, MIN(created_at) AS first_created,
              MAX(updated_at) AS last_updated FROM purchases`,
    );
    expect({ first: m.first_visit, last: m.last_visit }).toEqual({ first: '2024-11-01', last: '2026-10-31' });
    expect(d.first_visit).toBe(m.first_visit);
    expect(d.last_visit).toBe(m.last_visit);
    expect(d.first_created).toBe(m.first_created);
    expect(d.last_updated).toBe(m.last_updated);
  });
});

describe('every tricky case is in the seeded databases (plain SQL, same answer on both)', () => {
  const present: [string, string][] = [
    [
      'void purchases with payments applied to their items',
      "SELECT COUNT(DISTINCT p.id) AS n FROM purchases p JOIN purchase_items i ON i.purchase_id = p.id JOIN payment_applications a ON a.purchase_item_id = i.id WHERE p.status = 'void'",
    ],
    ['open purchases', "SELECT COUNT(*) AS n FROM purchases WHERE status = 'open'"],
    [
      'insurance received more than 90 days after the visit',
      "SELECT COUNT(*) AS n FROM payment_applications a JOIN payments y ON y.id = a.payment_id JOIN purchase_items i ON i.id = a.purchase_item_id JOIN purchases p ON p.id = i.purchase_id WHERE y.source = 'insurance' AND y.received_on > p.purchased_on + INTERVAL 90 DAY",
    ],
    [
      'partial insurance payments',
      "SELECT COUNT(*) AS n FROM (SELECT i.id, i.billed_amount, SUM(a.amount) AS paid FROM purchase_items i JOIN payment_applications a ON a.purchase_item_id = i.id JOIN payments y ON y.id = a.payment_id WHERE y.source = 'insurance' GROUP BY i.id, i.billed_amount) t WHERE paid > 0 AND paid < billed_amount",
    ],
    [
      'items with several insurance applications',
      "SELECT COUNT(*) AS n FROM (SELECT a.purchase_item_id FROM payment_applications a JOIN payments y ON y.id = a.payment_id WHERE y.source = 'insurance' GROUP BY a.purchase_item_id HAVING COUNT(*) > 1) t",
    ],
    [
      'negative applications (takebacks)',
      "SELECT COUNT(*) AS n FROM payment_applications a JOIN payments y ON y.id = a.payment_id WHERE y.source = 'insurance' AND a.amount < 0",
    ],
    [
      'patient payments applied to items',
      "SELECT COUNT(*) AS n FROM payment_applications a JOIN payments y ON y.id = a.payment_id WHERE y.source = 'patient' AND y.payor_id IS NULL",
    ],
    ['self-pay visits', 'SELECT COUNT(*) AS n FROM purchases WHERE payor_id IS NULL'],
    ['visits outside any case', 'SELECT COUNT(*) AS n FROM purchases WHERE patient_case_id IS NULL'],
    [
      'items rendered by another provider',
      'SELECT COUNT(*) AS n FROM purchase_items i JOIN purchases p ON p.id = i.purchase_id WHERE i.rendering_provider_id IS NOT NULL AND i.rendering_provider_id <> p.provider_id',
    ],
    [
      'the same code twice on one purchase',
      'SELECT COUNT(*) AS n FROM (SELECT purchase_id, service_code_id FROM purchase_items GROUP BY purchase_id, service_code_id HAVING COUNT(*) > 1) t',
    ],
    [
      'the same code string in several clinics',
      'SELECT COUNT(*) AS n FROM (SELECT code FROM service_codes GROUP BY code HAVING COUNT(DISTINCT clinic_id) > 1) t',
    ],
    [
      'non-billable codes billed',
      'SELECT COUNT(*) AS n FROM purchase_items i JOIN service_codes c ON c.id = i.service_code_id WHERE c.billable = 0',
    ],
    [
      'zero-fee and NULL-fee codes billed',
      'SELECT COUNT(*) AS n FROM purchase_items i JOIN service_codes c ON c.id = i.service_code_id WHERE c.default_fee = 0 OR c.default_fee IS NULL',
    ],
    [
      'custom codes billed',
      "SELECT COUNT(*) AS n FROM purchase_items i JOIN service_codes c ON c.id = i.service_code_id WHERE c.code_type = 'custom'",
    ],
    ['visits on the first day of a month', 'SELECT COUNT(*) AS n FROM purchases WHERE DAY(purchased_on) = 1'],
    ['visits on the last day of a month', 'SELECT COUNT(*) AS n FROM purchases WHERE purchased_on = LAST_DAY(purchased_on)'],
    ['visits on 31 December', 'SELECT COUNT(*) AS n FROM purchases WHERE MONTH(purchased_on) = 12 AND DAY(purchased_on) = 31'],
    ['visits on 1 January', 'SELECT COUNT(*) AS n FROM purchases WHERE MONTH(purchased_on) = 1 AND DAY(purchased_on) = 1'],
    ['providers without credentials', 'SELECT COUNT(*) AS n FROM providers WHERE credentials IS NULL'],
    ['inactive providers', 'SELECT COUNT(*) AS n FROM providers WHERE active = 0'],
  ];
  for (const [name, sql] of present) {
    it(name, async () => {
      expect(await countOnBoth(sql)).toBeGreaterThan(0);
    });
  }

  const absent: [string, string][] = [
    [
      'insurance received on or before the visit',
      "SELECT COUNT(*) AS n FROM payment_applications a JOIN payments y ON y.id = a.payment_id JOIN purchase_items i ON i.id = a.purchase_item_id JOIN purchases p ON p.id = i.purchase_id WHERE y.source = 'insurance' AND y.received_on <= p.purchased_on",
    ],
    ['billed amount other than units × unit fee', 'SELECT COUNT(*) AS n FROM purchase_items WHERE billed_amount <> units * unit_fee'],
    [
      'payor set on a patient payment or missing on an insurance one',
      "SELECT COUNT(*) AS n FROM payments WHERE (source = 'insurance') <> (payor_id IS NOT NULL)",
    ],
    [
      'a rendering provider equal to the visit’s',
      'SELECT COUNT(*) AS n FROM purchase_items i JOIN purchases p ON p.id = i.purchase_id WHERE i.rendering_provider_id = p.provider_id',
    ],
    [
      'rows referring to another clinic’s rows',
      'SELECT COUNT(*) AS n FROM purchase_items i JOIN purchases p ON p.id = i.purchase_id JOIN service_codes c ON c.id = i.service_code_id WHERE i.clinic_id <> p.clinic_id OR c.clinic_id <> i.clinic_id',
    ],
  ];
  for (const [name, sql] of absent) {
    it(`no ${name}`, async () => {
      expect(await countOnBoth(sql)).toBe(0);
    });
  }

  it('every payor_type, on payors and on visits', async () => {
    expect(await countOnBoth('SELECT COUNT(DISTINCT payor_type) AS n FROM payors')).toBe(6);
    expect(await countOnBoth('SELECT COUNT(DISTINCT y.payor_type) AS n FROM purchases p JOIN payors y ON y.id = p.payor_id')).toBe(6);
  });
});

describe('re-seeding', () => {
  it('refuses tables that already hold rows, and replaces them with reset', async () => {
    await expect(seedDuckDb(duckPath, SEED)).rejects.toThrow(/already hold .* rows/);
    await expect(seedMysql({ ...MYSQL, database }, SEED)).rejects.toThrow(/already hold .* rows/);
    const other = { ...SEED, seed: 1, scale: 0.02 };
    const again = await seedDuckDb(duckPath, { ...other, reset: true });
    const [d] = await duckdbRows(duckPath, 'SELECT COUNT(*) AS n FROM purchase_items');
    expect(Number(d?.n)).toBe(again.rows.purchase_items);
    expect(again.rows.purchase_items).not.toBe(expected.rows.purchase_items);
    const againMysql = await seedMysql({ ...MYSQL, database }, { ...other, reset: true });
    expect(againMysql.rows).toEqual(again.rows);
  });

  it('leaves no temporary file behind, and creates no file when the options are wrong', async () => {
    expect(readdirSync(dir).filter((f) => f.includes('.seeding-'))).toEqual([]);
    await expect(seedDuckDb(join(dir, 'bad.duckdb'), { scale: -1, seed: 1 })).rejects.toThrow(/scale/);
    expect(existsSync(join(dir, 'bad.duckdb'))).toBe(false);
  });
});

describe('npm run seed (the CLI)', () => {
  const runCli = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'server/db/seed/cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('seeds a DuckDB file with a progress line on stderr', () => {
    const path = join(dir, 'cli.duckdb');
    const result = runCli(['--target', 'duckdb', '--scale', '0.02', '--clinics', '2', '--duckdb-path', path]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/100% [\d,]+\/[\d,]+ rows/);
    expect(result.stderr).toContain(`seeded ${path}`);
    expect(existsSync(path)).toBe(true);
  });

  it('seeds MariaDB from Cube’s CUBEJS_DB_* variables, --database overriding the name', async () => {
    const result = runCli(['--target', 'mysql', '--scale', '0.02', '--database', cliDatabase], {
      CUBEJS_DB_HOST: MYSQL.host,
      CUBEJS_DB_PORT: String(MYSQL.port),
      CUBEJS_DB_USER: MYSQL.user,
      CUBEJS_DB_PASS: MYSQL.password,
      CUBEJS_DB_NAME: 'scu_seedtest_not_this_one',
    });
    expect(result.status, result.stderr).toBe(0);
    const [row] = await mysqlRows(cliDatabase, 'SELECT COUNT(*) AS n FROM clinics');
    expect(Number(row?.n)).toBe(3);
  });

  it('exits 1 with the usage on a bad argument', () => {
    const result = runCli(['--target', 'oracle']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--target must be mysql or duckdb');
    expect(result.stderr).toContain('Usage: npm run seed');
  });
});
