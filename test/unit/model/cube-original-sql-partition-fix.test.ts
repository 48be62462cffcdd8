/**
 * server/cube/patches/original-sql-partition-fix.ts against the installed schema-compiler: Cube 1.7.43 builds
 * a partitioned `original_sql` pre-aggregation (and reads its refresh key) with the requesting
 * query's date range (the bug, asserted first so that a Cube that fixes it fails here and the patch
 * can go); with the fix, both carry the partition's placeholders, which the orchestrator replaces
 * with each partition's own month. Cube's own compiler compiles a small model; no database is used.
 */
import type * as SchemaCompilerModule from '@cubejs-backend/schema-compiler';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { installOriginalSqlPartitionFix } from '../../../server/cube/patches/original-sql-partition-fix.js';
import { JsOnlyNativeInstance } from '../../../server/cube/js-mode.js';

const { compile, MysqlQuery, QueryFactory } = createRequire(import.meta.url)(
  '@cubejs-backend/schema-compiler',
) as typeof SchemaCompilerModule;

const MODEL = `
cube('items', {
  sql: \`SELECT * FROM items WHERE \${FILTER_PARAMS.items.served_on.filter('served_on')}\`,
  dimensions: {
    id: { sql: 'id', type: 'number', primary_key: true },
    served_on: { sql: 'served_on', type: 'time' },
  },
  measures: {
    visits: { sql: 'visit_id', type: 'count_distinct' },
  },
  pre_aggregations: {
    rows: {
      type: 'original_sql',
      external: false,
      time_dimension: served_on,
      partition_granularity: 'month',
      refresh_key: { sql: \`SELECT MAX(id) FROM items WHERE \${FILTER_PARAMS.items.served_on.filter('served_on')}\` },
    },
  },
});
`;

const PLACEHOLDERS = ['__FROM_PARTITION_RANGE', '__TO_PARTITION_RANGE'];
const QUERY_RANGE = ['2026-01-01T00:00:00.000', '2026-03-31T23:59:59.999'];

interface Description {
  tableName: string;
  loadSql: [string, unknown[]];
  invalidateKeyQueries: [string, unknown[], unknown][];
}

/** The pre-aggregation descriptions Cube hands the orchestrator for a Q1 2026 query, as the API does. */
async function descriptionsForFirstQuarter(): Promise<Description[]> {
  const compilers = await compile(
    {
      localPath: () => '/model',
      dataSchemaFiles: async () => [{ fileName: 'items.js', content: MODEL }],
    },
    { nativeInstance: new JsOnlyNativeInstance() as never },
  );
  const options = {
    measures: ['items.visits'],
    timeDimensions: [{ dimension: 'items.served_on', dateRange: ['2026-01-01', '2026-03-31'] }],
    timezone: 'UTC',
    useNativeSqlPlanner: false, // the JS planner, as the server runs it (selectJsPlanner)
    // The server's CompilerApi passes one; sub-queries made through it get their own parameter allocator.
    queryFactory: new QueryFactory({ items: MysqlQuery }),
  };
  const query = new MysqlQuery(compilers, options) as unknown as {
    buildSqlAndParams(): unknown;
    preAggregations: { preAggregationsDescription(): Description[] };
  };
  query.buildSqlAndParams();
  return query.preAggregations.preAggregationsDescription().filter((d) => d.tableName.endsWith('items_rows'));
}

describe('a partitioned original_sql pre-aggregation', () => {
  it('is built and keyed with the requesting query range by Cube 1.7.43 itself (the bug the fix is for)', async () => {
    const [description] = await descriptionsForFirstQuarter();
    expect(description!.loadSql[1]).toEqual(QUERY_RANGE);
    expect(description!.invalidateKeyQueries[0]![1]).toEqual(QUERY_RANGE);
  });

  it("is built and keyed with its partition's range once the fix is installed", async () => {
    installOriginalSqlPartitionFix();
    installOriginalSqlPartitionFix(); // idempotent
    const [description] = await descriptionsForFirstQuarter();
    expect(description!.loadSql[0]).toMatch(
      /^CREATE TABLE \S+items_rows AS\s+SELECT \* FROM items WHERE \(+served_on >= .*\?.* AND served_on <= .*\?.*\)+$/s,
    );
    expect(description!.loadSql[1]).toEqual(PLACEHOLDERS);
    expect(description!.invalidateKeyQueries).toEqual([
      [expect.stringMatching(/^SELECT MAX\(id\) FROM items WHERE/), PLACEHOLDERS, expect.objectContaining({ external: false })],
    ]);
  });
});
