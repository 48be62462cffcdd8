/**
 * Drill-down from the trend, payor mix, payment maturity and payor × code charts (the top codes chart is
 * in report-analysis.test.ts), in real Chromium against the real server: a click on what a chart draws
 * narrows the report to it, the address says so, and the table is then what plain SQL gives for the
 * narrowed filter. What was clicked is known from SQL (rankings) or the calendar, not from the page.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { busiest, expectedReport } from './expected-sql.js';
import { DEMO_CLINIC } from './fixtures.js';
import {
  chartDrawn,
  clickChart,
  closePage,
  expectTableMatches,
  newPage,
  openReport,
  searchOf,
  settled,
  useSharedBrowser,
} from './report-page.js';

const RANGE = { from: '2026-07-01', to: '2026-09-30' };
const BASE = `?from=${RANGE.from}&to=${RANGE.to}`;
const db = () => inject('browserDatabase');
const datesOf = (p: Page) => `${searchOf(p).get('from')} – ${searchOf(p).get('to')}`;

const browser = useSharedBrowser();
let page: Page;

describe('a chart click narrows the report', () => {
  const TREND = 'Trend by date of service';

  it('trend by week: a point narrows the dates to its week, clipped to the range', async () => {
    page = await newPage(browser());
    await openReport(page, BASE);
    await settled(page);
    const drawn = await chartDrawn(page, TREND);
    // 2026-07-01 is a Wednesday: weeks start on Mondays, from Jun 29 to Sep 28, 14 of them.
    expect(drawn.xAxis[0]).toHaveLength(14);
    const points = drawn.series[0]!.data as number[];
    // The first point sits on the plot's left edge: 2 px inside it, still on the point's symbol.
    await clickChart(page, TREND, { value: [0, points[0]!], tooltip: 'Week of Jul 1, 2026', nudge: { x: 2, y: 0 } });
    // The week of Mon Jun 29 – Sun Jul 5, clipped to the range's first day.
    await expect.poll(() => datesOf(page), { timeout: 10_000 }).toBe('2026-07-01 – 2026-07-05');
    await expectTableMatches(page, { from: '2026-07-01', to: '2026-07-05' }, 'code');
    await page.screenshot({ path: 'test-artifacts/drill-trend-week.png', fullPage: true });
    await closePage(page);
  });

  it('trend by month: a point narrows the dates to its month', async () => {
    page = await newPage(browser());
    await openReport(page, `${BASE}&trend=month`);
    await settled(page);
    const drawn = await chartDrawn(page, TREND);
    expect(drawn.xAxis[0]).toEqual(['Jul 2026', 'Aug 2026', 'Sep 2026']);
    const points = drawn.series[0]!.data as number[];
    await clickChart(page, TREND, { value: [1, points[1]!], tooltip: 'Aug 2026' });
    await expect.poll(() => datesOf(page), { timeout: 10_000 }).toBe('2026-08-01 – 2026-08-31');
    expect(searchOf(page).get('trend')).toBe('month');
    await expectTableMatches(page, { from: '2026-08-01', to: '2026-08-31' }, 'code');
    await page.screenshot({ path: 'test-artifacts/drill-trend-month.png', fullPage: true });
    await closePage(page);
  });

  it('payor mix: a bar narrows the report to that payor', async () => {
    // The chart ranks payors by Total Billed; the second largest, so the bars' order is exercised too.
    const byBilled = [...(await expectedReport(db(), DEMO_CLINIC, RANGE, 'payor'))].sort(
      (a, b) => Number(b[1].billed) - Number(a[1].billed),
    );
    const name = byBilled[1]![0];
    const payor = (await busiest(db(), DEMO_CLINIC, RANGE, 'payor')).find((p) => p.name === name)!;
    page = await newPage(browser());
    await openReport(page, BASE);
    await settled(page);
    const drawn = await chartDrawn(page, 'Payor mix');
    // Largest at the top: the last category of the (bottom-up) axis.
    const shares = drawn.series[0]!.data as number[];
    const second = shares.length - 2;
    await clickChart(page, 'Payor mix', { value: [shares[second]! / 2, second], tooltip: `${name}\n` });
    await expect.poll(() => searchOf(page).get('payors'), { timeout: 10_000 }).toBe(payor.id);
    expect(datesOf(page)).toBe(`${RANGE.from} – ${RANGE.to}`);
    await expectTableMatches(page, { ...RANGE, payors: [payor.id === 'none' ? null : Number(payor.id)] }, 'code');
    await page.screenshot({ path: 'test-artifacts/drill-payor-mix.png', fullPage: true });
    await closePage(page);
  });

  it('payment maturity: a bar narrows the dates to its period of service', async () => {
    page = await newPage(browser());
    await openReport(page, `${BASE}&trend=month`);
    await settled(page);
    const drawn = await chartDrawn(page, 'Payment maturity');
    expect(drawn.xAxis[0]).toEqual(['Jul 2026', 'Aug 2026', 'Sep 2026']);
    // Halfway up September's stack: inside one of its days-to-payment segments, whichever.
    const september = drawn.series.reduce((sum, s) => sum + ((s.data[2] as number | null) ?? 0), 0);
    expect(september).toBeGreaterThan(0);
    await clickChart(page, 'Payment maturity', { value: [2, september / 2], tooltip: 'Sep 2026' });
    await expect.poll(() => datesOf(page), { timeout: 10_000 }).toBe('2026-09-01 – 2026-09-30');
    await expectTableMatches(page, { from: '2026-09-01', to: '2026-09-30' }, 'code');
    await page.screenshot({ path: 'test-artifacts/drill-payment-maturity.png', fullPage: true });
    await closePage(page);
  });

  it('payor × code: a cell narrows the report to that payor and code', async () => {
    // The chart's axes: the busiest insured payors and, among insured visits, the busiest codes (by units).
    const payors = (await busiest(db(), DEMO_CLINIC, RANGE, 'payor')).filter((p) => p.id !== 'none');
    const codes = await busiest(db(), DEMO_CLINIC, { ...RANGE, payors: payors.map((p) => Number(p.id)) }, 'code');
    const [payor, code] = [payors[2]!, codes[1]!];
    const title = 'Insurance paid per unit: payor × code';
    page = await newPage(browser());
    await openReport(page, BASE);
    await settled(page);
    const drawn = await chartDrawn(page, title);
    expect(drawn.series[0]!.data).toContainEqual([1, 2]); // second code, third payor
    await clickChart(page, title, { value: [1, 2], tooltip: `${payor.name} · ${code.name}` }, 'drill-payor-code-hover.png');
    await expect
      .poll(() => `${searchOf(page).get('payors')} ${searchOf(page).get('codes')}`, { timeout: 10_000 })
      .toBe(`${payor.id} ${code.name}`);
    await expectTableMatches(page, { ...RANGE, payors: [Number(payor.id)], codes: [code.name] }, 'code');
    await page.screenshot({ path: 'test-artifacts/drill-payor-code.png', fullPage: true });
    await closePage(page);
  });
});
