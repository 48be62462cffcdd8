/**
 * The embedding script (/embed/widgets.js) in a portal page of another origin than the API's
 * (portal-server.ts, allowed by the server's SCU_ALLOWED_ORIGINS): `<scu-figure>` as an element and
 * through `ServiceCodeUsage.mount`, its figures against plain SQL, its events, its errors, its shadow
 * DOM against the portal's CSS, and a page of an origin that is not allowed.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { mintToken } from '../../server/security/tokens.js';
import { expectedReport } from './expected-sql.js';
import { DEMO_CLINIC } from './fixtures.js';
import { eventsOf, portalPage } from './portal-page.js';
import { closePage, describePage, ownerToken, plain, useSharedBrowser } from './report-page.js';

const browser = useSharedBrowser();
const RANGE = { from: '2026-07-01', to: '2026-09-30' };
const PREVIOUS = { from: '2026-04-01', to: '2026-06-30' };

/** The text of a selector inside a `<scu-figure>`'s shadow root, once it no longer starts with "…" (or says
 * what the widget showed instead). */
async function figureText(page: Page, selector: string, index = 0): Promise<string> {
  const widget = page.locator('scu-figure').nth(index);
  const locator = widget.locator(selector);
  try {
    await expect
      .poll(async () => ((await locator.count()) ? (await locator.textContent())?.trim() : ''), { timeout: 20_000 })
      .not.toMatch(/^(…|$)/);
  } catch (e) {
    const shown = await widget.evaluate((el) => el.shadowRoot?.innerHTML ?? 'no shadow root').catch(() => 'no widget');
    throw new Error(`${selector} of widget ${index} never showed; it shows: ${shown}\n${await describePage(page, 'embed-figure')}`, {
      cause: e,
    });
  }
  return (await locator.textContent())!.trim();
}

describe('<scu-figure> in a portal of another origin', () => {
  it('shows the figure and its compared period equal to plain SQL, and says ready, loaded and its height', async () => {
    const token = ownerToken();
    const filters = JSON.stringify({ ...RANGE, compare: 'previous' });
    const page = await portalPage(
      browser(),
      `<scu-figure measure="units_billed" token="${token}" filters='${filters}'></scu-figure>
       <script>document.querySelector('scu-figure').setAttribute('api-url', window.API)</script>`,
    );
    const db = inject('browserDatabase');
    const [now, before] = await Promise.all([
      expectedReport(db, DEMO_CLINIC, RANGE, null),
      expectedReport(db, DEMO_CLINIC, PREVIOUS, null),
    ]);
    expect(plain(await figureText(page, '.value'))).toBe(now.get('Total')!.units);
    expect(await figureText(page, '.label')).toBe('Units Billed');
    expect(await figureText(page, '.period')).toBe('Jul 1 – Sep 30, 2026');
    expect(plain((await figureText(page, '.previous')).split(' in ')[0]!)).toBe(before.get('Total')!.units);
    await expect
      .poll(async () => (await eventsOf(page)).map((e) => e.name))
      .toEqual(expect.arrayContaining(['scu-ready', 'scu-loaded', 'scu-resize']));
    const events = await eventsOf(page);
    const loaded = events.find((e) => e.name === 'scu-loaded')!.detail as { ms: number };
    expect(loaded.ms).toBeGreaterThan(0);
    const resize = events.filter((e) => e.name === 'scu-resize').at(-1)!.detail as { height: number };
    const height = await page
      .locator('scu-figure')
      .evaluate((el) => el.shadowRoot!.querySelector('section')!.getBoundingClientRect().height);
    expect(Math.abs(resize.height - height)).toBeLessThanOrEqual(1);
    expect(JSON.stringify(events)).not.toContain(token);
    await closePage(page);
  });

  it('mounts through ServiceCodeUsage.mount with getToken, follows update() and goes on unmount()', async () => {
    const page = await portalPage(browser(), '<div id="slot"></div>');
    const token = ownerToken();
    await page.waitForFunction(() => 'ServiceCodeUsage' in window);
    await page.evaluate(
      ([range, t]) => {
        const w = window as unknown as { handle: unknown; ServiceCodeUsage: { mount: (e: Element, o: unknown) => unknown }; API: string };
        w.handle = w.ServiceCodeUsage.mount(document.getElementById('slot')!, {
          widget: 'figure',
          measure: 'total_billed',
          apiUrl: w.API,
          getToken: async () => t,
          filters: range,
        });
      },
      [RANGE, token] as const,
    );
    const db = inject('browserDatabase');
    const all = await expectedReport(db, DEMO_CLINIC, RANGE, null);
    expect(plain(await figureText(page, '.value'))).toBe(all.get('Total')!.billed);
    await page.evaluate(() =>
      (window as unknown as { handle: { update: (o: unknown) => void } }).handle.update({
        filters: { from: '2026-07-01', to: '2026-09-30', billing: 'non-billable' },
      }),
    );
    const nonBillable = await expectedReport(db, DEMO_CLINIC, { ...RANGE, billing: 'non-billable' }, null);
    expect(nonBillable.get('Total')!.billed).not.toBe(all.get('Total')!.billed);
    await expect.poll(async () => plain(await figureText(page, '.value'))).toBe(nonBillable.get('Total')!.billed);
    await page.evaluate(() => (window as unknown as { handle: { unmount: () => void } }).handle.unmount());
    expect(await page.locator('scu-figure').count()).toBe(0);
    await closePage(page);
  });

  it('says what is wrong with a bad measure or filters, in the widget and as an scu-error event', async () => {
    const page = await portalPage(
      browser(),
      `<scu-figure measure="units" token="x"></scu-figure>
       <scu-figure measure="units_billed" token="x" filters='{"from":"2026-07-01"'></scu-figure>
       <scu-figure measure="units_billed" token="x" filters='{"from":"2026-07-01","to":"2026-09-30","payor":"5"}'></scu-figure>
       <script>document.querySelectorAll('scu-figure').forEach((e) => e.setAttribute('api-url', window.API))</script>`,
    );
    expect(await figureText(page, '[role=alert]', 0)).toMatch(
      /measure "units" is not a figure of the report: one of units_billed, visits_used/,
    );
    expect(await figureText(page, '[role=alert]', 1)).toMatch(/filters is not valid JSON/);
    expect(await figureText(page, '[role=alert]', 2)).toMatch(/unknown key "payor"/);
    const errors = (await eventsOf(page)).filter((e) => e.name === 'scu-error').map((e) => e.detail as { kind: string });
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(errors.every((e) => e.kind === 'config')).toBe(true);
    await closePage(page);
  });

  it('refuses a token that is not valid for the API with a clear message, not a blank box', async () => {
    const forged = mintToken('not-the-server-secret-0123456789abcdefghij', { clinic_id: DEMO_CLINIC, role: 'owner' }, 600);
    const page = await portalPage(
      browser(),
      `<scu-figure measure="units_billed" token="${forged}"></scu-figure>
       <script>document.querySelector('scu-figure').setAttribute('api-url', window.API)</script>`,
    );
    expect(await figureText(page, '[role=alert]')).toBe('This access link is not valid for this report.');
    const error = (await eventsOf(page)).find((e) => e.name === 'scu-error')!.detail;
    expect(error).toEqual({ kind: 'forbidden', message: 'This access link is not valid for this report.' });
    await closePage(page);
  });

  it('keeps the portal’s CSS out of the widget and the widget’s out of the portal', async () => {
    const page = await portalPage(
      browser(),
      `<style>p, section, .value { color: rgb(255, 0, 0) !important; font-size: 40px !important; }</style>
       <p class="value" id="own">portal text</p>
       <scu-figure measure="units_billed" token="${ownerToken()}" filters='${JSON.stringify(RANGE)}' theme="dark"></scu-figure>
       <script>document.querySelector('scu-figure').setAttribute('api-url', window.API)</script>`,
    );
    await figureText(page, '.value');
    const inside = await page
      .locator('scu-figure')
      .evaluate(
        (el) =>
          getComputedStyle(el.shadowRoot!.querySelector('.value')!).color +
          ' ' +
          getComputedStyle(el.shadowRoot!.querySelector('.value')!).fontSize,
      );
    expect(inside).not.toContain('rgb(255, 0, 0)');
    expect(inside).not.toContain('40px');
    // The dark theme's panel, from the widget's own stylesheet.
    const panel = await page
      .locator('scu-figure')
      .evaluate((el) => getComputedStyle(el.shadowRoot!.querySelector('section')!).backgroundColor);
    expect(panel).toBe('rgb(28, 36, 48)');
    // And the widget's `.value` rule does not reach the portal's own `.value`.
    expect(await page.locator('#own').evaluate((el) => getComputedStyle(el).fontWeight)).toBe('400');
    await closePage(page);
  });

  it('is not readable by a page of an origin the server does not allow', async () => {
    const page = await portalPage(browser(), '<scu-figure measure="units_billed"></scu-figure>', inject('strangerOrigin'));
    await page.waitForTimeout(1000);
    expect(await page.evaluate(() => customElements.get('scu-figure') === undefined && !('ServiceCodeUsage' in window))).toBe(true);
    await page.close();
  });
});
