// The demo-data seeder's public API: the pure generator, the two writers, the host schema's DDL.

export { generateHostRows, estimateHostRows, type SeedEstimate } from './generator.js';
export { seedDuckDb } from './duckdb.js';
export { seedMysql, type MysqlSeedConnection, type MysqlSeedOptions } from './mysql.js';
export {
  resolveSeedOptions,
  defaultClinicCount,
  DEFAULT_END_DATE,
  DEFAULT_YEARS,
  type SeedOptions,
  type ResolvedSeedOptions,
} from './options.js';
export { progressBar, describeProgress } from './progress.js';
export type { SeedProgress, SeedRunOptions, SeedSummary } from './run.js';
export { HOST_TABLE_COLUMNS, PAYOR_TYPES, formatCents, parseCents, rowValues } from './rows.js';
export type * from './rows.js';
export {
  HOST_TABLES,
  readHostSchema,
  hostSchemaPath,
  hostSchemaStatements,
  splitSqlStatements,
  type HostTable,
  type HostSchemaTarget,
} from './schema.js';
