/**
 * `<scu-report>` (docs/embedding.md) in a portal page of another origin than the API's: the whole
 * report in its shadow root, equal to plain SQL for its token's clinic and filters; the viewer's changes
 * told to the portal and kept out of the portal's address; the portal's `filters` followed; the lines
 * behind a figure opened inside the widget and told as `scu-drill`; a token renewed through getToken
 * with the viewer's filters kept and no reload; two clinics on one page kept apart.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { mintToken } from '../../server/security/tokens.js';
import { parseCsv } from './csv.js';
import { busiest, expectedReport } from './expected-sql.js';
import { DEMO_CLINIC } from './fixtures.js';
import { eventsOf, portalPage } from './portal-page.js';
import {
  chooseInList,
  closePage,
  expectTableMatches,
  ownerToken,
  plain,
  readTable,
  screenFigures,
  useSharedBrowser,
} from './report-page.js';

const browser = useSharedBrowser();
const RANGE = { from: '2026-07-01', to: '2026-09-30' };
const OTHER_CLINIC = 2;

const report = (attributes: string, id = 'r') =>
  `<scu-report id="${id}" ${attributes}></scu-report>
   <script>document.getElementById('${id}').setAttribute('api-url', window.API)</script>`;

describe('<scu-report> in a portal of another origin', () => {
  it('shows the report equal to plain SQL, tells the viewer’s changes to the portal and keeps them out of its address', async () => {
    const page = await portalPage(browser(), report(`token="${ownerToken()}" filters='${JSON.stringify({ ...RANGE, group: 'payor' })}'`));
    await expectTableMatches(page, RANGE, 'payor', DEMO_CLINIC, '#r');
    const portalUrl = page.url();
    await expect.poll(async () => (await eventsOf(page)).map((e) => e.name)).toEqual(expect.arrayContaining(['scu-ready', 'scu-loaded']));
    // The viewer groups by provider, then narrows to Self-pay, through the widget's own controls.
    await page.getByRole('radio', { name: 'Provider', exact: true }).check();
    await expectTableMatches(page, RANGE, 'provider', DEMO_CLINIC, '#r');
    await chooseInList(page, 'Payors', ['Self-pay']);
    await expectTableMatches(page, { ...RANGE, payors: [null] }, 'provider', DEMO_CLINIC, '#r');
    const changes = (await eventsOf(page)).filter((e) => e.name === 'scu-filters-change').map((e) => e.detail);
    expect(changes).toEqual([{ filters: { ...RANGE, group: 'provider' } }, { filters: { ...RANGE, payors: ['none'], group: 'provider' } }]);
    expect(page.url()).toBe(portalUrl);
    // Print would print the portal's page: not offered in a widget.
    expect(await page.getByRole('button', { name: 'Print' }).count()).toBe(0);
    await closePage(page);
  });

  it('follows the portal’s filters, and opens the lines behind a figure inside the widget, telling the portal', async () => {
    const page = await portalPage(browser(), report(`token="${ownerToken()}" filters='${JSON.stringify(RANGE)}'`));
    await expectTableMatches(page, RANGE, 'code', DEMO_CLINIC, '#r');
    await page.evaluate(
      (range) => document.getElementById('r')!.setAttribute('filters', JSON.stringify({ ...range, billing: 'non-billable' })),
      RANGE,
    );
    await expectTableMatches(page, { ...RANGE, billing: 'non-billable' }, 'code', DEMO_CLINIC, '#r');
    // The portal's own change is not echoed back as the viewer's.
    expect((await eventsOf(page)).filter((e) => e.name === 'scu-filters-change')).toEqual([]);
    // The totals row's Units Billed: the lines behind it, in the widget's dialog.
    const totals = screenFigures(await readTable(page, '#r')).get('Total')!;
    await page
      .locator('#r tfoot')
      .getByRole('button', { name: /Units Billed/ })
      .click();
    const dialog = page.getByRole('dialog', { name: /Visit lines/ });
    await expect
      .poll(async () => (await dialog.locator('.drill-check').textContent()) ?? '', { timeout: 20_000 })
      .toContain(`add up to the Units Billed you opened: ${Number(totals.units).toLocaleString('en-US')}`);
    const drill = (await eventsOf(page)).find((e) => e.name === 'scu-drill')!.detail;
    expect(drill).toEqual({
      figure: 'units_billed',
      period: 'report',
      ...RANGE,
      narrow: { providers: [], payors: [], caseTypes: [], codes: [], billing: null },
    });
    await closePage(page);
  });

  it('renews its token through getToken with the viewer’s filters kept and no reload', async () => {
    const page = await portalPage(browser(), '<scu-report id="r"></scu-report>');
    // Tokens of 62 s: a minute before expiry the widget asks again, so every request after 2 s renews.
    const tokens = [ownerToken(DEMO_CLINIC, 62), ownerToken(DEMO_CLINIC, 3600)];
    await page.exposeFunction('nextToken', () => tokens.shift() ?? ownerToken(DEMO_CLINIC, 3600));
    await page.evaluate((range) => {
      const w = window as unknown as { nextToken: () => Promise<string>; asked: number; API: string; loadedOnce: boolean };
      w.asked = 0;
      w.loadedOnce = true; // gone if the page reloads
      const el = document.getElementById('r') as HTMLElement & { getToken: () => Promise<string> };
      el.getToken = () => (w.asked++, w.nextToken());
      el.setAttribute('filters', JSON.stringify({ ...range, group: 'payor' }));
      el.setAttribute('api-url', w.API);
    }, RANGE);
    await expectTableMatches(page, RANGE, 'payor', DEMO_CLINIC, '#r');
    // 1, or already 2 when the first table took over 2 s (a loaded machine): the renewal came earlier.
    expect(await page.evaluate(() => (window as unknown as { asked: number }).asked)).toBeGreaterThanOrEqual(1);
    expect(await page.evaluate(() => (window as unknown as { asked: number }).asked)).toBeLessThanOrEqual(2);
    await page.waitForTimeout(2_500);
    await chooseInList(page, 'Payors', ['Self-pay']);
    await expectTableMatches(page, { ...RANGE, payors: [null] }, 'payor', DEMO_CLINIC, '#r');
    expect(await page.evaluate(() => (window as unknown as { asked: number }).asked)).toBe(2);
    expect(await page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
    await closePage(page);
  });

  it('keeps the filters the portal locked or hid out of the viewer’s hands, whatever the viewer clicks', async () => {
    const filters = { ...RANGE, billing: 'billable', compare: 'previous' };
    const page = await portalPage(
      browser(),
      report(`token="${ownerToken()}" filters='${JSON.stringify(filters)}' locked="billing,codes" hidden="providers,compare"`),
    );
    await expectTableMatches(page, { ...RANGE, billing: 'billable' }, 'code', DEMO_CLINIC, '#r');
    const widget = page.locator('#r');
    // Locked: shown, disabled; hidden: not shown.
    expect(await widget.getByRole('combobox', { name: 'Billing type' }).isDisabled()).toBe(true);
    expect(await widget.getByRole('button', { name: /^Service codes/ }).isDisabled()).toBe(true);
    expect(await widget.getByRole('button', { name: /^Providers/ }).count()).toBe(0);
    expect(await widget.getByRole('combobox', { name: 'Compare with' }).count()).toBe(0);
    expect(await widget.getByRole('button', { name: /^Payors/ }).isDisabled()).toBe(false);
    // A click that would narrow to a code (the row's "Show by provider") regroups but keeps the codes as the portal set them.
    const [code] = [...screenFigures(await readTable(page, '#r')).keys()];
    await page.getByRole('button', { name: `Show by provider: ${code}` }).click();
    await expectTableMatches(page, { ...RANGE, billing: 'billable' }, 'provider', DEMO_CLINIC, '#r');
    const changes = (await eventsOf(page)).filter((e) => e.name === 'scu-filters-change').map((e) => e.detail);
    expect(changes).toEqual([{ filters: { ...RANGE, billing: 'billable', group: 'provider', compare: 'previous' } }]);
    await closePage(page);
  });

  it('says which filter name is unknown in locked or hidden', async () => {
    const page = await portalPage(browser(), report(`token="${ownerToken()}" locked="payor"`));
    await expect
      .poll(async () => (await page.locator('#r').getByRole('alert').count()) && page.locator('#r').getByRole('alert').textContent())
      .toMatch(/locked names an unknown filter "payor": the filters are from, to, providers, payors/);
    await closePage(page);
  });

  it('shows only what its token’s scope claims allow: the table, the CSV, and any query the page can make', async () => {
    const named = (await busiest(inject('browserDatabase'), DEMO_CLINIC, RANGE, 'payor')).filter((p) => p.id !== 'none');
    const [inScope, outOfScope] = [named[0]!, named[1]!];
    const token = mintToken(inject('apiSecret'), { clinic_id: DEMO_CLINIC, role: 'owner', payor_ids: [Number(inScope.id), 'none'] }, 3600);
    const page = await portalPage(
      browser(),
      report(`token="${token}" filters='${JSON.stringify({ ...RANGE, group: 'payor' })}'`) +
        `<scu-figure id="f" token="${token}" measure="units_billed" filters='${JSON.stringify(RANGE)}'></scu-figure>
         <script>document.getElementById('f').setAttribute('api-url', window.API)</script>`,
    );
    const scoped = { ...RANGE, payors: [Number(inScope.id), null] };
    await expectTableMatches(page, scoped, 'payor', DEMO_CLINIC, '#r');
    // The figure widget under the same token: the scope's units, not the clinic's.
    const scopedUnits = (await expectedReport(inject('browserDatabase'), DEMO_CLINIC, scoped, null)).get('Total')!.units;
    const figure = page.locator('#f .value');
    await expect
      .poll(async () => ((await figure.count()) ? plain((await figure.textContent()) ?? '') : ''), { timeout: 20_000 })
      .toBe(scopedUnits);
    expect([...screenFigures(await readTable(page, '#r')).keys()].sort()).toEqual([inScope.name, 'Self-pay', 'Total'].sort());
    // The CSV the viewer exports holds the same rows only.
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const local = path.join(os.tmpdir(), `scu-embed-scope-${process.pid}-${Date.now()}.csv`);
    await file.saveAs(local);
    const csv = parseCsv(fs.readFileSync(local, 'utf8').slice(1));
    fs.rmSync(local);
    const header = csv.findIndex((row) => row[0] === 'Payor');
    expect(
      csv
        .slice(header + 1)
        .map((row) => row[0])
        .filter(Boolean)
        .sort(),
    ).toEqual([inScope.name, 'Self-pay', 'Total'].sort());
    expect((await eventsOf(page)).find((e) => e.name === 'scu-export')!.detail).toEqual({ rows: 2 });
    // A query the page crafts with the same token, asking for another payor outright or in an OR: nothing outside.
    const rows = await page.evaluate(
      async ([api, t, other, range]) => {
        const query = {
          measures: ['service_code_usage.units_billed'],
          dimensions: ['service_code_usage.payor_id'],
          timeDimensions: [{ dimension: 'service_code_usage.date_of_service', dateRange: [range.from, range.to] }],
          filters: [
            {
              or: [
                { member: 'service_code_usage.payor_id', operator: 'equals', values: [other] },
                { member: 'service_code_usage.payor_id', operator: 'set' },
              ],
            },
          ],
        };
        for (;;) {
          const r = await fetch(`${api}/load`, {
            method: 'POST',
            headers: { authorization: t, 'content-type': 'application/json' },
            body: JSON.stringify({ query }),
          });
          const body = (await r.json()) as { error?: string; data?: Record<string, unknown>[] };
          if (body.error === 'Continue wait') continue;
          if (!r.ok) throw new Error(JSON.stringify(body));
          return body.data ?? [];
        }
      },
      [`${inject('dashboardUrl')}/cubejs-api/v1`, token, outOfScope.id, RANGE] as const,
    );
    expect(rows.map((r) => String(r['service_code_usage.payor_id']))).toEqual([inScope.id]);
    await closePage(page);
  });

  it('formats its money in the portal’s locale and currency', async () => {
    const page = await portalPage(
      browser(),
      report(`token="${ownerToken()}" filters='${JSON.stringify(RANGE)}' locale="fr-CA" currency="CAD"`),
    );
    const billed = (await expectedReport(inject('browserDatabase'), DEMO_CLINIC, RANGE, null)).get('Total')!.billed;
    const card = page.locator('#r .summary-card').filter({ hasText: 'Total Billed' }).locator('.summary-value');
    await expect
      .poll(async () => ((await card.count()) ? ((await card.textContent()) ?? '').trim() : ''), { timeout: 20_000 })
      .toMatch(/,\d{2}\s\$$/);
    // fr-CA: spaces between thousands, a decimal comma, the sign after; the amount itself exact.
    const shown = ((await card.textContent()) ?? '').trim();
    expect(shown.replace(/[\s$]/g, '').replace(',', '.')).toBe(billed);
    await closePage(page);
  });

  it('keeps two clinics’ reports on one page apart', async () => {
    const page = await portalPage(
      browser(),
      report(`token="${ownerToken(DEMO_CLINIC)}" filters='${JSON.stringify(RANGE)}'`, 'one') +
        report(`token="${ownerToken(OTHER_CLINIC)}" filters='${JSON.stringify({ ...RANGE, group: 'payor' })}' theme="dark"`, 'two'),
    );
    await expectTableMatches(page, RANGE, 'code', DEMO_CLINIC, '#one');
    await expectTableMatches(page, RANGE, 'payor', OTHER_CLINIC, '#two');
    const [one, two] = await Promise.all([
      expectedReport(inject('browserDatabase'), DEMO_CLINIC, RANGE, null),
      expectedReport(inject('browserDatabase'), OTHER_CLINIC, RANGE, null),
    ]);
    expect(one.get('Total')).not.toEqual(two.get('Total'));
    await closePage(page);
  });
});
