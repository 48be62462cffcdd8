/**
 * The project's patches of Cube's classes apply once per class, even when server/ is loaded twice in
 * one process (Vitest loads each project's global setup separately): a second module instance must
 * not wrap a method again.
 */
import type * as QueryOrchestratorModule from '@cubejs-backend/query-orchestrator';
import type * as SchemaCompilerModule from '@cubejs-backend/schema-compiler';
import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';
import { firstPatch } from '../../../server/cube/patch-once.js';

const require = createRequire(import.meta.url);
const { PreAggregationPartitionRangeLoader } = require('@cubejs-backend/query-orchestrator') as typeof QueryOrchestratorModule;
const { BaseQuery } = require('@cubejs-backend/schema-compiler') as typeof SchemaCompilerModule;

describe('firstPatch', () => {
  it('is true once per prototype and name', () => {
    class A {}
    class B {}
    expect(firstPatch(A.prototype, 'x')).toBe(true);
    expect(firstPatch(A.prototype, 'x')).toBe(false);
    expect(firstPatch(A.prototype, 'y')).toBe(true);
    expect(firstPatch(B.prototype, 'x')).toBe(true);
  });

  it("keeps Cube's methods wrapped once when the patching modules are loaded twice", async () => {
    const ranges = PreAggregationPartitionRangeLoader.prototype as unknown as Record<string, unknown>;
    const query = BaseQuery.prototype as unknown as Record<string, unknown>;
    const stock = { ranges: ranges.partitionRanges, sql: query.preAggregationSql };
    const first = {
      range: await import('../../../server/cube/patches/partition-range-fix.js'),
      sql: await import('../../../server/cube/patches/original-sql-partition-fix.js'),
    };
    first.range.installPartitionRangeFix();
    first.sql.installOriginalSqlPartitionFix();
    const patched = { ranges: ranges.partitionRanges, sql: query.preAggregationSql };
    expect(patched.ranges).not.toBe(stock.ranges);
    expect(patched.sql).not.toBe(stock.sql);
    vi.resetModules();
    const second = {
      range: await import('../../../server/cube/patches/partition-range-fix.js'),
      sql: await import('../../../server/cube/patches/original-sql-partition-fix.js'),
    };
    expect(second.range).not.toBe(first.range);
    second.range.installPartitionRangeFix();
    second.sql.installOriginalSqlPartitionFix();
    expect(ranges.partitionRanges).toBe(patched.ranges);
    expect(query.preAggregationSql).toBe(patched.sql);
  });
});
