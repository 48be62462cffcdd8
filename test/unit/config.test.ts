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

  it('runs as one process that serves and refreshes unless SCU_ROLE says otherwise (MySQL only)', () => {
    const defaults = readConfig({});
    expect(defaults).toMatchObject({ role: 'all', shutdownDrainSeconds: 5, queryTimeoutSeconds: 30, requestLog: true });
    for (const role of ['all', 'api', 'refresh'] as const) expect(readConfig({ ...MYSQL, SCU_ROLE: role }).role).toBe(role);
    expect(readConfig({ ...MYSQL, SCU_QUERY_TIMEOUT: '2m', SCU_SHUTDOWN_DRAIN_SECONDS: '0', SCU_REQUEST_LOG: 'off' })).toMatchObject({
      queryTimeoutSeconds: 120,
      shutdownDrainSeconds: 0,
      requestLog: false,
    });
    expect(readConfig({ ...MYSQL, CUBEJS_PRE_AGGREGATIONS_SCHEMA: 'p'.repeat(37) }).preAggregationsSchema).toHaveLength(37);
  });

  it('keeps the change log beside the pre-aggregations, reconciles daily, runs 6 MySQL queries at once', () => {
    const config = readConfig({ ...MYSQL, CUBEJS_PRE_AGGREGATIONS_SCHEMA: 'rollups' });
    expect(config.changeLogSchema).toBe('rollups_changes');
    expect(config.reconcileEverySeconds).toBe(86_400);
    expect(config.queryConcurrency).toBe(6);
    expect(readConfig({}).queryConcurrency).toBe(2);
    expect(config.resultCacheMb).toBe(64);
    expect(readConfig({ ...MYSQL, SCU_RESULT_CACHE_MB: '256' }).resultCacheMb).toBe(256);
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
    [{ CUBEJS_PRE_AGGREGATIONS_SCHEMA: 'p'.repeat(38) }, 'CUBEJS_PRE_AGGREGATIONS_SCHEMA', /at most 37 characters, got 38/],
    [{ SCU_ROLE: 'worker' }, 'SCU_ROLE', /one of all, api, refresh/],
    [{ SCU_ROLE: 'api' }, 'SCU_ROLE', /"all" with a DuckDB database.*CUBEJS_DB_TYPE=mysql/],
    [{ SCU_ROLE: 'refresh', CUBEJS_DB_DUCKDB_DATABASE_PATH: '/tmp/x.duckdb', CUBEJS_API_SECRET: SECRET }, 'SCU_ROLE', /one process only/],
    [{ SCU_SHUTDOWN_DRAIN_SECONDS: '600' }, 'SCU_SHUTDOWN_DRAIN_SECONDS', /between 0 and 120/],
    [{ SCU_QUERY_TIMEOUT: '2s' }, 'SCU_QUERY_TIMEOUT', /between 5 and 3600 seconds/],
    [{ SCU_QUERY_TIMEOUT: 'soon' }, 'SCU_QUERY_TIMEOUT', /duration/],
    [{ SCU_REQUEST_LOG: 'yes' }, 'SCU_REQUEST_LOG', /one of on, off/],
    [{ SCU_RECONCILE_EVERY_SECONDS: 'hourly' }, 'SCU_RECONCILE_EVERY_SECONDS', /whole number/],
    [{ CUBEJS_CONCURRENCY: '0' }, 'CUBEJS_CONCURRENCY', /between 1 and 64/],
    [{ SCU_RESULT_CACHE_MB: '0' }, 'SCU_RESULT_CACHE_MB', /between 1 and 16384/],
  ])('names the bad variable: %o', (env, variable, message) => {
    const error = errorOf(env as Record<string, string>);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
    expect(error.message).toMatch(message);
  });
});
