/**
 * A fix for Cube 1.7.43's schema-compiler (JS planner): a partitioned `original_sql` pre-aggregation
 * must be built, and its refresh key read, with its *partition's* date range, not with the range of
 * the query that happened to need it.
 *
 * Cube describes each partition with placeholder parameters (`__FROM_PARTITION_RANGE`,
 * `__TO_PARTITION_RANGE`) that the orchestrator later replaces with the partition's own range. For
 * `original_sql` two things break that, so `FILTER_PARAMS` on the partition's time dimension renders
 * the requesting query's range instead:
 *
 * 1. `BaseQuery.preAggregationSql` evaluates the cube's SQL in a sub-query that carries the partition
 *    range, but that sub-query has its own parameter allocator (every sub-query made through the
 *    `queryFactory` does) while the SQL is assembled with the *requesting* query's allocator. Both
 *    number their parameters from 0, so `$0$`/`$1$` of the partition filter picked up the requesting
 *    query's first two parameters: its date range. Measured on MariaDB: a query over January–March
 *    2026 built the January, February and March partitions each holding January–March (6,362 rows
 *    each), and every sum over them came out tripled.
 * 2. `BaseQuery.preAggregationQueryForSqlEvaluation` returns the requesting query itself for
 *    `original_sql`, so a refresh key's `FILTER_PARAMS` read the requesting query's filters: every
 *    partition got the same key, which cannot say which month changed.
 *
 * Both are patched for partitioned `original_sql` only (rollups are built correctly): the SQL and the
 * refresh key are evaluated in the partition's sub-query and assembled with that sub-query's own
 * allocator. The version is pinned with Cube's (server/cube/version.ts); the unit test
 * test/unit/model/cube-original-sql-partition-fix.test.ts shows the bug on the installed compiler
 * first, so an upgrade that fixes it fails there and the patch can go.
 */
import type * as SchemaCompilerModule from '@cubejs-backend/schema-compiler';
import { createRequire } from 'node:module';
import { firstPatch } from '../patch-once.js';

const require = createRequire(import.meta.url);
const { BaseQuery } = require('@cubejs-backend/schema-compiler') as typeof SchemaCompilerModule;

type SqlAndParams = [string, unknown[]];

interface PreAggregationDefinition {
  type: string;
  partitionTimeDimensions?: unknown[];
  refreshKey?: { sql?: unknown; every?: string };
}

interface ParamAllocator {
  buildSqlAndParams(sql: string): SqlAndParams;
}

/** The part of Cube's BaseQuery this patch touches (BaseQuery is untyped JavaScript inside). */
interface Query {
  paramAllocator: ParamAllocator;
  preAggregations: { originalSqlPreAggregationQuery(cube: string, preAggregation: PreAggregationDefinition): Query };
  cubeEvaluator: { cubeFromPath(cube: string): { sql?: unknown; sqlTable?: unknown } };
  cacheValue<T>(key: unknown[], fn: () => T, options?: Record<string, unknown>): T;
  queryCache: unknown;
  evaluateSql(cube: string, sql: unknown): string;
  evaluateSymbolSqlWithContext<T>(fn: () => T, context: Record<string, unknown>): T;
  cubeSql(cube: string): string;
  refreshKeyRenewalThresholdForInterval(refreshKey: unknown, external?: boolean): number;
  defaultRefreshKeyRenewalThreshold(): number;
  preAggregationSql(cube: string, preAggregation: PreAggregationDefinition): SqlAndParams;
  preAggregationInvalidateKeyQueries(cube: string, preAggregation: PreAggregationDefinition, name: string): unknown[];
}

const isPartitionedOriginalSql = (p: PreAggregationDefinition) => p.type === 'originalSql' && !!p.partitionTimeDimensions?.length;

/** Patches Cube's BaseQuery (every SQL dialect of this process inherits it). Idempotent. */
export function installOriginalSqlPartitionFix(): void {
  if (!firstPatch(BaseQuery.prototype, 'original-sql-partition')) return;
  const prototype = BaseQuery.prototype as unknown as Query;

  const preAggregationSql = prototype.preAggregationSql;
  prototype.preAggregationSql = function partitionedOriginalSql(this: Query, cube, preAggregation) {
    if (!isPartitionedOriginalSql(preAggregation)) return preAggregationSql.call(this, cube, preAggregation);
    return this.cacheValue(
      ['partitionedOriginalSql', cube, JSON.stringify(preAggregation)],
      () => {
        const partition = this.preAggregations.originalSqlPreAggregationQuery(cube, preAggregation);
        const { sql, sqlTable } = this.cubeEvaluator.cubeFromPath(cube);
        const body = partition.evaluateSymbolSqlWithContext(
          () => (sqlTable ? `SELECT * FROM ${partition.cubeSql(cube)}` : partition.evaluateSql(cube, sql)),
          { preAggregationQuery: true, collectOriginalSqlPreAggregations: [] },
        );
        return partition.paramAllocator.buildSqlAndParams(body);
      },
      { cache: this.queryCache },
    );
  };

  const invalidateKeyQueries = prototype.preAggregationInvalidateKeyQueries;
  prototype.preAggregationInvalidateKeyQueries = function partitionedOriginalSqlKey(this: Query, cube, preAggregation, name) {
    const refreshKey = preAggregation.refreshKey;
    if (!isPartitionedOriginalSql(preAggregation) || !refreshKey?.sql) return invalidateKeyQueries.call(this, cube, preAggregation, name);
    return this.cacheValue(
      ['partitionedOriginalSqlKey', cube, JSON.stringify(preAggregation)],
      () => {
        const partition = this.preAggregations.originalSqlPreAggregationQuery(cube, preAggregation);
        // As Cube does for a rollup's `refresh_key.sql` (BaseQuery.preAggregationInvalidateKeyQueries).
        return [
          [
            ...partition.paramAllocator.buildSqlAndParams(partition.evaluateSql(cube, refreshKey.sql)),
            {
              external: false,
              renewalThreshold: refreshKey.every
                ? this.refreshKeyRenewalThresholdForInterval(refreshKey, false)
                : this.defaultRefreshKeyRenewalThreshold(),
            },
          ],
        ];
      },
      { cache: this.queryCache },
    );
  };
}
