/**
 * The React adapter (dashboard/react) in a React page of a portal of another origin than the API's
 * (portal-server.ts, allowed by the server's SCU_ALLOWED_ORIGINS), against plain SQL: the
 * useServiceCodeUsage hook's rows by payor and totals, and `<ServiceCodeUsageFigure>` (the real
 * `<scu-figure>` of /embed/widgets.js) with its onLoaded. The page (react-portal-app.ts) is bundled
 * here with esbuild, from node_modules only.
 */
import path from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/config.js';
import { hundredths } from '../support/decimal.js';
import { clinicTimezone, expectedReport, type Figures, type Group } from './expected-sql.js';
import { DEMO_CLINIC } from './fixtures.js';
import { portalPage } from './portal-page.js';
import { closePage, describePage, ownerToken, plain, useSharedBrowser } from './report-page.js';

const browser = useSharedBrowser();
const RANGE = { from: '2026-07-01', to: '2026-09-30' };

let bundle: string;
beforeAll(async () => {
  const result = await build({
    entryPoints: [path.join(PROJECT_ROOT, 'test/browser/react-portal-app.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  bundle = result.outputFiles[0]!.text;
});

/** The portal's React page: widgets.js loaded by the page (portal-page.ts), then the bundled React app. */
async function reactPage(filters: object, token: string): Promise<Page> {
  const page = await portalPage(
    browser(),
    `<div id="root"></div>
     <script>window.TOKEN = ${JSON.stringify(token)}; window.FILTERS = ${JSON.stringify(filters)};</script>`,
  );
  await page.addScriptTag({ content: bundle });
  return page;
}

/** Exact figures as hundredths, whatever exact decimal form they are written in. */
const exact = (f: Figures) => [f.units, f.visits, f.billed, f.paid].map(hundredths);

interface Seen {
  rows: Record<string, unknown>[];
  totals: Record<string, unknown>;
  range: { from: string; to: string };
}

/** Waits for the page's table of the hook's rows; checks it and the rows against plain SQL for `range`, `group`. */
async function expectRowsEqualSql(page: Page, range: { from: string; to: string }, group: Group): Promise<Seen> {
  try {
    await page.waitForSelector('#report', { timeout: 30_000 });
  } catch (e) {
    const seen = await page.evaluate(() => JSON.stringify((window as unknown as { react: unknown }).react)).catch(() => '');
    throw new Error(`the table never showed; the page saw ${seen}\n${await describePage(page, 'embed-react')}`, { cause: e });
  }
  const db = inject('browserDatabase');
  const [expected, expectedTotal] = await Promise.all([
    expectedReport(db, DEMO_CLINIC, range, group),
    expectedReport(db, DEMO_CLINIC, range, null),
  ]);
  const seen = await page.evaluate(() => (window as unknown as { react: Seen }).react);
  expect(seen.range).toEqual(range);
  // Every figure is a decimal string (never a float), rows and totals.
  for (const row of [...seen.rows, seen.totals])
    for (const key of ['units_billed', 'visits_used', 'total_billed', 'insurance_paid'])
      expect(row[key], `${String(row.name)} ${key}`).toMatch(/^-?\d+(\.\d+)?$/);
  const read = (selector: string) =>
    page.locator(selector).evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? '')));
  const figuresOf = (cells: string[]) => cells.slice(1).map(hundredths);
  const onScreen = new Map((await read('#report tbody tr')).map((cells) => [cells[0]!, figuresOf(cells)] as const));
  expect(expected.size).toBeGreaterThan(1);
  expect([...onScreen.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [name, figures] of expected) expect(onScreen.get(name), name).toEqual(exact(figures));
  const [total] = await read('#report tfoot tr');
  expect(figuresOf(total!)).toEqual(exact(expectedTotal.get('Total')!));
  return seen;
}

/** The month before today's in `timeZone`, worked out here (not by the app's calendar code). */
function lastMonthIn(timeZone: string): { from: string; to: string } {
  const [year, month] = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' })
    .format(new Date())
    .split('-')
    .map(Number);
  const first = new Date(Date.UTC(year!, month! - 2, 1));
  const last = new Date(Date.UTC(year!, month! - 1, 0));
  return { from: first.toISOString().slice(0, 10), to: last.toISOString().slice(0, 10) };
}

describe('the React adapter in a portal of another origin', () => {
  it('useServiceCodeUsage by payor equals plain SQL, its figures the API’s decimal strings', async () => {
    const page = await reactPage({ ...RANGE, group: 'payor' }, ownerToken());
    const seen = await expectRowsEqualSql(page, RANGE, 'payor');
    // The rows' ids: a payor's id, or null for self-pay.
    for (const row of seen.rows) expect(row.id === null ? row.name : row.id).toMatch(row.id === null ? /^Self-pay$/ : /^\d+$/);
    await closePage(page);
  });

  it('useServiceCodeUsage without dates asks for the clinic’s last month in its own time zone, equal to plain SQL', async () => {
    const page = await reactPage({ group: 'provider' }, ownerToken());
    const range = lastMonthIn(await clinicTimezone(inject('browserDatabase'), DEMO_CLINIC));
    await expectRowsEqualSql(page, range, 'provider');
    await closePage(page);
  });

  it('<ServiceCodeUsageFigure measure="units_billed"> calls onLoaded and shows plain SQL’s units, its token from getToken', async () => {
    const page = await reactPage({ ...RANGE, group: 'payor' }, ownerToken());
    const figure = page.locator('scu-figure .value');
    try {
      await page.waitForSelector('#figure-loaded', { timeout: 30_000 });
    } catch (e) {
      const seen = await page.evaluate(() => JSON.stringify((window as unknown as { react: unknown }).react)).catch(() => '');
      throw new Error(`onLoaded never came; the page saw ${seen}\n${await describePage(page, 'embed-react')}`, { cause: e });
    }
    const expected = await expectedReport(inject('browserDatabase'), DEMO_CLINIC, RANGE, null);
    expect(hundredths(plain((await figure.textContent()) ?? ''))).toBe(hundredths(expected.get('Total')!.units));
    const seen = await page.evaluate(
      () => (window as unknown as { react: { events: { name: string; detail: any }[]; tokenAsked: number } }).react,
    );
    const loaded = seen.events.filter((e) => e.name === 'loaded');
    expect(loaded).toHaveLength(1);
    expect(loaded[0]!.detail.ms).toBeGreaterThan(0);
    expect(seen.events.map((e) => e.name)).toContain('ready');
    expect(seen.events.filter((e) => e.name === 'error')).toEqual([]);
    expect(seen.tokenAsked).toBeGreaterThanOrEqual(1);
    // The element is the page's own child (inside the adapter's display: contents box), attributes as given.
    expect(await page.locator('scu-figure').getAttribute('filters')).toBe(JSON.stringify(RANGE));
    expect(await page.locator('scu-figure').getAttribute('measure')).toBe('units_billed');
    await closePage(page);
  });
});
