/** Driving the explorer (/explore) in Chromium: open it with a query and a token, pick members, read
 * the result once it is the answer to the query in the address, and watch the API requests it sends. */
import type { Locator, Page } from 'playwright-core';
import { inject } from 'vitest';
import { mintToken } from '../../server/security/tokens.js';
import { DEMO_CLINIC } from './fixtures.js';
import { ownerToken, type ScreenTable } from './report-page.js';

export type CubeQuery = Record<string, unknown>;

export function providerToken(providerId: number, clinic = DEMO_CLINIC, ttlSeconds = 3600): string {
  return mintToken(inject('apiSecret'), { clinic_id: clinic, role: 'provider', provider_id: providerId }, ttlSeconds);
}

/** Opens the explorer with `query` (a Cube query, or a ready `?query=` search string) and a token in the fragment. */
export async function openExplore(page: Page, query: CubeQuery | string | null = null, token: string = ownerToken()): Promise<void> {
  const search = query === null ? '' : typeof query === 'string' ? query : `?query=${encodeURIComponent(JSON.stringify(query))}`;
  await page.goto(`${inject('dashboardUrl')}/explore${search}#token=${token}`);
  await page.locator('nav[aria-label="Members"]').waitFor({ timeout: 30_000 });
}

/** The Cube query in the page's address (`?query=`), parsed; null when there is none. */
export function addressQuery(page: Page): CubeQuery | null {
  const text = new URL(page.url()).searchParams.get('query');
  return text ? (JSON.parse(text) as CubeQuery) : null;
}

/** The checkbox of a member in the members panel. */
export function memberBox(page: Page, member: string): Locator {
  return page.locator(`nav[aria-label="Members"] input[data-member="${member}"]`);
}

/** Checks members one by one, each waiting until the address names it (every click is its own query). */
export async function pickMembers(page: Page, members: string[]): Promise<void> {
  for (const member of members) {
    await memberBox(page, member).check();
    await page.waitForFunction((m) => decodeURIComponent(location.search).includes(`"${m}"`), member);
  }
}

/** The Cube queries the page sent to /cubejs-api/v1/load (GET `?query=` or POST body), in order. */
export interface LoadRequests {
  all: CubeQuery[];
  /** The explorer's own queries: those with measures (a filter's list of values asks for one dimension only). */
  figures(): CubeQuery[];
}

export function recordLoads(page: Page): LoadRequests {
  const all: CubeQuery[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (!url.pathname.endsWith('/cubejs-api/v1/load')) return;
    const text = request.method() === 'GET' ? url.searchParams.get('query') : request.postData();
    if (!text) return;
    const body = JSON.parse(text) as CubeQuery;
    all.push((request.method() === 'GET' ? body : (body.query as CubeQuery | undefined)) ?? body);
  });
  return { all, figures: () => all.filter((q) => Array.isArray(q.measures) && q.measures.length > 0) };
}

export interface ExploreTable extends ScreenTable {
  /** Set when the result has no rows: what the page says instead of a table. */
  empty?: string;
}

/**
 * The result as shown once it answers the query in the address (or `ran`, when the page was told to
 * run something else): nothing loading, and the run's own "Query as JSON" equal to that query (so an
 * older answer kept on screen is never read). A result of no rows reads as no rows with `empty` set to
 * what the page says.
 */
export async function readExploreTable(page: Page, ran: CubeQuery | null = null, timeout = 30_000): Promise<ExploreTable> {
  const handle = await page.waitForFunction(
    (ranQuery) => {
      const section = document.querySelector('section[aria-label="Result"]');
      if (!section || section.getAttribute('aria-busy') === 'true') return null;
      const wanted = ranQuery ?? new URLSearchParams(location.search).get('query');
      const ran = section.querySelector('[data-testid="explore-json"]')?.textContent;
      // Compared whatever the order of their keys.
      const sorted = (v: unknown): unknown =>
        Array.isArray(v)
          ? v.map(sorted)
          : v && typeof v === 'object'
            ? Object.fromEntries(
                Object.entries(v)
                  .sort(([a], [b]) => (a < b ? -1 : 1))
                  .map(([k, x]) => [k, sorted(x)]),
              )
            : v;
      const same = (a: string, b: string) => JSON.stringify(sorted(JSON.parse(a))) === JSON.stringify(sorted(JSON.parse(b)));
      if (!wanted || !ran || !same(ran, wanted)) return null;
      const texts = (cells: NodeListOf<Element>) => [...cells].map((c) => (c.textContent ?? '').trim());
      const table = section.querySelector('table.explore-table');
      if (!table) {
        const none = [...section.querySelectorAll('[role="status"]')].find((s) => /No rows/.test(s.textContent ?? ''));
        return none ? { headers: [], rows: [], totals: [], empty: (none.textContent ?? '').trim() } : null;
      }
      return {
        headers: texts(table.querySelectorAll('thead th')),
        rows: [...table.querySelectorAll('tbody tr')].map((tr) => texts(tr.querySelectorAll('th, td'))),
        totals: texts(table.querySelectorAll('tfoot th, tfoot td')),
      };
    },
    ran && JSON.stringify(ran),
    { timeout },
  );
  const table = (await handle.jsonValue()) as ExploreTable;
  await handle.dispose();
  return table;
}

/** One of the result's shapes: 'Table', 'Pivot' or 'Chart'. */
export async function showAs(page: Page, shape: 'Table' | 'Pivot' | 'Chart'): Promise<void> {
  await page.locator('section[aria-label="Result"]').getByRole('radio', { name: shape, exact: true }).check();
}

/** A filter row of the query form (0-based, as `data-filter`). */
export function filterRow(page: Page, index: number): Locator {
  return page.locator(`form[aria-label="Query"] [data-filter="${index}"]`);
}

/** Adds a filter and sets its member and operator (by their values: member names, Cube operators). */
export async function addFilter(page: Page, member: string, operator: string): Promise<Locator> {
  const index = await page.locator('form[aria-label="Query"] [data-filter]').count();
  await page.locator('form[aria-label="Query"]').getByRole('button', { name: 'Add filter' }).click();
  const n = index + 1;
  await page.getByRole('combobox', { name: `Filter ${n}: member`, exact: true }).selectOption(member);
  await page.getByRole('combobox', { name: `Filter ${n}: operator`, exact: true }).selectOption(operator);
  return filterRow(page, index);
}
