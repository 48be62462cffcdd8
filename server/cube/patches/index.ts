/**
 * Cube 1.7.43 patched, each explained in its file: DuckDB returns decimals with their scale
 * (duckdb-exact-decimals.ts) and closes only when no query runs (duckdb-quiet-release.ts); a
 * partition built for a query holds the whole partition (partition-range-fix.ts), and a
 * partitioned original_sql its own month (original-sql-partition-fix.ts), and Cube's MySQL driver
 * stops passing mysql2 two options of its own (mysql-driver-options.ts) and gives back a pooled
 * connection that broke before its query (mysql-pool-leak.ts), which also sets each connection to READ
 * COMMITTED so that a build never locks a host row (mysql-read-committed.ts); its in-memory cache is bounded
 * (local-cache-bound.ts). Each patches Cube's classes
 * for the whole process, once (server/cube/patch-once.ts); the versions are checked by ../version.ts.
 */
import { installDuckDbExactDecimals } from './duckdb-exact-decimals.js';
import { installDuckDbQuietRelease } from './duckdb-quiet-release.js';
import { installMysqlDriverOptions } from './mysql-driver-options.js';
import { installMysqlPoolLeakFix } from './mysql-pool-leak.js';
import { installLocalCacheBound } from './local-cache-bound.js';
import { installOriginalSqlPartitionFix } from './original-sql-partition-fix.js';
import { installPartitionRangeFix } from './partition-range-fix.js';

/** Installs the seven patches. Idempotent. */
export function installCubePatches(): void {
  installDuckDbExactDecimals();
  installDuckDbQuietRelease();
  installPartitionRangeFix();
  installOriginalSqlPartitionFix();
  installMysqlDriverOptions();
  installMysqlPoolLeakFix();
  installLocalCacheBound();
}
