/**
 * Cube 1.7.43's in-memory cache (LocalCacheDriver, used when there is no Cube Store or Redis, as here)
 * keeps every entry in one module-level object and deletes an expired one only when it is read again.
 * Query results expire after 24 h, so every distinct query a dashboard asks stays in memory for a day:
 * measured with `npm run soak -- --minutes 10 --users 50` at 1 M items, 12,310 entries after 10 minutes,
 * growing by ~1,200 a minute, and the server's RSS 310 → 1,024 MB (peak 1,122) without levelling off.
 *
 * Bounded here, per process:
 * - query results (keys `…#SQL_QUERY_RESULT:…`, which also hold refresh-key answers) are limited to
 *   SCU_RESULT_CACHE_MB of JSON (the size Cube itself computes when it stores one); past it the oldest
 *   stored are dropped first. A dropped result is a cache miss: the query runs again, its answer the same.
 * - expired entries of any kind are swept once a minute. Other entries (pre-aggregation table lists, the
 *   marks that keep a table in use, locks) are never dropped before they expire: losing a mark early
 *   could let the refresh worker drop a table a query is about to read.
 * Cube's QueryCache also keeps references to recent results in an LRU of its own (up to 10,000 entries
 * by default); server/app.ts makes it small, so that what is dropped here is really freed.
 */
import { createRequire } from 'node:module';
import { firstPatch } from '../patch-once.js';

const require = createRequire(import.meta.url);

interface Entry {
  value: unknown;
  exp: number;
}
interface LocalCacheDriverLike {
  store: Record<string, Entry>;
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown, expiration: number): Promise<{ key: string; bytes: number }>;
  remove(key: string): Promise<void>;
  reset(): void;
}

const SWEEP_EVERY_MS = 60_000;
const RESULT_KEY = '#SQL_QUERY_RESULT:';

let limitBytes = 64 * 1024 * 1024;
/** The stored query results' sizes, oldest first (a key set again moves to the end). */
const resultBytes = new Map<string, number>();
let totalBytes = 0;
let lastSweep = Date.now();

/** The cap on stored query results, in JSON bytes (SCU_RESULT_CACHE_MB). */
export function setResultCacheLimit(bytes: number): void {
  limitBytes = bytes;
}

/** What the cap counts now: stored query results and their JSON bytes. */
export function resultCacheUsage(): { results: number; bytes: number } {
  return { results: resultBytes.size, bytes: totalBytes };
}

function forget(key: string): void {
  const bytes = resultBytes.get(key);
  if (bytes === undefined) return;
  resultBytes.delete(key);
  totalBytes -= bytes;
}

function sweepExpired(store: Record<string, Entry>, now: number): void {
  for (const key of Object.keys(store)) {
    const entry = store[key];
    if (entry && entry.exp < now) {
      delete store[key];
      forget(key);
    }
  }
}

function dropOldestResults(store: Record<string, Entry>): void {
  for (const key of resultBytes.keys()) {
    if (totalBytes <= limitBytes) return;
    delete store[key];
    forget(key);
  }
}

/** Patches LocalCacheDriver for the whole process. Idempotent. */
export function installLocalCacheBound(): void {
  const { LocalCacheDriver } = require('@cubejs-backend/query-orchestrator') as { LocalCacheDriver: { prototype: LocalCacheDriverLike } };
  const proto = LocalCacheDriver.prototype;
  if (!firstPatch(proto, 'local-cache-bound')) return;
  const { get, set, remove, reset } = proto;
  proto.set = async function (this: LocalCacheDriverLike, key, value, expiration) {
    const stored = await set.call(this, key, value, expiration);
    if (key.includes(RESULT_KEY)) {
      forget(key);
      resultBytes.set(key, stored.bytes);
      totalBytes += stored.bytes;
    }
    const now = Date.now();
    if (now - lastSweep >= SWEEP_EVERY_MS) {
      lastSweep = now;
      sweepExpired(this.store, now);
    }
    dropOldestResults(this.store);
    return stored;
  };
  proto.get = async function (this: LocalCacheDriverLike, key) {
    const value = await get.call(this, key);
    // Cube's get deletes an expired entry it reads.
    if (!(key in this.store)) forget(key);
    return value;
  };
  proto.remove = async function (this: LocalCacheDriverLike, key) {
    await remove.call(this, key);
    forget(key);
  };
  proto.reset = function (this: LocalCacheDriverLike) {
    reset.call(this);
    resultBytes.clear();
    totalBytes = 0;
  };
}
