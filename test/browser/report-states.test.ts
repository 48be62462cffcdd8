/**
 * The report's states in real Chromium against the real server: expired and missing tokens, no data,
 * a failing server with retry, keyboard use, and a 360 px wide screen.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { expectedReport } from './expected-sql.js';
import { DEMO_CLINIC } from './fixtures.js';
import {
  closePage,
  expiredToken,
  newPage,
  openReport,
  ownerToken,
  plain,
  readTable,
  screenFigures,
  searchOf,
  settled,
  useSharedBrowser,
} from './report-page.js';

const BASE = '?from=2026-07-01&to=2026-09-30';

const browser = useSharedBrowser();
let page: Page;

describe('access', () => {
  it('shows the expired state for a token already past its expiry, and asks nothing of the server', async () => {
    page = await newPage(browser());
    const loads: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/cubejs-api/')) loads.push(r.url());
    });
    await openReport(page, BASE, expiredToken());
    await page.getByRole('heading', { name: 'Your access link has expired' }).waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('Open the report again from your practice portal');
    expect(page.url()).not.toContain('token=');
    expect(loads).toEqual([]);
    await page.screenshot({ path: 'test-artifacts/state-expired.png' });
    await closePage(page);
  });

  it('switches to the expired state when the token expires while the report is open', async () => {
    page = await newPage(browser());
    await openReport(page, BASE, ownerToken(DEMO_CLINIC, 6));
    await settled(page);
    expect((await readTable(page)).rows.length).toBeGreaterThan(0);
    await page.getByRole('heading', { name: 'Your access link has expired' }).waitFor({ timeout: 15_000 });
    await expect(page.locator('table.report-table').count()).resolves.toBe(0);
    await closePage(page);
  });

  it('explains what to do without a token', async () => {
    page = await newPage(browser());
    await openReport(page, BASE, null);
    await page.getByRole('heading', { name: 'This report needs an access link' }).waitFor();
    await closePage(page);
  });

  it('shows a clinic only its own data (the token decides, not the URL)', async () => {
    page = await newPage(browser());
    await openReport(page, BASE, ownerToken(2));
    const expected = await expectedReport(inject('browserDatabase'), 2, { from: '2026-07-01', to: '2026-09-30' }, null);
    await expect.poll(async () => screenFigures(await readTable(page)).get('Total'), { timeout: 30_000 }).toEqual(expected.get('Total'));
    await expect(page.getByText('Lakeshore Spine & Sport').count()).resolves.toBeGreaterThan(0);
    await closePage(page);
  });
});

describe('loading, empty and error', () => {
  it('says so when nothing matches, and clears the filters on request', async () => {
    page = await newPage(browser());
    await openReport(page, `${BASE}&codes=NO-SUCH-CODE`);
    await page.getByText('No services match.').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: 'test-artifacts/state-empty.png' });
    await page.locator('.status-empty').getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => searchOf(page).get('codes')).toBeNull();
    await settled(page);
    expect((await readTable(page)).rows.length).toBeGreaterThan(0);
    await closePage(page);
  });

  it('shows an error with a retry that works once the server answers again', async () => {
    page = await newPage(browser());
    let failing = true;
    await page.route('**/cubejs-api/v1/load**', (route) =>
      failing
        ? route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":"database unavailable"}' })
        : route.continue(),
    );
    await openReport(page, BASE);
    const alert = page.getByRole('alert').filter({ hasText: 'The figures could not be loaded.' });
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.innerText()).toContain('database unavailable');
    await page.screenshot({ path: 'test-artifacts/state-error.png' });
    failing = false;
    await alert.getByRole('button', { name: 'Retry' }).click();
    await settled(page);
    expect((await readTable(page)).rows.length).toBeGreaterThan(0);
    await closePage(page);
  });

  it('shows a loading state until the first figures arrive', async () => {
    page = await newPage(browser());
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/cubejs-api/v1/load**', async (route) => {
      await held;
      await route.continue();
    });
    await openReport(page, BASE);
    await page.locator('.table-section .status-loading').waitFor();
    expect(await page.locator('.table-section [role="status"]').innerText()).toContain('Loading');
    release();
    await settled(page);
    await closePage(page);
  });
});

describe('keyboard and small screens', () => {
  it('sorts and filters with the keyboard alone', async () => {
    page = await newPage(browser());
    await openReport(page, BASE);
    await settled(page);
    const sortTotal = page.getByRole('button', { name: 'Total Billed', exact: true });
    await sortTotal.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => searchOf(page).get('sort')).toBe('total_billed:desc');
    await expect.poll(() => page.locator('thead th[aria-sort="descending"]').allInnerTexts()).toEqual(['Total Billed']);
    await expect
      .poll(
        async () => {
          const table = await readTable(page);
          const billed = table.rows.map((r) => Number(plain(r[table.headers.indexOf('Total Billed')]!)));
          return billed.length > 1 && billed.every((v, i) => i === 0 || billed[i - 1]! >= v);
        },
        { timeout: 10_000 },
      )
      .toBe(true);

    await page.getByRole('button', { name: /^Service codes/ }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.type('97110');
    await page.getByRole('checkbox', { name: /^97110/ }).waitFor(); // the list loads on first opening
    await page.keyboard.press('Tab'); // Select all
    await page.keyboard.press('Tab'); // Clear
    await page.keyboard.press('Tab'); // Only CPT
    await page.keyboard.press('Tab'); // Only Custom
    await page.keyboard.press('Tab'); // the checkbox
    await page.keyboard.press('Space');
    await page.keyboard.press('Escape');
    expect(searchOf(page).get('codes')).toBeNull(); // Escape cancels
    await page.keyboard.press('Enter'); // focus is back on the toggle
    await page.keyboard.type('97110');
    await page.keyboard.press('Enter'); // Enter in the search applies
    expect(searchOf(page).get('codes')).toBeNull(); // nothing was checked this time
    await page.keyboard.press('Enter'); // open again
    await page.keyboard.type('97110');
    for (let i = 0; i < 5; i++) await page.keyboard.press('Tab'); // past the four buttons to the only checkbox
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab'); // Apply
    await page.keyboard.press('Enter');
    await expect.poll(() => searchOf(page).get('codes')).toBe('97110');
    await closePage(page);
  });

  it('is usable 360 px wide: no page-wide horizontal scroll, the table scrolls in its own region', async () => {
    page = await newPage(browser(), 360);
    await openReport(page, `${BASE}&group=payor`);
    await settled(page);
    await page.waitForFunction(() => !document.querySelector('.chart-card[aria-busy]'), undefined, { timeout: 30_000 });
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      table: document.querySelector('.table-scroll')!.scrollWidth,
    }));
    expect(widths.page).toBeLessThanOrEqual(360);
    expect(widths.table).toBeGreaterThan(360);
    await expect(page.getByRole('region', { name: /^Service Code Usage by payor/ }).getAttribute('tabindex')).resolves.toBe('0');
    await page.screenshot({ path: 'test-artifacts/mobile-360.png', fullPage: true });
    await closePage(page);
  });
});
