// Writes the generated rows into MySQL / MariaDB with multi-row INSERT statements.

import mysql, { type Connection, type ConnectionOptions } from 'mysql2/promise';
import { estimateHostRows, generateHostRows } from './generator.js';
import { resolveSeedOptions } from './options.js';
import { HOST_TABLE_COLUMNS } from './rows.js';
import { ProgressCounter, yieldToEventLoop, type SeedRunOptions, type SeedSummary } from './run.js';
import { HOST_TABLES, hostSchemaStatements, type HostTable } from './schema.js';

/** mysql2 connection options; `database` is created when missing. */
export type MysqlSeedConnection = Omit<ConnectionOptions, 'database' | 'multipleStatements'> & { database: string };

export interface MysqlSeedOptions extends SeedRunOptions {
  /** Rows per INSERT statement (default 2,000); the statement is also cut at ~1 MB. */
  batchRows?: number;
}

const DEFAULT_BATCH_ROWS = 2_000;
const MAX_STATEMENT_BYTES = 1_000_000;
const STATEMENTS_PER_COMMIT = 25;
/** Values needing no escaping: digits, dates, money, plain words. */
const PLAIN_TEXT = /^[\w .:,&()/-]*$/;

/** Creates the database and the host tables if missing, and fills them. */
export async function seedMysql(connection: MysqlSeedConnection, options: MysqlSeedOptions): Promise<SeedSummary> {
  const resolved = resolveSeedOptions(options);
  const { database, ...connectionOptions } = connection;
  if (!database || database.length > 64) throw new RangeError(`database name must be 1–64 characters, got ${JSON.stringify(database)}`);
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  if (!Number.isInteger(batchRows) || batchRows < 1) throw new RangeError(`batchRows must be a positive integer, got ${batchRows}`);

  const progress = new ProgressCounter(estimateHostRows(resolved).rows, options);
  const db = await mysql.createConnection({ ...connectionOptions, multipleStatements: false });
  try {
    await db.query(`CREATE DATABASE IF NOT EXISTS ${db.escapeId(database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await db.query(`USE ${db.escapeId(database)}`);
    await prepareTables(db, options.reset ?? false);
    await insertRows(db, options, batchRows, progress);
  } finally {
    await db.end();
  }
  progress.finish();
  return {
    target: 'mysql',
    location: `${connectionOptions.host ?? 'localhost'}:${connectionOptions.port ?? 3306}/${database}`,
    options: resolved,
    rows: progress.rowsByTable,
    totalRows: progress.rowsWritten,
    elapsedMs: progress.elapsedMs,
  };
}

async function prepareTables(db: Connection, reset: boolean): Promise<void> {
  if (reset)
    await db.query(
      `DROP TABLE IF EXISTS ${[...HOST_TABLES]
        .reverse()
        .map((t) => db.escapeId(t))
        .join(', ')}`,
    );
  for (const statement of hostSchemaStatements('mysql', { ifNotExists: true })) await db.query(statement);
  const counts = HOST_TABLES.map((table) => `(SELECT count(*) FROM ${db.escapeId(table)})`).join(' + ');
  const [rows] = await db.query<mysql.RowDataPacket[]>(`SELECT ${counts} AS n`);
  const existing = Number(rows[0]?.n ?? 0);
  if (existing > 0) {
    throw new Error(`the host tables already hold ${existing} rows; seed with reset (--reset) to drop and recreate them`);
  }
}

async function insertRows(db: Connection, options: SeedRunOptions, batchRows: number, progress: ProgressCounter): Promise<void> {
  const prefixes = {} as Record<HostTable, string>;
  const buffers = {} as Record<HostTable, { tuples: string[]; bytes: number }>;
  for (const table of HOST_TABLES) {
    prefixes[table] = `INSERT INTO ${db.escapeId(table)} (${HOST_TABLE_COLUMNS[table].map((c) => db.escapeId(c)).join(', ')}) VALUES `;
    buffers[table] = { tuples: [], bytes: 0 };
  }

  // One statement in flight while the next batch is generated; a failure is kept and rethrown,
  // never left as an unhandled rejection.
  // Statements are grouped in transactions of STATEMENTS_PER_COMMIT: one log flush per group.
  let inFlight: Promise<void> = Promise.resolve();
  let failure: unknown = null;
  const uncommitted: [HostTable, number][] = [];
  const commit = async (): Promise<void> => {
    await db.query('COMMIT');
    for (const [table, rows] of uncommitted.splice(0)) progress.add(table, rows); // counted once committed
    await db.query('START TRANSACTION');
  };
  const send = async (table: HostTable): Promise<void> => {
    const buffer = buffers[table];
    if (buffer.tuples.length === 0) return;
    const sql = prefixes[table] + buffer.tuples.join(',');
    const rows = buffer.tuples.length;
    buffer.tuples = [];
    buffer.bytes = 0;
    await inFlight;
    if (failure) throw failure;
    inFlight = db
      .query(sql)
      .then(async () => {
        uncommitted.push([table, rows]);
        if (uncommitted.length >= STATEMENTS_PER_COMMIT) await commit();
      })
      .catch((error: unknown) => {
        failure = error;
      });
  };
  await db.query('START TRANSACTION');

  const escape = (value: string): string => (PLAIN_TEXT.test(value) ? `'${value}'` : db.escape(value));
  let rowsSinceYield = 0;
  for (const hostRow of generateHostRows(options)) {
    const columns = HOST_TABLE_COLUMNS[hostRow.table] as readonly string[];
    const row = hostRow.row as unknown as Record<string, string | number | null>;
    let tuple = '(';
    for (let i = 0; i < columns.length; i++) {
      const value = row[columns[i]!];
      if (i > 0) tuple += ',';
      tuple += value === null || value === undefined ? 'NULL' : typeof value === 'number' ? String(value) : escape(value);
    }
    tuple += ')';
    const buffer = buffers[hostRow.table];
    buffer.tuples.push(tuple);
    buffer.bytes += tuple.length + 1;
    if (buffer.tuples.length >= batchRows || buffer.bytes >= MAX_STATEMENT_BYTES) {
      await send(hostRow.table);
      progress.tick();
      rowsSinceYield = 0;
    } else if (++rowsSinceYield >= 16_384) {
      rowsSinceYield = 0;
      progress.tick();
      await yieldToEventLoop();
    }
  }
  for (const table of HOST_TABLES) await send(table);
  await inFlight;
  if (failure) throw failure;
  await commit();
  await db.query('COMMIT');
}
