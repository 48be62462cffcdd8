import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  HOST_TABLE_COLUMNS,
  HOST_TABLES,
  hostSchemaPath,
  hostSchemaStatements,
  readHostSchema,
  splitSqlStatements,
} from '../../../server/db/seed/index.js';

/** The project's own copy of the host schema contract, which records the DDL's SHA-256. */
const CONTRACT_DOC = fileURLToPath(new URL('../../../docs/host-database.md', import.meta.url));
/** The host system's original, present beside the project on developers' machines, absent on a clean clone. */
const SHARED_DDL = fileURLToPath(new URL('../../../../shared/host-database.sql', import.meta.url));

interface Column {
  name: string;
  type: string;
  notNull: boolean;
  default: string | null;
  /** Values of an ENUM (MySQL) or of an `IN (...)` CHECK (DuckDB). */
  values: string[] | null;
}

/** Splits on commas outside parentheses and quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const ch of text) {
    if (ch === "'") quoted = !quoted;
    if (!quoted && ch === '(') depth++;
    if (!quoted && ch === ')') depth--;
    if (!quoted && depth === 0 && ch === ',') {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

function parseDdl(ddl: string): Map<string, Column[]> {
  const tables = new Map<string, Column[]>();
  for (const statement of splitSqlStatements(ddl)) {
    const match = /^CREATE TABLE (\w+) \(([\s\S]*)\)$/i.exec(statement);
    if (!match) throw new Error(`unexpected statement: ${statement.slice(0, 60)}`);
    const columns: Column[] = [];
    for (const part of splitTopLevel(match[2]!)) {
      const text = part.replace(/\s+/g, ' ');
      if (/^(KEY|UNIQUE|PRIMARY|CHECK|INDEX)\b/i.test(text)) continue;
      const [, name, rest] = /^(\w+) (.*)$/.exec(text)!;
      const type = /^(BIGINT UNSIGNED|[A-Z]+(?:\([^)]*\))?)/i.exec(rest!)![1]!;
      const enumOrCheck = /(?:ENUM|IN) ?\(([^)]*)\)/i.exec(rest!);
      columns.push({
        name: name!,
        type: type.toUpperCase(),
        notNull: /NOT NULL|PRIMARY KEY/i.test(rest!),
        default: /DEFAULT ('[^']*'|\S+)/i.exec(rest!)?.[1] ?? null,
        values: enumOrCheck ? enumOrCheck[1]!.split(',').map((v) => v.trim()) : null,
      });
    }
    tables.set(match[1]!, columns);
  }
  return tables;
}

/** The DuckDB type each MySQL type must become (host-schema.duckdb.sql's header says why). */
function duckTypeFor(mysqlType: string): string | RegExp {
  if (mysqlType === 'BIGINT UNSIGNED') return 'UBIGINT';
  if (mysqlType === 'TINYINT(1)') return 'TINYINT';
  if (mysqlType === 'INT') return 'INTEGER';
  if (mysqlType === 'DATETIME') return 'TIMESTAMP';
  if (mysqlType.startsWith('ENUM')) return /^VARCHAR\(\d+\)$/;
  const char = /^CHAR\((\d+)\)$/.exec(mysqlType);
  if (char) return `VARCHAR(${char[1]})`;
  return mysqlType; // VARCHAR(n), DECIMAL(p,s), DATE
}

describe('host schema files', () => {
  it('the MySQL DDL has the SHA-256 that docs/host-database.md records (runs everywhere)', () => {
    const doc = readFileSync(CONTRACT_DOC, 'utf8');
    const recorded = /^DDL: server\/db\/host-schema\.mysql\.sql, sha256 `([0-9a-f]{64})`$/m.exec(doc)?.[1];
    expect(recorded, 'docs/host-database.md has no "DDL: server/db/host-schema.mysql.sql, sha256 `…`" line').toBeDefined();
    const actual = createHash('sha256')
      .update(readFileSync(hostSchemaPath('mysql')))
      .digest('hex');
    expect(actual).toBe(recorded);
  });

  // An extra check where the host system's original is at hand; the hash above is the one that always runs.
  it.skipIf(!existsSync(SHARED_DDL))('the MySQL DDL is byte-for-byte the shared host-database.sql', () => {
    expect(readHostSchema('mysql')).toBe(readFileSync(SHARED_DDL, 'utf8'));
  });

  it('resolves the DDL next to the module, whatever the working directory', () => {
    expect(hostSchemaPath('mysql')).toMatch(/server\/db\/host-schema\.mysql\.sql$/);
    expect(hostSchemaPath('duckdb')).toMatch(/server\/db\/host-schema\.duckdb\.sql$/);
    expect(readHostSchema('duckdb')).toContain('CREATE TABLE payment_applications');
  });

  it('creates the same tables, in the same order, on both targets', () => {
    const mysql = parseDdl(readHostSchema('mysql'));
    const duck = parseDdl(readHostSchema('duckdb'));
    expect([...mysql.keys()]).toEqual([...HOST_TABLES]);
    expect([...duck.keys()]).toEqual([...HOST_TABLES]);
  });

  it('gives DuckDB the same columns with the mapped types, NULL-ability, defaults and enum values', () => {
    const mysql = parseDdl(readHostSchema('mysql'));
    const duck = parseDdl(readHostSchema('duckdb'));
    for (const table of HOST_TABLES) {
      const m = mysql.get(table)!;
      const d = duck.get(table)!;
      expect(
        d.map((c) => c.name),
        table,
      ).toEqual(m.map((c) => c.name));
      m.forEach((column, i) => {
        const twin = d[i]!;
        const where = `${table}.${column.name}`;
        const expected = duckTypeFor(column.type);
        if (typeof expected === 'string') expect(twin.type, where).toBe(expected);
        else expect(twin.type, where).toMatch(expected);
        expect(twin.notNull, where).toBe(column.notNull);
        expect(twin.default, where).toBe(column.default);
        expect(twin.values, where).toEqual(column.values);
      });
    }
  });

  it('writes every DDL column, in order, from the generator’s rows', () => {
    const mysql = parseDdl(readHostSchema('mysql'));
    for (const table of HOST_TABLES) {
      expect([...HOST_TABLE_COLUMNS[table]], table).toEqual(mysql.get(table)!.map((c) => c.name));
    }
  });

  it('keeps no KEY clauses in the DuckDB DDL but keeps the unique code per clinic', () => {
    const duck = readHostSchema('duckdb');
    expect(duck).not.toMatch(/^\s*(UNIQUE )?KEY\b/m);
    expect(duck).toMatch(/UNIQUE \(clinic_id, code\)/);
  });
});

describe('splitSqlStatements / hostSchemaStatements', () => {
  it('splits on semicolons outside quotes and drops comments', () => {
    expect(splitSqlStatements("-- a; comment\nSELECT ';' AS x; -- trailing; comment\nSELECT 2;")).toEqual(["SELECT ';' AS x", 'SELECT 2']);
  });

  it('returns one CREATE TABLE per host table, optionally IF NOT EXISTS', () => {
    for (const target of ['mysql', 'duckdb'] as const) {
      const plain = hostSchemaStatements(target);
      expect(plain).toHaveLength(HOST_TABLES.length);
      expect(plain.every((s) => s.startsWith('CREATE TABLE ') && !s.includes('IF NOT EXISTS'))).toBe(true);
      const guarded = hostSchemaStatements(target, { ifNotExists: true });
      expect(guarded.every((s) => s.startsWith('CREATE TABLE IF NOT EXISTS '))).toBe(true);
    }
  });
});
