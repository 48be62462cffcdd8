/**
 * The id of each Cube app's query orchestrator, unique in the whole process.
 *
 * Cube 1.7.43 keeps its in-memory queue and cache in module-level maps of
 * `@cubejs-backend/query-orchestrator` (`LocalQueueDriver`'s `sharedState`, `LocalCacheDriver`'s
 * `store`) keyed by this id: two apps with the same id take each other's queued queries and cached
 * results, and answer them from the wrong database. A counter in this module is not enough, because
 * this module can be instantiated more than once in one process while Cube's modules are loaded once:
 * Vitest gives each project's global setup a module graph of its own, so the integration tests' server
 * on MariaDB and the browser tests' server both counted to 1 and were both `SCU_mysql_1`. The browser
 * tests' queries were then at times run against the integration tests' database, which lacks the
 * browser-only clinic: the table said "No services match" while the totals showed its figures.
 * The counter therefore lives on `globalThis`, under a registered symbol every instance shares.
 */
const COUNT = Symbol.for('service-code-usage.orchestrators-created');

type Counter = { [COUNT]?: number };

export function nextOrchestratorId(dbType: string): string {
  const counter = globalThis as Counter;
  const n = (counter[COUNT] ?? 0) + 1;
  counter[COUNT] = n;
  return `SCU_${dbType}_${n}`;
}
