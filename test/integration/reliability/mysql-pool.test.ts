/**
 * Cube's MySQL driver with the pool fix (server/cube/patches/mysql-pool-leak.ts), through the test
 * proxy: while every connection is reset again and again, queries fail (as they must), and once the
 * link is back no pooled connection is left borrowed, the next query succeeds and the pool closes.
 * Without the fix the same storm left 5–8 of the 8 connections borrowed for good (every later query:
 * "ResourceRequest timed out") and the driver's release never returned.
 *
 * Also: a query cancelled while it runs (Cube's KILL from another pooled connection) ends as
 * "Query cancelled" and gives its connection back.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMysqlProbe } from '../../../server/db/mysql-probe.js';
import { installMysqlPoolLeakFix } from '../../../server/cube/patches/mysql-pool-leak.js';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.js';
import { MYSQL } from '../../support/test-server.js';

const require = createRequire(import.meta.url);
interface Driver {
  query(sql: string, values: unknown[]): Promise<unknown[]>;
  release(): Promise<void>;
  withConnection<T>(fn: (conn: { execute(sql: string): Promise<unknown> }) => Promise<T>): Promise<T> & { cancel(): Promise<void> };
  pool: { borrowed: number; pending: number };
}
const { MySqlDriver } = require('@cubejs-backend/mysql-driver') as { MySqlDriver: new (config: Record<string, unknown>) => Driver };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let proxy: TcpProxy;

beforeAll(async () => {
  installMysqlPoolLeakFix();
  proxy = await startTcpProxy({ target: { host: MYSQL.host, port: MYSQL.port } });
});

afterAll(async () => {
  await proxy?.close();
});

/** The driver's release, failed (not hung) when it does not return within 15 s. */
async function releaseWithin(driver: Driver): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    driver.release(),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`release hung with ${driver.pool.borrowed} connections borrowed`)), 15_000);
    }),
  ]).finally(() => clearTimeout(timer));
}

describe("Cube's MySQL pool through connection resets", () => {
  it('gives every connection back: after a storm of resets the next query succeeds and the pool closes', async () => {
    const driver = new MySqlDriver({ ...MYSQL, port: proxy.port, database: 'mysql' });
    try {
      const storm = setInterval(() => proxy.reset(), 30);
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          sleep(i * 5)
            .then(() => driver.query('SELECT SLEEP(0.05) AS s', []))
            .then(
              () => 'ok',
              (e: Error) => e.message,
            ),
        ),
      );
      clearInterval(storm);
      await proxy.restore();
      // The storm did break queries (else this test proves nothing), none by exhausting the pool.
      expect(answers.filter((a) => /ECONNRESET|Connection lost|closed state/.test(a)).length).toBeGreaterThan(50);
      expect(answers.filter((a) => /ResourceRequest timed out/.test(a))).toEqual([]);
      expect(driver.pool.borrowed).toBe(0);
      expect(await driver.query('SELECT 1 AS one', [])).toEqual([{ one: 1 }]);
      expect(driver.pool.borrowed).toBe(0);
    } finally {
      await proxy.restore();
      await releaseWithin(driver);
    }
  });

  it('a query cancelled while it runs ends as "Query cancelled" and gives its connection back', async () => {
    const driver = new MySqlDriver({ ...MYSQL, database: 'mysql' });
    try {
      const running = driver.withConnection((conn) => conn.execute('SELECT SLEEP(30) AS s'));
      const settled = running.then(
        () => 'resolved',
        (e: Error) => e.message,
      );
      await sleep(500);
      await running.cancel();
      expect(await settled).toBe('Query cancelled');
      expect(driver.pool.borrowed).toBe(0);
    } finally {
      await releaseWithin(driver);
    }
  });
});

describe("the readiness probe's own connection (server/db/mysql-probe.ts)", () => {
  it('answers without a mysql2 warning, fails within its limit on a cut link, and answers again after', async () => {
    const seen: string[] = [];
    for (const method of ['warn', 'error', 'log'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void seen.push(args.map(String).join(' ')));
    }
    // As the server's configuration hands it over: with `type`, which mysql2 must not be given.
    const probe = createMysqlProbe({ type: 'mysql', ...MYSQL, port: proxy.port, database: 'mysql' } as never, 1_000);
    try {
      await probe.check();
      proxy.cut();
      const started = performance.now();
      await expect(probe.check()).rejects.toThrow(/no answer within 1000 ms/);
      expect(performance.now() - started).toBeLessThan(5_000);
      await proxy.restore();
      await probe.check();
      expect(seen.filter((line) => /Ignoring invalid configuration option/.test(line))).toEqual([]);
    } finally {
      vi.restoreAllMocks();
      await proxy.restore();
      await probe.close();
    }
  });
});
