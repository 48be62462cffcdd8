/**
 * DuckDB results with the same exact decimal strings as MySQL: "70.50", "0.00", never "70.5" or "0".
 *
 * Cube's DuckDB driver (1.7.43, Transform.js `formatDecimal`) prints DECIMAL values without trailing
 * zeros, while MySQL returns a DECIMAL with its declared scale. Both are exact, but the report's money
 * must read the same on both databases (docs/host-database.md: "two places for money"), so this replaces
 * the driver's `query` with one that differs only in how DECIMAL columns are printed: DuckDB's own
 * text for the value, which keeps the column's scale. Every other type is converted by the driver's
 * own converters. Pre-aggregations are built inside DuckDB and never pass through here.
 *
 * The driver's version is pinned with Cube's (server/cube/version.ts checks it); this file is
 * checked by test/unit/model/duckdb-exact-decimals.test.ts against the installed driver.
 */
import type * as DuckDBDriverModule from '@cubejs-backend/duckdb-driver';
import { DuckDBTypeId, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { createRequire } from 'node:module';
import { firstPatch } from '../patch-once.js';

const require = createRequire(import.meta.url);
const { DuckDBDriver } = require('@cubejs-backend/duckdb-driver') as typeof DuckDBDriverModule;

interface DriverTransform {
  converters: (((value: DuckDBValue) => unknown) | null)[];
}
interface TransformModule {
  convertDuckDBParams(values: unknown[]): unknown[];
  buildTransform(names: string[], types: { typeId: DuckDBTypeId }[]): DriverTransform;
  transformChunk(chunk: unknown, transform: DriverTransform): Record<string, unknown>[];
}
// Not re-exported by the package index; the path is pinned with Cube's version.
const transform = require('@cubejs-backend/duckdb-driver/dist/src/Transform.js') as TransformModule;

const decimalText = (value: DuckDBValue): string => String(value);

/** Makes every DuckDBDriver of this process print DECIMAL values with their scale. Idempotent. */
export function installDuckDbExactDecimals(): void {
  if (!firstPatch(DuckDBDriver.prototype, 'duckdb-exact-decimals')) return;
  const prototype = DuckDBDriver.prototype as unknown as {
    getInitiatedState(): Promise<{ defaultConnection: DuckDBConnection }>;
    query(query: string, values?: unknown[]): Promise<Record<string, unknown>[]>;
  };
  prototype.query = async function query(this: typeof prototype, sql: string, values: unknown[] = []) {
    const { defaultConnection } = await this.getInitiatedState();
    const result = await defaultConnection.run(sql, transform.convertDuckDBParams(values) as never);
    const types = result.columnTypes();
    const rowTransform = transform.buildTransform(result.columnNames(), types);
    types.forEach((type, i) => {
      if (type.typeId === DuckDBTypeId.DECIMAL) rowTransform.converters[i] = decimalText;
    });
    const rows: Record<string, unknown>[] = [];
    for (const chunk of await result.fetchAllChunks()) {
      for (const row of transform.transformChunk(chunk, rowTransform)) rows.push(row);
    }
    return rows;
  };
}
