/**
 * Cube's MySQL driver, as the server builds it (its own `dataSource` key included), opens connections
 * without mysql2's "Ignoring invalid configuration option" warnings (server/cube/patches/
 * mysql-driver-options.ts), while an option mysql2 really does not know is still warned about.
 */
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installMysqlDriverOptions } from '../../server/cube/patches/mysql-driver-options.js';
import { MYSQL } from '../support/test-server.js';

const require = createRequire(import.meta.url);
const { MySqlDriver } = require('@cubejs-backend/mysql-driver') as {
  MySqlDriver: new (config: Record<string, unknown>) => {
    query(sql: string, values: unknown[]): Promise<unknown[]>;
    release(): Promise<void>;
  };
};

afterEach(() => vi.restoreAllMocks());

async function warningsOfAQuery(extra: Record<string, unknown>): Promise<string[]> {
  const seen: string[] = [];
  for (const method of ['warn', 'error', 'log'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void seen.push(args.map(String).join(' ')));
  }
  const driver = new MySqlDriver({ ...MYSQL, database: 'mysql', dataSource: 'default', readOnly: false, ...extra });
  try {
    expect(await driver.query('SELECT 1 AS one', [])).toEqual([{ one: 1 }]);
  } finally {
    await driver.release();
  }
  return seen.filter((line) => line.includes('Ignoring invalid configuration option'));
}

describe("Cube's MySQL driver", () => {
  it("connects without warnings about Cube's own keys, and still warns about a real mistake", async () => {
    installMysqlDriverOptions();
    expect(await warningsOfAQuery({ preAggregations: false })).toEqual([]);
    const mistake = await warningsOfAQuery({ conectTimeout: 5 });
    expect(mistake).toHaveLength(1);
    expect(mistake[0]).toContain('conectTimeout');
  });
});
