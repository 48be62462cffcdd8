/**
 * The model's extra test datasets, loaded by the integration global setup next to the seeder's demo
 * data (test/support/test-databases.ts calls `loadExtraDatasets` once per database).
 * Clinic ids from 1000 up and row ids from 10^12 up never collide with the demo data.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import mysql from 'mysql2/promise';
import { HOST_TABLE_COLUMNS, HOST_TABLES, type HostRow, type HostTable } from '../../server/db/seed/index.js';
import { generatePropertyDataset, type PropertyDataset, type PropertyDatasetOptions } from './property-dataset.js';
import { loadSecurityDataset } from './security-dataset.js';
import { MYSQL } from './test-server.js';

/** The property tests' datasets: two seeds, each with clinics sharing code strings. */
export const PROPERTY_DATASETS: readonly PropertyDatasetOptions[] = [
  { seed: 20_261_101, clinicIds: [1001, 1002, 1003], idBase: 1_000_000_000_000 },
  { seed: 7, clinicIds: [1011, 1012], idBase: 1_000_100_000_000, purchasesPerClinic: 120 },
];

/** Clinics of the freshness test: it inserts (and removes) rows of its own, so no other test sees them. */
export const FRESHNESS_DATASET: PropertyDatasetOptions = {
  seed: 99,
  clinicIds: [1021, 1022],
  idBase: 1_000_200_000_000,
  purchasesPerClinic: 60,
};

/** Ids from here up are free for rows a test inserts at run time. */
export const TEST_INSERT_ID_BASE = 1_000_900_000_000;

export function allExtraDatasets(): PropertyDataset[] {
  return [...PROPERTY_DATASETS, FRESHNESS_DATASET].map(generatePropertyDataset);
}

/** SQL literal for a row value (the same text both engines read: numbers bare, text quoted). */
function literal(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return String(value);
  // Both dialects read '' as a quote; neither row holds a backslash (MySQL would read it as an escape).
  if (value.includes('\\')) throw new Error(`backslash in test data: ${value}`);
  return `'${value.replaceAll("'", "''")}'`;
}

/** Multi-row INSERT statements, parents before children, at most `batch` rows each. */
export function insertStatements(rows: readonly HostRow[], batch = 500): string[] {
  const byTable = new Map<HostTable, string[]>();
  for (const hostRow of rows) {
    const columns = HOST_TABLE_COLUMNS[hostRow.table] as readonly string[];
    const values = hostRow.row as unknown as Record<string, string | number | null>;
    const tuple = `(${columns.map((c) => literal(values[c])).join(', ')})`;
    const list = byTable.get(hostRow.table) ?? [];
    list.push(tuple);
    byTable.set(hostRow.table, list);
  }
  const statements: string[] = [];
  for (const table of HOST_TABLES) {
    const tuples = byTable.get(table) ?? [];
    const prefix = `INSERT INTO ${table} (${HOST_TABLE_COLUMNS[table].join(', ')}) VALUES `;
    for (let i = 0; i < tuples.length; i += batch) statements.push(prefix + tuples.slice(i, i + batch).join(',\n'));
  }
  return statements;
}

/** Writes rows into a MariaDB database or a DuckDB file that already has the host tables. */
export async function writeRows(target: 'mysql' | 'duckdb', location: string, rows: readonly HostRow[]): Promise<void> {
  const statements = insertStatements(rows);
  if (target === 'mysql') {
    const conn = await mysql.createConnection({ ...MYSQL, database: location });
    try {
      for (const sql of statements) await conn.query(sql);
    } finally {
      await conn.end();
    }
    return;
  }
  const instance = await DuckDBInstance.create(location);
  const conn = await instance.connect();
  try {
    for (const sql of statements) await conn.run(sql);
    await conn.run('CHECKPOINT');
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Called by the integration global setup after the demo data is seeded: the model's datasets and
 * the tenant-isolation look-alikes of test/support/security-dataset.ts. */
export async function loadExtraDatasets(target: 'mysql' | 'duckdb', location: string): Promise<void> {
  await writeRows(
    target,
    location,
    allExtraDatasets().flatMap((d) => d.rows),
  );
  await loadSecurityDataset(target, location);
}
