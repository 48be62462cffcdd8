/**
 * Cube's in-memory cache driver with the bound of server/cube/patches/local-cache-bound.ts, on the real
 * LocalCacheDriver: query results past the cap go oldest first, other entries are never dropped before
 * they expire, expired entries of any kind are swept, and the accounting follows Cube's own deletes.
 */
import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { installLocalCacheBound, resultCacheUsage, setResultCacheLimit } from '../../../../server/cube/patches/local-cache-bound.js';

const require = createRequire(import.meta.url);
interface Driver {
  store: Record<string, unknown>;
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown, expiration: number): Promise<{ bytes: number }>;
  remove(key: string): Promise<void>;
  reset(): void;
}
const { LocalCacheDriver } = require('@cubejs-backend/query-orchestrator') as { LocalCacheDriver: new () => Driver };

const result = (n: number) => `STANDALONE#SQL_QUERY_RESULT:hash${n}`;
/** A value of about 1 kB of JSON. */
const kB = (n: number) => ({ rows: 'x'.repeat(1000), n });

let driver: Driver;
beforeEach(() => {
  installLocalCacheBound();
  driver = new LocalCacheDriver();
  driver.reset();
  setResultCacheLimit(5_500);
});
afterEach(() => {
  driver.reset();
  setResultCacheLimit(64 * 1024 * 1024);
  vi.useRealTimers();
});

describe('the bounded in-memory cache', () => {
  it('drops the oldest query results past the cap, and keeps the newest', async () => {
    for (let n = 1; n <= 8; n++) await driver.set(result(n), kB(n), 3600);
    expect(resultCacheUsage().results).toBe(5);
    expect(resultCacheUsage().bytes).toBeLessThanOrEqual(5_500);
    for (const n of [1, 2, 3]) expect(await driver.get(result(n))).toBeUndefined();
    for (const n of [4, 5, 6, 7, 8]) expect(await driver.get(result(n))).toEqual(kB(n));
  });

  it('a result stored again counts once and becomes the newest', async () => {
    for (let n = 1; n <= 5; n++) await driver.set(result(n), kB(n), 3600);
    await driver.set(result(1), kB(1), 3600);
    await driver.set(result(6), kB(6), 3600);
    expect(resultCacheUsage().results).toBe(5);
    expect(await driver.get(result(2))).toBeUndefined();
    expect(await driver.get(result(1))).toEqual(kB(1));
  });

  it('never drops other entries (table lists, marks of tables in use) before they expire', async () => {
    await driver.set('STANDALONE#SQL_PRE_AGGREGATIONS_TABLES_USED:t1', kB(0), 3600);
    for (let n = 1; n <= 20; n++) await driver.set(result(n), kB(n), 3600);
    expect(await driver.get('STANDALONE#SQL_PRE_AGGREGATIONS_TABLES_USED:t1')).toEqual(kB(0));
  });

  it('sweeps expired entries of every kind once a minute, and follows Cube’s own deletes', async () => {
    vi.useFakeTimers();
    await driver.set(result(1), kB(1), 10);
    await driver.set('STANDALONE#SQL_PRE_AGGREGATIONS_TABLES_TOUCH:t1', 1, 10);
    await driver.set(result(2), kB(2), 3600);
    vi.advanceTimersByTime(61_000);
    await driver.set(result(3), kB(3), 3600);
    expect(Object.keys(driver.store).sort()).toEqual([result(2), result(3)]);
    expect(resultCacheUsage().results).toBe(2);
    await driver.remove(result(2));
    expect(resultCacheUsage().results).toBe(1);
    await driver.set(result(4), kB(4), 1);
    vi.advanceTimersByTime(2_000);
    expect(await driver.get(result(4))).toBeUndefined(); // Cube deletes it on read
    expect(resultCacheUsage().results).toBe(1);
  });
});
