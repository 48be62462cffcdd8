/** The built dashboard is served with the right caching, and its text assets gzipped on request. */
import express from 'express';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveDashboard } from '../../server/dashboard-static.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scu-static-'));
const script = `console.log(${JSON.stringify('x'.repeat(5000))});`;
let server: http.Server;
let base = '';

function get(
  pathname: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${base}${pathname}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

beforeAll(async () => {
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><script src="/assets/app-abc123.js"></script>');
  fs.writeFileSync(path.join(dir, 'assets', 'app-abc123.js'), script);
  fs.writeFileSync(path.join(dir, 'assets', 'logo-1.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  const app = express();
  serveDashboard(app, dir);
  server = app.listen(0);
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('serveDashboard', () => {
  it('serves index.html at / without caching', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body.toString()).toContain('/assets/app-abc123.js');
  });

  it('sends a script gzipped to a browser that accepts gzip, cached as immutable', async () => {
    const res = await get('/assets/app-abc123.js', { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toMatch(/immutable/);
    expect(res.headers.vary).toMatch(/Accept-Encoding/);
    expect(zlib.gunzipSync(res.body).toString()).toBe(script);
    expect(res.body.length).toBeLessThan(script.length / 10);
  });

  it('sends the plain file to a client that does not accept gzip', async () => {
    const res = await get('/assets/app-abc123.js', { 'Accept-Encoding': 'identity' });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.toString()).toBe(script);
  });

  it('does not gzip binary assets, and answers 404 for missing ones', async () => {
    const png = await get('/assets/logo-1.png', { 'Accept-Encoding': 'gzip' });
    expect(png.status).toBe(200);
    expect(png.headers['content-encoding']).toBeUndefined();
    expect((await get('/assets/missing-1.js', { 'Accept-Encoding': 'gzip' })).status).toBe(404);
    expect((await get('/assets/..%2Findex.html', { 'Accept-Encoding': 'gzip' })).status).toBe(404);
  });

  it('says the dashboard is not built when index.html is missing', async () => {
    fs.renameSync(path.join(dir, 'index.html'), path.join(dir, 'index.off'));
    try {
      const res = await get('/');
      expect(res.status).toBe(503);
      expect(res.body.toString()).toMatch(/npm run build/);
    } finally {
      fs.renameSync(path.join(dir, 'index.off'), path.join(dir, 'index.html'));
    }
  });
});
