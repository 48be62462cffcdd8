/**
 * The MariaDB side of the benchmark: connections (127.0.0.1 only), the database server's CPU time
 * from /proc, and MariaDB's slow log written to a table to time the statements of a window.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import mysql from 'mysql2/promise';

/** The database server measured: always this machine (the benchmark never targets another host). */
export const MYSQL = {
  host: '127.0.0.1',
  port: Number(process.env.CUBEJS_DB_PORT || 3306),
  user: process.env.CUBEJS_DB_USER || 'root',
  password: process.env.CUBEJS_DB_PASS ?? '',
};

/** A connection without a default database: the benchmark's own statements name their schema, so the
 * slow log (filtered on the bench database) never counts them as the server's. */
export function connect(database?: string): Promise<mysql.Connection> {
  return mysql.createConnection({
    ...MYSQL,
    ...(database ? { database } : {}),
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    multipleStatements: false,
  });
}

export async function rows<T = Record<string, unknown>>(db: mysql.Connection, sql: string, params: unknown[] = []): Promise<T[]> {
  const [result] = await db.query(sql, params);
  return result as T[];
}

/** The pid of mariadbd (or mysqld) on this machine, or null when /proc cannot see it. */
export function databasePid(): number | null {
  for (const name of ['mariadbd', 'mysqld']) {
    try {
      const out = execFileSync('pgrep', ['-x', name], { encoding: 'utf8' }).trim().split('\n')[0];
      if (out) return Number(out);
    } catch {
      // not running under that name
    }
  }
  return null;
}

const CLOCK_TICKS = 100; // sysconf(_SC_CLK_TCK) on Linux

/** CPU seconds (user + system) the database server has used since it started. */
export function databaseCpuSeconds(pid: number | null): number {
  if (pid === null) return Number.NaN;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name "(...)": state is field 3, utime 14 and stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/** Resident memory of a process in MB (VmRSS), or NaN once it is gone. */
export function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export interface SlowLogWindow {
  statements: number;
  /** Sum of query_time of the bench database's statements in the window, in ms. */
  totalMs: number;
  /** The same, for statements that read or write the pre-aggregation schema (builds, reads of rollups). */
  preAggregationMs: number;
  top: { ms: number; sql: string }[];
  /** False when another client switched the slow log off during the window: the sums are then partial. */
  intact: boolean;
}

/**
 * MariaDB's slow log as a stopwatch for every statement of the bench database. `long_query_time` and
 * `slow_query_log` are copied into a session when it connects, so they are set before the server is
 * spawned (its pool's sessions log every statement); `log_output` is global and switches the writing
 * on only inside a window (`NONE` outside). `restore()` puts the three settings back: always call it.
 */
export class SlowLog {
  private saved: { log_output: string; long_query_time: string; slow_query_log: string } | null = null;
  private windowStart: string | null = null;

  constructor(
    private readonly db: mysql.Connection,
    private readonly database: string,
  ) {}

  async arm(): Promise<void> {
    const [row] = await rows<{ o: string; t: string; s: string }>(
      this.db,
      'SELECT @@GLOBAL.log_output AS o, @@GLOBAL.long_query_time AS t, @@GLOBAL.slow_query_log AS s',
    );
    this.saved = { log_output: row!.o, long_query_time: String(row!.t), slow_query_log: String(row!.s) };
    await this.db.query("SET GLOBAL log_output = 'NONE'");
    await this.db.query('SET GLOBAL long_query_time = 0');
    await this.db.query('SET GLOBAL slow_query_log = 1');
  }

  async open(): Promise<void> {
    // Asserted again: the settings are global, and another client of this shared server may change them.
    await this.db.query('SET GLOBAL long_query_time = 0');
    await this.db.query('SET GLOBAL slow_query_log = 1');
    const [row] = await rows<{ t: string }>(this.db, 'SELECT CAST(NOW(6) AS CHAR) AS t');
    this.windowStart = row!.t;
    await this.db.query("SET GLOBAL log_output = 'TABLE'");
  }

  async close(): Promise<SlowLogWindow> {
    const [state] = await rows<{ o: string; s: string }>(this.db, 'SELECT @@GLOBAL.log_output AS o, @@GLOBAL.slow_query_log AS s');
    await this.db.query("SET GLOBAL log_output = 'NONE'");
    const intact = state!.o === 'TABLE' && Number(state!.s) === 1;
    const start = this.windowStart;
    this.windowStart = null;
    const logged = await rows<{ ms: string; sql_text: string }>(
      this.db,
      `SELECT TIME_TO_SEC(query_time) * 1000 AS ms, CONVERT(sql_text USING utf8mb4) AS sql_text
         FROM mysql.slow_log WHERE db = ? AND start_time >= ?`,
      [this.database, start],
    );
    const pre = `${this.database}_pre_aggregations`;
    let totalMs = 0;
    let preAggregationMs = 0;
    for (const r of logged) {
      totalMs += Number(r.ms);
      if (String(r.sql_text).includes(pre)) preAggregationMs += Number(r.ms);
    }
    const top = [...logged]
      .sort((a, b) => Number(b.ms) - Number(a.ms))
      .slice(0, 3)
      .map((r) => ({ ms: Number(r.ms), sql: String(r.sql_text).replace(/\s+/g, ' ').slice(0, 160) }));
    return { statements: logged.length, totalMs, preAggregationMs, top, intact };
  }

  async restore(): Promise<void> {
    if (!this.saved) return;
    const saved = this.saved;
    this.saved = null;
    await this.db.query('SET GLOBAL slow_query_log = ?', [Number(saved.slow_query_log) ? 1 : 0]);
    await this.db.query('SET GLOBAL long_query_time = ?', [Number(saved.long_query_time)]);
    await this.db.query('SET GLOBAL log_output = ?', [saved.log_output]);
    // The table held nothing before (the log was not written to it); leave it empty again.
    if (!saved.log_output.toUpperCase().includes('TABLE')) await this.db.query('TRUNCATE TABLE mysql.slow_log');
  }
}
