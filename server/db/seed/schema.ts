import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The database engines the host schema exists for. */
export type HostSchemaTarget = 'mysql' | 'duckdb';

/** The host database's tables, parents before children (the order the DDL creates them in). */
export const HOST_TABLES = [
  'clinics',
  'providers',
  'payors',
  'case_types',
  'service_codes',
  'patients',
  'patient_cases',
  'purchases',
  'purchase_items',
  'payments',
  'payment_applications',
] as const;

export type HostTable = (typeof HOST_TABLES)[number];

const SCHEMA_FILES: Record<HostSchemaTarget, URL> = {
  mysql: new URL('../host-schema.mysql.sql', import.meta.url),
  duckdb: new URL('../host-schema.duckdb.sql', import.meta.url),
};

/** Absolute path of the DDL file for a target (the project's own copy, next to this module). */
export function hostSchemaPath(target: HostSchemaTarget): string {
  return fileURLToPath(SCHEMA_FILES[target]);
}

/** The DDL text that creates the host tables on a target. */
export function readHostSchema(target: HostSchemaTarget): string {
  return readFileSync(SCHEMA_FILES[target], 'utf8');
}

/**
 * Splits a DDL script into statements: `--` comments removed, split on `;` outside quotes.
 * Enough for the host schema files (no procedures, no delimiters).
 */
export function splitSqlStatements(script: string): string[] {
  const statements: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (let i = 0; i < script.length; i++) {
    const ch = script[i]!;
    if (quote !== null) {
      current += ch;
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"' || ch === '`') {
      quote = ch;
      current += ch;
    } else if (ch === '-' && script[i + 1] === '-') {
      while (i < script.length && script[i] !== '\n') i++;
      current += '\n';
    } else if (ch === ';') {
      if (current.trim() !== '') statements.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.trim() !== '') statements.push(current.trim());
  return statements;
}

/**
 * The host schema's statements for a target; with `ifNotExists`, each `CREATE TABLE` becomes
 * `CREATE TABLE IF NOT EXISTS`, so that running them on a database that has the tables is harmless.
 */
export function hostSchemaStatements(target: HostSchemaTarget, options: { ifNotExists?: boolean } = {}): string[] {
  const statements = splitSqlStatements(readHostSchema(target));
  if (!options.ifNotExists) return statements;
  return statements.map((statement) => statement.replace(/^CREATE TABLE (?!IF NOT EXISTS)/i, 'CREATE TABLE IF NOT EXISTS '));
}
