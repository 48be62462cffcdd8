/** Configuration is read once and validated: every bad or missing variable is named in the error. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, PROJECT_ROOT, readConfig } from '../../server/config.js';

const SECRET = 's'.repeat(40);
const MYSQL = {
  CUBEJS_DB_TYPE: 'mysql',
  CUBEJS_DB_HOST: 'db',
  CUBEJS_DB_NAME: 'practice',
  CUBEJS_DB_USER: 'reader',
  CUBEJS_API_SECRET: SECRET,
};

function errorOf(env: Record<string, string>): ConfigError {
  try {
    readConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('readConfig accepted a bad configuration');
}

describe('readConfig', () => {
  it('defaults to the embedded DuckDB demo on port 4000 in JS mode, secret generated later', () => {
    const config = readConfig({});
    expect(config.port).toBe(4000);
    expect(config.cubeMode).toBe('js');
    expect(config.apiSecret).toBeUndefined();
    expect(config.database).toEqual({ type: 'duckdb', databasePath: path.join(PROJECT_ROOT, '.data', 'demo.duckdb'), demo: true });
  });

  it('uses a DuckDB file of the user without demo seeding', () => {
    const config = readConfig({ CUBEJS_DB_DUCKDB_DATABASE_PATH: '/tmp/x.duckdb', CUBEJS_API_SECRET: SECRET });
    expect(config.database).toEqual({ type: 'duckdb', databasePath: '/tmp/x.duckdb', demo: false });
  });

  it("reads the MySQL connection from Cube's own variables", () => {
    const config = readConfig({ ...MYSQL, CUBEJS_DB_PORT: '3307', CUBEJS_DB_PASS: 'pw', PORT: '8080' });
    expect(config.database).toEqual({ type: 'mysql', host: 'db', port: 3307, database: 'practice', user: 'reader', password: 'pw' });
    expect(config.port).toBe(8080);
  });

  it('keeps the change log beside the pre-aggregations, reconciles daily, runs 6 MySQL queries at once', () => {
    const config = readConfig({ ...MYSQL, CUBEJS_PRE_AGGREGATIONS_SCHEMA: 'rollups' });
    expect(config.changeLogSchema).toBe('rollups_changes');
    expect(config.reconcileEverySeconds).toBe(86_400);
    expect(config.queryConcurrency).toBe(6);
    expect(readConfig({}).queryConcurrency).toBe(2);
    expect(readConfig({ ...MYSQL, SCU_RECONCILE_EVERY_SECONDS: '0', CUBEJS_CONCURRENCY: '12' })).toMatchObject({
      reconcileEverySeconds: 0,
      queryConcurrency: 12,
    });
  });

  it.each([
    [{ CUBEJS_DB_TYPE: 'postgres' }, 'CUBEJS_DB_TYPE', /one of duckdb, mysql/],
    [{ ...MYSQL, CUBEJS_DB_HOST: '' }, 'CUBEJS_DB_HOST', /required when CUBEJS_DB_TYPE=mysql/],
    [{ ...MYSQL, CUBEJS_DB_NAME: undefined as never }, 'CUBEJS_DB_NAME', /required/],
    [{ ...MYSQL, CUBEJS_DB_USER: ' ' }, 'CUBEJS_DB_USER', /required/],
    [{ ...MYSQL, CUBEJS_DB_PORT: '33o6' }, 'CUBEJS_DB_PORT', /whole number/],
    [{ ...MYSQL, CUBEJS_API_SECRET: '' }, 'CUBEJS_API_SECRET', /required/],
    [{ ...MYSQL, CUBEJS_API_SECRET: 'short' }, 'CUBEJS_API_SECRET', /at least 32/],
    [{ PORT: '70000' }, 'PORT', /between 0 and 65535/],
    [{ PORT: '-1' }, 'PORT', /whole number/],
    [{ SCU_CUBE_MODE: 'rust' }, 'SCU_CUBE_MODE', /one of js, native/],
    [{ CUBEJS_PRE_AGGREGATIONS_SCHEMA: 'x; DROP TABLE y' }, 'CUBEJS_PRE_AGGREGATIONS_SCHEMA', /plain identifier/],
    [{ SCU_DEMO_SCALE: '0' }, 'SCU_DEMO_SCALE', /between 1 and/],
    [{ CUBEJS_PRE_AGGREGATIONS_SCHEMA: 'p'.repeat(57) }, 'CUBEJS_PRE_AGGREGATIONS_SCHEMA', /at most 56/],
    [{ SCU_RECONCILE_EVERY_SECONDS: 'hourly' }, 'SCU_RECONCILE_EVERY_SECONDS', /whole number/],
    [{ CUBEJS_CONCURRENCY: '0' }, 'CUBEJS_CONCURRENCY', /between 1 and 64/],
  ])('names the bad variable: %o', (env, variable, message) => {
    const error = errorOf(env as Record<string, string>);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
    expect(error.message).toMatch(message);
  });
});
