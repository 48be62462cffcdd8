/** /readyz and /livez (server/health.ts) on a real express server, with a database probe we control. */
import express from 'express';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Role } from '../../../server/config.js';
import { createHealth, type Health } from '../../../server/health.js';

let server: http.Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function serve(
  role: Role,
  probeDatabase: () => Promise<unknown>,
): Promise<{ health: Health; get(path: string): Promise<{ status: number; body: unknown }> }> {
  const health = createHealth({ role, probeDatabase });
  const app = express();
  health.install(app);
  server = http.createServer(app);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    health,
    get: async (path) => {
      const res = await fetch(`${base}${path}`);
      expect(res.headers.get('cache-control')).toBe('no-store');
      return { status: res.status, body: await res.json() };
    },
  };
}

describe('readiness and liveness', () => {
  it('an api instance is ready while its database answers, and not ready once shutting down', async () => {
    const { health, get } = await serve('api', async () => [{ 1: 1 }]);
    expect(await get('/readyz')).toEqual({ status: 200, body: { status: 'ready', role: 'api' } });
    health.beginShutdown();
    expect(await get('/readyz')).toEqual({ status: 503, body: { status: 'shutting-down', role: 'api' } });
    // Alive all the while: an orchestrator must not restart a draining or waiting process.
    expect(await get('/livez')).toEqual({ status: 200, body: { status: 'alive', role: 'api' } });
  });

  it('is not ready while the database fails or does not answer, and alive all the same', async () => {
    let mode: 'fail' | 'hang' | 'ok' = 'fail';
    const { get } = await serve('all', () =>
      mode === 'fail' ? Promise.reject(new Error('connect ECONNREFUSED')) : mode === 'hang' ? new Promise(() => {}) : Promise.resolve([]),
    );
    expect(await get('/readyz')).toEqual({
      status: 503,
      body: { status: 'database-unreachable', role: 'all', detail: 'connect ECONNREFUSED' },
    });
    expect((await get('/livez')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_100)); // past the probe's 1 s sharing
    mode = 'hang';
    const started = performance.now();
    const hung = await get('/readyz');
    expect(hung.status).toBe(503);
    expect(hung.body).toMatchObject({ status: 'database-unreachable', detail: 'no answer within 2000 ms' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_900);
    await new Promise((r) => setTimeout(r, 1_100));
    mode = 'ok';
    expect((await get('/readyz')).status).toBe(200);
  });

  it('a refresh worker is ready only after its first full pass', async () => {
    const { health, get } = await serve('refresh', async () => []);
    expect(await get('/readyz')).toEqual({
      status: 503,
      body: { status: 'building', role: 'refresh', detail: 'the first refresh pass has not finished' },
    });
    health.markBuilt();
    expect(await get('/readyz')).toEqual({ status: 200, body: { status: 'ready', role: 'refresh' } });
  });

  it('asks the database at most once a second however often it is polled', async () => {
    let probes = 0;
    const { get } = await serve('api', async () => {
      probes += 1;
      return [];
    });
    await Promise.all(Array.from({ length: 20 }, () => get('/readyz')));
    expect(probes).toBe(1);
  });
});
