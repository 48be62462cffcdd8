/**
 * The iframe mode (docs/embedding.md): a portal page of another origin frames `/embed/figure` and
 * `/embed/report`; the widget's figures equal plain SQL; its events reach the portal as messages
 * (`service-code-usage:<event>`, its height as `resize`); the portal's actions (token, set-filters,
 * refresh) are followed; a message from another window of another origin is ignored; and a page of an
 * origin the server does not allow cannot frame it.
 */
import type { Frame, Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { expectedReport } from './expected-sql.js';
import { DEMO_CLINIC } from './fixtures.js';
import { portalPage } from './portal-page.js';
import { portalPageUrl } from './portal-server.js';
import { closePage, ownerToken, plain, readTable, screenFigures, useSharedBrowser } from './report-page.js';

const browser = useSharedBrowser();
const RANGE = { from: '2026-07-01', to: '2026-09-30' };
const api = () => new URL(inject('dashboardUrl')).origin;

/** A portal page with one frame of `path` (on the API's origin), recording the messages from it. */
async function framing(path: string, extra = '', origin = inject('portalOrigin')): Promise<Page> {
  return portalPage(
    browser(),
    `<iframe id="f" title="Service Code Usage" style="width: 900px; height: 300px; border: 0"></iframe>${extra}
     <script>
       window.messages = [];
       window.addEventListener('message', (e) => { if (e.origin === ${JSON.stringify(api())}) window.messages.push(e.data); });
       document.getElementById('f').src = ${JSON.stringify(`${api()}${path}`)};
     </script>`,
    origin,
  );
}

const messagesOf = (page: Page) => page.evaluate(() => (window as unknown as { messages: Record<string, unknown>[] }).messages);
const frameOf = async (page: Page): Promise<Frame> => {
  await expect.poll(() => page.frames().some((f) => f.url().includes('/embed/'))).toBe(true);
  return page.frames().find((f) => f.url().includes('/embed/'))!;
};
const post = (page: Page, message: Record<string, unknown>) =>
  page.evaluate(([m, target]) => (document.getElementById('f') as HTMLIFrameElement).contentWindow!.postMessage(m, target), [
    message,
    api(),
  ] as const);

async function figureValue(frame: Frame): Promise<string> {
  const value = frame.locator('scu-figure .value');
  await expect
    .poll(async () => ((await value.count()) ? ((await value.textContent()) ?? '').trim() : '…'), { timeout: 20_000 })
    .not.toMatch(/^…/);
  return plain((await value.textContent())!);
}

describe('the iframe mode', () => {
  it('shows a figure equal to plain SQL, tells the portal ready, loaded and its height, and follows set-filters', async () => {
    const page = await framing(`/embed/figure?measure=units_billed&from=${RANGE.from}&to=${RANGE.to}#token=${ownerToken()}`);
    const frame = await frameOf(page);
    const db = inject('browserDatabase');
    expect(await figureValue(frame)).toBe((await expectedReport(db, DEMO_CLINIC, RANGE, null)).get('Total')!.units);
    // The token left the frame's address bar.
    expect(frame.url()).not.toContain('token=');
    await expect
      .poll(async () => (await messagesOf(page)).map((m) => m.type))
      .toEqual(expect.arrayContaining(['service-code-usage:ready', 'service-code-usage:loaded', 'service-code-usage:resize']));
    const messages = await messagesOf(page);
    expect(messages.find((m) => m.type === 'service-code-usage:loaded')!.ms).toBeGreaterThan(0);
    expect(messages.filter((m) => m.type === 'service-code-usage:resize').at(-1)!.height).toBeGreaterThan(50);
    await post(page, { type: 'service-code-usage:set-filters', filters: { ...RANGE, billing: 'non-billable' } });
    const nonBillable = (await expectedReport(db, DEMO_CLINIC, { ...RANGE, billing: 'non-billable' }, null)).get('Total')!.units;
    await expect.poll(() => figureValue(frame)).toBe(nonBillable);
    await closePage(page);
  });

  it('asks the portal for a token when it has none, and shows the report equal to plain SQL with the one sent', async () => {
    const page = await framing(`/embed/report?from=${RANGE.from}&to=${RANGE.to}&group=payor`);
    await expect
      .poll(async () => (await messagesOf(page)).find((m) => m.type === 'service-code-usage:token-request'))
      .toEqual({
        type: 'service-code-usage:token-request',
        reason: 'missing',
      });
    await post(page, { type: 'service-code-usage:token', token: ownerToken() });
    const frame = await frameOf(page);
    const expected = await expectedReport(inject('browserDatabase'), DEMO_CLINIC, RANGE, 'payor');
    const total = await expectedReport(inject('browserDatabase'), DEMO_CLINIC, RANGE, null);
    await expect
      .poll(async () => Object.fromEntries(screenFigures(await readTable(frame, 'scu-report'))), { timeout: 30_000 })
      .toEqual(Object.fromEntries([...expected, ...total]));
    await closePage(page);
  });

  it('ignores a message from another window of an origin the server does not allow', async () => {
    // A second frame, of the stranger origin, inside the portal page, tries to re-filter the widget.
    const strangerFrame = `<iframe id="s" style="display:none"></iframe>`;
    const page = await framing(`/embed/figure?measure=units_billed&from=${RANGE.from}&to=${RANGE.to}#token=${ownerToken()}`, strangerFrame);
    const frame = await frameOf(page);
    const before = await figureValue(frame);
    const stranger = portalPageUrl(
      inject('strangerOrigin'),
      `<script>parent.frames[0].postMessage({ type: 'service-code-usage:set-filters', filters: { from: '2026-07-01', to: '2026-07-01' } }, '*');
        parent.frames[0].postMessage({ type: 'service-code-usage:token', token: 'a.b.c' }, '*');</script>`,
    );
    await page.evaluate((src) => ((document.getElementById('s') as HTMLIFrameElement).src = src), stranger);
    await page.waitForTimeout(1500);
    expect(await figureValue(frame)).toBe(before);
    await closePage(page);
  });

  it('cannot be framed by a page of an origin the server does not allow', async () => {
    const page = await framing(`/embed/figure?measure=units_billed#token=${ownerToken()}`, '', inject('strangerOrigin'));
    await page.waitForTimeout(1500);
    const frames = page.frames().filter((f) => f !== page.mainFrame());
    expect(frames.length).toBe(1);
    expect(await frames[0]!.locator('scu-figure').count()).toBe(0);
    expect(await messagesOf(page)).toEqual([]);
    await page.close();
  });
});
