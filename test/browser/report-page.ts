/** Driving the report page in Chromium: open it with a token, read its table as text. */
import jwt from 'jsonwebtoken';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { mintToken } from '../../server/security/tokens.js';
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

/**
 * Connects the calling test file to the Chromium the global setup started (before its tests) and
 * disconnects it after them; returns the connected browser's getter.
 */
export function useSharedBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await chromium.connect(inject('browserWsEndpoint'));
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser is not connected yet: call newPage inside a test');
    return browser;
  };
}

/** Uncaught errors of each page, checked by `closePage`. */
const pageErrors = new WeakMap<Page, Error[]>();
/** What each page said and what the server refused it, for the message of a failed expectation. */
const pageLogs = new WeakMap<Page, string[]>();

export async function newPage(browser: Browser, width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'en-US', acceptDownloads: true });
  const page = await context.newPage();
  const errors: Error[] = [];
  const log: string[] = [];
  pageErrors.set(page, errors);
  pageLogs.set(page, log);
  const at = () => new Date().toISOString().slice(11, 23);
  page.on('pageerror', (e) => {
    errors.push(e);
    log.push(`${at()} pageerror ${e.message}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') log.push(`${at()} console.${m.type()} ${m.text()}`);
  });
  page.on('requestfailed', (r) => log.push(`${at()} request failed ${r.method()} ${r.url()}: ${r.failure()?.errorText ?? ''}`));
  // Every API answer (a 200 may still say "Continue wait" or carry no rows), and any other failure.
  page.on('response', (r) => {
    const url = decodeURIComponent(r.url());
    if (r.status() < 400 && !url.includes('/cubejs-api/')) return;
    const line = `${r.status()} ${r.request().method()} ${url.slice(0, 400)}`;
    void r.text().then(
      (body) => log.push(`${at()} ${line}: ${body.slice(0, 300)}`),
      () => log.push(`${at()} ${line}`),
    );
  });
  return page;
}

/** What the page shows in place of the table, its busy state, and its log: said when an expectation
 * on the table fails, with a screenshot saved under test-artifacts/ (named after `label`). */
export async function describePage(page: Page, label: string): Promise<string> {
  const file = `test-artifacts/failed-${label.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-${Date.now()}.png`;
  const shot = await page.screenshot({ path: file, fullPage: true }).then(
    () => file,
    (e: unknown) => `no screenshot (${String(e)})`,
  );
  const state = await page
    .evaluate(() => {
      const main = document.querySelector('main.report');
      const statuses = [...document.querySelectorAll('.status')].map(
        (s) => `${s.className}: ${(s.textContent ?? '').trim().replace(/\s+/g, ' ')}`,
      );
      return {
        busy: main?.getAttribute('aria-busy') ?? 'absent',
        table: document.querySelectorAll('table.report-table').length,
        caption: document.querySelector('table.report-table caption')?.textContent?.trim() ?? null,
        statuses,
      };
    })
    .catch((e: unknown) => ({ error: String(e) }));
  const log = pageLogs.get(page) ?? [];
  return [
    `page at ${page.url()}`,
    `shows: ${JSON.stringify(state)}`,
    `screenshot: ${shot}`,
    `log (${log.length}):${log.length ? `\n  ${log.slice(-30).join('\n  ')}` : ' nothing'}`,
  ].join('\n');
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
  await page.waitForSelector('main.report:not([aria-busy]) table.report-table, main.report:not([aria-busy]) .status-empty', {
    timeout: 30_000,
  });
}

export interface ScreenTable {
  headers: string[];
  rows: string[][];
  totals: string[];
}

/**
 * The table on screen once nothing is loading, read in the same page turn as that check (so the table
 * read is the settled one). When the settled page shows a state instead (no rows, an error), this
 * fails at once and says which, rather than waiting for a table that is not coming. `widget`: the
 * selector of a `<scu-report>` whose shadow root holds the report (an embedded report).
 */
export async function readTable(page: Page | Frame, widget: string | null = null): Promise<ScreenTable> {
  const handle = await page.waitForFunction(
    (widget) => {
      const root = widget ? document.querySelector(widget)?.shadowRoot : document;
      const main = root?.querySelector('main.report');
      if (!main || main.hasAttribute('aria-busy')) return null;
      const table = main.querySelector('table.report-table');
      if (!table) {
        const status = main.querySelector('.status-empty, .status-error');
        return status ? { shows: `${status.className}: ${(status.textContent ?? '').trim().replace(/\s+/g, ' ')}` } : null;
      }
      const texts = (cells: NodeListOf<Element>) => [...cells].map((c) => (c.textContent ?? '').trim());
      return {
        table: {
          headers: texts(table.querySelectorAll('thead th')),
          rows: [...table.querySelectorAll('tbody tr')].map((tr) => texts(tr.querySelectorAll('th, td'))),
          totals: texts(table.querySelectorAll('tfoot th, tfoot td')),
        },
      };
    },
    widget,
    { timeout: 30_000 },
  );
  const read = (await handle.jsonValue()) as { table: ScreenTable } | { shows: string };
  await handle.dispose();
  if ('shows' in read) throw new Error(`no report table on screen; it shows ${read.shows}`);
  return read.table;
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
  const figures = (cells: string[]): Figures => ({
    units: plain(cells[u]!),
    visits: plain(cells[v]!),
    billed: plain(cells[b]!),
    paid: plain(cells[p]!),
  });
  return new Map([...table.rows.map((r) => [r[0]!, figures(r)] as const), ['Total', figures(table.totals)] as const]);
}

/** The query string of the page's address. */
export function searchOf(page: Page): URLSearchParams {
  return new URL(page.url()).searchParams;
}

/** Polls until the table on screen equals plain SQL (expected-sql.ts, never the page's own numbers)
 * for the filter and grouping, totals row included; queries are asynchronous, hence the polling. */
export async function expectTableMatches(
  page: Page,
  filter: SqlFilter,
  group: Group = 'code',
  clinic = DEMO_CLINIC,
  widget: string | null = null,
): Promise<void> {
  const db = inject('browserDatabase');
  const expected = await expectedReport(db, clinic, filter, group);
  const total = await expectedReport(db, clinic, filter, null);
  expect(expected.size).toBeGreaterThan(0);
  try {
    await expect
      .poll(async () => Object.fromEntries(screenFigures(await readTable(page, widget))), { timeout: 30_000, interval: 250 })
      .toEqual(Object.fromEntries([...expected, ...total]));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new Error(`${message}\n${await describePage(page, `table-by-${group}`)}`, { cause: e });
  }
}

/** The part of a chart's ECharts instance the tests use (useECharts puts it on the chart's element). */
interface ChartElement extends HTMLElement {
  echartsInstance?: {
    getOption(): { series?: { type?: string; data?: unknown[] }[]; xAxis?: { data?: unknown[] }[]; yAxis?: { data?: unknown[] }[] };
    convertToPixel(finder: { seriesIndex: number }, value: number[]): number[];
  };
}

/** A chart of the report by its title: its card, and the element ECharts draws in (its tooltip is inside it). */
export function chartOf(page: Page, title: string): { card: Locator; drawing: Locator } {
  const card = page.locator('section.chart-card').filter({ has: page.getByRole('heading', { name: title, exact: true }) });
  return { card, drawing: card.locator('.chart') };
}

export interface ChartDrawn {
  /** Each series' data: a number per category (bars, lines; null: none) or a point's [x, y] (scatter). */
  series: { type: string; data: (number | number[] | null)[] }[];
  /** The categories of each axis (null for a value axis). */
  xAxis: (string[] | null)[];
  yAxis: (string[] | null)[];
}

/** What a chart draws once it has loaded, read from its ECharts instance: where its elements are, not
 * what the figures should be (those are checked against SQL through the table). */
export async function chartDrawn(page: Page, title: string): Promise<ChartDrawn> {
  const { card, drawing } = chartOf(page, title);
  await expect.poll(() => card.getAttribute('aria-busy'), { timeout: 30_000 }).toBeNull();
  return drawing.evaluate((el: ChartElement) => {
    const option = el.echartsInstance!.getOption();
    const item = (d: unknown) =>
      d !== null && typeof d === 'object' && !Array.isArray(d) ? (d as { value: number[] }).value : (d as number | null);
    const axis = (a: { data?: unknown[] }[] | undefined) => (a ?? []).map((x) => (x.data ? x.data.map(String) : null));
    return {
      series: (option.series ?? []).map((s) => ({ type: String(s.type), data: (s.data ?? []).map(item) })),
      xAxis: axis(option.xAxis),
      yAxis: axis(option.yAxis),
    };
  });
}

/**
 * Clicks the chart element drawn at `value` (in the coordinates of series `seriesIndex`: a category's
 * index and a figure, or a scatter point's [x, y]); the pixel is ECharts' own `convertToPixel`. First it
 * hovers there until the chart's tooltip says `tooltip`, so the element under the pointer is the one
 * meant (the position is read again on each try, in case the layout moved); `hoverScreenshot` saves
 * that moment under test-artifacts/. `nudge` moves the pointer off the exact point, in pixels: a line's
 * first and last points sit on the plot's edges, and an axis tooltip shows only inside the plot.
 * The click opens the element's action menu; then `action` is chosen from it: "Show only …"
 * ('narrow', the default) or "Show the lines behind …" ('lines'). The chosen item is returned (its
 * accessible name says what it offered); `menuScreenshot` saves the open menu under test-artifacts/.
 */
export async function clickChart(
  page: Page,
  title: string,
  target: {
    seriesIndex?: number;
    value: number[];
    tooltip: string;
    nudge?: { x: number; y: number };
    action?: 'narrow' | 'lines';
  },
  hoverScreenshot?: string,
  menuScreenshot?: string,
): Promise<{ name: string }> {
  const { card, drawing } = chartOf(page, title);
  await drawing.scrollIntoViewIfNeeded();
  let point = { x: 0, y: 0 };
  const hover = async () => {
    const [x, y] = await drawing.evaluate(
      (el: ChartElement, t) => el.echartsInstance!.convertToPixel({ seriesIndex: t.seriesIndex ?? 0 }, t.value),
      target,
    );
    const box = await drawing.boundingBox();
    if (!box || x === undefined || y === undefined) return '';
    point = { x: box.x + x + (target.nudge?.x ?? 0), y: box.y + y + (target.nudge?.y ?? 0) };
    await page.mouse.move(point.x, point.y);
    return drawing.innerText();
  };
  try {
    await expect.poll(hover, { timeout: 10_000, interval: 250 }).toContain(target.tooltip);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new Error(
      `${message}\nhovering ${title} at ${JSON.stringify(target.value)} (${point.x}, ${point.y})\n${await describePage(page, `hover-${title}`)}`,
      { cause: e },
    );
  }
  if (hoverScreenshot) await page.screenshot({ path: `test-artifacts/${hoverScreenshot}` });
  await page.mouse.click(point.x, point.y);
  const menu = card.getByRole('menu');
  await menu.waitFor({ timeout: 10_000 });
  if (menuScreenshot) await page.screenshot({ path: `test-artifacts/${menuScreenshot}` });
  const item = menu.getByRole('menuitem', { name: target.action === 'lines' ? /^Show the lines behind / : /^Show only / });
  const name = (await item.getAttribute('aria-label')) ?? (await item.innerText());
  await item.click();
  await menu.waitFor({ state: 'detached', timeout: 10_000 });
  return { name };
}

/** Picks `names` in the filter list `list` (Providers, Payors, …) by searching each, then applies. */
export async function chooseInList(p: Page, list: string, names: string[]): Promise<void> {
  await p.getByRole('button', { name: new RegExp(`^${list}`) }).click();
  for (const name of names) {
    await p.getByRole('searchbox', { name: `Search ${list.toLowerCase()}` }).fill(name);
    await p.getByRole('checkbox', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`) }).check();
  }
  await p.getByRole('button', { name: 'Apply' }).click();
}
