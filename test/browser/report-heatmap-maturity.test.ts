/**
 * The payor × code heatmap's maturity rule in Chromium against the real server (issue 12, item 1): on a
 * range whose visits are all too recent for insurance to have paid, no payor is flagged, every cell is
 * grey ("not compared") and the chart says why; on an older range with the default threshold (90 days),
 * the flags listed are those plain SQL gives with the rule: insurance paid per unit of each payor and
 * code over visits at least 90 days old (the clinic's today), the code's median over payors with at
 * least 10 such units (3 payors at least), flagged under 80 % of it. A threshold typed in the chart
 * gives plain SQL's flags at that threshold, and a range wholly older than the threshold greys exactly
 * the pairs with fewer than 10 units.
 *
 * Two expectations fail on bugs of the chart, each said where it is checked: the previous answer is
 * read with the new threshold while a new one loads (false flags meanwhile), and a cell grey for too few
 * units is labelled "recent" even when all its visits are old.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { addDays, todayInZone } from '../../dashboard/src/lib/clinic-calendar.js';
import { formatHundredths, hundredths } from '../support/decimal.js';
import { referenceGroups } from '../support/reference-sql.js';
import { clinicTimezone } from './expected-sql.js';
import { DEMO_CLINIC } from './fixtures.js';
import { chartOf, closePage, describePage, newPage, openReport, plain, searchOf, settled, useSharedBrowser } from './report-page.js';

const TITLE = 'Insurance paid per unit: payor × code';
const DEFAULT_THRESHOLD = 90;
/** The seeded data's last month (the seeder's fixed end date, 2026-10-31). */
const RECENT = { from: '2026-10-01', to: '2026-10-31' };
/** Four months before it and that month: old and recent visits, or all old ones once the clinic's today is past January 2027. */
const OLDER = { from: '2026-06-01', to: '2026-10-31' };
/** The colour of a cell without enough mature units (ReportChartPayorHeatmap.vue). */
const NOT_COMPARED = '#e3e6ea';

const db = () => inject('browserDatabase');
const browser = useSharedBrowser();

/** A date as the page writes it for the demo clinic (USD: en-US, medium). */
const clinicDate = (iso: string) =>
  new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));

/** Whole days from `from` to `to`. */
const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** Each cell the heatmap draws: its payor and code ("Payor · code", from the axes), its fill, its border
 * (2 px: flagged) and its label (▼: flagged). */
async function drawnCells(page: Page): Promise<{ pair: string; color: string; borderWidth: number; label: string }[]> {
  const { card, drawing } = chartOf(page, TITLE);
  await expect.poll(() => card.getAttribute('aria-busy'), { timeout: 30_000 }).toBeNull();
  return drawing.evaluate((el) => {
    type Item = { value: [number, number]; itemStyle: { color: string; borderWidth: number }; label: { formatter: () => string } };
    type Option = { series: { data: Item[] }[]; xAxis: { data: string[] }[]; yAxis: { data: string[] }[] };
    const option = (el as HTMLElement & { echartsInstance: { getOption(): Option } }).echartsInstance.getOption();
    const [codes, payors] = [option.xAxis[0]!.data, option.yAxis[0]!.data];
    return option.series[0]!.data.map((d) => ({
      pair: `${payors[d.value[1]]} · ${codes[d.value[0]]}`,
      color: d.itemStyle.color,
      borderWidth: d.itemStyle.borderWidth,
      label: String(d.label.formatter()),
    }));
  });
}

/** The flag list's entries as exact figures: "Payor · code" with its rate and the code's median. */
async function listedFlags(page: Page): Promise<{ pair: string; pays: string; median: string }[]> {
  const items = await chartOf(page, TITLE)
    .card.locator('details.flag-list li')
    .evaluateAll((lis) => lis.map((li) => li.textContent ?? ''));
  return items.map((text) => {
    const m = /^\s*(.+?)\s+pays\s+(\S+)\s+per unit; median\s+(\S+)\s*$/s.exec(text.replace(/\s+/g, ' '));
    if (!m) throw new Error(`a flag list entry not understood: ${text}`);
    return { pair: m[1]!, pays: plain(m[2]!), median: plain(m[3]!) };
  });
}

/** rounded half away from zero, in cents, as payor-rates.ts (and the report) round money. */
function perUnitCents(paidCents: bigint, units: bigint): bigint {
  const negative = paidCents < 0n;
  const q = ((negative ? -paidCents : paidCents) * 2n + units) / (2n * units);
  return negative ? -q : q;
}

/** Each insured payor × code of a range's visits at least `days` old, from plain SQL: its mature units
 * and its rate (insurance paid per unit, in cents; null without units). */
async function matureCells(range: { from: string; to: string }, today: string, days: number) {
  const cutoff = addDays(today, -days);
  const matureTo = range.to < cutoff ? range.to : cutoff;
  if (matureTo < range.from) return [];
  const groups = await referenceGroups(
    { dialect: 'mysql', location: db() },
    { clinicId: DEMO_CLINIC, from: range.from, to: matureTo, groupBy: ['payor_id', 'payor_name', 'service_code'] },
  );
  return groups
    .filter((g) => g.values[0] !== null)
    .map((g) => {
      const units = hundredths(g.figures.units_billed) / 100n;
      return {
        pair: `${String(g.values[1])} · ${String(g.values[2])}`,
        code: String(g.values[2]),
        units,
        rate: units > 0n ? perUnitCents(hundredths(g.figures.insurance_paid), units) : null,
      };
    });
}

/** The flags of a range by the maturity rule, from plain SQL over its visits at least `days` old. */
async function expectedFlags(range: { from: string; to: string }, today: string, days: number) {
  const compared = (await matureCells(range, today, days)).filter(
    (c): c is typeof c & { rate: bigint } => c.rate !== null && c.units >= 10n,
  );
  const medians = new Map<string, { median: bigint; payors: number }>();
  for (const code of new Set(compared.map((c) => c.code))) {
    const rates = compared.filter((c) => c.code === code).map((c) => c.rate);
    rates.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const mid = Math.floor(rates.length / 2);
    const median = rates.length % 2 ? rates[mid]! : perUnitCents(rates[mid - 1]! + rates[mid]!, 2n);
    medians.set(code, { median, payors: rates.length });
  }
  return compared
    .filter((c) => {
      const m = medians.get(c.code)!;
      return m.payors >= 3 && m.median > 0n && c.rate * 10n < m.median * 8n;
    })
    .map((c) => ({ pair: c.pair, pays: formatHundredths(c.rate), median: formatHundredths(medians.get(c.code)!.median) }))
    .sort((a, b) => (a.pair < b.pair ? -1 : 1));
}

/** The threshold at which every visit of RECENT is too recent: the default while the range's first day
 * is less than 90 days old (the clinic's today), else just long enough (see the first test). */
const recentThreshold = (today: string) => Math.max(DEFAULT_THRESHOLD, daysBetween(RECENT.from, today) + 1);

/** What a failed expectation on the page should say: the page's state, log and a screenshot. */
async function onPage<T>(page: Page, label: string, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${await describePage(page, label)}`, { cause: e });
  }
}

describe('the payor × code heatmap flags only visits old enough to have been paid', () => {
  it('on a range wholly too recent: no flag, every cell grey, and it says why', async () => {
    const today = todayInZone(await clinicTimezone(db(), DEMO_CLINIC));
    // The seeded data ends on a fixed date, so "the last 90 days" moves away from it: the threshold is
    // the default (90) while the range's first day is less than 90 days old, else just long enough for
    // the whole range to be too recent (the same rule at a longer threshold). Past 730 days, the
    // maximum, no threshold can make this range recent: the seeder's end date must then move.
    const days = recentThreshold(today);
    expect(days, 'the seeded data is too old for any threshold to make its last month recent').toBeLessThanOrEqual(730);
    const page = await newPage(browser());
    await openReport(page, `?from=${RECENT.from}&to=${RECENT.to}${days === DEFAULT_THRESHOLD ? '' : `&maturity=${days}`}`);
    await settled(page);
    try {
      const cells = await drawnCells(page);
      // The range has insured visits: a chart that drew nothing would say nothing here.
      expect(cells.length).toBeGreaterThan(10);
      expect(cells.filter((c) => c.label.includes('▼') || c.borderWidth > 0)).toEqual([]);
      expect(new Set(cells.map((c) => c.color))).toEqual(new Set([NOT_COMPARED]));

      const { card, drawing } = chartOf(page, TITLE);
      expect(await card.locator('details.flag-list').count()).toBe(0);
      const cutoff = clinicDate(addDays(today, -days));
      const why = card.locator('.maturity-note [role="status"]');
      await expect
        .poll(() => why.innerText())
        .toContain(`No underpayment flags: every visit in this range is less than ${days} days old (dates of service after ${cutoff})`);
      expect(await card.getByRole('spinbutton', { name: /Compare visits at least/ }).inputValue()).toBe(String(days));
      expect(await drawing.getAttribute('aria-label')).toContain('nothing is compared or flagged');
      await page.screenshot({ path: 'test-artifacts/heatmap-maturity-recent.png', fullPage: true });
    } catch (e) {
      throw new Error(`${e instanceof Error ? e.message : String(e)}\n${await describePage(page, 'heatmap-maturity-recent')}`, {
        cause: e,
      });
    }
    await closePage(page);
  });

  it('on an older range with the default threshold: the flags listed are plain SQL’s over the mature visits', async () => {
    const today = todayInZone(await clinicTimezone(db(), DEMO_CLINIC));
    const expected = await expectedFlags(OLDER, today, DEFAULT_THRESHOLD);
    // The seeded payors are paid unevenly: the comparison below is not of two empty lists.
    expect(expected.length).toBeGreaterThan(0);
    const page = await newPage(browser());
    await openReport(page, `?from=${OLDER.from}&to=${OLDER.to}`);
    await settled(page);
    try {
      const cells = await drawnCells(page);
      const { card } = chartOf(page, TITLE);
      expect((await card.locator('details.flag-list summary').textContent())?.trim()).toBe(
        `${expected.length} payor and code pairs well below the median`,
      );
      expect((await listedFlags(page)).sort((a, b) => (a.pair < b.pair ? -1 : 1))).toEqual(expected);
      // Drawn: a ▼ and a dark border exactly on the flagged pairs among the payors and codes shown.
      const flaggedPairs = new Set(expected.map((f) => f.pair));
      const marked = cells.filter((c) => c.label.includes('▼')).map((c) => c.pair);
      expect(marked.sort()).toEqual(
        cells
          .filter((c) => flaggedPairs.has(c.pair))
          .map((c) => c.pair)
          .sort(),
      );
      expect(
        cells
          .filter((c) => c.borderWidth === 2)
          .map((c) => c.pair)
          .sort(),
      ).toEqual(marked);
      expect(marked.length).toBeGreaterThan(0);
      const matureTo = addDays(today, -DEFAULT_THRESHOLD) < OLDER.to ? addDays(today, -DEFAULT_THRESHOLD) : OLDER.to;
      expect((await card.locator('.maturity-note .muted').textContent())?.replace(/\s+/g, ' ')).toContain(
        `Compared: dates of service up to ${clinicDate(matureTo)}.`,
      );
      await page.screenshot({ path: 'test-artifacts/heatmap-maturity-older.png', fullPage: true });
    } catch (e) {
      throw new Error(`${e instanceof Error ? e.message : String(e)}\n${await describePage(page, 'heatmap-maturity-older')}`, { cause: e });
    }
    await closePage(page);
  });
  it('a new threshold: the previous answer is never read as mature while the new one loads; then plain SQL’s flags', async () => {
    const today = todayInZone(await clinicTimezone(db(), DEMO_CLINIC));
    const days = recentThreshold(today);
    // Shorter: the range's first 11 days become old enough, the rest stays recent (one compareDateRange request).
    const shorter = daysBetween(RECENT.from, today) - 10;
    const expected = await expectedFlags(RECENT, today, shorter);
    const page = await newPage(browser());
    await openReport(page, `?from=${RECENT.from}&to=${RECENT.to}${days === DEFAULT_THRESHOLD ? '' : `&maturity=${days}`}`);
    await settled(page);
    const { card } = chartOf(page, TITLE);
    await onPage(page, 'heatmap-maturity-threshold', async () => {
      await drawnCells(page);
      expect(await card.locator('details.flag-list').count()).toBe(0);
    });
    // The new request is held until the page has been looked at: what it shows meanwhile is the old answer.
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    await page.route('**/cubejs-api/v1/load**', async (route) => {
      const request = decodeURIComponent(route.request().url()) + (route.request().postData() ?? '');
      if (request.includes('compareDateRange')) {
        held = true;
        await released;
      }
      await route.continue();
    });
    const input = card.getByRole('spinbutton', { name: /Compare visits at least/ });
    await input.fill(String(shorter));
    await input.press('Tab');
    let whileLoading: { pair: string; pays: string; median: string }[] | undefined;
    try {
      await expect.poll(() => held, { timeout: 10_000 }).toBe(true);
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      whileLoading = await listedFlags(page);
    } finally {
      release();
    }
    await onPage(page, 'heatmap-maturity-threshold', async () => {
      // The default, 90, is never written in the address.
      expect(searchOf(page).get('maturity')).toBe(shorter === DEFAULT_THRESHOLD ? null : String(shorter));
      await expect.poll(() => card.getAttribute('aria-busy'), { timeout: 30_000 }).toBeNull();
      await expect.poll(async () => (await listedFlags(page)).sort((a, b) => (a.pair < b.pair ? -1 : 1))).toEqual(expected);
    });
    await closePage(page);
    // FAILS (bug in dashboard/src/components/ReportChartPayorHeatmap.vue, `model`): while the new request
    // loads, the chart keeps the previous answer and reads it with the *new* threshold's `!!mature.value`
    // (payorCodeCells(resultSet, compared, anyMature)): `compared` is of the answered query (a plain one,
    // every visit recent) but `anyMature` of the query not answered yet (true), so every recent visit of the
    // old answer counts as mature and the flag list shows the payors not paid yet as "well below the
    // median" until the answer arrives, the very false alarm the rule exists to prevent. `anyMature`
    // must be of the answered query (or nothing shown until it is answered).
    expect(whileLoading, 'flags listed while the new threshold loads').toEqual([]);
  });

  it('on a range wholly older than the threshold: a payor with fewer than 10 units is grey, and not called recent', async () => {
    const today = todayInZone(await clinicTimezone(db(), DEMO_CLINIC));
    const OLD = { from: '2026-03-01', to: '2026-05-31' };
    expect(addDays(today, -DEFAULT_THRESHOLD) >= OLD.to).toBe(true);
    const units = new Map((await matureCells(OLD, today, DEFAULT_THRESHOLD)).map((c) => [c.pair, c.units]));
    const page = await newPage(browser());
    await openReport(page, `?from=${OLD.from}&to=${OLD.to}`);
    await settled(page);
    const cells = await onPage(page, 'heatmap-maturity-old', () => drawnCells(page));
    await closePage(page);
    const grey = cells.filter((c) => c.color === NOT_COMPARED).map((c) => c.pair);
    // Not compared: exactly the pairs with fewer than 10 units, by plain SQL (every visit here is old).
    expect(grey).toEqual(cells.filter((c) => (units.get(c.pair) ?? 0n) < 10n).map((c) => c.pair));
    expect(grey.length).toBeGreaterThan(0);
    // FAILS (bug in dashboard/src/components/ReportChartPayorHeatmap.vue, the cells' label formatter): every
    // cell not compared is labelled "recent" (`!compared ? 'recent'`), also when all its visits are
    // 90+ days old and it is grey only for having fewer than 10 units; the tooltip says it right ("Not
    // compared: N units from visits 90+ days old (10 needed)"), the cell's label says the opposite.
    expect(
      cells.filter((c) => c.label === 'recent').map((c) => c.pair),
      'cells whose visits are all old, labelled "recent"',
    ).toEqual([]);
  });
});
