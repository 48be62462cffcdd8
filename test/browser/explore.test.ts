/**
 * The explorer (/explore) in real Chromium against the real server on seeded data: queries built by
 * clicking give the table plain SQL gives over the same rows (docs/host-database.md's definitions,
 * through test/support/reference-sql.ts); the pivot and the chart are shaped from the loaded result
 * without asking again; the CSV is the table shown; a shared link shows the same table; a provider's
 * token sees only that provider's rows; a wrong field is said beside it, before or after the API.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { formatHundredths, hundredths } from '../support/decimal.js';
import { canonicalDecimal, paymentMaturity, referenceFigures, referenceGroups, type ReferenceTarget } from '../support/reference-sql.js';
import { parseCsv } from './csv.js';
import {
  addFilter,
  addressQuery,
  filterRow,
  memberBox,
  openExplore,
  pickMembers,
  providerToken,
  readExploreTable,
  recordLoads,
  showAs,
  type CubeQuery,
  type ExploreTable,
} from './explore-page.js';
import { busiest, clinicTimezone } from './expected-sql.js';
import { DEMO_CLINIC } from './fixtures.js';
import { chooseInList, closePage, describePage, newPage, ownerToken, plain, useSharedBrowser } from './report-page.js';

const V = 'service_code_usage';
const M = 'payment_maturity';
/** Inside the seeded year (TEST_SEED: visits up to 2026-10-31). */
const RANGE = { from: '2026-03-01', to: '2026-08-31' };
const MATURITY_RANGE = { from: '2026-04-01', to: '2026-06-30' };
const WIDE = { from: '2025-01-01', to: '2026-12-31' };

const db = () => inject('browserDatabase');
const target = (): ReferenceTarget => ({ dialect: 'mysql', location: db() });
const browser = useSharedBrowser();

/** How the page names a month of service ("Mar 2026"), from the month's first day. */
const MONTH = new Intl.DateTimeFormat('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' });
const monthLabel = (iso: string) => MONTH.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`));

/** An exact decimal without trailing zeros ('1234.50' → '1234.5'), or '' for an empty cell. */
const exact = (value: unknown): string => (value === '' || value === null || value === undefined ? '' : canonicalDecimal(value)!);
/** A row of the screen with its figures (from column `firstFigure` on) read as exact decimals. */
const exactCells = (row: string[], firstFigure: number) => row.map((cell, i) => (i < firstFigure ? cell : exact(plain(cell))));
const exactRows = (table: ExploreTable, firstFigure: number) => table.rows.map((r) => exactCells(r, firstFigure));
const byFirstCells = (a: string[], b: string[]) => {
  const x = a.join('\u0000');
  const y = b.join('\u0000');
  return x < y ? -1 : x > y ? 1 : 0;
};
const sumExact = (values: string[]) => exact(formatHundredths(values.reduce((s, v) => s + hundredths(v), 0n)));
const MONEY = /^-?\$\d{1,3}(,\d{3})*\.\d{2}$/;

/** Chooses the custom range in the time dimension's range picker and types both ends. */
async function setCustomRange(page: Page, range: { from: string; to: string }): Promise<void> {
  await page.getByRole('combobox', { name: 'Date range', exact: true }).selectOption('custom');
  await page.getByLabel('From', { exact: true }).fill(range.from);
  await page.getByLabel('To', { exact: true }).fill(range.to);
  await expect
    .poll(() => (addressQuery(page)?.timeDimensions as { dateRange?: string[] }[] | undefined)?.[0]?.dateRange)
    .toEqual([range.from, range.to]);
}

/** The table, or why it is not there (what the page shows, its log, a screenshot). */
async function tableOf(page: Page, label: string, ran: CubeQuery | null = null): Promise<ExploreTable> {
  try {
    return await readExploreTable(page, ran);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${await describePage(page, label)}`, { cause: e });
  }
}

/** Downloads the CSV and checks it is the table on screen: same header row, same cells (figures exactly), same totals. */
async function expectCsvIsTable(page: Page, table: ExploreTable, firstFigure: number): Promise<void> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  // The browser runs as a server of its own (global setup): the file is copied here to be read.
  const local = path.join(os.tmpdir(), `scu-explore-${process.pid}-${Date.now()}.csv`);
  await download.saveAs(local);
  const csv = parseCsv(fs.readFileSync(local, 'utf8'));
  fs.rmSync(local);
  expect(download.suggestedFilename()).toMatch(/^explorer-[a-z_]+\.csv$/);
  const start = csv.findIndex((row) => JSON.stringify(row) === JSON.stringify(table.headers));
  expect(start, `no header row ${table.headers.join(',')} in ${JSON.stringify(csv.slice(0, 12))}`).toBeGreaterThan(0);
  expect(csv.find((row) => row[0] === 'Rows')?.[1]).toBe(String(table.rows.length));
  const body = csv.slice(start + 1).filter((row) => row.some((cell) => cell !== ''));
  const shown = table.totals.length ? [...table.rows, table.totals] : table.rows;
  expect(body.map((row) => row.map((cell, i) => (i < firstFigure ? cell : exact(cell))))).toEqual(
    shown.map((row) => exactCells(row, firstFigure)),
  );
}

describe('the explorer against plain SQL', () => {
  it('builds a query by month by clicking: equal to SQL, with its JSON, SQL and what served it', async () => {
    const page = await newPage(browser());
    const loads = recordLoads(page);
    await openExplore(page);
    await pickMembers(page, [`${V}.total_billed`, `${V}.units_billed`, `${V}.visits_used`]);
    // Once a view is used, the other views' members cannot be picked.
    await expect(memberBox(page, `${M}.insurance_paid`).isDisabled()).resolves.toBe(true);
    await expect(memberBox(page, `${V}.service_code`).isDisabled()).resolves.toBe(false);

    // A time member: by month over the last 12 months of the clinic's own calendar.
    await memberBox(page, `${V}.date_of_service`).check();
    const zone = await clinicTimezone(db(), DEMO_CLINIC);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
      new Date(),
    );
    const [y, m, d] = today.split('-').map(Number) as [number, number, number];
    const yearAgo = new Date(Date.UTC(y - 1, m - 1, d + 1)).toISOString().slice(0, 10);
    await expect
      .poll(() => addressQuery(page)?.timeDimensions)
      .toEqual([{ dimension: `${V}.date_of_service`, granularity: 'month', dateRange: [yearAgo, today] }]);
    await expect(page.getByRole('combobox', { name: 'Granularity', exact: true }).inputValue()).resolves.toBe('month');

    await setCustomRange(page, RANGE);
    const table = await tableOf(page, 'explore-by-month');
    const byMonth = await referenceFigures(target(), { clinicId: DEMO_CLINIC, ...RANGE, groupBy: ['month'] });
    const [total] = (await referenceFigures(target(), { clinicId: DEMO_CLINIC, ...RANGE, groupBy: [] })).values();
    expect(byMonth.size).toBe(6);
    expect(table.headers).toEqual(['Date of Service (month)', 'Total Billed', 'Units Billed', '# of Visits Used']);
    expect(exactRows(table, 1)).toEqual(
      [...byMonth]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([month, f]) => [monthLabel(month), exact(f.total_billed), exact(f.units_billed), exact(f.visits_used)]),
    );
    // Totals of the additive measures only: distinct visits do not add up across months.
    expect(exactCells(table.totals, 1)).toEqual(['Total', exact(total!.total_billed), exact(total!.units_billed), '']);
    for (const row of [...table.rows, table.totals]) expect(row[1]).toMatch(MONEY);

    // What ran: how it was served, the query as JSON (the address's), and Cube's SQL when asked.
    const served = (await page.locator('.explore-served').innerText()).replace(/\s+/g, ' ').trim();
    expect(served).toMatch(/^(Served by pre-aggregation \S+|Served from the clinic's tables.*) · answered in \d+ ms$/);
    const json = JSON.parse((await page.getByTestId('explore-json').textContent()) ?? '') as CubeQuery;
    expect(json).toEqual(addressQuery(page));
    expect(json).toEqual({
      measures: [`${V}.total_billed`, `${V}.units_billed`, `${V}.visits_used`],
      timeDimensions: [{ dimension: `${V}.date_of_service`, granularity: 'month', dateRange: [RANGE.from, RANGE.to] }],
      limit: 1000,
    });
    const loadsBefore = loads.all.length;
    const [sqlRequest] = await Promise.all([
      page.waitForRequest((r) => new URL(r.url()).pathname.endsWith('/cubejs-api/v1/sql')),
      page.locator('summary', { hasText: 'Generated SQL' }).click(),
    ]);
    expect(JSON.parse(new URL(sqlRequest.url()).searchParams.get('query') ?? 'null')).toEqual(json);
    const sql = page.getByTestId('explore-sql');
    await sql.waitFor({ timeout: 30_000 });
    const sqlText = (await sql.textContent()) ?? '';
    expect(sqlText).toMatch(/\bSELECT\b[\s\S]*\bGROUP BY\b/i);
    // The SQL reads what the page says served the query: that pre-aggregation, or the clinic's own tables.
    const preAggregation = /^Served by pre-aggregation (\S+)/.exec(served)?.[1];
    if (preAggregation) expect(sqlText.replace(/\s+/g, ' ')).toContain(`FROM ${preAggregation} `);
    else expect(sqlText).not.toMatch(/_pre_aggregations\./);
    // Its parameters: the range's two ends and the token's clinic (the server's row-level filter).
    const parameters = JSON.parse(/Parameters: (\[.*\])/.exec(await page.locator('.explore-what-ran').innerText())![1]!) as unknown[];
    expect(parameters).toEqual(expect.arrayContaining([`${RANGE.from}T00:00:00.000`, `${RANGE.to}T23:59:59.999`, String(DEMO_CLINIC)]));
    expect(loads.all.length).toBe(loadsBefore);

    // Each change was a history entry: Back returns to the range before "To" was typed, and its table.
    await page.goBack();
    await expect
      .poll(() => (addressQuery(page)?.timeDimensions as { dateRange?: string[] }[] | undefined)?.[0]?.dateRange)
      .toEqual([RANGE.from, today]);
    const before = await referenceFigures(target(), { clinicId: DEMO_CLINIC, from: RANGE.from, to: today, groupBy: ['month'] });
    expect(exactRows(await tableOf(page, 'explore-back'), 1)).toEqual(
      [...before]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([month, f]) => [monthLabel(month), exact(f.total_billed), exact(f.units_billed), exact(f.visits_used)]),
    );
    await closePage(page);
  });

  it('applies filters of two operators (a payor from the data, Units Billed > n), ordered; the CSV is the table; the link shows it again', async () => {
    const payors = (await busiest(db(), DEMO_CLINIC, WIDE, 'payor')).filter((p) => p.id !== 'none').slice(0, 2);
    const names = payors.map((p) => p.name);
    expect(names).toHaveLength(2);
    const groups = await referenceGroups(target(), {
      clinicId: DEMO_CLINIC,
      groupBy: ['service_code'],
      filters: [{ dimension: 'payor_name', values: names }],
    });
    // A threshold that keeps some codes and drops others: the middle code's units.
    const units = groups.map((g) => hundredths(g.figures.units_billed)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const threshold = units[Math.floor(units.length / 2)]!;
    const kept = groups.filter((g) => hundredths(g.figures.units_billed) > threshold);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(groups.length);
    const thresholdText = exact(formatHundredths(threshold));

    const page = await newPage(browser());
    await openExplore(page);
    await pickMembers(page, [`${V}.total_billed`, `${V}.insurance_paid`, `${V}.units_billed`, `${V}.service_code`]);
    await addFilter(page, `${V}.payor_name`, 'equals');
    await chooseInList(page, 'Filter 1: values', names);
    await expect
      .poll(() => (addressQuery(page)?.filters as { values: string[] }[] | undefined)?.[0]?.values.toSorted())
      .toEqual(names.toSorted());
    await addFilter(page, `${V}.units_billed`, 'gt');
    await page.getByLabel('Filter 2: value', { exact: true }).fill(thresholdText);
    await page.getByLabel('Filter 2: value', { exact: true }).blur();
    await page.locator('form[aria-label="Query"]').getByRole('button', { name: 'Add order' }).click();
    await expect
      .poll(() => addressQuery(page))
      .toMatchObject({
        filters: [
          { member: `${V}.payor_name`, operator: 'equals' },
          { member: `${V}.units_billed`, operator: 'gt', values: [thresholdText] },
        ],
        order: [[`${V}.total_billed`, 'desc']],
      });

    const table = await tableOf(page, 'explore-filters');
    expect(table.headers).toEqual(['Service Code', 'Total Billed', 'Insurance Paid', 'Units Billed']);
    const expected = kept.map((g) => [
      String(g.values[0]),
      exact(g.figures.total_billed),
      exact(g.figures.insurance_paid),
      exact(g.figures.units_billed),
    ]);
    expect(exactRows(table, 1).toSorted(byFirstCells)).toEqual(expected.toSorted(byFirstCells));
    expect(exactCells(table.totals, 1)).toEqual(['Total', ...[1, 2, 3].map((i) => sumExact(expected.map((row) => row[i]!)))]);
    // Ordered by Total Billed, descending.
    const billed = table.rows.map((r) => hundredths(plain(r[1]!)));
    expect(billed).toEqual(billed.toSorted((a, b) => (a > b ? -1 : a < b ? 1 : 0)));

    await expectCsvIsTable(page, table, 1);

    // The address alone (with anyone's token of the clinic) opens the same query and the same table.
    const shared = await newPage(browser());
    await openExplore(shared, new URL(page.url()).search, ownerToken());
    expect(await tableOf(shared, 'explore-shared-link')).toEqual(table);
    await expect(shared.getByLabel('Filter 2: value', { exact: true }).inputValue()).resolves.toBe(thresholdText);
    await closePage(shared);
    await closePage(page);
  });

  it('builds a payment_maturity query: equal to SQL as a table and as a pivot; pivot and chart ask nothing new', async () => {
    const page = await newPage(browser());
    const loads = recordLoads(page);
    await openExplore(page);
    await pickMembers(page, [`${M}.insurance_paid`, `${M}.days_to_payment`]);
    await expect(memberBox(page, `${V}.total_billed`).isDisabled()).resolves.toBe(true);
    await memberBox(page, `${M}.date_of_service`).check();
    await setCustomRange(page, MATURITY_RANGE);

    const groups = await paymentMaturity(target(), { clinicId: DEMO_CLINIC, ...MATURITY_RANGE });
    const months = [...new Set(groups.map((g) => g.month))].sort();
    expect(months).toHaveLength(3);
    const paidOf = (bucket: string, month: string) => groups.find((g) => g.bucket === bucket && g.month === month)?.paid;
    const buckets = [...new Set(groups.map((g) => g.bucket))];
    const grand = exact(formatHundredths(groups.reduce((s, g) => s + g.paid, 0n)));

    const table = await tableOf(page, 'explore-maturity');
    expect(table.headers).toEqual(['Days to Payment', 'Date of Service (month)', 'Insurance Paid']);
    expect(exactRows(table, 2).toSorted(byFirstCells)).toEqual(
      groups.map((g) => [g.bucket, monthLabel(g.month), exact(formatHundredths(g.paid))]).toSorted(byFirstCells),
    );
    expect(exactCells(table.totals, 2)).toEqual(['Total', '', grand]);
    const asked = loads.figures().length;
    expect(asked).toBeGreaterThan(0);

    // The pivot: buckets down, months across (ascending), a total column and a totals row.
    await showAs(page, 'Pivot');
    await expect
      .poll(async () => (await readExploreTable(page)).headers)
      .toEqual(['Days to Payment', ...months.map(monthLabel), 'Total · Insurance Paid']);
    const pivot = await readExploreTable(page);
    const cell = (paid: bigint | undefined) => (paid === undefined ? '' : exact(formatHundredths(paid)));
    expect(exactRows(pivot, 1).toSorted(byFirstCells)).toEqual(
      buckets
        .map((b) => [
          b,
          ...months.map((mo) => cell(paidOf(b, mo))),
          cell(groups.filter((g) => g.bucket === b).reduce((s, g) => s + g.paid, 0n)),
        ])
        .toSorted(byFirstCells),
    );
    expect(exactCells(pivot.totals, 1)).toEqual([
      'Total',
      ...months.map((mo) => cell(groups.filter((g) => g.month === mo).reduce((s, g) => s + g.paid, 0n))),
      grand,
    ]);
    await expect(page.getByRole('combobox', { name: 'Date of Service (month): rows or columns' }).inputValue()).resolves.toBe('columns');

    // The chart: drawn from the same result.
    await showAs(page, 'Chart');
    const chart = page.locator('section[aria-label="Result"] [role="img"]');
    await chart.locator('canvas').first().waitFor({ state: 'visible', timeout: 10_000 });
    expect(await chart.getAttribute('aria-label')).toBeTruthy();

    await showAs(page, 'Table');
    expect(await readExploreTable(page)).toEqual(table);
    expect(loads.figures().length).toBe(asked);
    await closePage(page);
  });

  it("returns only a provider's own rows under a provider's token, whatever the analyst adds", async () => {
    const [provider, other] = await busiest(db(), DEMO_CLINIC, WIDE, 'provider');
    const providerId = Number(provider!.id);
    // The owner's query of every provider, opened with the provider's token.
    const everyProvider = {
      measures: [`${V}.total_billed`, `${V}.units_billed`, `${V}.visits_used`],
      dimensions: [`${V}.provider_name`],
      limit: 1000,
    };
    const page = await newPage(browser());
    await openExplore(page, everyProvider, providerToken(providerId));
    const own = await referenceFigures(target(), { clinicId: DEMO_CLINIC, providerId, groupBy: ['provider_name'] });
    expect([...own.keys()]).toEqual([provider!.name]);
    const figures = (name: string) => {
      const f = own.get(name)!;
      return [name, exact(f.total_billed), exact(f.units_billed), exact(f.visits_used)];
    };
    const table = await tableOf(page, 'explore-provider');
    expect(exactRows(table, 1)).toEqual([figures(provider!.name)]);

    // A filter naming another provider finds nothing.
    await addFilter(page, `${V}.provider_id`, 'equals');
    await page.getByLabel('Filter 1: add a value', { exact: true }).fill(other!.id);
    await page.getByLabel('Filter 1: add a value', { exact: true }).press('Enter');
    await expect.poll(() => addressQuery(page)?.filters).toEqual([{ member: `${V}.provider_id`, operator: 'equals', values: [other!.id] }]);
    expect((await tableOf(page, 'explore-provider-other')).empty).toMatch(/No rows/);

    // Without it, and by payor too: every row is still the provider's own.
    await page.getByRole('button', { name: 'Remove filter 1', exact: true }).click();
    await pickMembers(page, [`${V}.payor_name`]);
    const byPayor = await referenceGroups(target(), { clinicId: DEMO_CLINIC, providerId, groupBy: ['provider_name', 'payor_name'] });
    const rows = exactRows(await tableOf(page, 'explore-provider-payor'), 2);
    expect(rows.toSorted(byFirstCells)).toEqual(
      byPayor
        .map((g) => [
          String(g.values[0]),
          String(g.values[1]),
          exact(g.figures.total_billed),
          exact(g.figures.units_billed),
          exact(g.figures.visits_used),
        ])
        .toSorted(byFirstCells),
    );
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set([provider!.name]));
    await closePage(page);
  });
});

describe('the explorer’s field errors', () => {
  it('says beside the filter that a value is not a number, and asks nothing until it is', async () => {
    const page = await newPage(browser());
    const loads = recordLoads(page);
    await openExplore(page);
    await pickMembers(page, [`${V}.units_billed`, `${V}.service_code`]);
    await tableOf(page, 'explore-field-error');
    const asked = loads.figures().length;

    const filter = await addFilter(page, `${V}.provider_id`, 'gt');
    await page.getByLabel('Filter 1: value', { exact: true }).fill('abc');
    await page.getByLabel('Filter 1: value', { exact: true }).blur();
    const error = filter.locator('.field-error[role="alert"]');
    await expect.poll(() => error.textContent()).toMatch(/number.*"abc"|"abc".*number/);
    await expect(page.locator('form[aria-label="Query"] .field-error').count()).resolves.toBe(1);
    // Give a request that should not exist every chance to show up before counting.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
    expect(loads.figures().length).toBe(asked);

    // A number clears the error and the query runs.
    await page.getByLabel('Filter 1: value', { exact: true }).fill('1');
    await page.getByLabel('Filter 1: value', { exact: true }).blur();
    await expect.poll(() => error.count()).toBe(0);
    await tableOf(page, 'explore-field-error-fixed');
    expect(loads.figures().length).toBeGreaterThan(asked);
    expect(loads.figures().at(-1)?.filters).toEqual([{ member: `${V}.provider_id`, operator: 'gt', values: ['1'] }]);
    await closePage(page);
  });

  it('shows the API’s 400 beside the field it names; a limit over the maximum is caught before asking', async () => {
    const page = await newPage(browser());
    // A date filter value the page takes (its first ten characters are a date) and the query guard refuses (hour 25).
    const refused = {
      measures: [`${V}.total_billed`],
      dimensions: [`${V}.service_code`],
      filters: [{ member: `${V}.date_of_service`, operator: 'equals', values: ['2026-08-01T25:00:00'] }],
      limit: 1000,
    };
    const [response] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/cubejs-api/v1/load') && r.url().includes('total_billed')),
      openExplore(page, refused),
    ]);
    expect(response.status()).toBe(400);
    const message = ((await response.json()) as { error: string }).error;
    expect(message).toMatch(/filters\[0\]\.values\[0\].*not a date/);
    const error = filterRow(page, 0).locator('.field-error[role="alert"]');
    await expect.poll(() => error.textContent(), { timeout: 30_000 }).toBe(message);
    await expect(page.locator('.field-error').count()).resolves.toBe(1);
    await expect(page.locator('section[aria-label="Result"] .status-error').count()).resolves.toBe(0);

    // The row limit: the page says so and asks with its default instead.
    const loads = recordLoads(page);
    const tooMany = { measures: [`${V}.total_billed`], limit: 60_000 };
    await openExplore(page, tooMany);
    await expect.poll(() => page.locator('.explore-link-problems').textContent()).toMatch(/row limit/);
    await tableOf(page, 'explore-limit', { ...tooMany, limit: 1000 });
    expect(loads.figures().map((q) => q.limit)).toEqual([1000]);
    await expect(page.locator('#explore-limit').inputValue()).resolves.toBe('1000');
    await closePage(page);
  });
});
