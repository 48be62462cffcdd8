/** Cube's DuckDB driver, released while a query runs, waits for it and then closes (no abort). */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type * as DuckDBDriverModule from '@cubejs-backend/duckdb-driver';
import { installDuckDbQuietRelease } from '../../../../server/cube/patches/duckdb-quiet-release.js';

const { DuckDBDriver } = createRequire(import.meta.url)('@cubejs-backend/duckdb-driver') as typeof DuckDBDriverModule;

describe('installDuckDbQuietRelease', () => {
  it('lets a running query finish before the instance is closed', async () => {
    installDuckDbQuietRelease();
    const driver = new DuckDBDriver({ databasePath: ':memory:' } as never);
    await driver.query('SELECT 1', []);
    const order: string[] = [];
    const running = driver.query('SELECT count(*) AS n FROM range(60000000) a WHERE a.range % 7 = 3', []).then((rows) => {
      order.push('query done');
      return rows;
    });
    const released = driver.release().then(() => order.push('released'));
    const [rows] = await Promise.all([running, released]);
    expect(order).toEqual(['query done', 'released']);
    expect(String((rows as Record<string, unknown>[])[0]!.n)).toBe('8571429');
    // Closed for real afterwards: a new query opens a new instance rather than reusing the old one.
    const [again] = (await driver.query('SELECT 2 AS x', [])) as Record<string, unknown>[];
    expect(String(again!.x)).toBe('2');
    await driver.release();
  });
});
