/** A portal page that embeds the widgets (docs/embedding.md), on the test portal's origin (portal-server.ts). */
import type { Browser, Page } from 'playwright-core';
import { inject } from 'vitest';
import { portalPageUrl } from './portal-server.js';
import { WIDGET_EVENT_NAMES } from '../../dashboard/src/embed/widget-events.js';
import { newPage } from './report-page.js';

/** A portal page (portal-server.ts) with `body`, loading the embedding script and recording the widgets' events. */
export async function portalPage(browser: Browser, body: string, origin = inject('portalOrigin')): Promise<Page> {
  const page = await newPage(browser);
  const api = inject('dashboardUrl');
  const html = `<!doctype html><html><head><meta charset="utf-8">
    <script>
      window.events = [];
      for (const name of ${JSON.stringify(WIDGET_EVENT_NAMES)})
        document.addEventListener(name, (e) => window.events.push({ name, detail: e.detail, target: e.target.tagName }));
      window.API = ${JSON.stringify(`${api}/cubejs-api/v1`)};
    </script>
    <script type="module" src="${api}/embed/widgets.js"></script>
    </head><body>${body}</body></html>`;
  await page.goto(portalPageUrl(origin, html));
  return page;
}

/** The widgets' events the page recorded, in order: `{ name, detail, target }`. */
export function eventsOf(page: Page): Promise<{ name: string; detail: unknown; target: string }[]> {
  return page.evaluate(() => (window as unknown as { events: { name: string; detail: unknown; target: string }[] }).events);
}
