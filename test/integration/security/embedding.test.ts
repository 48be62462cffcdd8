/**
 * Embedding headers (issue 4, item 5): CORS only for the configured portal origins, `frame-ancestors`
 * so only those portals can frame the dashboard, tenant answers never cached by shared caches, and no
 * secret in anything the server sends to a browser. The shared servers run with no portal origins
 * configured (the default); the middleware with origins configured is exercised on an express app of
 * its own, since it needs nothing of Cube.
 */
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { serveEmbedFrames, serveEmbedScript } from '../../../server/dashboard-static.js';
import { applyHttpSecurity } from '../../../server/security/http-security.js';
import { V, nowSeconds, ownerToken, rawToken, request } from './client.js';
import { TARGETS } from './oracle.js';

const PORTAL = 'https://portal.example.test';
const OTHER_PORTAL = 'https://billing.example.test:8443';

describe('with portal origins configured (SCU_ALLOWED_ORIGINS)', () => {
  let server: http.Server;
  let base: string;
  let embedDir: string;
  const SCRIPT = `export const widgets = ${JSON.stringify('x'.repeat(4000))};`;
  const missing = express();

  beforeAll(async () => {
    const app = express();
    applyHttpSecurity(app, { allowedOrigins: [PORTAL, OTHER_PORTAL], maxBodyBytes: 1024 });
    embedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scu-embed-'));
    fs.writeFileSync(path.join(embedDir, 'widgets.js'), SCRIPT);
    fs.writeFileSync(path.join(embedDir, 'widgets-chunk-Ab1_c-2.js'), 'export const chunk = 1;');
    fs.writeFileSync(path.join(embedDir, 'notes.txt'), 'not a module');
    fs.writeFileSync(path.join(embedDir, 'frame.js'), 'import "./widgets.js";');
    serveEmbedScript(app, embedDir, [PORTAL, OTHER_PORTAL]);
    serveEmbedFrames(app, embedDir, [PORTAL, OTHER_PORTAL]);
    serveEmbedScript(missing, path.join(embedDir, 'not-built'), [PORTAL]);
    app.post('/cubejs-api/v1/load', (req, res) => res.json({ echo: req.body }));
    app.get('/', (_req, res) => res.type('html').send('<!doctype html><title>report</title>'));
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(embedDir, { recursive: true, force: true });
  });

  it('serves the embedding script readable by those portals only, gzipped, revalidated by its ETag', async () => {
    const url = `${base}/embed/widgets.js`;
    for (const origin of [PORTAL, OTHER_PORTAL]) {
      const script = await fetch(url, { headers: { origin, 'accept-encoding': 'gzip' } });
      expect(script.status).toBe(200);
      expect(script.headers.get('access-control-allow-origin')).toBe(origin);
      expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect(script.headers.get('cache-control')).toBe('no-cache');
      expect(script.headers.get('vary')).toMatch(/Origin/);
      expect(await script.text()).toBe(SCRIPT);
    }
    const raw = await new Promise<{ encoding: string | undefined; body: Buffer; etag: string }>((resolve, reject) => {
      http
        .get(url, { headers: { origin: PORTAL, 'accept-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks), etag: String(res.headers.etag) }),
          );
        })
        .on('error', reject);
    });
    expect(raw.encoding).toBe('gzip');
    expect(zlib.gunzipSync(raw.body).toString()).toBe(SCRIPT);
    expect((await fetch(url, { headers: { 'if-none-match': raw.etag } })).status).toBe(304);
    // Any other page may fetch it, but a browser will not run it for that page: no CORS grant.
    for (const origin of ['https://evil.example.test', `${PORTAL}.evil.test`, 'null']) {
      const other = await fetch(url, { headers: { origin } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('serves the iframe mode’s pages, frameable by those portals only and naming them for the frame script', async () => {
    for (const page of ['report', 'chart', 'figure']) {
      const res = await fetch(`${base}/embed/${page}?from=2026-07-01&to=2026-09-30`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe(`frame-ancestors 'self' ${PORTAL} ${OTHER_PORTAL}`);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const html = await res.text();
      expect(html).toContain(`<meta name="scu-allowed-origins" content="${PORTAL} ${OTHER_PORTAL}">`);
      expect(html).toContain('<script type="module" src="/embed/frame.js"></script>');
    }
  });

  it('serves the chunks the script imports the same way, and nothing else of its folder', async () => {
    const chunk = await fetch(`${base}/embed/widgets-chunk-Ab1_c-2.js`, { headers: { origin: PORTAL } });
    expect(chunk.status).toBe(200);
    expect(chunk.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(await chunk.text()).toBe('export const chunk = 1;');
    for (const name of ['notes.txt', '..%2Fpackage.json', '.hidden.js', 'missing-chunk.js', '%2E%2E%2Fserver%2Fconfig.js']) {
      expect((await fetch(`${base}/embed/${name}`, { headers: { origin: PORTAL } })).status, name).toBe(404);
    }
  });

  it('says the embedding script is not built rather than answering 404 or an empty script', async () => {
    const probe = http.createServer(missing);
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const res = await fetch(`http://127.0.0.1:${(probe.address() as AddressInfo).port}/embed/widgets.js`);
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/not built: run `npm run build`/);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });

  it('lets only those portals frame the pages', async () => {
    const page = await fetch(`${base}/`);
    expect(page.headers.get('content-security-policy')).toBe(`frame-ancestors 'self' ${PORTAL} ${OTHER_PORTAL}`);
    // X-Frame-Options cannot list origins; with portals configured it would only block them.
    expect(page.headers.get('x-frame-options')).toBeNull();
  });

  it("answers a portal's preflight and echoes its origin, never a wildcard, never credentials", async () => {
    for (const origin of [PORTAL, OTHER_PORTAL]) {
      const preflight = await fetch(`${base}/cubejs-api/v1/load`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
      expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
      expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
      expect(preflight.headers.get('vary')).toMatch(/Origin/);
      const actual = await fetch(`${base}/cubejs-api/v1/load`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: '{"query":{}}',
      });
      expect(actual.headers.get('access-control-allow-origin')).toBe(origin);
      expect(actual.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('refuses any other origin, including look-alikes of a portal', async () => {
    for (const origin of ['https://evil.example', 'http://portal.example.test', 'https://portal.example.test.evil.example', 'null']) {
      const preflight = await fetch(`${base}/cubejs-api/v1/load`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(403);
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      expect(await preflight.text()).toMatch(/SCU_ALLOWED_ORIGINS/);
      const actual = await fetch(`${base}/cubejs-api/v1/load`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(actual.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('answers a bad or oversized body with 400 / 413 and a message', async () => {
    const bad = await fetch(`${base}/cubejs-api/v1/load`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/not valid JSON/);
    const big = await fetch(`${base}/cubejs-api/v1/load`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ x: 'y'.repeat(5000) }),
    });
    expect(big.status).toBe(413);
  });
});

describe.each(TARGETS)('the real server, default configuration ($name)', ({ url }) => {
  const secret = () => inject('apiSecret');

  it('lets nothing but itself frame it, and no other origin call it', async () => {
    const page = await fetch(`${url()}/`);
    expect(page.headers.get('content-security-policy')).toBe("frame-ancestors 'self'");
    expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    const preflight = await fetch(`${url()}/cubejs-api/v1/load`, {
      method: 'OPTIONS',
      headers: { origin: PORTAL, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("marks every API answer no-store, so no shared cache can hand one tenant's answer to another", async () => {
    const reply = await request(url(), '/cubejs-api/v1/load', {
      token: ownerToken(secret(), 1),
      body: JSON.stringify({ query: { measures: [`${V}.units_billed`] } }),
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect((await request(url(), '/cubejs-api/v1/meta', { token: ownerToken(secret(), 1) })).headers.get('cache-control')).toBe('no-store');
  });

  it('sends no secret to a browser: pages, scripts, info, meta, errors', async () => {
    const apiSecret = secret();
    const texts: string[] = [];
    const page = await fetch(`${url()}/`);
    const html = await page.text();
    texts.push(html, JSON.stringify([...page.headers]));
    // Every script and stylesheet the page loads.
    for (const [, asset] of html.matchAll(/(?:src|href)="(\/[^"]+)"/g)) {
      const response = await fetch(`${url()}${asset}`);
      texts.push(await response.text());
    }
    const token = ownerToken(apiSecret, 1);
    for (const path of ['/cubejs-api/v1/info', '/readyz', '/livez', '/cubejs-api/v1/meta']) {
      texts.push(JSON.stringify((await request(url(), path, { token })).body));
    }
    texts.push(JSON.stringify((await request(url(), '/cubejs-api/v1/load', { token, body: '{"query":{"measures":["nope.nope"]}}' })).body));
    const expired = rawToken(apiSecret, { clinic_id: 1, role: 'owner', exp: nowSeconds() - 1 });
    const refusal = await request(url(), '/cubejs-api/v1/meta', { token: expired });
    expect(refusal.status).toBe(403);
    texts.push(JSON.stringify(refusal.body));
    const all = texts.join('\n');
    expect(all).not.toContain(apiSecret);
    // Nor a token sent back in an error.
    expect(all).not.toContain(expired);
    expect(all).not.toContain(token.split('.')[2]!);
  });
});
