/**
 * A fix for Cube 1.7.43's query-orchestrator: a partition built for a query must hold the whole
 * partition, not only the part of it the query asked for.
 *
 * `PreAggregationPartitionRangeLoader.partitionRanges()` intersects the pre-aggregation's build range
 * (first to last date in the data) with the query's date range to pick the partitions the query
 * needs, and returns that intersection as `buildRange`. The last partition's load range is then
 * clipped to `buildRange`'s end: a query for 2025-01-01..2025-01-15 that is the first to need the
 * January partition (or the first to see its refresh key change) builds January from the 1st to the
 * 15th only. The table is named by the unclipped SQL, so every later query reads that half month as
 * January, until January's data changes again. Measured: with on-demand builds, a day query on
 * 2025-01-01 made the January partition hold one day, and 2025-01-31 then read as empty.
 *
 * Here `buildRange` keeps the intersection's start (the partitions picked are the same) and the data's
 * own end, so only the true end of the data clips the last partition, as the scheduled refresh does.
 * The version is pinned with Cube's (server/cube/version.ts); test/unit/model checks this
 * against the installed orchestrator.
 */
import type * as QueryOrchestratorModule from '@cubejs-backend/query-orchestrator';
import { createRequire } from 'node:module';
import { firstPatch } from '../patch-once.js';

const require = createRequire(import.meta.url);
const { PreAggregationPartitionRangeLoader } = require('@cubejs-backend/query-orchestrator') as typeof QueryOrchestratorModule;

type Range = [string, string];
interface PartitionRangeLoader {
  partitionRanges(ignoreMatchedDateRange?: boolean): Promise<{ buildRange: Range; partitionRanges: Range[] }>;
  loadBuildRange(): Promise<Range>;
}

/** Patches every PreAggregationPartitionRangeLoader of this process. Idempotent. */
export function installPartitionRangeFix(): void {
  if (!firstPatch(PreAggregationPartitionRangeLoader.prototype, 'partition-range')) return;
  const prototype = PreAggregationPartitionRangeLoader.prototype as unknown as PartitionRangeLoader;
  const partitionRanges = prototype.partitionRanges;
  prototype.partitionRanges = async function fixedPartitionRanges(this: PartitionRangeLoader, ignoreMatchedDateRange?: boolean) {
    const result = await partitionRanges.call(this, ignoreMatchedDateRange);
    // The range queries are cached: this reads the same build range the call above used.
    const [, dataEnd] = await this.loadBuildRange();
    return { ...result, buildRange: [result.buildRange[0], dataEnd] };
  };
}
