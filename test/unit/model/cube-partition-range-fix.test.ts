/**
 * server/cube/patches/partition-range-fix.ts against the installed query-orchestrator: Cube 1.7.43 clips a
 * query-built partition to the query's own date range (the bug, asserted first so that a Cube that
 * fixes it fails here and the patch can go), and the fix keeps the whole partition.
 */
import type * as QueryOrchestratorModule from '@cubejs-backend/query-orchestrator';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { installPartitionRangeFix } from '../../../server/cube/patches/partition-range-fix.js';

const { PreAggregationPartitionRangeLoader } = createRequire(import.meta.url)(
  '@cubejs-backend/query-orchestrator',
) as typeof QueryOrchestratorModule;

type Range = [string, string];
interface Loader {
  partitionRanges(): Promise<{ buildRange: Range; partitionRanges: Range[] }>;
  partitionPreAggregationDescription(
    range: Range,
    buildRange: Range,
  ): { buildRangeStart: string; buildRangeEnd: string; loadSql: [string, unknown[]] };
}

const DATA: Range = ['2024-02-29T00:00:00.000', '2026-10-31T23:59:59.999'];
/** A query for the first half of January 2025. */
const QUERY: Range = ['2025-01-01T00:00:00.000', '2025-01-15T23:59:59.999'];

/** A loader of a monthly-partitioned rollup whose data spans DATA, for a query over QUERY. */
function loader(): Loader {
  const instance = Object.create(PreAggregationPartitionRangeLoader.prototype) as Record<string, unknown>;
  Object.assign(instance, {
    preAggregation: {
      tableName: 'schema.rollup',
      partitionGranularity: 'month',
      timestampPrecision: 3,
      timezone: 'UTC',
      matchedTimeDimensionDateRange: QUERY,
      loadSql: [
        'CREATE TABLE schema.rollup AS SELECT * FROM t WHERE d >= ? AND d <= ?',
        ['__FROM_PARTITION_RANGE', '__TO_PARTITION_RANGE'],
      ],
      invalidateKeyQueries: [['SELECT MAX(updated_at) FROM t WHERE d >= ? AND d <= ?', ['__FROM_PARTITION_RANGE', '__TO_PARTITION_RANGE']]],
    },
    options: { maxPartitions: 10_000 },
    compilerCacheFn: (_key: unknown, fn: () => unknown) => fn(),
    loadBuildRange: async () => DATA,
  });
  return instance as unknown as Loader;
}

describe('a partition built for a query', () => {
  it('is clipped to the query by Cube 1.7.43 itself (the bug the fix is for)', async () => {
    const l = loader();
    const { buildRange, partitionRanges } = await l.partitionRanges();
    expect(partitionRanges).toEqual([['2025-01-01T00:00:00.000', '2025-01-31T23:59:59.999']]);
    expect(l.partitionPreAggregationDescription(partitionRanges[0]!, buildRange).buildRangeEnd).toBe(QUERY[1]);
  });

  it('holds the whole partition once the fix is installed, and the same partitions are picked', async () => {
    installPartitionRangeFix();
    installPartitionRangeFix(); // idempotent
    const l = loader();
    const { buildRange, partitionRanges } = await l.partitionRanges();
    expect(partitionRanges).toEqual([['2025-01-01T00:00:00.000', '2025-01-31T23:59:59.999']]);
    const description = l.partitionPreAggregationDescription(partitionRanges[0]!, buildRange);
    expect([description.buildRangeStart, description.buildRangeEnd]).toEqual(['2025-01-01T00:00:00.000', '2025-01-31T23:59:59.999']);
    // The build SQL reads the whole month (its parameters, in the database's UTC form).
    expect(description.loadSql[1]).toEqual([expect.stringMatching(/^2025-01-01T00:00:00/), expect.stringMatching(/^2025-01-31T23:59:59/)]);
  });

  it('is still clipped to the last date of the data', async () => {
    const l = loader();
    const partition: Range = ['2026-10-01T00:00:00.000', '2026-10-31T23:59:59.999'];
    const short = Object.assign(l, { loadBuildRange: async () => ['2024-02-29T00:00:00.000', '2026-10-20T23:59:59.999'] });
    expect(short.partitionPreAggregationDescription(partition, (await short.partitionRanges()).buildRange).buildRangeEnd).toBe(
      '2026-10-20T23:59:59.999',
    );
  });
});
