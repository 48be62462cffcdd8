/**
 * `<scu-explorer>` (docs/embedding.md, docs/explorer.md) in a portal page of another origin than the
 * API's: the explorer in its shadow root, its result equal to plain SQL for the token's clinic, the
 * analyst's changes told as `scu-query-change` and kept out of the portal's address, the portal's
 * `query` attribute followed, a bad attribute said in the widget and as `scu-error`.
 */
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { expectedReport } from './expected-sql.js';
import { DEMO_CLINIC } from './fixtures.js';
import { eventsOf, portalPage } from './portal-page.js';
import { closePage, ownerToken, useSharedBrowser } from './report-page.js';
import type { Page } from 'playwright-core';

const browser = useSharedBrowser();
const RANGE = { from: '2026-07-01', to: '2026-09-30' };
const V = 'service_code_usage';
const byProvider = {
  measures: [`${V}.total_billed`, `${V}.units_billed`],
  dimensions: [`${V}.provider_name`],
  timeDimensions: [{ dimension: `${V}.date_of_service`, dateRange: [RANGE.from, RANGE.to] }],
  limit: 1000,
};

const explorer = (attributes: string) =>
  `<scu-explorer id="x" ${attributes}></scu-explorer>
   <script>document.getElementById('x').setAttribute('api-url', window.API)</script>`;
const attribute = (value: unknown) => JSON.stringify(value).replace(/'/g, '&#39;');

/** The explorer's table: header texts and body rows' cell texts. */
async function explorerTable(page: Page): Promise<{ headers: string[]; rows: string[][] }> {
  const table = page.locator('#x table.explore-table');
  await table.waitFor();
  const headers = (await table.locator('thead th').allTextContents()).map((t) => t.trim());
  const rows = await table
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim())));
  return { headers, rows };
}

/** Providers' billed and units, by name, from the plain-SQL oracle, formatted as the table shows them. */
async function expectedByProvider(): Promise<string[][]> {
  const expected = await expectedReport(inject('browserDatabase'), DEMO_CLINIC, RANGE, 'provider');
  const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
  const count = new Intl.NumberFormat('en-US');
  return [...expected]
    .map(([name, f]) => [name, usd.format(f.billed as `${number}`), count.format(BigInt(f.units))])
    .sort((a, b) => a[0]!.localeCompare(b[0]!));
}

describe('<scu-explorer> in a portal of another origin', () => {
  it('shows its query equal to plain SQL, tells the analyst’s changes and keeps them out of the portal’s address', async () => {
    const page = await portalPage(browser(), explorer(`token="${ownerToken()}" query='${attribute(byProvider)}'`));
    await expect.poll(async () => (await explorerTable(page)).rows.length).toBeGreaterThan(0);
    const shown = await explorerTable(page);
    expect(shown.headers).toEqual(['Provider', 'Total Billed', 'Units Billed']);
    expect([...shown.rows].sort((a, b) => a[0]!.localeCompare(b[0]!))).toEqual(await expectedByProvider());
    await expect.poll(async () => (await eventsOf(page)).map((e) => e.name)).toEqual(expect.arrayContaining(['scu-ready', 'scu-loaded']));
    const portalUrl = page.url();

    // The analyst adds a measure in the widget: the portal hears the new query; its address stays.
    await page.locator(`#x input[data-member="${V}.visits_used"]`).check();
    await expect
      .poll(async () => (await eventsOf(page)).filter((e) => e.name === 'scu-query-change').map((e) => e.detail))
      .toEqual([{ query: { ...byProvider, measures: [...byProvider.measures, `${V}.visits_used`] } }]);
    await expect
      .poll(async () => (await explorerTable(page)).headers)
      .toEqual(['Provider', 'Total Billed', 'Units Billed', '# of Visits Used']);
    expect(page.url()).toBe(portalUrl);

    // The portal sets another query: the widget shows it (and does not tell it back as the analyst's).
    const byCode = { ...byProvider, dimensions: [`${V}.service_code`] };
    await page.evaluate((q) => document.getElementById('x')!.setAttribute('query', JSON.stringify(q)), byCode);
    await expect.poll(async () => (await explorerTable(page)).headers[0]).toBe('Service Code');
    expect((await eventsOf(page)).filter((e) => e.name === 'scu-query-change')).toHaveLength(1);
    await closePage(page);
  });

  it('says what is wrong with a bad query attribute, in the widget and as scu-error', async () => {
    const page = await portalPage(browser(), explorer(`token="${ownerToken()}" query='{"measures": [oops'`));
    await expect.poll(() => page.locator('#x [role=alert]').textContent()).toMatch(/query is not valid JSON/);
    await expect
      .poll(async () => (await eventsOf(page)).filter((e) => e.name === 'scu-error').map((e) => (e.detail as { kind: string }).kind))
      .toEqual(['config']);
    await closePage(page);
  });
});
