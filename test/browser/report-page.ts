/** Driving the report page in Chromium: open it with a token, read its table as text. */
import jwt from 'jsonwebtoken';
import type { Browser, Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { mintToken } from '../../server/tokens.js';
import { DEMO_CLINIC } from './fixtures.js';
import { expectedReport, type Figures, type Group, type SqlFilter } from './expected-sql.js';

export function ownerToken(clinic = DEMO_CLINIC, ttlSeconds = 3600): string {
  return mintToken(inject('apiSecret'), { clinic_id: clinic, role: 'owner' }, ttlSeconds);
}

/** A correctly signed token whose exp has passed. */
export function expiredToken(clinic = DEMO_CLINIC): string {
  const now = Math.floor(Date.now() / 1000);
  return jwt.sign({ clinic_id: clinic, role: 'owner', iat: now - 7200, exp: now - 3600 }, inject('apiSecret'), { algorithm: 'HS256' });
}

/** Uncaught errors of each page, checked by `closePage`. */
const pageErrors = new WeakMap<Page, Error[]>();

export async function newPage(browser: Browser, width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'en-US', acceptDownloads: true });
  const page = await context.newPage();
  const errors: Error[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (e) => errors.push(e));
  return page;
}

/** Closes the page's context and fails if the page threw anything along the way. */
export async function closePage(page: Page): Promise<void> {
  const errors = pageErrors.get(page) ?? [];
  await page.context().close();
  expect(errors.map((e) => e.message)).toEqual([]);
}

/** Opens the report at `search` (a query string) with a token in the fragment, as a portal link does. */
export async function openReport(page: Page, search = '', token: string | null = ownerToken()): Promise<void> {
  await page.goto(`${inject('dashboardUrl')}/${search}${token ? `#token=${token}` : ''}`);
}

/** Waits until the table shows data for the current URL and nothing is loading. */
export async function settled(page: Page): Promise<void> {
  await page.waitForSelector('main.report:not([aria-busy]) table.report-table, main.report:not([aria-busy]) .status-empty', { timeout: 30_000 });
}

export interface ScreenTable {
  headers: string[];
  rows: string[][];
  totals: string[];
}

export async function readTable(page: Page): Promise<ScreenTable> {
  await settled(page);
  return page.$eval('table.report-table', (table) => {
    const texts = (cells: NodeListOf<Element>) => [...cells].map((c) => (c.textContent ?? '').trim());
    return {
      headers: texts(table.querySelectorAll('thead th')),
      rows: [...table.querySelectorAll('tbody tr')].map((tr) => texts(tr.querySelectorAll('th, td'))),
      totals: texts(table.querySelectorAll('tfoot th, tfoot td')),
    };
  });
}

/** "$1,234.50" → "1234.50"; "1,225" → "1225"; "-$5.00" → "-5.00". */
export function plain(text: string): string {
  return text.replace(/[−]/g, '-').replace(/[^0-9.-]/g, '');
}

/** The table's four report figures by row label, as exact strings. */
export function screenFigures(table: ScreenTable): Map<string, Figures> {
  const col = (header: string) => {
    const i = table.headers.indexOf(header);
    if (i < 0) throw new Error(`no column ${header} in ${table.headers.join(' | ')}`);
    return i;
  };
  const [u, v, b, p] = ['Units Billed', '# of Visits Used', 'Total Billed', 'Insurance Paid'].map(col) as [number, number, number, number];
  const figures = (cells: string[]): Figures => ({ units: plain(cells[u]!), visits: plain(cells[v]!), billed: plain(cells[b]!), paid: plain(cells[p]!) });
  return new Map([...table.rows.map((r) => [r[0]!, figures(r)] as const), ['Total', figures(table.totals)] as const]);
}

/** The query string of the page's address. */
export function searchOf(page: Page): URLSearchParams {
  return new URL(page.url()).searchParams;
}

/** Polls until the table on screen equals plain SQL (expected-sql.ts, never the page's own numbers)
 * for the filter and grouping, totals row included; queries are asynchronous, hence the polling. */
export async function expectTableMatches(page: Page, filter: SqlFilter, group: Group = 'code', clinic = DEMO_CLINIC): Promise<void> {
  const db = inject('browserDatabase');
  const expected = await expectedReport(db, clinic, filter, group);
  const total = await expectedReport(db, clinic, filter, null);
  expect(expected.size).toBeGreaterThan(0);
  await expect
    .poll(async () => Object.fromEntries(screenFigures(await readTable(page))), { timeout: 30_000, interval: 250 })
    .toEqual(Object.fromEntries([...expected, ...total]));
}
