/**
 * Cube's MySQL connections read the host tables in READ COMMITTED, so that building a pre-aggregation
 * never locks a host row.
 *
 * Without Cube Store a partition is built in the source database by `CREATE TABLE … AS SELECT` over
 * the host tables. In InnoDB's default REPEATABLE READ that SELECT is a locking read: it takes a shared
 * lock on every row it reads and holds it until the statement ends. Measured on MariaDB 10.11: the build
 * waits for any clinic's uncommitted write to a row it reads (to the lock wait timeout, 50 s by default),
 * a payment posted by the host application while a month is being built waits for that build, and the
 * two can deadlock (the CI bench's DELETE of its own payment application was chosen as the victim
 * while the refresh worker rebuilt the month it had bumped). In READ COMMITTED the same statement is a
 * consistent read (a snapshot of committed rows, no locks), which is all a build needs: every Cube
 * statement here runs alone (autocommit), so nothing relies on a snapshot across statements.
 *
 * The level is set once per pooled connection, from server/cube/patches/mysql-pool-leak.ts's
 * `withConnection` (every query, build and refresh-key read goes through it). One exception: when the
 * server writes a statement-based binary log (`log_bin` on, `binlog_format = STATEMENT`), InnoDB refuses
 * writes in READ COMMITTED (error 1665), so the connection keeps REPEATABLE READ and a warning says
 * why and what to change (docs/deployment.md, "What the plugin does to the host database").
 */

export interface SessionConnection {
  execute(sql: string): Promise<unknown>;
}

const PREPARED = Symbol('service-code-usage.read-committed');
type Marked = SessionConnection & { [PREPARED]?: true };

export const STATEMENT_BINLOG_WARNING =
  'The database writes a statement-based binary log (binlog_format = STATEMENT): pre-aggregation builds ' +
  'stay in REPEATABLE READ and take shared locks on the host rows they read (host writes to a month wait ' +
  'while it is built). Set binlog_format to ROW or MIXED on this server, or point the plugin at a replica ' +
  'that logs in ROW format (docs/deployment.md, "What the plugin does to the host database").';

/** True when READ COMMITTED can be used: no binary log, or one that is not statement-based. */
export function readCommittedAllowed(logBin: unknown, binlogFormat: unknown): boolean {
  return !(Number(logBin) === 1 && String(binlogFormat).toUpperCase() === 'STATEMENT');
}

/** Sets READ COMMITTED on a connection the first time it is used (a no-op afterwards). */
export async function readCommittedOnce(conn: SessionConnection, warn = warnOncePerProcess): Promise<void> {
  const marked = conn as Marked;
  if (marked[PREPARED]) return;
  const [server] = (await conn.execute('SELECT @@log_bin AS logBin, @@binlog_format AS binlogFormat')) as {
    logBin: unknown;
    binlogFormat: unknown;
  }[];
  if (readCommittedAllowed(server?.logBin, server?.binlogFormat)) {
    await conn.execute('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
  } else {
    warn(STATEMENT_BINLOG_WARNING);
  }
  marked[PREPARED] = true;
}

let warned = false;
/** One JSON warning line per process, not one per pooled connection. */
function warnOncePerProcess(message: string): void {
  if (warned) return;
  warned = true;
  process.stderr.write(`${JSON.stringify({ level: 'warn', message })}\n`);
}
