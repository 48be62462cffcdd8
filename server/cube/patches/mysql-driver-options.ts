/**
 * Cube 1.7.43's MySQL driver hands mysql2 its whole configuration, including two of Cube's own keys,
 * `dataSource` and `preAggregations`; mysql2 warns "Ignoring invalid configuration option passed to
 * Connection" for each, on every new connection (a page of warnings at every start, more under load,
 * each one false: nothing is wrong). The driver calls `mysql2.createConnection` through the module's
 * exports at call time, so it is wrapped here to drop exactly those two keys; every other option,
 * a mistyped one included, still reaches mysql2 and is still warned about.
 */
import { createRequire } from 'node:module';
import { firstPatch } from '../patch-once.js';

const require = createRequire(import.meta.url);
const CUBE_ONLY_OPTIONS = ['dataSource', 'preAggregations'];

type CreateConnection = (config: unknown) => unknown;

/** The connection options without Cube's own keys (anything else unchanged). */
export function withoutCubeOptions(config: unknown): unknown {
  if (typeof config !== 'object' || config === null) return config;
  return Object.fromEntries(Object.entries(config).filter(([key]) => !CUBE_ONLY_OPTIONS.includes(key)));
}

/** Patches mysql2's createConnection for the whole process. Idempotent. */
export function installMysqlDriverOptions(): void {
  // The driver resolves `mysql2` from its own folder: the same (hoisted) module as here.
  const mysql2 = require(require.resolve('mysql2', { paths: [require.resolve('@cubejs-backend/mysql-driver')] })) as {
    createConnection: CreateConnection;
  };
  if (!firstPatch(mysql2, 'mysql-driver-options')) return;
  const createConnection = mysql2.createConnection;
  mysql2.createConnection = (config: unknown) => createConnection(withoutCubeOptions(config));
}
