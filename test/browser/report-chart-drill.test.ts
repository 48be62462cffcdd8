/**
 * Drill-through from the charts, in real Chromium against the real server: "Show the lines" in a chart
 * element's action menu puts the drill in the address, and the "Visit lines" panel then lists, page by
 * page, exactly the lines plain SQL gives for that element (referenceLines), whose sums are the
 * element's figure (referenceFigures). What was clicked is known from SQL rankings or the calendar.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { referenceFigures, referenceLines, type ReferenceFilter, type ReferenceLine } from '../support/reference-sql.js';
import { busiest } from './expected-sql.js';
import { DEMO_CLINIC } from './fixtures.js';
import {
  chartDrawn,
  chartOf,
  clickChart,
  closePage,
  describePage,
  newPage,
  openReport,
  plain,
  searchOf,
  settled,
  useSharedBrowser,
} from './report-page.js';

/** A month with a few pages of lines per code, so the whole list is read through the panel's pages. */
const RANGE = { from: '2026-09-01', to: '2026-09-30' };
const BASE = `?from=${RANGE.from}&to=${RANGE.to}`;
const db = () => inject('browserDatabase');
const target = () => ({ dialect: 'mysql' as const, location: db() });

const browser = useSharedBrowser();
let page: Page;

interface Panel {
  totals: Record<string, string>;
  headers: string[];
  rows: string[][];
  pageStatus: string;
  hasNext: boolean;
}

/** The open "Visit lines" dialog once nothing in it is loading: its totals, its table, its pager. */
async function readPanel(p: Page): Promise<Panel> {
  await p.getByRole('dialog', { name: 'Visit lines' }).waitFor({ timeout: 30_000 });
  const handle = await p.waitForFunction(
    () => {
      const dialog = [...document.querySelectorAll('dialog[open]')].find(
        (d) => d.querySelector('h2')?.textContent?.trim() === 'Visit lines',
      );
      if (!dialog || dialog.hasAttribute('aria-busy')) return null;
      const table = dialog.querySelector('table');
      const totals = dialog.querySelector('dl');
      if (!table || !totals || table.hasAttribute('aria-busy')) return null;
      const text = (e: Element | null | undefined) => (e?.textContent ?? '').trim().replace(/\s+/g, ' ');
      const next = [...dialog.querySelectorAll('button')].find((b) => text(b) === 'Next page');
      return {
        totals: Object.fromEntries([...totals.querySelectorAll('dt')].map((dt) => [text(dt), text(dt.nextElementSibling)])),
        headers: [...table.querySelectorAll('thead th')].map(text),
        rows: [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td, th')].map(text)),
        pageStatus: text(dialog.querySelector('nav [role="status"]')),
        hasNext: !!next && !(next as HTMLButtonElement).disabled,
      };
    },
    undefined,
    { timeout: 30_000 },
  );
  const panel = (await handle.jsonValue()) as Panel;
  await handle.dispose();
  return panel;
}

/** A line as the tests compare it: the columns that identify it and carry its figures. */
interface ShownLine {
  line: string;
  visit: string;
  date: string;
  code: string;
  payor: string;
  units: string;
  billed: string;
  paid: string;
}

/** "Sep 7, 2026" → "2026-09-07" (the page writes dates in the clinic's locale, en-US here). */
function isoDate(text: string): string {
  const d = new Date(`${text} UTC`);
  if (Number.isNaN(d.getTime())) throw new Error(`not a date: ${text}`);
  return d.toISOString().slice(0, 10);
}

function shownLines(panel: Panel): ShownLine[] {
  const col = (header: string) => {
    const i = panel.headers.indexOf(header);
    if (i < 0) throw new Error(`no column ${header} in ${panel.headers.join(' | ')}`);
    return i;
  };
  const [line, visit, date, code, payor, units, billed, paid] = [
    'Line',
    'Visit',
    'Date of Service',
    'Service Code',
    'Payor',
    'Units',
    'Billed',
    'Insurance Paid',
  ].map(col) as number[];
  return panel.rows.map((r) => ({
    line: r[line!]!,
    visit: r[visit!]!,
    date: isoDate(r[date!]!),
    code: r[code!]!,
    payor: r[payor!]!,
    units: plain(r[units!]!),
    billed: plain(r[billed!]!),
    paid: plain(r[paid!]!),
  }));
}

const expectedLine = (l: ReferenceLine): ShownLine => ({
  line: l.line_number,
  visit: l.visit_number,
  date: l.date_of_service,
  code: l.service_code,
  payor: l.payor_name,
  units: l.units,
  billed: l.billed_amount,
  paid: l.insurance_paid,
});

/** Every line the panel lists, reading each of its pages with "Next page" (the address keeps the page). */
async function allPanelLines(p: Page, screenshot?: string): Promise<{ first: Panel; lines: ShownLine[] }> {
  const first = await readPanel(p);
  if (screenshot) await p.screenshot({ path: `test-artifacts/${screenshot}` });
  const lines = shownLines(first);
  let panel = first;
  for (let n = 2; panel.hasNext; n++) {
    expect(n).toBeLessThan(40);
    await p.getByRole('dialog', { name: 'Visit lines' }).getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => searchOf(p).get('drill_page'), { timeout: 10_000 }).toBe(String(n));
    // The next page's rows, not the previous page's still on screen.
    const before = panel.rows[0]?.join('|');
    await expect.poll(async () => (await readPanel(p)).rows[0]?.join('|'), { timeout: 30_000 }).not.toBe(before);
    panel = await readPanel(p);
    lines.push(...shownLines(panel));
  }
  return { first, lines };
}

const cents = (money: string) => {
  const [whole, fraction = ''] = money.replace('-', '').split('.');
  const value = BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
  return money.startsWith('-') ? -value : value;
};
const money = (c: bigint) => `${c < 0n ? '-' : ''}${(c < 0n ? -c : c) / 100n}.${String((c < 0n ? -c : c) % 100n).padStart(2, '0')}`;

/** The totals a list of lines should show: count, distinct visits, units, billed, insurance paid. */
function sums(lines: ReferenceLine[]): Record<string, string> {
  return {
    Lines: String(lines.length),
    '# of Visits Used': String(new Set(lines.map((l) => l.visit_number)).size),
    'Units Billed': String(lines.reduce((s, l) => s + Number(l.units), 0)),
    'Total Billed': money(lines.reduce((s, l) => s + cents(l.billed_amount), 0n)),
    'Insurance Paid': money(lines.reduce((s, l) => s + cents(l.insurance_paid), 0n)),
  };
}
const plainTotals = (totals: Record<string, string>) => Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, plain(v)]));

/** The panel's lines, every page of them, equal `expected` line by line, and its totals their sums. */
async function expectPanelLines(p: Page, expected: ReferenceLine[], screenshot: string): Promise<ShownLine[]> {
  expect(expected.length).toBeGreaterThan(0);
  try {
    const { first, lines } = await allPanelLines(p, screenshot);
    expect(plainTotals(first.totals)).toEqual(sums(expected));
    // Each line once, and exactly SQL's lines.
    expect(new Set(lines.map((l) => l.line)).size).toBe(lines.length);
    const byLine = (a: ShownLine, b: ShownLine) => Number(a.line) - Number(b.line);
    expect([...lines].sort(byLine)).toEqual(expected.map(expectedLine).sort(byLine));
    return lines;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new Error(`${message}\n${await describePage(p, screenshot)}`, { cause: e });
  }
}

/** The value the menu item says the element shows ("Show the lines behind Units Billed of 97110: 235"). */
const shownValue = (name: string) => plain(name.slice(name.lastIndexOf(': ') + 2));

describe('a chart element’s lines', () => {
  it('top codes: a bar’s "Show the lines" lists that code’s lines, adding up to the bar', async () => {
    const [top] = await busiest(db(), DEMO_CLINIC, RANGE, 'code');
    const code = top!.name;
    const filters: ReferenceFilter[] = [{ dimension: 'service_code', values: [code] }];
    const expected = await referenceLines(target(), { clinicId: DEMO_CLINIC, ...RANGE, filters });
    const figure = (await referenceFigures(target(), { clinicId: DEMO_CLINIC, ...RANGE, filters, groupBy: [] })).values().next().value!;
    // More than a page of lines (50), so the panel's pages are read too.
    expect(expected.length).toBeGreaterThan(50);

    page = await newPage(browser());
    await openReport(page, BASE);
    await settled(page);
    const drawn = await chartDrawn(page, 'Top service codes');
    const units = drawn.series[0]!.data as number[];
    const last = units.length - 1;
    expect(drawn.yAxis[0]![last]).toBe(code);
    const chosen = await clickChart(
      page,
      'Top service codes',
      { value: [units[last]! / 2, last], tooltip: `${code} `, action: 'lines' },
      undefined,
      'chart-drill-menu-top-code.png',
    );
    expect(chosen.name).toMatch(new RegExp(`^Show the lines behind Units Billed of ${code}: `));
    // The bar's value, as the menu names it, is the figure SQL gives, and the lines add up to it.
    expect(shownValue(chosen.name)).toBe(figure.units_billed);
    expect(sums(expected)['Units Billed']).toBe(figure.units_billed);

    await expect.poll(() => searchOf(page).get('drill'), { timeout: 10_000 }).toBe('units_billed');
    const params = searchOf(page);
    expect([params.get('drill_codes'), params.get('drill_from'), params.get('drill_to'), params.get('drill_period')]).toEqual([
      code,
      RANGE.from,
      RANGE.to,
      null,
    ]);
    // The report itself is not narrowed: the drill only opens the lines.
    expect(params.get('codes')).toBeNull();
    await expectPanelLines(page, expected, 'chart-drill-panel-top-code.png');
    await closePage(page);
  });

  it('payor × code: a cell’s lines are that payor’s and code’s, and their paid per unit is the cell’s', async () => {
    const payors = (await busiest(db(), DEMO_CLINIC, RANGE, 'payor')).filter((p) => p.id !== 'none');
    const codes = await busiest(db(), DEMO_CLINIC, { ...RANGE, payors: payors.map((p) => Number(p.id)) }, 'code');
    const [payor, code] = [payors[1]!, codes[1]!];
    const filters: ReferenceFilter[] = [
      { dimension: 'payor_id', values: [payor.id] },
      { dimension: 'service_code', values: [code.name] },
    ];
    const expected = await referenceLines(target(), { clinicId: DEMO_CLINIC, ...RANGE, filters });
    const figure = (await referenceFigures(target(), { clinicId: DEMO_CLINIC, ...RANGE, filters, groupBy: [] })).values().next().value!;
    expect(figure.insurance_paid_per_unit).not.toBeNull();

    const title = 'Insurance paid per unit: payor × code';
    page = await newPage(browser());
    await openReport(page, BASE);
    await settled(page);
    const drawn = await chartDrawn(page, title);
    expect(drawn.series[0]!.data).toContainEqual([1, 1]); // second code, second payor
    const chosen = await clickChart(
      page,
      title,
      { value: [1, 1], tooltip: `${payor.name} · ${code.name}`, action: 'lines' },
      undefined,
      'chart-drill-menu-payor-code.png',
    );
    expect(chosen.name).toMatch(new RegExp(`^Show the lines behind Insurance Paid per Unit of ${payor.name} · ${code.name}: `));
    // The cell's rate, as the menu names it, is SQL's.
    expect(Number(shownValue(chosen.name)).toFixed(2)).toBe(Number(figure.insurance_paid_per_unit).toFixed(2));

    await expect.poll(() => searchOf(page).get('drill'), { timeout: 10_000 }).toBe('insurance_paid_per_unit');
    const params = searchOf(page);
    expect([params.get('drill_payors'), params.get('drill_codes'), params.get('drill_from'), params.get('drill_to')]).toEqual([
      payor.id,
      code.name,
      RANGE.from,
      RANGE.to,
    ]);
    const lines = await expectPanelLines(page, expected, 'chart-drill-panel-payor-code.png');
    expect(new Set(lines.map((l) => `${l.payor} · ${l.code}`))).toEqual(new Set([`${payor.name} · ${code.name}`]));
    // Insurance paid and units of the lines are SQL's, and their quotient is the cell's rate.
    const total = sums(expected);
    expect([total['Insurance Paid'], total['Units Billed']]).toEqual([money(cents(figure.insurance_paid)), figure.units_billed]);
    const perUnit = Number(cents(total['Insurance Paid']!)) / 100 / Number(total['Units Billed']);
    expect(perUnit.toFixed(2)).toBe(Number(shownValue(chosen.name)).toFixed(2));
    await closePage(page);
  });

  it('payment maturity: the menu offers no lines; Escape closes it and leaves the report as it was', async () => {
    page = await newPage(browser());
    await openReport(page, `${BASE}&trend=week`);
    await settled(page);
    const before = page.url();
    const { card } = chartOf(page, 'Payment maturity');
    const drawn = await chartDrawn(page, 'Payment maturity');
    const second = drawn.series.reduce((sum, s) => sum + ((s.data[1] as number | null) ?? 0), 0);
    expect(second).toBeGreaterThan(0);
    // Opened with the pointer, then used with the keyboard only: the menu has the focus.
    const { drawing } = chartOf(page, 'Payment maturity');
    await drawing.scrollIntoViewIfNeeded();
    const [x, y] = await drawing.evaluate(
      (el: HTMLElement & { echartsInstance?: { convertToPixel(f: object, v: number[]): number[] } }, v: number[]) =>
        el.echartsInstance!.convertToPixel({ seriesIndex: 0 }, v),
      [1, second / 4] as number[],
    );
    const box = (await drawing.boundingBox())!;
    await page.mouse.click(box.x + x!, box.y + y!);
    const menu = card.getByRole('menu');
    await menu.waitFor({ timeout: 10_000 });
    expect(await menu.getByRole('menuitem').allInnerTexts()).toEqual(['Show only Sep 7, 2026']);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Show only Sep 7, 2026');
    await page.screenshot({ path: 'test-artifacts/chart-drill-menu-maturity.png' });
    // The menu stays inside the chart's card.
    const [m, c] = [(await menu.boundingBox())!, (await card.boundingBox())!];
    expect(m.x >= c.x && m.y >= c.y && m.x + m.width <= c.x + c.width && m.y + m.height <= c.y + c.height).toBe(true);
    expect(await card.innerText()).toContain('It offers no visit lines');
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached', timeout: 10_000 });
    expect(page.url()).toBe(before);
    await closePage(page);
  });

  it('trend by week: a point’s lines are that week’s only', async () => {
    // Sep 1, 2026 is a Tuesday: weeks start on Mondays, Aug 31 (clipped to Sep 1), Sep 7, … Sep 28.
    const week = { from: '2026-09-07', to: '2026-09-13' };
    const expected = await referenceLines(target(), { clinicId: DEMO_CLINIC, ...week });
    const TREND = 'Trend by date of service';

    page = await newPage(browser());
    await openReport(page, `${BASE}&trend=week`);
    await settled(page);
    const drawn = await chartDrawn(page, TREND);
    expect(drawn.xAxis[0]).toHaveLength(5);
    const points = drawn.series[0]!.data as number[];
    const chosen = await clickChart(
      page,
      TREND,
      { value: [1, points[1]!], tooltip: 'Week of Sep 7, 2026', action: 'lines' },
      undefined,
      'chart-drill-menu-trend.png',
    );
    expect(chosen.name).toMatch(/^Show the lines behind Units Billed of week of Sep 7, 2026: /);
    expect(shownValue(chosen.name)).toBe(sums(expected)['Units Billed']);
    await expect.poll(() => searchOf(page).get('drill'), { timeout: 10_000 }).toBe('units_billed');
    const params = searchOf(page);
    expect([params.get('drill_from'), params.get('drill_to')]).toEqual([week.from, week.to]);
    for (const narrowing of ['drill_codes', 'drill_payors', 'drill_providers', 'drill_case_types', 'drill_billing', 'drill_period'])
      expect(params.get(narrowing), narrowing).toBeNull();
    const lines = await expectPanelLines(page, expected, 'chart-drill-panel-trend.png');
    expect(lines.every((l) => l.date >= week.from && l.date <= week.to)).toBe(true);
    await closePage(page);
  });

  it('trend compared with the previous period: a point of the dashed series opens its own week of the compared range', async () => {
    // Sep 2026 compared with Aug 2026; the compared weeks start on Mondays from Jul 27 (clipped to Aug 1).
    const TREND = 'Trend by date of service';
    page = await newPage(browser());
    await openReport(page, `${BASE}&trend=week&compare=previous`);
    await settled(page);
    const drawn = await chartDrawn(page, TREND);
    expect(drawn.series).toHaveLength(2);
    const [now, before] = [drawn.series[0]!.data as number[], drawn.series[1]!.data as number[]];
    // The inner week whose two points lie farthest apart, so the pointer is on the dashed one only.
    const i = [1, 2, 3].reduce((a, b) => (Math.abs(now[b]! - before[b]!) > Math.abs(now[a]! - before[a]!) ? b : a));
    expect(Math.abs(now[i]! - before[i]!)).toBeGreaterThan(10);
    const monday = new Date(Date.UTC(2026, 6, 27 + 7 * i));
    const iso = (d: Date) => d.toISOString().slice(0, 10);
    const week = { from: iso(monday), to: iso(new Date(monday.getTime() + 6 * 86_400_000)) };
    const expected = await referenceLines(target(), { clinicId: DEMO_CLINIC, ...week });
    const label = monday.toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });

    const chosen = await clickChart(
      page,
      TREND,
      { seriesIndex: 1, value: [i, before[i]!], tooltip: `(${label})`, action: 'lines' },
      undefined,
      'chart-drill-menu-trend-compared.png',
    );
    expect(chosen.name).toMatch(new RegExp(`^Show the lines behind Units Billed of week of ${label}: `));
    expect(shownValue(chosen.name)).toBe(sums(expected)['Units Billed']);
    await expect.poll(() => searchOf(page).get('drill'), { timeout: 10_000 }).toBe('units_billed');
    const params = searchOf(page);
    expect([params.get('drill_period'), params.get('drill_from'), params.get('drill_to')]).toEqual(['comparison', week.from, week.to]);
    const lines = await expectPanelLines(page, expected, 'chart-drill-panel-trend-compared.png');
    expect(lines.every((l) => l.date >= week.from && l.date <= week.to)).toBe(true);
    await closePage(page);
  });

  it('payor mix: a bar’s lines are that payor’s, adding up to its Total Billed', async () => {
    // The chart shows Total Billed shares; the second largest payor, so the bars' order is exercised.
    const byPayor = await referenceFigures(target(), { clinicId: DEMO_CLINIC, ...RANGE, groupBy: ['payor_id', 'payor_name'] });
    const ranked = [...byPayor].sort((a, b) => Number(b[1].total_billed) - Number(a[1].total_billed));
    const [key, figure] = ranked[1]!;
    const [id, name] = key.split(' | ') as [string, string];
    const expected = await referenceLines(target(), {
      clinicId: DEMO_CLINIC,
      ...RANGE,
      filters: [{ dimension: 'payor_id', values: [id === '∅' ? null : id] }],
    });

    page = await newPage(browser());
    await openReport(page, BASE);
    await settled(page);
    const drawn = await chartDrawn(page, 'Payor mix');
    const shares = drawn.series[0]!.data as number[];
    const second = shares.length - 2;
    const chosen = await clickChart(
      page,
      'Payor mix',
      { value: [shares[second]! / 2, second], tooltip: `${name}\n`, action: 'lines' },
      undefined,
      'chart-drill-menu-payor-mix.png',
    );
    expect(chosen.name).toMatch(new RegExp(`^Show the lines behind Total Billed of ${name}: `));
    // SQL's decimals are canonical ("6832.5"): compared as money, with two places.
    expect(shownValue(chosen.name)).toBe(money(cents(figure.total_billed)));
    expect(sums(expected)['Total Billed']).toBe(money(cents(figure.total_billed)));
    await expect.poll(() => searchOf(page).get('drill'), { timeout: 10_000 }).toBe('total_billed');
    const params = searchOf(page);
    expect([params.get('drill_payors'), params.get('drill_from'), params.get('drill_to')]).toEqual([
      id === '∅' ? 'none' : id,
      RANGE.from,
      RANGE.to,
    ]);
    await expectPanelLines(page, expected, 'chart-drill-panel-payor-mix.png');
    await closePage(page);
  });
});
