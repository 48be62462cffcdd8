/**
 * `<scu-chart>` (docs/embedding.md) in a portal page of another origin than the API's: one chart of the
 * report with its own small header, drawing what plain SQL gives for its token's clinic and filters; a
 * click narrowing the widget's own filters (told as `scu-filters-change`) or opening the lines behind a
 * bar inside the widget (told as `scu-drill`); a kind that is not a chart said in place.
 */
import { describe, expect, inject, it } from 'vitest';
import { busiest, expectedReport } from './expected-sql.js';
import { DEMO_CLINIC } from './fixtures.js';
import { eventsOf, portalPage } from './portal-page.js';
import { chartDrawn, clickChart, closePage, ownerToken, useSharedBrowser } from './report-page.js';

const browser = useSharedBrowser();
const RANGE = { from: '2026-07-01', to: '2026-09-30' };
const TOP_CODES = 'Top service codes';

const chart = (kind: string, filters: object = RANGE) =>
  `<scu-chart id="c" kind="${kind}" token="${ownerToken()}" filters='${JSON.stringify(filters)}'></scu-chart>
   <script>document.getElementById('c').setAttribute('api-url', window.API)</script>`;

/** The top codes chart's bars as code → units, largest first, and the same from plain SQL. */
async function topCodes(page: Awaited<ReturnType<typeof portalPage>>, filter: typeof RANGE & { codes?: string[] }) {
  const drawn = await chartDrawn(page, TOP_CODES);
  const bars = (drawn.yAxis[0] ?? []).map((code, i) => [code, String(drawn.series[0]!.data[i])] as const).reverse();
  const byCode = await expectedReport(inject('browserDatabase'), DEMO_CLINIC, filter, 'code');
  const ranked = await busiest(inject('browserDatabase'), DEMO_CLINIC, filter, 'code');
  const expected = ranked.slice(0, bars.length).map((c) => [c.name, byCode.get(c.name)!.units] as const);
  return { bars, expected };
}

describe('<scu-chart> in a portal of another origin', () => {
  it('draws its chart as plain SQL gives it, under its own header, and a click narrows the widget’s filters', async () => {
    const page = await portalPage(browser(), chart('top-codes'));
    const { bars, expected } = await topCodes(page, RANGE);
    expect(bars.length).toBeGreaterThan(3);
    expect(bars).toEqual(expected);
    expect(await page.locator('#c').locator('.chart-widget-subject').textContent()).toMatch(/Jul 1 – Sep 30, 2026$/);
    // Nothing of the report but the chart.
    expect(await page.locator('#c').locator('table.report-table').count()).toBe(0);
    expect(await page.locator('#c').locator('section.chart-card').count()).toBe(1);
    const [top] = bars;
    const drawn = await chartDrawn(page, TOP_CODES);
    const last = drawn.yAxis[0]!.length - 1;
    await clickChart(page, TOP_CODES, { value: [Number(top![1]) / 2, last], tooltip: `${top![0]} ` });
    await expect
      .poll(async () => (await eventsOf(page)).filter((e) => e.name === 'scu-filters-change').map((e) => e.detail))
      .toEqual([{ filters: { ...RANGE, codes: [top![0]] } }]);
    await expect.poll(async () => (await topCodes(page, { ...RANGE, codes: [top![0]] })).bars).toEqual([[top![0], top![1]]]);
    expect((await eventsOf(page)).some((e) => e.name === 'scu-loaded')).toBe(true);
    await closePage(page);
  });

  it('opens the lines behind a bar inside the widget, and tells the portal which', async () => {
    const page = await portalPage(browser(), chart('top-codes'));
    const { bars } = await topCodes(page, RANGE);
    const [top] = bars;
    const drawn = await chartDrawn(page, TOP_CODES);
    await clickChart(page, TOP_CODES, {
      value: [Number(top![1]) / 2, drawn.yAxis[0]!.length - 1],
      tooltip: `${top![0]} `,
      action: 'lines',
    });
    const dialog = page.getByRole('dialog', { name: /Visit lines/ });
    await expect
      .poll(async () => (await dialog.locator('.drill-check').textContent()) ?? '', { timeout: 20_000 })
      .toContain(`add up to the Units Billed you opened: ${Number(top![1]).toLocaleString('en-US')}`);
    const drill = (await eventsOf(page)).find((e) => e.name === 'scu-drill')!.detail as { figure: string; narrow: { codes: string[] } };
    expect(drill.figure).toBe('units_billed');
    expect(drill.narrow.codes).toEqual([top![0]]);
    await closePage(page);
  });

  it('mounts through ServiceCodeUsage.mount with its kind, locked filters included', async () => {
    const page = await portalPage(browser(), '<div id="slot"></div>');
    await page.waitForFunction(() => 'ServiceCodeUsage' in window);
    await page.evaluate(
      ([range, token]) => {
        const w = window as unknown as { ServiceCodeUsage: { mount: (e: Element, o: unknown) => unknown }; API: string };
        w.ServiceCodeUsage.mount(document.getElementById('slot')!, {
          widget: 'chart',
          kind: 'top-codes',
          apiUrl: w.API,
          token,
          filters: range,
          locked: ['codes'],
        });
      },
      [RANGE, ownerToken()] as const,
    );
    const { bars, expected } = await topCodes(page, RANGE);
    expect(bars).toEqual(expected);
    expect(await page.locator('scu-chart').getAttribute('locked')).toBe('codes');
    await closePage(page);
  });

  it('says so in place of a chart when the kind is not one of the report’s', async () => {
    const page = await portalPage(browser(), chart('pie'));
    const alert = page.locator('#c').getByRole('alert');
    await expect
      .poll(async () => (await alert.count()) && alert.textContent())
      .toMatch(/kind "pie" is not a chart of the report: one of trend, top-codes/);
    const error = (await eventsOf(page)).find((e) => e.name === 'scu-error')!.detail;
    expect(error).toEqual({ kind: 'config', message: expect.stringMatching(/^kind "pie"/) });
    await closePage(page);
  });
});
