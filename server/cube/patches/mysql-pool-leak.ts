/**
 * Cube 1.7.43's MySQL driver loses a pooled connection for good when the connection breaks between
 * being taken from the pool and the query: `withConnection` first asks the connection for its id
 * (`select connection_id()`, for a later KILL) and returns the connection to the pool only in the
 * handlers of the query itself, so when that first statement fails (the link reset, the server
 * restarted) the connection stays borrowed forever. Measured through the test proxy
 * (test/support/tcp-proxy.ts): after a few seconds of resets all 8 connections of the pool were
 * borrowed, every later query failed with "ResourceRequest timed out" even with the database back,
 * and the pool's release at shutdown waited forever. The service never came back by itself.
 *
 * The same method, written here so that every path gives the connection back: a connection whose id
 * could not be read is destroyed (it is broken), any other is released as before, and the query's
 * cancel (a KILL from another pooled connection) works as Cube's does once the id is known.
 *
 * It is also where a connection is prepared before its first statement: READ COMMITTED, so that a
 * pre-aggregation build never locks a host row (mysql-read-committed.ts).
 */
import { createRequire } from 'node:module';
import { firstPatch } from '../patch-once.js';
import { readCommittedOnce } from './mysql-read-committed.js';

const require = createRequire(import.meta.url);

interface PooledConnection {
  execute(sql: string): Promise<unknown>;
}
interface Pool {
  acquire(): Promise<PooledConnection>;
  release(conn: PooledConnection): Promise<void>;
  destroy(conn: PooledConnection): Promise<void>;
}
interface DriverLike {
  pool: Pool;
  withConnection<T>(fn: (conn: PooledConnection) => Promise<T>): CancelablePromise<T>;
}
type CancelablePromise<T> = Promise<T> & { cancel(): Promise<void> };

/** The connection's id, as Cube reads it: `[{ connectionId }]`. */
async function connectionIdOf(conn: PooledConnection): Promise<number> {
  const rows = (await conn.execute('select connection_id() as connectionId')) as { connectionId: number }[];
  return rows[0]!.connectionId;
}

function withConnection<T>(this: DriverLike, fn: (conn: PooledConnection) => Promise<T>): CancelablePromise<T> {
  const pool = this.pool;
  let connectionId: number | undefined;
  let cancelled = false;
  const run = async (): Promise<T> => {
    const conn = await pool.acquire();
    try {
      connectionId = await connectionIdOf(conn);
      // Builds must not lock host rows (mysql-read-committed.ts); set once per connection.
      await readCommittedOnce(conn);
    } catch (e) {
      // Broken before its query: never back to the pool (Cube's version never gave it back at all).
      await pool.destroy(conn).catch(() => undefined);
      throw e;
    }
    let result: T;
    try {
      result = await fn(conn);
    } catch (e) {
      await pool.release(conn);
      throw cancelled ? new Error('Query cancelled') : e;
    }
    await pool.release(conn);
    if (cancelled) throw new Error('Query cancelled');
    return result;
  };
  const promise = run() as CancelablePromise<T>;
  promise.cancel = async () => {
    // Before the id is known there is no statement running to kill.
    if (connectionId === undefined) return;
    cancelled = true;
    const id = connectionId;
    await this.withConnection((other) => other.execute(`KILL ${id}`));
  };
  return promise;
}

/** Patches MySqlDriver.prototype.withConnection for the whole process. Idempotent. */
export function installMysqlPoolLeakFix(): void {
  const { MySqlDriver } = require('@cubejs-backend/mysql-driver') as { MySqlDriver: { prototype: DriverLike } };
  if (!firstPatch(MySqlDriver.prototype, 'mysql-pool-leak')) return;
  MySqlDriver.prototype.withConnection = withConnection;
}
