// Loaded into the server the soak starts (NODE_OPTIONS=--import=<this file>; soak.ts), never into a server
// of its own: writes the process's memory to SCU_SOAK_MEMORY_FILE every second, so that the soak can read
// the V8 heap, which /proc does not show, and how many entries Cube's in-memory cache driver holds (its
// LocalCacheDriver keeps every query result and refresh key in one module-level object until it expires).
// Plain JavaScript: it runs before tsx is loaded. It never loads a module itself: the cache is read only
// once the server has loaded Cube.
import fs from 'node:fs';
import { createRequire } from 'node:module';

const file = process.env.SCU_SOAK_MEMORY_FILE;
// Only the process the soak started: a child it spawns inherits NODE_OPTIONS, not this variable.
delete process.env.SCU_SOAK_MEMORY_FILE;

const require = createRequire(import.meta.url);
const DRIVER = '/@cubejs-backend/query-orchestrator/dist/src/orchestrator/LocalCacheDriver.js';

/** Entries of Cube's in-memory cache, and those holding a query result; null until Cube is loaded. */
function cubeCache() {
  const loaded = Object.keys(require.cache).filter((path) => path.endsWith(DRIVER));
  if (loaded.length === 0) return null;
  let entries = 0;
  let results = 0;
  for (const path of loaded) {
    const { LocalCacheDriver } = require.cache[path].exports;
    // `store` is one object shared by every instance of the module.
    for (const key of Object.keys(new LocalCacheDriver().store)) {
      entries++;
      if (key.includes('#SQL_QUERY_RESULT:')) results++; // QueryCache.getKey: <prefix>#<catalog>:<hash>
    }
  }
  return { entries, results };
}

if (file) {
  const write = () => {
    const m = process.memoryUsage();
    const line = JSON.stringify({
      pid: process.pid,
      at: Date.now(),
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      cubeCache: cubeCache(),
    });
    try {
      fs.writeFileSync(`${file}.tmp`, line);
      fs.renameSync(`${file}.tmp`, file);
    } catch {
      // The soak removed its directory: it has finished.
    }
  };
  // On request (the soak writes `<file>.gc`): two full collections, then the heap still in use, the live
  // set, written to `<file>.settled`. Needs --expose-gc (the soak passes it); without it, nothing.
  const settle = () => {
    if (typeof globalThis.gc !== 'function' || !fs.existsSync(`${file}.gc`)) return;
    try {
      fs.unlinkSync(`${file}.gc`);
      globalThis.gc();
      globalThis.gc();
      const m = process.memoryUsage();
      fs.writeFileSync(`${file}.settled.tmp`, JSON.stringify({ pid: process.pid, at: Date.now(), rss: m.rss, heapUsed: m.heapUsed }));
      fs.renameSync(`${file}.settled.tmp`, `${file}.settled`);
    } catch {
      // The soak removed its directory: it has finished.
    }
  };
  write();
  setInterval(() => {
    settle();
    write();
  }, 1000).unref();
}
