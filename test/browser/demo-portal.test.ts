/**
 * The demo host portal (scripts/demo-portal/): on an origin of its own, it signs its signed-in user's
 * token on its server and embeds the widgets as custom elements, through the JS API, in iframes and in React;
 * what each page shows equals plain SQL for that user. The shared test server allows only the test
 * portal's origin, so this file starts a second plugin server on the browser database that allows the
 * demo portal's (with pre-aggregations of its own, so the two never touch each other's tables).
 */
import http from 'node:http';
import type net from 'node:net';
import jwt from 'jsonwebtoken';
import mysql from 'mysql2/promise';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startPortal, TOKEN_TTL_SECONDS, type RunningPortal } from '../../scripts/demo-portal/server.js';
import type { RunningApp } from '../../server/app.js';
import { MYSQL, startTestServer } from '../support/test-server.js';
import { busiest, expectedReport, type SqlFilter } from './expected-sql.js';
import { DEMO_CLINIC } from './fixtures.js';
import { closePage, newPage, plain, useSharedBrowser } from './report-page.js';

const browser = useSharedBrowser();
const RANGE = { from: '2026-07-01', to: '2026-09-30' };
const db = () => inject('browserDatabase');
const preAggregations = () => `${db()}_demo_portal_pa`;

let app: RunningApp | undefined;
let portal: RunningPortal | undefined;

async function freePort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function dropPreAggregations(): Promise<void> {
  const conn = await mysql.createConnection(MYSQL);
  try {
    for (const schema of [preAggregations(), `${preAggregations()}_changes`]) await conn.query(`DROP DATABASE IF EXISTS \`${schema}\``);
  } finally {
    await conn.end();
  }
}

beforeAll(async () => {
  await dropPreAggregations();
  // The portal's origin is fixed first: the plugin must list it in SCU_ALLOWED_ORIGINS.
  const port = await freePort();
  app = await startTestServer(
    { type: 'mysql', database: db(), preAggregationsSchema: preAggregations() },
    { SCU_ALLOWED_ORIGINS: `http://localhost:${port}` },
  );
  portal = await startPortal({ api: app.url, secret: inject('apiSecret'), port });
});

afterAll(async () => {
  await portal?.close();
  await app?.close();
  await dropPreAggregations();
});

const signInQuery = (user: Record<string, string>) => new URLSearchParams({ ...user, ...RANGE }).toString();

/** A page of the portal, signed in through its picker (`/sign-in`) as `user` over RANGE. */
async function portalPageAs(user: Record<string, string>, path: string): Promise<Page> {
  const page = await newPage(browser());
  await page.goto(`${portal!.origin}/sign-in?${signInQuery(user)}&next=${encodeURIComponent(path)}`);
  expect(new URL(page.url()).pathname).toBe(path);
  return page;
}

/** A figure's value once loaded, as plain digits. */
async function figureValue(where: Page | Frame, selector: string): Promise<string> {
  const value = where.locator(`${selector} .value`).first();
  await expect
    .poll(async () => ((await value.count()) ? ((await value.textContent()) ?? '').trim() : '…'), { timeout: 30_000 })
    .not.toMatch(/^…?$/);
  return plain((await value.textContent())!);
}

const sql = async (filter: SqlFilter) => (await expectedReport(db(), DEMO_CLINIC, filter, null)).get('Total')!;
const owner = { clinic: String(DEMO_CLINIC), role: 'owner' };

describe('the demo portal', () => {
  it("signs the picked user's token on its server, for 10 minutes, and never shows the secret", async () => {
    const secret = inject('apiSecret');
    const signIn = await fetch(
      `${portal!.origin}/sign-in?${signInQuery({ clinic: '1', role: 'provider', provider: '7', payors: '3, none' })}`,
      {
        redirect: 'manual',
      },
    );
    expect(signIn.status).toBe(303);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const token = await (await fetch(`${portal!.origin}/token`, { headers: { cookie } })).text();
    const claims = jwt.verify(token, secret, { algorithms: ['HS256'] }) as Record<string, unknown>;
    expect(claims).toMatchObject({ clinic_id: 1, role: 'provider', provider_id: 7, payor_ids: [3, 'none'] });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(TOKEN_TTL_SECONDS);
    for (const path of ['/', '/elements', '/js-api', '/iframe', '/react', '/portal.js', '/react-app.js']) {
      const body = await (await fetch(`${portal!.origin}${path}`, { headers: { cookie } })).text();
      expect(body).not.toContain(secret);
      if (!path.endsWith('.js')) expect(body).toContain(new URL(app!.url).origin);
    }
    // A wrong pick is said, and the picker's `next` only leads to the portal's own pages.
    const bad = await fetch(`${portal!.origin}/sign-in?clinic=1&role=admin`, { redirect: 'manual' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('role must be one of owner, billing, provider');
    const away = await fetch(`${portal!.origin}/sign-in?clinic=1&role=owner&next=//example.com/`, { redirect: 'manual' });
    expect(away.headers.get('location')).toBe('/');
  });

  it('custom elements: the figures equal plain SQL for the signed-in user, and the event log shows their events', async () => {
    const page = await portalPageAs(owner, '/elements');
    expect(await figureValue(page, '#units')).toBe((await sql(RANGE)).units);
    await expect
      .poll(() => page.locator('#event-log li[data-event="scu-loaded"]').allTextContents())
      .toContainEqual(expect.stringContaining('units'));
    await closePage(page);

    // A provider with a payor scope: the token the portal signs narrows every widget to them.
    const [provider] = await busiest(db(), DEMO_CLINIC, RANGE, 'provider');
    const [payor] = await busiest(db(), DEMO_CLINIC, { ...RANGE, providers: [Number(provider!.id)] }, 'payor');
    const scoped = await portalPageAs({ ...owner, role: 'provider', provider: provider!.id, payors: payor!.id }, '/elements');
    const expected = await sql({ ...RANGE, providers: [Number(provider!.id)], payors: [payor!.id === 'none' ? null : Number(payor!.id)] });
    expect(await figureValue(scoped, '#units')).toBe(expected.units);
    await closePage(scoped);
  });

  it('JS API: the mounted figure equals plain SQL, and follows the portal’s update() button', async () => {
    const page = await portalPageAs(owner, '/js-api');
    expect(await figureValue(page, '#figure-slot scu-figure')).toBe((await sql(RANGE)).billed);
    await page.getByRole('button', { name: 'Non-billable only' }).click();
    const nonBillable = (await sql({ ...RANGE, billing: 'non-billable' })).billed;
    await expect.poll(() => figureValue(page, '#figure-slot scu-figure')).toBe(nonBillable);
    await closePage(page);
  });

  it('iframes: the figure frame gets its token by message, equals plain SQL, and is sized by its resize messages', async () => {
    const page = await portalPageAs(owner, '/iframe');
    await expect.poll(() => page.frames().some((f) => f.url().includes('/embed/figure'))).toBe(true);
    const frame = page.frames().find((f) => f.url().includes('/embed/figure'))!;
    expect(await figureValue(frame, 'scu-figure')).toBe((await sql(RANGE)).units);
    const log = page.locator('#event-log li');
    await expect.poll(() => log.allTextContents()).toContainEqual(expect.stringMatching(/figure-frame\s+service-code-usage:token-request/));
    // The frame's height is the last height it told.
    await expect
      .poll(async () => {
        const lines = await page.locator('#event-log li[data-event="service-code-usage:resize"]').allTextContents();
        const told = lines.find((l) => l.includes('figure-frame'));
        const height = await page.locator('#figure-frame').evaluate((f: HTMLElement) => f.style.height);
        return told ? `${JSON.parse(told.slice(told.indexOf('{'))).height}px` === height : false;
      })
      .toBe(true);
    expect(parseFloat(await page.locator('#figure-frame').evaluate((f: HTMLElement) => f.style.height))).toBeGreaterThan(50);
    await closePage(page);
  });

  it('React: the hook’s total and the figure component equal plain SQL, and its callbacks reach the log', async () => {
    const page = await portalPageAs(owner, '/react');
    const expected = await sql(RANGE);
    const total = page.locator('#usage tfoot td').first();
    await expect
      .poll(async () => ((await total.count()) ? plain((await total.textContent())!) : ''), { timeout: 30_000 })
      .toBe(expected.units);
    expect(await figureValue(page, '#react-units')).toBe(expected.units);
    await expect
      .poll(() => page.locator('#event-log li').allTextContents())
      .toContainEqual(expect.stringMatching(/:\d\d\s+onLoaded\s+\{"ms":\d+\}/));
    await closePage(page);
  });
});
