/**
 * Period comparison in the explorer (docs/explorer.md): a query by payor compared with the previous
 * period shows each payor's figure, its previous-period figure and the change, both periods equal to
 * plain SQL over their own dates of service, and the totals of the measures that add up.
 */
import { describe, expect, inject, it } from 'vitest';
import { expectedReport } from './expected-sql.js';
import { DEMO_CLINIC } from './fixtures.js';
import { closePage, newPage, ownerToken, useSharedBrowser } from './report-page.js';

const browser = useSharedBrowser();
const V = 'service_code_usage';
const CURRENT = { from: '2026-07-01', to: '2026-09-30' };
const PREVIOUS = { from: '2026-04-01', to: '2026-06-30' };
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const count = new Intl.NumberFormat('en-US');

describe('explorer: period comparison', () => {
  it('shows both periods by payor equal to plain SQL, with the change and the totals', async () => {
    const query = {
      measures: [`${V}.total_billed`, `${V}.visits_used`],
      dimensions: [`${V}.payor_name`],
      timeDimensions: [
        {
          dimension: `${V}.date_of_service`,
          compareDateRange: [
            [CURRENT.from, CURRENT.to],
            [PREVIOUS.from, PREVIOUS.to],
          ],
        },
      ],
      limit: 1000,
    };
    const page = await newPage(browser());
    await page.goto(`${inject('dashboardUrl')}/explore?query=${encodeURIComponent(JSON.stringify(query))}#token=${ownerToken()}`);
    const table = page.locator('table.explore-table');
    await table.locator('tbody tr').first().waitFor();
    // Read as the query says it: "Compare with: Previous period".
    expect(await page.getByLabel('Compare with').inputValue()).toBe('previous');
    const headers = (await table.locator('thead th').allTextContents()).map((t) => t.trim());
    expect(headers).toEqual([
      'Payor',
      'Total Billed',
      'Total Billed (previous)',
      'Total Billed change',
      '# of Visits Used',
      '# of Visits Used (previous)',
      '# of Visits Used change',
    ]);
    const rows = await table
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim())));

    const database = inject('browserDatabase');
    const now = await expectedReport(database, DEMO_CLINIC, CURRENT, 'payor');
    const before = await expectedReport(database, DEMO_CLINIC, PREVIOUS, 'payor');
    const payors = new Set([...now.keys(), ...before.keys()]);
    expect(new Set(rows.map((r) => r[0]))).toEqual(payors);
    for (const row of rows) {
      const [payor, billed, billedBefore, change, visits, visitsBefore] = row;
      const a = now.get(payor!);
      const b = before.get(payor!);
      expect(billed, payor).toBe(a ? usd.format(a.billed as `${number}`) : '');
      expect(billedBefore, payor).toBe(b ? usd.format(b.billed as `${number}`) : '');
      expect(visits, payor).toBe(a ? count.format(BigInt(a.visits)) : '');
      expect(visitsBefore, payor).toBe(b ? count.format(BigInt(b.visits)) : '');
      if (a && b && Number(b.billed) !== 0) {
        const ratio = (Number(a.billed) - Number(b.billed)) / Math.abs(Number(b.billed));
        expect(change, payor).toBe(
          new Intl.NumberFormat('en-US', {
            style: 'percent',
            minimumFractionDigits: 1,
            maximumFractionDigits: 1,
            signDisplay: 'exceptZero',
          }).format(ratio),
        );
      }
    }
    // Totals: billed adds up (both periods and their change); distinct visits do not, and are left blank.
    const totals = (await table.locator('tfoot td').allTextContents()).map((t) => t.trim());
    const sum = (m: Map<string, { billed: string }>) => [...m.values()].reduce((s, f) => s + Math.round(Number(f.billed) * 100), 0) / 100;
    expect(totals.slice(0, 3)).toEqual(['Total', usd.format(sum(now)), usd.format(sum(before))]);
    expect(totals.slice(4)).toEqual(['', '', '']);
    await closePage(page);
  });
});
