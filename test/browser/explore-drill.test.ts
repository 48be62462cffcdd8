/**
 * The rows behind a number in the explorer (docs/explorer.md): a row of a provider × month result opens
 * its visit lines as a new explorer query; the lines (all of them, as the CSV has them) add up to the
 * row's figures and to plain SQL over the same rows; Back returns to the query drilled from.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { referenceFigures } from '../support/reference-sql.js';
import { mysqlRows } from '../support/sql.js';
import { parseCsv } from './csv.js';
import { DEMO_CLINIC } from './fixtures.js';
import { closePage, newPage, ownerToken, useSharedBrowser } from './report-page.js';

const browser = useSharedBrowser();
const V = 'service_code_usage';
const query = {
  measures: [`${V}.total_billed`, `${V}.units_billed`],
  dimensions: [`${V}.provider_name`],
  timeDimensions: [{ dimension: `${V}.date_of_service`, granularity: 'month', dateRange: ['2026-07-01', '2026-09-30'] }],
  filters: [{ member: `${V}.service_code`, operator: 'startsWith', values: ['97'] }],
  limit: 1000,
};

/** Sums a CSV column of exact decimals as integer hundredths. */
function hundredths(values: string[]): bigint {
  return values.reduce((sum, v) => {
    const [whole, fraction = ''] = v.split('.');
    return sum + BigInt(`${whole}${fraction.padEnd(2, '0').slice(0, 2)}`);
  }, 0n);
}

describe('explorer: the visit lines behind a row', () => {
  it('opens the lines of a row, which add up to its figures and to plain SQL; Back returns', async () => {
    const page = await newPage(browser());
    await page.goto(`${inject('dashboardUrl')}/explore?query=${encodeURIComponent(JSON.stringify(query))}#token=${ownerToken()}`);
    const first = page.locator('table.explore-table tbody tr').first();
    await first.waitFor();
    const [provider, month, billed, units] = (await first.locator('td').allTextContents()).map((t) => t.trim());
    expect(month).toBe('Jul 2026');
    await first.getByRole('button', { name: /Open the visit lines of/ }).click();
    await expect.poll(() => decodeURIComponent(page.url())).toContain('"visit_lines.line_number"');
    await page.locator('.explore-served').waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    const local = path.join(os.tmpdir(), `scu-explore-drill-${process.pid}-${Date.now()}.csv`);
    await download.saveAs(local);
    const csv = parseCsv(fs.readFileSync(local, 'utf8').replace(/^\uFEFF/, ''));
    fs.rmSync(local);
    const header = csv.findIndex((row) => row[0] === 'Visit');
    const columns = csv[header]!;
    const lines = csv.slice(header + 1).filter((row) => row.length === columns.length);
    const column = (name: string) => lines.map((row) => row[columns.indexOf(name)]!);
    expect(new Set(column('Provider'))).toEqual(new Set([provider]));
    expect(column('Service Code').every((code) => code.startsWith('97'))).toBe(true);

    // The lines add up to the row they were opened from…
    expect(hundredths(column('Billed'))).toBe(hundredths([billed!.replace(/[$,]/g, '')]));
    expect(column('Units').reduce((sum, u) => sum + BigInt(u), 0n)).toBe(BigInt(units!.replace(/,/g, '')));
    // …and to plain SQL over the clinic's codes starting with 97.
    const database = inject('browserDatabase');
    const codes = await mysqlRows(database, "SELECT DISTINCT code FROM service_codes WHERE clinic_id = ? AND code LIKE '97%'", [
      DEMO_CLINIC,
    ]);
    const expected = await referenceFigures(
      { dialect: 'mysql', location: database },
      {
        clinicId: DEMO_CLINIC,
        from: '2026-07-01',
        to: '2026-07-31',
        groupBy: ['provider_name'],
        filters: [{ dimension: 'service_code', values: codes.map((c) => String(c.code)) }],
      },
    );
    const figures = expected.get(provider!)!;
    expect(hundredths(column('Billed'))).toBe(hundredths([figures.total_billed]));
    expect(column('Units').reduce((sum, u) => sum + BigInt(u), 0n)).toBe(BigInt(figures.units_billed));

    await page.goBack();
    await expect.poll(() => decodeURIComponent(page.url())).toContain('"service_code_usage.provider_name"');
    await expect
      .poll(async () => (await page.locator('table.explore-table tbody tr').first().locator('td').allTextContents())[0]?.trim())
      .toBe(provider);
    await closePage(page);
  });
});
