/**
 * The readiness probe's own MySQL connection (server/health.ts). Not a connection of Cube's pool: under
 * load every pooled connection may be busy with a long query for many seconds, and a `SELECT 1` that
 * waits for one of them said "database unreachable" about a database that was only busy (measured at
 * 10 M items with 50 users: some answers were DatabaseUnavailable, and /readyz would have taken a
 * loaded instance out of its load balancer). One connection of its own answers in milliseconds however
 * busy the pool is, and fails when the database really cannot be reached.
 *
 * The connection is kept between probes; one that fails or does not answer in time is destroyed, and
 * the next probe opens a new one (a connection whose bytes are held by a broken network must not queue
 * every later probe behind it).
 */
import mysql from 'mysql2/promise';
import { withinMs } from '../time-limit.js';

export interface MysqlProbe {
  /** Resolves when the database answered `SELECT 1` within `timeoutMs`; rejects with why not. */
  check(): Promise<void>;
  close(): Promise<void>;
}

export function createMysqlProbe(
  db: { host: string; port: number; user: string; password: string; database: string },
  timeoutMs: number,
): MysqlProbe {
  let connection: mysql.Connection | undefined;
  let closed = false;

  const drop = (conn: mysql.Connection | undefined) => {
    if (connection === conn) connection = undefined;
    conn?.destroy();
  };

  return {
    async check() {
      if (closed) throw new Error('the probe is closed');
      let conn: mysql.Connection | undefined;
      const answer = async () => {
        if (!connection) {
          const { host, port, user, password, database } = db; // only what mysql2 knows (no `type`)
          const opened = await mysql.createConnection({ host, port, user, password, database, connectTimeout: timeoutMs });
          // An idle connection closed by the server: dropped, the next check opens another.
          opened.on('error', () => drop(opened));
          connection = opened;
        }
        conn = connection;
        await conn.query('SELECT 1');
      };
      try {
        await withinMs(answer(), timeoutMs, () => {
          throw new Error(`no answer within ${timeoutMs} ms`);
        });
      } catch (e) {
        drop(conn);
        throw e;
      }
    },
    async close() {
      closed = true;
      const conn = connection;
      connection = undefined;
      await conn?.end().catch(() => conn?.destroy());
    },
  };
}
