/**
 * Starts the real server (server/app.ts: real Cube, real database) for tests. Used by the
 * integration and browser global setups, once per run: never per test file.
 */
import { createApp, type RunningApp } from '../../server/app.js';
import { readConfig } from '../../server/config.js';

/** A fixed test secret: tests mint tokens with it; it never leaves the test run. */
export const TEST_API_SECRET = 'test-secret-for-service-code-usage-0123456789';

/** Connection of the MariaDB the tests use (CI starts it; see .ci/run). */
export const MYSQL = {
  host: process.env.SCU_TEST_MYSQL_HOST ?? '127.0.0.1',
  port: Number(process.env.SCU_TEST_MYSQL_PORT ?? 3306),
  user: process.env.SCU_TEST_MYSQL_USER ?? 'root',
  password: process.env.SCU_TEST_MYSQL_PASS ?? '',
};

/** `preAggregationsSchema`: a second server on an already served database builds its own (default `<database>_pre_aggregations`). */
export type TestTarget = { type: 'mysql'; database: string; preAggregationsSchema?: string } | { type: 'duckdb'; path: string };

export async function startTestServer(target: TestTarget, extraEnv: Record<string, string> = {}): Promise<RunningApp> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: '0',
    CUBEJS_API_SECRET: TEST_API_SECRET,
    // Short refresh-key interval: freshness tests wait for it (production default: server/config.ts).
    SCU_REFRESH_KEY_EVERY_SECONDS: '2',
    // A JSON line per request would bury the test output (server/request-log.ts is tested on its own).
    SCU_REQUEST_LOG: 'off',
    ...extraEnv,
  };
  if (target.type === 'mysql') {
    Object.assign(env, {
      CUBEJS_DB_TYPE: 'mysql',
      CUBEJS_DB_HOST: MYSQL.host,
      CUBEJS_DB_PORT: String(MYSQL.port),
      CUBEJS_DB_USER: MYSQL.user,
      CUBEJS_DB_PASS: MYSQL.password,
      CUBEJS_DB_NAME: target.database,
      CUBEJS_PRE_AGGREGATIONS_SCHEMA: target.preAggregationsSchema ?? `${target.database}_pre_aggregations`,
    });
  } else {
    Object.assign(env, { CUBEJS_DB_TYPE: 'duckdb', CUBEJS_DB_DUCKDB_DATABASE_PATH: target.path });
  }
  // The caller's variables win (e.g. CUBEJS_DB_PORT of a TCP proxy in front of MariaDB).
  const config = readConfig({ ...env, ...extraEnv });
  return createApp(config, TEST_API_SECRET);
}
