/**
 * The report while its database is unavailable (issue 13, item 3), in Chromium against a real server
 * whose MariaDB connection goes through a TCP proxy (test/support/tcp-proxy.ts): the database is cut
 * while the page is open, the page asks something new (another grouping), and shows the server's
 * retryable answer in place of the table — its sentence, a request reference, "Retrying in N s…"
 * counting down and "Retry now" — asking again by itself, one request at a time per query. When the
 * database is back the page recovers by itself, without a reload, with the figures plain SQL gives.
 *
 * Its own small database and server (the global setup's shared server must not lose its database);
 * only the global setup's Chromium is shared.
 */
import mysql from 'mysql2/promise';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../server/app.js';
import { seedMysql } from '../../server/db/seed/index.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { MYSQL, startTestServer } from '../support/test-server.js';
import { expectedReport, type Group } from './expected-sql.js';
import { closePage, describePage, newPage, ownerToken, readTable, screenFigures, useSharedBrowser } from './report-page.js';

const DATABASE = 'scu_outbr';
const SCHEMA = `${DATABASE}_pre_aggregations`;
const SEED = { scale: 0.03, seed: 13, clinics: 2, years: 1, endDate: '2026-06-30' } as const;
const CLINIC = 1;
const RANGE = { from: '2026-01-01', to: '2026-03-31' };
/** SCU_QUERY_TIMEOUT of the server under test (its smallest allowed value). */
const QUERY_TIMEOUT_SECONDS = 5;
/** The server's sentences for an unreachable database and a query over the time limit (db-errors.ts). */
const OUTAGE_SENTENCE = new RegExp(
  `The database cannot be reached right now; the query will be retried\\.|The query did not finish within ${QUERY_TIMEOUT_SECONDS} seconds; it will be retried\\.`,
);

const browser = useSharedBrowser();
let proxy: TcpProxy;
let app: RunningApp;

async function dropDatabases(): Promise<void> {
  const admin = await mysql.createConnection(MYSQL);
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
    await admin.query(`DROP DATABASE IF EXISTS ${SCHEMA}`);
    await admin.query(`DROP DATABASE IF EXISTS ${SCHEMA}_changes`);
  } finally {
    await admin.end();
  }
}

beforeAll(async () => {
  await dropDatabases();
  await seedMysql({ ...MYSQL, database: DATABASE }, { ...SEED });
  proxy = await startTcpProxy({ target: { host: MYSQL.host, port: MYSQL.port } });
  // The server reaches its database through the proxy; a short query time limit.
  app = await startTestServer(
    { type: 'mysql', database: DATABASE, preAggregationsSchema: SCHEMA },
    { CUBEJS_DB_PORT: String(proxy.port), SCU_QUERY_TIMEOUT: `${QUERY_TIMEOUT_SECONDS}s` },
  );
  await app.refreshRollups();
});

afterAll(async () => {
  await proxy?.restore();
  await app?.close({ graceMs: 2000 });
  await proxy?.close();
  await dropDatabases();
});

/** The table on screen equals plain SQL's report for the range and grouping, totals row included. */
async function expectFiguresOfSql(page: Page, group: Group, timeout: number): Promise<void> {
  const expected = await expectedReport(DATABASE, CLINIC, RANGE, group);
  const total = await expectedReport(DATABASE, CLINIC, RANGE, null);
  expect(expected.size).toBeGreaterThan(1);
  try {
    await expect
      .poll(async () => Object.fromEntries(screenFigures(await readTable(page).catch(() => ({ headers: [], rows: [], totals: [] })))), {
        timeout,
        interval: 500,
      })
      .toEqual(Object.fromEntries([...expected, ...total]));
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${await describePage(page, `outage-by-${group}`)}`, { cause: e });
  }
}

/** The report's error state's text, or null while it shows none. */
async function errorShown(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const status = document.querySelector('main.report .status-error');
    return status ? (status.textContent ?? '').replace(/\s+/g, ' ').trim() : null;
  });
}

describe('the report while its database is unavailable', () => {
  it('shows the answer with a countdown, retries by itself one request at a time, and recovers without a reload', async () => {
    const page = await newPage(browser());
    // Requests to the API in flight from the cut on, per query (its URL): never two of one query. (Before
    // it, two components may ask the same query, e.g. the clinic's, each once.)
    const inFlight = new Map<string, number>();
    let mostInFlight = 0;
    let tracking = false;
    const loads: string[] = [];
    page.on('request', (r) => {
      if (!tracking || !r.url().includes('/cubejs-api/v1/load')) return;
      loads.push(r.url());
      const n = (inFlight.get(r.url()) ?? 0) + 1;
      inFlight.set(r.url(), n);
      mostInFlight = Math.max(mostInFlight, n);
    });
    const done = (r: { url(): string }) => {
      if (inFlight.has(r.url())) inFlight.set(r.url(), inFlight.get(r.url())! - 1);
    };
    page.on('requestfinished', done);
    page.on('requestfailed', done);

    await page.goto(`${app.url}/?from=${RANGE.from}&to=${RANGE.to}#token=${ownerToken(CLINIC)}`);
    await expectFiguresOfSql(page, 'code', 60_000);
    // Marks this document: a reload would lose it.
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

    proxy.cut();
    tracking = true;
    await page.getByRole('radio', { name: 'Provider', exact: true }).check();
    // The stated bound on an answer while the database is cut (docs/deployment.md: the pool's acquire
    // timeout, 20 s), with room for a busy machine.
    await expect.poll(() => errorShown(page), { timeout: 60_000, interval: 250 }).toMatch(/Retrying in \d+ s…/);
    const shown = (await errorShown(page))!;
    expect(shown).toMatch(OUTAGE_SENTENCE);
    expect(shown).toMatch(/reference [0-9a-f]{8}/);
    expect(shown).not.toMatch(/127\.0\.0\.1|ECONN|ETIMEDOUT|SELECT|\bat /);
    const status = page.locator('main.report .status-error');
    await expect.poll(() => status.getAttribute('role')).toBe('alert');
    expect(await status.getByRole('button').textContent()).toBe('Retry now');
    // The countdown counts down (read twice; the second reading is lower, or the attempt has begun).
    const seconds = Number(/Retrying in (\d+) s…/.exec(shown)![1]);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(30);
    await expect
      .poll(
        async () => {
          const now = /Retrying in (\d+) s…/.exec((await errorShown(page)) ?? '');
          return now ? Number(now[1]) < seconds : true;
        },
        { timeout: 5_000, interval: 200 },
      )
      .toBe(true);
    await page.screenshot({ path: 'test-artifacts/report-outage-error.png' });
    await status.screenshot({ path: 'test-artifacts/report-outage-status.png' });
    // The first automatic retry goes out while the database is still cut.
    const askedDuringOutage = loads.length;
    await expect.poll(() => loads.length, { timeout: 45_000, interval: 250 }).toBeGreaterThan(askedDuringOutage);
    // …and while it is out, the error stays in place (no flash of a table the page cannot fill).
    expect(await errorShown(page)).toMatch(OUTAGE_SENTENCE);

    await proxy.restore();
    // No click: the page asks again by itself and shows plain SQL's figures by provider.
    await expectFiguresOfSql(page, 'provider', 120_000);
    expect(await errorShown(page)).toBeNull();
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(new URL(page.url()).searchParams.get('group')).toBe('provider');
    expect(mostInFlight).toBe(1);
    await page.screenshot({ path: 'test-artifacts/report-outage-recovered.png' });
    await closePage(page);
  });
});
