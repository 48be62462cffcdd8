/**
 * Cube 1.7.43 drops a pre-aggregation's previous table as soon as it has built a new version of it,
 * unless that table is in the builder's "tables used" list. That list lives in the cache driver: with
 * Cube Store it is shared by every instance, but here (no native module, memory cache) each process has
 * its own. In the production topology (SCU_ROLE: `api` instances serve, one `refresh` worker builds;
 * docs/deployment.md) the worker serves no query and so marks nothing used: an `api` instance that
 * listed the tables a moment before reads a table the worker has just dropped, and the query fails with
 * "Table … doesn't exist".
 *
 * Here, just before Cube drops orphaned tables after a build, the newest earlier version of the table
 * it replaced is marked used, as a query on it would mark it: Cube keeps it for its "used table" time
 * (`usedTablePersistTime`, Cube's CUBEJS_DB_QUERY_TIMEOUT, 10 minutes by default) and drops it on a
 * later pass. `api` instances re-list the tables every refresh interval (app.ts), far within that. The
 * cost is one superseded copy of a rebuilt partition for those minutes, in every role.
 */
import type * as QueryOrchestratorModule from '@cubejs-backend/query-orchestrator';
import { createRequire } from 'node:module';
import { firstPatch } from '../patch-once.js';

const require = createRequire(import.meta.url);
const { PreAggregationLoader, PreAggregations, tablesToVersionEntries } =
  require('@cubejs-backend/query-orchestrator') as typeof QueryOrchestratorModule & {
    tablesToVersionEntries(schema: string, tables: TableRow[]): VersionEntry[];
  };

interface TableRow {
  table_name?: string;
  TABLE_NAME?: string;
}
interface VersionEntry {
  table_name: string;
  last_updated_at: number;
}
interface Client {
  getTablesQuery(schema: string): Promise<TableRow[]>;
}
interface Loader {
  preAggregation: { preAggregationsSchema: string };
  preAggregations: { addTableUsed(tableName: string): Promise<void> };
  dropOrphanedTables(client: Client, justCreatedTable: string, ...rest: unknown[]): Promise<unknown>;
}

/** The newest version of `justCreatedTable`'s pre-aggregation other than itself, if any (full name). */
export function supersededVersion(schema: string, tables: TableRow[], justCreatedTable: string): string | undefined {
  const targetName = (entry: VersionEntry) =>
    (PreAggregations as unknown as { targetTableName(e: VersionEntry): string }).targetTableName(entry);
  const created = tablesToVersionEntries(schema, [{ table_name: justCreatedTable.slice(schema.length + 1) }])[0];
  if (!created) return undefined;
  // Cube sorts the entries newest first.
  return tablesToVersionEntries(schema, tables)
    .filter((entry) => entry && entry.table_name === created.table_name)
    .map(targetName)
    .find((name) => name !== justCreatedTable);
}

/** Patches every PreAggregationLoader of this process. Idempotent. */
export function installSupersededTableGrace(): void {
  if (!firstPatch(PreAggregationLoader.prototype, 'superseded-table-grace')) return;
  const prototype = PreAggregationLoader.prototype as unknown as Loader;
  const dropOrphanedTables = prototype.dropOrphanedTables;
  prototype.dropOrphanedTables = async function dropOrphanedTablesAfterGrace(this: Loader, client, justCreatedTable, ...rest) {
    const schema = this.preAggregation.preAggregationsSchema;
    const previous = supersededVersion(schema, await client.getTablesQuery(schema), justCreatedTable);
    if (previous) await this.preAggregations.addTableUsed(previous);
    return dropOrphanedTables.call(this, client, justCreatedTable, ...rest);
  };
}
