/**
 * Plain SQL for tests: the independent computations every figure is checked against.
 * No Cube, no model: straight to the host tables.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import mysql from 'mysql2/promise';
import { MYSQL } from './test-server.js';

export type Row = Record<string, unknown>;

/** Runs one statement on a MariaDB database; DECIMALs come back as exact strings. */
export async function mysqlRows(database: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  const conn = await mysql.createConnection({ ...MYSQL, database, decimalNumbers: false, dateStrings: true });
  try {
    const [rows] = await conn.query(sql, params);
    return rows as Row[];
  } finally {
    await conn.end();
  }
}

/** Runs one statement on a DuckDB file (opened read-only); values as DuckDB's JS representation. */
export async function duckdbRows(path: string, sql: string): Promise<Row[]> {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    const reader = await conn.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Row[];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
