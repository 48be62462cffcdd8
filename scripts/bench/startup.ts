/**
 * A cold start: the pre-aggregation schema is dropped, the server spawned, and from the spawn on
 *  - the largest clinic's default view (the report's main table query) is asked every 250 ms until it
 *    answers with data: time to first data;
 *  - the pre-aggregation schema's tables are counted every second: every partition is built when the
 *    server has logged "Pre-aggregations up to date" (server/main.ts, after its first full refresh
 *    pass) and the count has not grown for 3 polls; the time is the later of that line and the last
 *    new table.
 */
import type mysql from 'mysql2/promise';
import type { Query } from '@cubejs-client/core';
import { rows } from './db.js';
import { BenchServer } from './server.js';
import { sleep } from './stats.js';

export const UP_TO_DATE_LINE = /^Pre-aggregations up to date in ([\d.]+) s\./;
export const LISTENING_LINE = /^Service Code Usage listening on/;

export interface ColdStart {
  server: BenchServer;
  firstDataMs: number;
  firstDataRows: number;
  firstDataAttempts: number;
  allPartitionsMs: number;
  upToDateLogMs: number;
  /** The server's own figure from its log line. */
  refreshPassSeconds: number;
  tables: number;
  rssAtReadyMb: number;
}

async function tableCount(db: mysql.Connection, schema: string): Promise<number> {
  const [row] = await rows<{ n: string }>(db, 'SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ?', [schema]);
  return Number(row!.n);
}

export async function coldStart(
  db: mysql.Connection,
  database: string,
  schema: string,
  largestClinic: number,
  defaultView: Query,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<ColdStart> {
  // The change tracker's state too (server/refresh/): a cold start knows nothing of an earlier run.
  await db.query(`DROP DATABASE IF EXISTS ${db.escapeId(schema)}`);
  await db.query(`DROP DATABASE IF EXISTS ${db.escapeId(`${schema}_changes`)}`);
  log(`dropped ${schema} and ${schema}_changes; spawning the server`);
  const server = await BenchServer.start(database, schema);
  try {
    const token = server.token({ clinic_id: largestClinic, role: 'owner' });
    const deadline = performance.now() + timeoutMs;

    const firstData = (async () => {
      let attempts = 0;
      for (;;) {
        attempts++;
        const r = await server.load(token, defaultView, { timeoutMs: Math.max(1, Math.ceil(deadline - performance.now())) });
        if (r.ok) return { ms: performance.now() - server.spawnedAt, rows: r.data.length, attempts };
        if (server.child.exitCode !== null) throw new Error(`the server exited:\n${server.tail()}`);
        if (performance.now() > deadline) throw new Error(`no first data within ${timeoutMs / 1000} s (${r.error})`);
        await sleep(250);
      }
    })();

    let tables = 0;
    let lastGrowthMs = 0;
    let stablePolls = 0;
    for (;;) {
      const n = await tableCount(db, schema).catch(() => 0);
      if (n > tables) {
        tables = n;
        lastGrowthMs = performance.now() - server.spawnedAt;
        stablePolls = 0;
      } else stablePolls++;
      if (server.findLog(UP_TO_DATE_LINE) && stablePolls >= 3) break;
      if (server.child.exitCode !== null) throw new Error(`the server exited:\n${server.tail()}`);
      if (performance.now() > deadline)
        throw new Error(`partitions not all built within ${timeoutMs / 1000} s (${tables} tables)\n${server.tail()}`);
      await sleep(1000);
    }
    const upToDate = server.findLog(UP_TO_DATE_LINE)!;
    const first = await firstData;
    log(
      `first data ${(first.ms / 1000).toFixed(2)} s; "${upToDate.text}" at ${(upToDate.atMs / 1000).toFixed(1)} s; ${tables} tables in ${schema}, the last at ${(lastGrowthMs / 1000).toFixed(1)} s`,
    );
    return {
      server,
      firstDataMs: first.ms,
      firstDataRows: first.rows,
      firstDataAttempts: first.attempts,
      allPartitionsMs: Math.max(upToDate.atMs, lastGrowthMs),
      upToDateLogMs: upToDate.atMs,
      refreshPassSeconds: Number(UP_TO_DATE_LINE.exec(upToDate.text)![1]),
      tables,
      rssAtReadyMb: server.sampleRss(),
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
