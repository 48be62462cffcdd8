/**
 * server/cube/patches/duckdb-exact-decimals.ts against the installed DuckDB driver: stock, it prints decimals
 * without trailing zeros ('70.5', '0'); patched, with their scale, as MySQL does ('70.50', '0.00');
 * every other type is converted as before.
 */
import type * as DuckDBDriverModule from '@cubejs-backend/duckdb-driver';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { installDuckDbExactDecimals } from '../../../server/cube/patches/duckdb-exact-decimals.js';

const { DuckDBDriver } = createRequire(import.meta.url)('@cubejs-backend/duckdb-driver') as typeof DuckDBDriverModule;
type Query = (sql: string, values?: unknown[]) => Promise<Record<string, unknown>[]>;

const SQL = `SELECT 70.50::DECIMAL(12,2) AS money, 0::DECIMAL(38,2) AS zero, -12.05::DECIMAL(38,2) AS takeback,
  CAST(5 AS DECIMAL(20,0)) AS visits, 0.2500::DECIMAL(20,4) AS ratio, 1000000000005::UBIGINT AS id,
  42::INTEGER AS units, 'Self-pay' AS payor, DATE '2024-02-29' AS day, CAST(NULL AS DECIMAL(12,2)) AS empty`;

describe('DuckDB decimals', () => {
  const driver = new DuckDBDriver({ databasePath: ':memory:' });
  const stockQuery = (DuckDBDriver.prototype as unknown as { query: Query }).query;
  afterAll(() => driver.release());

  it('come back without trailing zeros from the stock driver (why the patch exists)', async () => {
    const [row] = await stockQuery.call(driver, SQL);
    expect(row).toMatchObject({ money: '70.5', zero: '0', ratio: '0.25' });
  });

  it('keep their scale once patched, and nothing else changes', async () => {
    installDuckDbExactDecimals();
    installDuckDbExactDecimals(); // idempotent
    const [patched] = (await driver.query(SQL, [])) as Record<string, unknown>[];
    const [stock] = await stockQuery.call(driver, SQL);
    expect(patched).toMatchObject({ money: '70.50', zero: '0.00', takeback: '-12.05', visits: '5', ratio: '0.2500', empty: null });
    for (const column of ['id', 'units', 'payor', 'day']) expect(patched![column], column).toEqual(stock![column]);
  });

  it('takes parameters as before', async () => {
    const [row] = (await driver.query('SELECT CAST(? AS DECIMAL(12,2)) AS amount', ['3.10'])) as Record<string, unknown>[];
    expect(row).toEqual({ amount: '3.10' });
  });
});
