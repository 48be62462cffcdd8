/**
 * Closing Cube's DuckDB driver only once no query runs on it.
 *
 * `DuckDBDriver.release()` (1.7.43) closes the in-process DuckDB instance at once. On shutdown a
 * background query may still run on it (a rollup build, a cache renewal): closing the instance under
 * it can abort the whole process, and not closing it leaves a write-ahead log a read-only open cannot
 * replay. Here each driver counts its running queries and streams, and `release()` waits until none
 * runs (at most RELEASE_WAIT_MS) before Cube's own release closes the instance cleanly.
 *
 * The driver's version is pinned with Cube's (server/cube/version.ts checks it).
 */
import type * as DuckDBDriverModule from '@cubejs-backend/duckdb-driver';
import { createRequire } from 'node:module';
import { firstPatch } from '../patch-once.js';

const { DuckDBDriver } = createRequire(import.meta.url)('@cubejs-backend/duckdb-driver') as typeof DuckDBDriverModule;

const RELEASE_WAIT_MS = 10_000;

type Method = (...args: unknown[]) => Promise<unknown>;
interface CountedDriver {
  query: Method;
  stream: Method;
  release: () => Promise<void>;
  scuRunning?: number;
}

/** Makes every DuckDBDriver of this process wait for its running queries before closing. Idempotent. */
export function installDuckDbQuietRelease(): void {
  if (!firstPatch(DuckDBDriver.prototype, 'duckdb-quiet-release')) return;
  const prototype = DuckDBDriver.prototype as unknown as CountedDriver;
  const { query, stream, release } = prototype;

  prototype.query = async function countedQuery(this: CountedDriver, ...args: unknown[]) {
    this.scuRunning = (this.scuRunning ?? 0) + 1;
    try {
      return await query.apply(this, args);
    } finally {
      this.scuRunning -= 1;
    }
  };

  // A stream runs until its consumer closes it; it is counted until the stream ends or fails.
  prototype.stream = async function countedStream(this: CountedDriver, ...args: unknown[]) {
    this.scuRunning = (this.scuRunning ?? 0) + 1;
    let counted = true;
    const done = () => {
      if (counted) {
        counted = false;
        this.scuRunning! -= 1;
      }
    };
    try {
      const result = (await stream.apply(this, args)) as { rowStream?: NodeJS.EventEmitter };
      if (result?.rowStream) {
        result.rowStream.once('close', done);
        result.rowStream.once('error', done);
      } else done();
      return result;
    } catch (e) {
      done();
      throw e;
    }
  };

  prototype.release = async function quietRelease(this: CountedDriver) {
    const deadline = Date.now() + RELEASE_WAIT_MS;
    while ((this.scuRunning ?? 0) > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return release.call(this);
  };
}
