/**
 * The model's derived figures round a quotient half away from zero without floating point
 * (model/shared/sql.js `roundedQuotient`). Checked here on DuckDB in memory, whose decimal division
 * is DOUBLE (the reason for the helper), against exact BigInt arithmetic, at ties and with negative
 * money; MySQL runs the same SQL in the integration property test.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../server/config.js';
import { Random } from '../../../server/db/seed/random.js';
import { roundedQuotient as exactQuotient } from '../../support/reference-sql.js';

type RoundedQuotientSql = (a: string, b: string, places: number) => string;

describe('roundedQuotient (model/shared/sql.js)', () => {
  let roundedQuotient: RoundedQuotientSql;
  let connection: DuckDBConnection;
  let instance: DuckDBInstance;

  beforeAll(async () => {
    const modelSql = (await import(pathToFileURL(`${PROJECT_ROOT}/model/shared/sql.js`).href)) as { roundedQuotient: RoundedQuotientSql };
    roundedQuotient = modelSql.roundedQuotient;
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
  });
  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
  });

  async function sqlQuotient(a: string, b: string, places: number): Promise<string | null> {
    const sql = `SELECT ${roundedQuotient(`CAST(${a} AS DECIMAL(38,2))`, `CAST(${b} AS DECIMAL(38,2))`, places)} AS q`;
    const value = (await connection.runAndReadAll(sql)).getRowsJson()[0]![0];
    return value === null ? null : String(value);
  }

  const fixed: [string, string][] = [
    ['1.01', '2'], // 0.505: a tie DOUBLE sees as 0.50499…
    ['-1.01', '2'],
    ['0.05', '0.10'],
    ['10.00', '3'],
    ['0', '7'],
    ['5.00', '0'], // no divisor: empty
    ['123456789.99', '7'],
    ['2.50', '-2'],
    ['999999999.99', '999999999.97'],
    ['0.01', '3'],
  ];

  it('rounds half away from zero, exactly, at ties and with negative money', async () => {
    for (const places of [2, 4]) {
      for (const [a, b] of fixed) {
        const expected = exactQuotient(a, b, places);
        const actual = await sqlQuotient(a, b, places);
        expect(actual === null ? null : actual, `${a} / ${b} (${places})`).toBe(expected === null ? null : expectedText(expected, places));
      }
    }
  });

  it('agrees with exact arithmetic on 400 seeded random quotients', async () => {
    const random = new Random(7, 11);
    for (let i = 0; i < 400; i++) {
      const a = ((random.int(0, 40_000_000) - 20_000_000) / 100).toFixed(2);
      const b = i % 2 === 0 ? String(random.int(1, 500)) : (random.int(1, 2_000_000) / 100).toFixed(2);
      const places = i % 3 === 0 ? 4 : 2;
      expect(await sqlQuotient(a, b, places), `${a} / ${b} (${places})`).toBe(expectedText(exactQuotient(a, b, places)!, places));
    }
  });
});

/** The reference's canonical decimal, printed with exactly `places` decimals as the SQL returns it. */
function expectedText(canonical: string, places: number): string {
  const negative = canonical.startsWith('-');
  const [whole, fraction = ''] = canonical.replace('-', '').split('.');
  return `${negative ? '-' : ''}${whole}.${fraction.padEnd(places, '0')}`;
}
