/**
 * Drill-down (a top codes bar and a table row; the other charts: report-charts.test.ts), comparison
 * with the previous period and with the same period last year, and the CSV export,
 * in real Chromium against the real server, each checked against plain SQL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { parseCsv } from './csv.js';
import { busiest, expectedReport, type Figures } from './expected-sql.js';
import { DEMO_CLINIC, HOSTILE_CLINIC } from './fixtures.js';
import {
  chartDrawn,
  clickChart,
  closePage,
  expectTableMatches,
  newPage,
  openReport,
  ownerToken,
  plain,
  readTable,
  searchOf,
  settled,
  useSharedBrowser,
} from './report-page.js';

const RANGE = { from: '2026-07-01', to: '2026-09-30' };
const PREVIOUS = { from: '2026-04-01', to: '2026-06-30' };
/** The test data runs from 2025-11-01 to 2026-10-31: a range whose year-earlier period has data too. */
const AUTUMN = { from: '2026-10-01', to: '2026-11-30' };
const AUTUMN_LAST_YEAR = { from: '2025-10-01', to: '2025-11-30' };
const BASE = `?from=${RANGE.from}&to=${RANGE.to}`;
const db = () => inject('browserDatabase');

const browser = useSharedBrowser();
let page: Page;

describe('drill-down', () => {
  it('narrows the report to the code of the bar clicked in the top codes chart', async () => {
    const [top, second] = await busiest(db(), DEMO_CLINIC, RANGE, 'code');
    page = await newPage(browser());
    await openReport(page, BASE);
    await settled(page);
    const drawn = await chartDrawn(page, 'Top service codes');
    // Largest at the top: the last category of the (bottom-up) axis; clicked halfway along its bar.
    const units = drawn.series[0]!.data as number[];
    const last = units.length - 1;
    expect(drawn.yAxis[0]![last]).toBe(top!.name);
    await clickChart(page, 'Top service codes', { value: [units[last]! / 2, last], tooltip: `${top!.name} ` }, 'drill-chart-hover.png');
    await expect.poll(() => searchOf(page).get('codes'), { timeout: 10_000 }).toBe(top!.name);
    expect(second!.name).not.toBe(top!.name);
    await expectTableMatches(page, { ...RANGE, codes: [top!.name] }, 'code');
    await page.screenshot({ path: 'test-artifacts/drill-chart-top-code.png', fullPage: true });
    await closePage(page);
  });

  it('drills from a code row to that code by provider, and Back returns', async () => {
    page = await newPage(browser());
    await openReport(page, BASE);
    await settled(page);
    await page.getByRole('button', { name: 'Show by provider: 97110' }).click();
    await expect.poll(() => searchOf(page).get('group')).toBe('provider');
    expect(searchOf(page).get('codes')).toBe('97110');
    await expectTableMatches(page, { ...RANGE, codes: ['97110'] }, 'provider');
    await page.goBack();
    await expectTableMatches(page, RANGE, 'code');
    await closePage(page);
  });
});

describe('comparison', () => {
  const percent = (now: string, before: string) => ((Number(now) - Number(before)) / Math.abs(Number(before))) * 100;

  /** Chooses `mode` in "Compare with" on `range` and checks the totals card, the Δ columns and the
   * heading against SQL for `range` and `compared`, the period it is compared with. */
  async function expectComparison(
    mode: 'previous' | 'last_year',
    range: { from: string; to: string },
    compared: { from: string; to: string },
    heading: string,
    screenshot: string,
  ): Promise<void> {
    const current = await expectedReport(db(), DEMO_CLINIC, range, 'code');
    const before = await expectedReport(db(), DEMO_CLINIC, compared, 'code');
    const [currentTotal] = [...(await expectedReport(db(), DEMO_CLINIC, range, null)).values()];
    const [beforeTotal] = [...(await expectedReport(db(), DEMO_CLINIC, compared, null)).values()];
    expect(Number(beforeTotal?.units)).toBeGreaterThan(0); // a comparison with figures on both sides
    page = await newPage(browser());
    await openReport(page, `?from=${range.from}&to=${range.to}`);
    await settled(page);
    await page.getByRole('combobox', { name: 'Compare with' }).selectOption(mode);
    await expect.poll(() => searchOf(page).get('compare')).toBe(mode);
    // The settled table with the comparison's columns (readTable itself waits up to 30 s for the settled state).
    await expect.poll(async () => (await readTable(page)).headers, { timeout: 30_000 }).toContain('Δ Units Billed');
    const table = await readTable(page);
    const col = (h: string) => table.headers.indexOf(h);
    const checks: [keyof Figures, string][] = [
      ['units', 'Δ Units Billed'],
      ['visits', 'Δ # of Visits Used'],
      ['billed', 'Δ Total Billed'],
      ['paid', 'Δ Insurance Paid'],
    ];
    for (const row of table.rows) {
      const now = current.get(row[0]!)!;
      const then = before.get(row[0]!);
      for (const [figure, header] of checks) {
        const cell = row[col(header)]!;
        if (!then) expect(cell).toBe('new');
        else if (Number(then[figure]) === 0) expect(['new', '—']).toContain(cell);
        else expect(Number(plain(cell))).toBeCloseTo(percent(now[figure], then[figure]), 1);
      }
    }
    for (const [figure, header] of checks) {
      expect(Number(plain(table.totals[col(header)]!))).toBeCloseTo(percent(currentTotal![figure], beforeTotal![figure]), 1);
    }
    const units = page.locator('.summary-card').filter({ hasText: 'Units Billed' });
    await expect(units.innerText()).resolves.toContain(`vs ${Number(beforeTotal!.units).toLocaleString('en-US')}`);
    await expect(page.getByText(heading).count()).resolves.toBe(1);
    await page.screenshot({ path: `test-artifacts/${screenshot}`, fullPage: true });
    await closePage(page);
  }

  it('with the previous period: its totals and each row’s change, as SQL computes them', async () => {
    await expectComparison('previous', RANGE, PREVIOUS, 'compared with previous period (Apr 1 – Jun 30, 2026)', 'compare-previous.png');
  });

  it('with the same period last year: its totals and each row’s change, as SQL computes them', async () => {
    await expectComparison(
      'last_year',
      AUTUMN,
      AUTUMN_LAST_YEAR,
      'compared with same period last year (Oct 1 – Nov 30, 2025)',
      'compare-last-year.png',
    );
  });
});

describe('CSV export', () => {
  async function download(p: Page): Promise<string[][]> {
    const [file] = await Promise.all([p.waitForEvent('download'), p.getByRole('button', { name: 'Export CSV' }).click()]);
    // The browser runs as a server of its own (global setup): the file is copied here to be read.
    const local = path.join(os.tmpdir(), `scu-export-${process.pid}-${Date.now()}.csv`);
    await file.saveAs(local);
    const text = fs.readFileSync(local, 'utf8');
    fs.rmSync(local);
    expect(file.suggestedFilename()).toMatch(/^service-code-usage_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}_by-[a-z_]+\.csv$/);
    expect(text.startsWith('\uFEFF')).toBe(true);
    return parseCsv(text.slice(1));
  }

  it('writes the filters, then every row shown with exact figures and the totals', async () => {
    const payors = await busiest(db(), DEMO_CLINIC, RANGE, 'payor');
    const chosen = payors.filter((p) => p.id !== 'none').slice(0, 2);
    const filter = { ...RANGE, payors: chosen.map((p) => Number(p.id)) };
    page = await newPage(browser());
    await openReport(page, `${BASE}&payors=${chosen.map((p) => p.id).join(',')}&group=provider&sort=total_billed:desc`);
    await expectTableMatches(page, filter, 'provider');
    const shown = await readTable(page);
    const csv = await download(page);

    const blank = csv.findIndex((r) => r.length === 1 && r[0] === '');
    const header = Object.fromEntries(csv.slice(1, blank).map((r) => [r[0], r[1]]));
    expect(csv[0]).toEqual(['Service Code Usage']);
    expect(header['Clinic']).toBe('Riverside Chiropractic & Rehab');
    expect(header['Dates of service']).toMatch(/^2026-07-01 to 2026-09-30/);
    expect(header['Payors']!.split('; ').sort()).toEqual(chosen.map((p) => p.name).sort());
    expect(header['Providers']).toBe('All');
    expect(header['Rows by']).toBe('Provider');

    const columns = csv[blank + 1]!;
    expect(columns).toEqual(shown.headers);
    const body = csv.slice(blank + 2);
    const totals = body.pop()!;
    expect(body.map((r) => r[0])).toEqual(shown.rows.map((r) => r[0])); // every row, in the order shown
    const expected = await expectedReport(db(), DEMO_CLINIC, filter, 'provider');
    const [total] = [...(await expectedReport(db(), DEMO_CLINIC, filter, null)).values()];
    const at = (h: string) => columns.indexOf(h);
    const figures = (r: string[]): Figures => ({
      units: r[at('Units Billed')]!,
      visits: r[at('# of Visits Used')]!,
      billed: r[at('Total Billed')]!,
      paid: r[at('Insurance Paid')]!,
    });
    expect(Object.fromEntries(body.map((r) => [r[0], figures(r)]))).toEqual(Object.fromEntries(expected));
    expect(totals[0]).toBe('Total');
    expect(figures(totals)).toEqual(total);
    const billed = body.map((r) => Number(r[at('Total Billed')]));
    expect(billed).toEqual([...billed].sort((a, b) => b - a));
    await closePage(page);
  });

  it('neutralizes names a spreadsheet would run as formulas', async () => {
    page = await newPage(browser());
    await openReport(page, '?from=2026-10-01&to=2026-10-31', ownerToken(HOSTILE_CLINIC));
    await expectTableMatches(page, { from: '2026-10-01', to: '2026-10-31' }, 'code', HOSTILE_CLINIC);
    const byCode = await download(page);
    expect(byCode[1]).toEqual(['Clinic', "'=Evil Clinic"]);
    const rows = byCode.filter((r) => r[0] === "'-SUPP" || r[0] === '98941');
    expect(rows.map((r) => r.slice(0, 3))).toEqual([
      ["'-SUPP", '\'=1+1 supplement, "quoted", with comma', 'Custom'],
      ['98941', "'\tTabbed description", 'CPT'],
    ]);
    const paid = byCode[byCode.findIndex((r) => r[0] === 'Service Code')]!.indexOf('Insurance Paid');
    expect(rows[1]![paid]).toBe('40.25');

    await page.getByRole('radio', { name: 'Payor', exact: true }).check();
    await expectTableMatches(page, { from: '2026-10-01', to: '2026-10-31' }, 'payor', HOSTILE_CLINIC);
    const byPayor = await download(page);
    expect(byPayor.some((r) => r[0] === `'=HYPERLINK("http://evil.example","Aetna")`)).toBe(true);
    expect(byPayor.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell) && !/^-?\d/.test(cell))).toEqual([]);
    await closePage(page);
  });
});

describe('print', () => {
  it('lays the report out for paper with the filters written at the top', async () => {
    page = await newPage(browser(), 1100);
    await openReport(page, `${BASE}&billing=billable&compare=previous`);
    await settled(page);
    await page.emulateMedia({ media: 'print' });
    await expect(page.getByRole('button', { name: 'Export CSV' }).isVisible()).resolves.toBe(false);
    await expect(page.locator('.filters').isVisible()).resolves.toBe(false);
    const printed = await page.locator('.print-filters').innerText();
    expect(printed).toContain('Billing type');
    expect(printed).toContain('Billable');
    expect(printed).toContain('Compared with');
    // Every chart drawn (none loading) before the picture is taken.
    await page.waitForFunction(
      () => document.querySelectorAll('.chart-card').length === 5 && !document.querySelector('.chart-card[aria-busy]'),
      undefined,
      { timeout: 30_000 },
    );
    const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(pageWidth).toBeLessThanOrEqual(1100);
    await page.screenshot({ path: 'test-artifacts/print-layout.png', fullPage: true });
    await closePage(page);
  });
});
