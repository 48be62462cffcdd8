/**
 * The report in real Chromium against the real server on seeded data: every filter, set through the
 * page as a person would, gives the table plain SQL gives for that filter; so does every grouping.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { busiest, clinicTimezone, expectedReport, type Group } from './expected-sql.js';
import { DEMO_CLINIC } from './fixtures.js';
import {
  chooseInList,
  closePage,
  expectTableMatches,
  newPage,
  openReport,
  readTable,
  searchOf,
  settled,
  useSharedBrowser,
} from './report-page.js';

const RANGE = { from: '2026-07-01', to: '2026-09-30' };
const BASE = `?from=${RANGE.from}&to=${RANGE.to}`;
const db = () => inject('browserDatabase');

const browser = useSharedBrowser();
let page: Page;

describe('the report table against plain SQL', () => {
  it('opens on last month of the clinic’s own calendar, with the report’s headers', async () => {
    page = await newPage(browser());
    await openReport(page, '');
    await settled(page);
    const zone = await clinicTimezone(db(), DEMO_CLINIC);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
      new Date(),
    );
    const [y, m] = today.split('-').map(Number) as [number, number];
    const first = new Date(Date.UTC(y, m - 2, 1));
    const last = new Date(Date.UTC(y, m - 1, 0));
    expect(searchOf(page).get('from')).toBe(first.toISOString().slice(0, 10));
    expect(searchOf(page).get('to')).toBe(last.toISOString().slice(0, 10));
    const table = await readTable(page);
    for (const header of ['Units Billed', '# of Visits Used', 'Total Billed', 'Insurance Paid']) expect(table.headers).toContain(header);
    expect(page.url()).not.toContain('token');
    await expect.poll(() => page.getByText(/^Data as of /).count()).toBe(1);
    await expect(page.getByText('Figures are by date of service and keep changing as insurance payments').count()).resolves.toBe(1);
    await page.screenshot({ path: 'test-artifacts/report-default.png', fullPage: true });
    await closePage(page);
  });

  it('matches SQL for a date range typed in', async () => {
    page = await newPage(browser());
    await openReport(page, BASE);
    await expectTableMatches(page, RANGE);
    await page.getByRole('combobox', { name: 'Date range' }).selectOption('custom');
    await page.getByLabel('From', { exact: true }).fill('2026-08-10');
    await page.getByLabel('To', { exact: true }).fill('2026-09-05');
    await expect.poll(() => searchOf(page).get('to')).toBe('2026-09-05');
    expect(searchOf(page).get('from')).toBe('2026-08-10');
    await expectTableMatches(page, { from: '2026-08-10', to: '2026-09-05' });
    await closePage(page);
  });

  it('matches SQL for a provider chosen in the list', async () => {
    const [provider] = await busiest(db(), DEMO_CLINIC, RANGE, 'provider');
    page = await newPage(browser());
    await openReport(page, BASE);
    await settled(page);
    await chooseInList(page, 'Providers', [provider!.name]);
    await expect.poll(() => searchOf(page).get('providers')).toBe(provider!.id);
    await expectTableMatches(page, { ...RANGE, providers: [Number(provider!.id)] });
    await closePage(page);
  });

  it('matches SQL for Self-pay and a payor together', async () => {
    const payors = await busiest(db(), DEMO_CLINIC, RANGE, 'payor');
    const named = payors.find((p) => p.id !== 'none')!;
    page = await newPage(browser());
    await openReport(page, BASE);
    await settled(page);
    await chooseInList(page, 'Payors', ['Self-pay', named.name]);
    await expect.poll(() => searchOf(page).get('payors')?.split(',').sort()).toEqual([named.id, 'none'].sort());
    await expectTableMatches(page, { ...RANGE, payors: [Number(named.id), null] });
    await closePage(page);
  });

  it('matches SQL for "No case"', async () => {
    page = await newPage(browser());
    await openReport(page, BASE);
    await settled(page);
    await chooseInList(page, 'Case types', ['No case']);
    await expect.poll(() => searchOf(page).get('case_types')).toBe('none');
    await expectTableMatches(page, { ...RANGE, caseTypes: [null] });
    await closePage(page);
  });

  it('matches SQL for service codes found by description, and for "Only Custom"', async () => {
    page = await newPage(browser());
    await openReport(page, BASE);
    await settled(page);
    await page.getByRole('button', { name: /^Service codes/ }).click();
    await page.getByRole('searchbox', { name: 'Search service codes' }).fill('therapeutic exercise');
    await page.getByRole('checkbox', { name: /^97110/ }).check();
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => searchOf(page).get('codes')).toBe('97110');
    await expectTableMatches(page, { ...RANGE, codes: ['97110'] });

    await page.getByRole('button', { name: /^Service codes/ }).click();
    await page.getByRole('button', { name: 'Only Custom' }).click();
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => searchOf(page).get('codes')).not.toBe('97110');
    const custom = searchOf(page).get('codes')!.split(',');
    expect(custom.length).toBeGreaterThan(1);
    expect(custom).not.toContain('97110');
    await expectTableMatches(page, { ...RANGE, codes: custom });
    await closePage(page);
  });

  it('matches SQL for the billing type', async () => {
    page = await newPage(browser());
    await openReport(page, BASE);
    await settled(page);
    await page.getByRole('combobox', { name: 'Billing type' }).selectOption('non-billable');
    await expect.poll(() => searchOf(page).get('billing')).toBe('non-billable');
    await expectTableMatches(page, { ...RANGE, billing: 'non-billable' });
    await closePage(page);
  });

  it('matches SQL in every grouping', async () => {
    page = await newPage(browser());
    await openReport(page, `${BASE}&billing=billable`);
    const labels: Record<Exclude<Group, 'code'>, string> = {
      provider: 'Provider',
      payor: 'Payor',
      case_type: 'Case type',
      billing_type: 'Billing type',
    };
    for (const [group, label] of Object.entries(labels) as [Exclude<Group, 'code'>, string][]) {
      await page.getByRole('radio', { name: label, exact: true }).check();
      await expect.poll(() => searchOf(page).get('group')).toBe(group);
      await expectTableMatches(page, { ...RANGE, billing: 'billable' }, group);
    }
    await page.screenshot({ path: 'test-artifacts/report-by-billing-type.png' });
    await closePage(page);
  });
});

describe('the code × provider pivot', () => {
  it('gives each code’s and each provider’s Units Billed as SQL does', async () => {
    const byCode = await expectedReport(db(), DEMO_CLINIC, RANGE, 'code');
    const byProvider = await expectedReport(db(), DEMO_CLINIC, RANGE, 'provider');
    const [total] = [...(await expectedReport(db(), DEMO_CLINIC, RANGE, null)).values()];
    page = await newPage(browser());
    await openReport(page, BASE);
    await settled(page);
    await page.getByRole('radio', { name: 'Code × provider' }).check();
    await expect.poll(() => searchOf(page).get('pivot')).toBe('provider');
    await expect.poll(async () => (await readTable(page)).headers[0], { timeout: 30_000 }).toBe('Service Code');
    await expect.poll(async () => (await readTable(page)).headers.length, { timeout: 30_000 }).toBe(byProvider.size + 2);
    const table = await readTable(page);
    const last = table.headers.length - 1;
    expect(table.headers[last]).toBe('Units Billed');
    expect(Object.fromEntries(table.rows.map((r) => [r[0], r[last]!.replace(/,/g, '')]))).toEqual(
      Object.fromEntries([...byCode].map(([code, f]) => [code, f.units])),
    );
    expect(Object.fromEntries(table.headers.slice(1, last).map((name, i) => [name, table.totals[i + 1]!.replace(/,/g, '')]))).toEqual(
      Object.fromEntries([...byProvider].map(([name, f]) => [name, f.units])),
    );
    expect(table.totals[last]!.replace(/,/g, '')).toBe(total!.units);
    await closePage(page);
  });
});

describe('the view lives in the URL', () => {
  it('restores a shared link, and Back and Forward walk through the changes', async () => {
    const [provider] = await busiest(db(), DEMO_CLINIC, RANGE, 'provider');
    const link = `${BASE}&providers=${provider!.id}&codes=97110,97140&group=payor`;
    page = await newPage(browser());
    await openReport(page, link);
    await expectTableMatches(page, { ...RANGE, providers: [Number(provider!.id)], codes: ['97110', '97140'] }, 'payor');
    // The button shows the provider's name once the filter's option list has loaded.
    await expect.poll(() => page.getByRole('button', { name: /^Providers/ }).textContent()).toBe(provider!.name);
    await expect(page.getByRole('radio', { name: 'Payor', exact: true }).isChecked()).resolves.toBe(true);

    await page.getByRole('combobox', { name: 'Billing type' }).selectOption('billable');
    await expect.poll(() => searchOf(page).get('billing')).toBe('billable');
    await page.getByRole('radio', { name: 'Case type', exact: true }).check();
    await expect.poll(() => searchOf(page).get('group')).toBe('case_type');
    const filter = { ...RANGE, providers: [Number(provider!.id)], codes: ['97110', '97140'] };
    await expectTableMatches(page, { ...filter, billing: 'billable' }, 'case_type');

    await page.goBack();
    await expect.poll(() => searchOf(page).get('group')).toBe('payor');
    await expectTableMatches(page, { ...filter, billing: 'billable' }, 'payor');
    await page.goBack();
    await expect.poll(() => searchOf(page).get('billing')).toBeNull();
    await expectTableMatches(page, filter, 'payor');
    await expect(page.getByRole('combobox', { name: 'Billing type' }).inputValue()).resolves.toBe('');
    await page.goForward();
    await expectTableMatches(page, { ...filter, billing: 'billable' }, 'payor');
    await closePage(page);
  });

  it('keeps the token out of the address bar and history; a reload keeps the view but asks for access again', async () => {
    page = await newPage(browser());
    await openReport(page, `${BASE}&group=provider`);
    await settled(page);
    expect(page.url()).toBe(`${inject('dashboardUrl')}/${BASE}&group=provider`);
    await page.reload();
    // Waited for rather than counted at once: the check must not depend on when the app renders.
    await page.getByRole('heading', { name: 'This report needs an access link' }).waitFor();
    expect(page.url()).toBe(`${inject('dashboardUrl')}/${BASE}&group=provider`);
    // The portal's link again (same view, fresh token): the same report.
    await openReport(page, `${BASE}&group=provider`);
    await expectTableMatches(page, RANGE, 'provider');
    await closePage(page);
  });
});
