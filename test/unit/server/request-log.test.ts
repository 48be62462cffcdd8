/** The request log (server/request-log.ts) on a real express server: one JSON-able line per request. */
import express from 'express';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { requestIdOf, requestLog, type RequestLogLine } from '../../../server/request-log.js';

let server: http.Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function serve(): Promise<{ base: string; lines: RequestLogLine[]; seenIds: string[] }> {
  const lines: RequestLogLine[] = [];
  const seenIds: string[] = [];
  const app = express();
  app.use(requestLog('api', (line) => lines.push(line)));
  // What Cube's auth middleware does with a verified token.
  app.use((req, _res, next) => {
    seenIds.push(String(req.headers['x-request-id']));
    if (req.get('authorization') === 'Bearer good')
      Object.assign(req, { securityContext: { clinic_id: 7, role: 'billing', provider_id: 3 } });
    next();
  });
  app.get('/cubejs-api/v1/load', (req, res) => {
    if (req.query.wait) res.json({ error: 'Continue wait' });
    else res.json({ data: [] });
  });
  app.get('/boom', (_req, res) => {
    res.status(503).json({ error: 'down' });
  });
  server = http.createServer(app);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, lines, seenIds };
}

/** The log line is written on 'finish', which may come a tick after the client has the answer. */
const settle = () => new Promise((r) => setTimeout(r, 20));

describe('request log', () => {
  it('writes route, status, duration, role, clinic and token role — never the query string or the token', async () => {
    const { base, lines } = await serve();
    const query = encodeURIComponent(JSON.stringify({ filters: [{ member: 'x', values: ['Jane Doe'] }] }));
    const res = await fetch(`${base}/cubejs-api/v1/load?query=${query}`, { headers: { authorization: 'Bearer good' } });
    await settle();
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).toMatchObject({
      level: 'info',
      message: 'request',
      method: 'GET',
      route: '/cubejs-api/v1/load',
      status: 200,
      role: 'api',
      clinic: 7,
      tokenRole: 'billing',
    });
    expect(line.requestId).toBe(res.headers.get('x-request-id'));
    expect(line.ms).toBeGreaterThanOrEqual(0);
    const text = JSON.stringify(line);
    for (const secret of ['Jane', 'Bearer', 'good', 'filters', 'provider_id']) expect(text).not.toContain(secret);
  });

  it("keeps a caller's sane X-Request-Id, hands it to the next handler (Cube), and replaces an unsafe one", async () => {
    const { base, lines, seenIds } = await serve();
    const given = await fetch(`${base}/boom`, { headers: { 'x-request-id': 'lb-4f2a.9:1' } });
    expect(given.headers.get('x-request-id')).toBe('lb-4f2a.9:1');
    const unsafe = await fetch(`${base}/boom`, { headers: { 'x-request-id': 'x" {"admin":true} <b>' } });
    await settle();
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(seenIds).toEqual(['lb-4f2a.9:1', unsafe.headers.get('x-request-id')]);
    expect(lines.map((l) => [l.requestId, l.status, l.level])).toEqual([
      ['lb-4f2a.9:1', 503, 'error'],
      [unsafe.headers.get('x-request-id'), 503, 'error'],
    ]);
    expect(lines[0]).not.toHaveProperty('clinic');
  });

  it("marks Cube's Continue wait answers", async () => {
    const { base, lines } = await serve();
    await fetch(`${base}/cubejs-api/v1/load?wait=1`);
    await settle();
    expect(lines[0]).toMatchObject({ status: 200, continueWait: true });
  });

  it('makes a new id when none or a too long one is given', () => {
    expect(requestIdOf(undefined)).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdOf('a'.repeat(129))).not.toBe('a'.repeat(129));
    expect(requestIdOf('a'.repeat(128))).toBe('a'.repeat(128));
  });
});
