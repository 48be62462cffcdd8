/**
 * Drill-through in real Chromium against the real server: the visit lines behind a table cell, the
 * totals row, a compared period's Δ cell, a summary figure and a pivot cell; their order and pages;
 * their CSV. Every expected line and sum is plain SQL on the host tables (referenceLines), never the page.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { referenceLines, type ReferenceFilter, type ReferenceLine } from '../support/reference-sql.js';
import { parseCsv } from './csv.js';
import { busiest } from './expected-sql.js';
import { DEMO_CLINIC, HOSTILE_CLINIC } from './fixtures.js';
import { closePage, describePage, newPage, openReport, ownerToken, plain, searchOf, settled, useSharedBrowser } from './report-page.js';

const RANGE = { from: '2026-07-01', to: '2026-09-30' };
const PREVIOUS = { from: '2026-04-01', to: '2026-06-30' };
const BASE = `?from=${RANGE.from}&to=${RANGE.to}`;
const PAGE_SIZE = 50;
const target = () => ({ dialect: 'mysql' as const, location: inject('browserDatabase') });

const browser = useSharedBrowser();

async function linesOf(range: { from: string; to: string }, filters: ReferenceFilter[] = [], clinicId = DEMO_CLINIC) {
  return referenceLines(target(), { clinicId, ...range, filters });
}

const cents = (money: string): bigint => BigInt(money.replace('.', ''));
const centsText = (c: bigint): string =>
  `${c < 0n ? '-' : ''}${(c < 0n ? -c : c) / 100n}.${String((c < 0n ? -c : c) % 100n).padStart(2, '0')}`;

/** The lines' totals as plain SQL gives them: what the panel's totals must read. */
function sums(lines: readonly ReferenceLine[]): Record<string, string> {
  return {
    Lines: String(lines.length),
    '# of Visits Used': String(new Set(lines.map((l) => l.visit_number)).size),
    'Units Billed': String(lines.reduce((a, l) => a + BigInt(l.units), 0n)),
    'Total Billed': centsText(lines.reduce((a, l) => a + cents(l.billed_amount), 0n)),
    'Insurance Paid': centsText(lines.reduce((a, l) => a + cents(l.insurance_paid), 0n)),
  };
}

const dialogOf = (page: Page): Locator => page.getByRole('dialog', { name: 'Visit lines' });

/** The panel's totals once loaded, as exact numbers by label. */
async function panelTotals(page: Page): Promise<Record<string, string>> {
  const dialog = dialogOf(page);
  await expect.poll(() => dialog.getAttribute('aria-busy'), { timeout: 30_000 }).toBeNull();
  const pairs = await dialog
    .locator('.drill-totals > div')
    .evaluateAll((divs) => divs.map((d) => [d.querySelector('dt')!.textContent!.trim(), d.querySelector('dd')!.textContent!.trim()]));
  return Object.fromEntries(pairs.map(([k, v]) => [k!, plain(v!)]));
}

/** Polls until the panel's totals equal `expected` (SQL), with the page described if they never do. */
async function expectPanelTotals(page: Page, expected: Record<string, string>, label: string): Promise<void> {
  try {
    await expect.poll(() => panelTotals(page), { timeout: 30_000, interval: 250 }).toEqual(expected);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${await describePage(page, label)}`, { cause: e });
  }
}

/** The lines on the panel's page: line number, date text, billed, units, by column header. */
async function panelRows(page: Page): Promise<Record<string, string>[]> {
  const dialog = dialogOf(page);
  await expect.poll(() => dialog.locator('table.drill-table').getAttribute('aria-busy'), { timeout: 30_000 }).toBeNull();
  return dialog.locator('table.drill-table').evaluate((table) => {
    const headers = [...table.querySelectorAll('thead th')].map((th) => (th.textContent ?? '').trim());
    return [...table.querySelectorAll('tbody tr')].map((tr) =>
      Object.fromEntries([...tr.querySelectorAll('td')].map((td, i) => [headers[i]!, (td.textContent ?? '').trim()])),
    );
  });
}

const dateText = (iso: string) =>
  new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));

/** A reference line as the panel's row shows it (en-US, the test browser's locale; money as plain digits). */
function shownLine(l: ReferenceLine): Record<string, string> {
  return {
    'Date of Service': dateText(l.date_of_service),
    Visit: l.visit_number,
    Line: l.line_number,
    'Service Code': l.service_code,
    Units: Number(l.units).toLocaleString('en-US'),
    Billed: l.billed_amount,
    'Insurance Paid': l.insurance_paid,
    'Last Insurance Payment': l.last_insurance_payment_on ? dateText(l.last_insurance_payment_on) : '—',
  };
}
function comparable(row: Record<string, string>): Record<string, string> {
  const keys = ['Date of Service', 'Visit', 'Line', 'Service Code', 'Units', 'Billed', 'Insurance Paid', 'Last Insurance Payment'];
  return Object.fromEntries(keys.map((k) => [k, k === 'Billed' || k === 'Insurance Paid' ? plain(row[k]!) : row[k]!]));
}

/** The server's order of line numbers: text (the member is a string), as MariaDB compares digits. */
const byLine = (a: ReferenceLine, b: ReferenceLine) => (a.line_number < b.line_number ? -1 : a.line_number > b.line_number ? 1 : 0);

describe('the lines behind a table cell', () => {
  it('equal the clicked figure and plain SQL, and a link to them reopens the same panel', async () => {
    const [top] = await busiest(inject('browserDatabase'), DEMO_CLINIC, RANGE, 'code');
    const expected = sums(await linesOf(RANGE, [{ dimension: 'service_code', values: [top!.name] }]));
    const page = await newPage(browser());
    await openReport(page, BASE);
    await settled(page);
    const cell = page.getByRole('button', { name: new RegExp(`^Show the lines behind Units Billed of ${top!.name}: `) });
    const clicked = plain((await cell.textContent()) ?? '');
    expect(clicked).toBe(expected['Units Billed']);
    await cell.click();
    await expectPanelTotals(page, expected, 'drill-table-cell');
    const dialog = dialogOf(page);
    await expect
      .poll(() => dialog.locator('.drill-subject').textContent(), { timeout: 10_000 })
      .toBe(`Units Billed of ${top!.name}, Jul 1 – Sep 30, 2026`);
    await expect
      .poll(() => dialog.locator('.drill-check').textContent(), { timeout: 10_000 })
      .toContain(
        `These ${Number(expected.Lines).toLocaleString('en-US')} lines add up to the Units Billed you opened: ${Number(clicked).toLocaleString('en-US')}.`,
      );
    // Focus is inside the panel.
    await expect(page.evaluate(() => !!document.activeElement?.closest('dialog'))).resolves.toBe(true);
    const params = searchOf(page);
    expect(Object.fromEntries([...params].filter(([k]) => k.startsWith('drill')))).toEqual({
      drill: 'units_billed',
      drill_from: RANGE.from,
      drill_to: RANGE.to,
      drill_codes: top!.name,
    });
    await page.screenshot({ path: 'test-artifacts/drill-table-cell.png' });

    // The address (its token taken out of it) with a fresh token reopens the same lines.
    const url = page.url();
    const again = await newPage(browser());
    await again.goto(`${url.split('#')[0]}#token=${ownerToken()}`);
    await expectPanelTotals(again, expected, 'drill-reopened');
    await expect
      .poll(() => dialogOf(again).locator('.drill-subject').textContent(), { timeout: 10_000 })
      .toBe(`Units Billed of ${top!.name}, Jul 1 – Sep 30, 2026`);
    await closePage(again);

    // Escape closes it and takes the drill out of the address; Back opens it again.
    await page.keyboard.press('Escape');
    await expect.poll(() => dialogOf(page).count()).toBe(0);
    expect(searchOf(page).get('drill')).toBeNull();
    await page.goBack();
    await expectPanelTotals(page, expected, 'drill-back');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => dialogOf(page).count()).toBe(0);
    await closePage(page);
  });
});

describe('order and pages', () => {
  it('sorts on the server by Billed, descending, then by line, and pages through', async () => {
    const all = await linesOf(RANGE);
    expect(all.length).toBeGreaterThan(3 * PAGE_SIZE);
    const sorted = [...all].sort((a, b) => {
      const d = cents(b.billed_amount) - cents(a.billed_amount);
      return d !== 0n ? (d > 0n ? 1 : -1) : byLine(a, b);
    });
    const page = await newPage(browser());
    await openReport(page, BASE);
    await settled(page);
    await page.getByRole('button', { name: /^Show the lines behind Units Billed of Total: / }).click();
    await expectPanelTotals(page, sums(all), 'drill-total');
    const dialog = dialogOf(page);
    await dialog.getByRole('button', { name: 'Billed', exact: true }).click();
    await expect.poll(() => searchOf(page).get('drill_sort')).toBe('billed_amount:desc');
    await expect
      .poll(async () => (await panelRows(page)).map(comparable), { timeout: 30_000 })
      .toEqual(sorted.slice(0, PAGE_SIZE).map(shownLine));
    await expect(dialog.locator('th[aria-sort="descending"]').textContent()).resolves.toContain('Billed');
    const status = dialog.locator('.drill-pager [role="status"]');
    await expect(status.textContent()).resolves.toBe(`Lines 1–50 of ${all.length.toLocaleString('en-US')}`);

    await dialog.getByRole('button', { name: 'Next page' }).click();
    await dialog.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => searchOf(page).get('drill_page')).toBe('3');
    await expect
      .poll(async () => (await panelRows(page)).map(comparable), { timeout: 30_000 })
      .toEqual(sorted.slice(2 * PAGE_SIZE, 3 * PAGE_SIZE).map(shownLine));
    await expect(status.textContent()).resolves.toBe(`Lines 101–150 of ${all.length.toLocaleString('en-US')}`);
    await page.screenshot({ path: 'test-artifacts/drill-sorted-page-3.png' });
    await dialog.getByRole('button', { name: 'Previous page' }).click();
    await expect
      .poll(async () => (await panelRows(page)).map(comparable), { timeout: 30_000 })
      .toEqual(sorted.slice(PAGE_SIZE, 2 * PAGE_SIZE).map(shownLine));

    // Another order goes back to the first page: Date of Service, newest first.
    await dialog.getByRole('button', { name: 'Date of Service', exact: true }).click();
    await expect.poll(() => searchOf(page).get('drill_sort')).toBe('date_of_service:desc');
    expect(searchOf(page).get('drill_page')).toBeNull();
    const byDate = [...all].sort((a, b) =>
      a.date_of_service !== b.date_of_service ? (a.date_of_service < b.date_of_service ? 1 : -1) : byLine(a, b),
    );
    await expect
      .poll(async () => (await panelRows(page)).map(comparable), { timeout: 30_000 })
      .toEqual(byDate.slice(0, PAGE_SIZE).map(shownLine));
    await closePage(page);
  });
});

describe('CSV export of the lines', () => {
  async function download(page: Page): Promise<string[][]> {
    const [file] = await Promise.all([page.waitForEvent('download'), dialogOf(page).getByRole('button', { name: 'Export CSV' }).click()]);
    const local = path.join(os.tmpdir(), `scu-drill-${process.pid}-${Date.now()}.csv`);
    await file.saveAs(local);
    const text = fs.readFileSync(local, 'utf8');
    fs.rmSync(local);
    expect(file.suggestedFilename()).toMatch(/^service-code-usage_lines_[a-z_]+_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/);
    expect(text.startsWith('\uFEFF')).toBe(true);
    return parseCsv(text.slice(1));
  }

  const neutral = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
  /** A reference line as the CSV writes it: exact values, text a spreadsheet would run neutralized. */
  const csvLine = (l: ReferenceLine) => [
    l.date_of_service,
    l.visit_number,
    l.line_number,
    neutral(l.service_code),
    neutral(l.service_code_description),
    l.code_type,
    l.billing_type,
    neutral(l.provider_name),
    neutral(l.payor_name),
    neutral(l.case_type),
    l.units,
    l.billed_amount,
    l.insurance_paid,
    l.insurance_payments,
    l.last_insurance_payment_on ?? '',
    l.modifiers ?? '',
  ];
  const inDrillOrder = (lines: ReferenceLine[]) =>
    [...lines].sort((a, b) => (a.date_of_service !== b.date_of_service ? (a.date_of_service < b.date_of_service ? -1 : 1) : byLine(a, b)));

  function split(csv: string[][]) {
    const blank = csv.findIndex((r) => r.length === 1 && r[0] === '');
    return {
      title: csv[0],
      header: Object.fromEntries(csv.slice(1, blank).map((r) => [r[0], r[1]])),
      columns: csv[blank + 1],
      lines: csv.slice(blank + 2, -1),
      totals: csv.at(-1)!,
    };
  }

  it('writes every line of the drill (not one page) exactly, with the filters and a totals line', async () => {
    const payors = await busiest(inject('browserDatabase'), DEMO_CLINIC, RANGE, 'payor');
    const payor = payors.find((p) => p.id !== 'none')!;
    const lines = await linesOf(RANGE, [{ dimension: 'payor_id', values: [payor.id] }]);
    expect(lines.length).toBeGreaterThan(PAGE_SIZE);
    const page = await newPage(browser());
    await openReport(page, `${BASE}&group=payor`);
    await settled(page);
    await page
      .getByRole('button', {
        name: new RegExp(`^Show the lines behind Total Billed of ${payor.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `),
      })
      .click();
    await expectPanelTotals(page, sums(lines), 'drill-payor');
    const csv = split(await download(page));
    expect(csv.title).toEqual(['Service Code Usage: visit lines']);
    expect(csv.header).toMatchObject({
      Clinic: 'Riverside Chiropractic & Rehab',
      'Dates of service': expect.stringMatching(/^2026-07-01 to 2026-09-30/) as unknown,
      Payors: 'All',
      Figure: 'Total Billed',
      'Lines of': payor.name,
      Period: 'Report period',
    });
    expect(csv.columns).toEqual([
      'Date of Service',
      'Visit',
      'Line',
      'Service Code',
      'Description',
      'Code Type',
      'Billing Type',
      'Provider',
      'Payor',
      'Case Type',
      'Units',
      'Billed',
      'Insurance Paid',
      'Insurance Payments',
      'Last Insurance Payment',
      'Modifiers',
    ]);
    expect(csv.lines).toEqual(inDrillOrder(lines).map(csvLine));
    const total = sums(lines);
    expect(csv.totals[0]).toBe('Total');
    expect(csv.totals.slice(10, 13)).toEqual([total['Units Billed'], total['Total Billed'], total['Insurance Paid']]);
    await closePage(page);
  });

  it('neutralizes names a spreadsheet would run as formulas', async () => {
    const oct = { from: '2026-10-01', to: '2026-10-31' };
    const lines = await linesOf(oct, [], HOSTILE_CLINIC);
    expect(lines.length).toBe(2);
    const page = await newPage(browser());
    await openReport(page, `?from=${oct.from}&to=${oct.to}`, ownerToken(HOSTILE_CLINIC));
    await settled(page);
    await page.getByRole('button', { name: /^Show the lines behind Units Billed of Total: / }).click();
    await expectPanelTotals(page, sums(lines), 'drill-hostile');
    await page.screenshot({ path: 'test-artifacts/drill-hostile.png' });
    const csv = split(await download(page));
    expect(csv.header.Clinic).toBe("'=Evil Clinic");
    expect(csv.lines).toEqual(inDrillOrder(lines).map(csvLine));
    expect(csv.lines.map((l) => l[8])).toEqual([
      `'=HYPERLINK("http://evil.example","Aetna")`,
      `'=HYPERLINK("http://evil.example","Aetna")`,
    ]);
    expect(csv.lines.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell) && !/^-?\d/.test(cell))).toEqual([]);
    await closePage(page);
  });
});

describe('other figures', () => {
  it('the compared period’s Δ cell opens that row’s lines in the compared dates', async () => {
    const [top] = await busiest(inject('browserDatabase'), DEMO_CLINIC, RANGE, 'code');
    const before = await linesOf(PREVIOUS, [{ dimension: 'service_code', values: [top!.name] }]);
    expect(before.length).toBeGreaterThan(0);
    const page = await newPage(browser());
    await openReport(page, `${BASE}&compare=previous`);
    await settled(page);
    await page.getByRole('button', { name: new RegExp(`^Show the lines behind Δ Total Billed of ${top!.name}: `) }).click();
    await expectPanelTotals(page, sums(before), 'drill-compared');
    await expect
      .poll(() => dialogOf(page).locator('.drill-subject').textContent(), { timeout: 10_000 })
      .toBe(`Total Billed of ${top!.name}, Apr 1 – Jun 30, 2026 (compared period)`);
    const params = searchOf(page);
    expect([params.get('drill_period'), params.get('drill_from'), params.get('drill_to')]).toEqual([
      'comparison',
      PREVIOUS.from,
      PREVIOUS.to,
    ]);
    await page.screenshot({ path: 'test-artifacts/drill-compared.png' });
    await dialogOf(page).getByRole('button', { name: 'Close' }).click();

    // The summary's previous-period Insurance Paid opens all the compared period's lines.
    const all = await linesOf(PREVIOUS);
    await page.getByRole('button', { name: /^Show the lines behind Insurance Paid of the previous period: / }).click();
    await expectPanelTotals(page, sums(all), 'drill-summary-previous');
    await expect
      .poll(() => dialogOf(page).locator('.drill-check').textContent(), { timeout: 10_000 })
      .toContain(
        `add up to the Insurance Paid you opened: ${Number(sums(all)['Insurance Paid']).toLocaleString('en-US', { style: 'currency', currency: 'USD' })}.`,
      );
    await closePage(page);
  });

  it('a pivot cell opens the lines of its code and provider; Patients Seen says it is not restated', async () => {
    const [code] = await busiest(inject('browserDatabase'), DEMO_CLINIC, RANGE, 'code');
    const [provider] = await busiest(inject('browserDatabase'), DEMO_CLINIC, { ...RANGE, codes: [code!.name] }, 'provider');
    const lines = await linesOf(RANGE, [
      { dimension: 'service_code', values: [code!.name] },
      { dimension: 'provider_id', values: [provider!.id] },
    ]);
    const page = await newPage(browser());
    await openReport(page, `${BASE}&pivot=provider`);
    await settled(page);
    await page
      .getByRole('button', {
        name: `Show the lines behind ${provider!.name} of ${code!.name}: ${Number(sums(lines)['Units Billed']).toLocaleString('en-US')}`,
      })
      .click();
    await expectPanelTotals(page, sums(lines), 'drill-pivot');
    await expect
      .poll(() => dialogOf(page).locator('.drill-subject').textContent(), { timeout: 10_000 })
      .toBe(`Units Billed of ${code!.name}, ${provider!.name}, Jul 1 – Sep 30, 2026`);
    await page.screenshot({ path: 'test-artifacts/drill-pivot.png' });

    // Patients Seen: the lines show no patient, so only their own totals are given.
    await page.goto(`${inject('dashboardUrl')}/${BASE}&group=provider#token=${ownerToken()}`);
    await settled(page);
    const providerLines = await linesOf(RANGE, [{ dimension: 'provider_id', values: [provider!.id] }]);
    await page
      .getByRole('button', {
        name: new RegExp(`^Show the lines behind Patients Seen of ${provider!.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `),
      })
      .click();
    await expectPanelTotals(page, sums(providerLines), 'drill-patients');
    await expect
      .poll(() => dialogOf(page).locator('.drill-check').textContent(), { timeout: 10_000 })
      .toContain('The lines show no patient');
    await closePage(page);
  });
});

describe('keyboard, small screens, framed, nothing behind', () => {
  it('opens from the keyboard, keeps the focus in the panel, gives it back on Escape; fits 360 px', async () => {
    const page = await newPage(browser(), 360);
    await openReport(page, BASE);
    await settled(page);
    const cell = page.getByRole('button', { name: /^Show the lines behind Units Billed of Total: / });
    await cell.focus();
    await page.keyboard.press('Enter');
    await expectPanelTotals(page, sums(await linesOf(RANGE)), 'drill-keyboard');
    const inDialog = () => page.evaluate(() => !!document.activeElement?.closest('dialog'));
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      await expect(inDialog()).resolves.toBe(true);
    }
    await page.screenshot({ path: 'test-artifacts/drill-360.png' });
    const box = await dialogOf(page).boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(360);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialogOf(page).count()).toBe(0);
    await expect(page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '')).resolves.toMatch(
      /^Show the lines behind Units Billed of Total: /,
    );
    await closePage(page);
  });

  it('framed, tells the parent which lines were opened (no token, no patient data)', async () => {
    const [top] = await busiest(inject('browserDatabase'), DEMO_CLINIC, RANGE, 'code');
    const page = await newPage(browser());
    // A parent of the server's own origin (frame-ancestors allows it), listening for the page's messages.
    await openReport(page, '', null);
    await page.evaluate(
      ({ src }) => {
        const messages: unknown[] = [];
        (window as unknown as { messages: unknown[] }).messages = messages;
        window.addEventListener('message', (e) => messages.push(e.data));
        document.body.innerHTML = '';
        const frame = document.createElement('iframe');
        frame.src = src;
        frame.style.width = '1200px';
        frame.style.height = '800px';
        document.body.append(frame);
      },
      { src: `${inject('dashboardUrl')}/${BASE}#token=${ownerToken()}` },
    );
    const frame = page.frameLocator('iframe');
    await frame
      .getByRole('button', { name: new RegExp(`^Show the lines behind Units Billed of ${top!.name}: `) })
      .click({ timeout: 30_000 });
    await expect(frame.getByRole('dialog', { name: 'Visit lines' }).count()).resolves.toBe(1);
    const messages = () => page.evaluate(() => (window as unknown as { messages: { type?: string }[] }).messages);
    await expect
      .poll(async () => (await messages()).filter((m) => m.type === 'service-code-usage:drill'))
      .toEqual([
        {
          type: 'service-code-usage:drill',
          drill: {
            figure: 'units_billed',
            period: 'report',
            from: RANGE.from,
            to: RANGE.to,
            narrow: { providers: [], payors: [], caseTypes: [], codes: [top!.name], billing: null },
          },
        },
      ]);
    await closePage(page);
  });

  it('says so when no line is behind a link’s figure', async () => {
    const page = await newPage(browser());
    await openReport(page, `${BASE}&drill=units_billed&drill_from=${RANGE.from}&drill_to=${RANGE.to}&drill_codes=NO-SUCH-CODE`);
    const dialog = dialogOf(page);
    await expect.poll(() => dialog.locator('.status-empty').textContent(), { timeout: 30_000 }).toContain('No lines.');
    await expect(dialog.getByRole('button', { name: 'Export CSV' }).isDisabled()).resolves.toBe(true);
    await closePage(page);
  });
});

describe('when the lines cannot be read', () => {
  it('shows the error in the panel with a Retry that works once the server answers again', async () => {
    const expected = sums(await linesOf(RANGE));
    const page = await newPage(browser());
    let failing = true;
    await page.route('**/cubejs-api/v1/load**', (route) => {
      const request = route.request();
      const asked = decodeURIComponent(request.url()) + (request.postData() ?? '');
      return failing && asked.includes('visit_lines')
        ? route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":"database unavailable"}' })
        : route.continue();
    });
    await openReport(page, BASE);
    await settled(page);
    await page.getByRole('button', { name: /^Show the lines behind Units Billed of Total: / }).click();
    const alert = dialogOf(page).getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.innerText()).toContain('database unavailable');
    await page.screenshot({ path: 'test-artifacts/drill-error.png' });
    failing = false;
    await alert.getByRole('button', { name: 'Retry' }).click();
    await expectPanelTotals(page, expected, 'drill-retry');
    await closePage(page);
  });
});
