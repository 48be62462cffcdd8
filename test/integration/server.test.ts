/**
 * The foundation end to end: the real server (real Cube in JS mode) on MariaDB and on DuckDB answers
 * health, info and meta, and its figures equal plain SQL over the same rows, over REST (default and
 * compact formats, compareDateRange through Cube's own client) and over the WebSocket transport.
 */
import cube, { type CubeApi } from '@cubejs-client/core';
import wsTransportModule from '@cubejs-client/ws-transport';
import { describe, expect, inject, it } from 'vitest';
import { mintToken } from '../../server/security/tokens.js';
import { money } from '../support/decimal.js';
import { referenceFigures, type ReferenceTarget } from '../support/reference-sql.js';

// The transport package is CommonJS with a default export; under NodeNext it arrives as the namespace.
const WebSocketTransport = ((wsTransportModule as unknown as { default?: unknown }).default ??
  wsTransportModule) as typeof import('@cubejs-client/ws-transport').default;

const V = 'service_code_usage';
const MEASURES = [`${V}.units_billed`, `${V}.visits_used`, `${V}.total_billed`, `${V}.insurance_paid`];
const ALL_TIME = ['2000-01-01', '2099-12-31'];

type Expected = { month: string; units: string; visits: number; billed: string; paid: string };

/** The four figures by month of service for one clinic, from the plain-SQL oracle (test/support/reference-sql.ts). */
async function expectedMonthly(target: ReferenceTarget, clinicId: number, from?: string, to?: string): Promise<Expected[]> {
  const figures = await referenceFigures(target, { clinicId, from, to, groupBy: ['month'] });
  return [...figures]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, f]) => ({
      month,
      units: money(f.units_billed),
      visits: Number(f.visits_used),
      billed: money(f.total_billed),
      paid: money(f.insurance_paid),
    }));
}

const targets = [
  {
    name: 'MariaDB',
    url: () => inject('mysqlUrl'),
    expected: (clinic: number, from?: string, to?: string) =>
      expectedMonthly({ dialect: 'mysql', location: inject('mysqlDatabase') }, clinic, from, to),
  },
  {
    name: 'DuckDB',
    url: () => inject('duckdbUrl'),
    expected: (clinic: number, from?: string, to?: string) =>
      expectedMonthly({ dialect: 'duckdb', location: inject('duckdbReferencePath') }, clinic, from, to),
  },
];

function token(clinic = 1) {
  return mintToken(inject('apiSecret'), { clinic_id: clinic, role: 'owner' }, 600);
}

async function api(url: string, path: string, init: RequestInit & { token?: string | null } = {}) {
  const headers = new Headers(init.headers);
  if (init.token !== null) headers.set('Authorization', init.token ?? token());
  if (init.body) headers.set('Content-Type', 'application/json');
  const res = await fetch(`${url}${path}`, { ...init, headers });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

function actualMonthly(data: Record<string, unknown>[]): Expected[] {
  return data.map((r) => ({
    month: String(r[`${V}.date_of_service.month`]).slice(0, 10),
    units: money(r[`${V}.units_billed`]),
    visits: Number(r[`${V}.visits_used`]),
    billed: money(r[`${V}.total_billed`]),
    paid: money(r[`${V}.insurance_paid`]),
  }));
}

const monthlyQuery = (dateRange = ALL_TIME) => ({
  measures: MEASURES,
  timeDimensions: [{ dimension: `${V}.date_of_service`, granularity: 'month', dateRange }],
  order: { [`${V}.date_of_service`]: 'asc' },
});

describe.each(targets)('server on $name', ({ url, expected }) => {
  it('answers /readyz and /livez', async () => {
    for (const probe of ['/readyz', '/livez']) {
      const res = await fetch(`${url()}${probe}`);
      expect(res.status, probe).toBe(200);
    }
  });

  it('says its mode, Cube version and database type at /cubejs-api/v1/info', async () => {
    const { status, body } = await api(url(), '/cubejs-api/v1/info', { token: null });
    expect(status).toBe(200);
    expect(body).toMatchObject({ cubeVersion: '1.7.43', mode: 'js', nativeModuleAvailable: false });
    expect(body.dbType).toBe(url() === inject('mysqlUrl') ? 'mysql' : 'duckdb');
  });

  it('lists the public view in /meta, and no cube', async () => {
    const { status, body } = await api(url(), '/cubejs-api/v1/meta');
    expect(status).toBe(200);
    const names = (body.cubes as { name: string; type: string }[]).map((c) => `${c.type}:${c.name}`);
    expect(names).toContain(`view:${V}`);
    expect(names.filter((n) => n.startsWith('cube:'))).toEqual([]);
    const view = (body.cubes as any[]).find((c) => c.name === V);
    expect(view.measures.map((m: { name: string }) => m.name)).toEqual(expect.arrayContaining(MEASURES));
  });

  it('refuses a request without a token with 403 and no data', async () => {
    const { status, body } = await api(url(), `/cubejs-api/v1/load?query=${encodeURIComponent(JSON.stringify(monthlyQuery()))}`, {
      token: null,
    });
    expect(status).toBe(403);
    expect(body).not.toHaveProperty('data');
  });

  it('loads the four figures by month equal to plain SQL (REST, default format)', async () => {
    const { status, body } = await api(url(), '/cubejs-api/v1/load', { method: 'POST', body: JSON.stringify({ query: monthlyQuery() }) });
    expect(status, JSON.stringify(body)).toBe(200);
    const want = await expected(1);
    expect(want.length).toBeGreaterThan(6);
    expect(actualMonthly(body.data)).toEqual(want);
    // Cube's documented time format, and the bare time dimension beside the granular one.
    const first = body.data[0];
    expect(first[`${V}.date_of_service.month`]).toMatch(/^\d{4}-\d{2}-01T00:00:00\.000$/);
    expect(first[`${V}.date_of_service`]).toBe(first[`${V}.date_of_service.month`]);
    expect(body.annotation.measures[`${V}.units_billed`].type).toBe('number');
  });

  it('returns the compact format as { members, dataset }', async () => {
    const query = { ...monthlyQuery(), responseFormat: 'compact' };
    const { status, body } = await api(url(), '/cubejs-api/v1/load', { method: 'POST', body: JSON.stringify({ query }) });
    expect(status).toBe(200);
    expect(body.data.members).toEqual([`${V}.date_of_service.month`, ...MEASURES, `${V}.date_of_service`]);
    const rows = (body.data.dataset as unknown[][]).map((r) =>
      Object.fromEntries(body.data.members.map((m: string, i: number) => [m, r[i]])),
    );
    expect(actualMonthly(rows)).toEqual(await expected(1));
  });

  it('returns `total` (rows before the limit) beside a limited page', async () => {
    const query = { ...monthlyQuery(), limit: 2, total: true };
    const { status, body } = await api(url(), '/cubejs-api/v1/load', { method: 'POST', body: JSON.stringify({ query }) });
    expect(status).toBe(200);
    const want = await expected(1);
    expect(body.data).toHaveLength(2);
    expect(body.total).toBe(want.length);
    expect(actualMonthly(body.data)).toEqual(want.slice(0, 2));
  });

  it('shows the generated SQL (/sql), scoped to the clinic, and the normalized query (/dry-run)', async () => {
    const q = encodeURIComponent(JSON.stringify(monthlyQuery()));
    const sql = await api(url(), `/cubejs-api/v1/sql?query=${q}`, { token: token(3) });
    expect(sql.status).toBe(200);
    const [text, params] = sql.body.sql.sql as [string, unknown[]];
    expect(text).toMatch(/clinic_id/);
    expect(params).toContain('3');
    // dry-run echoes the caller's own query, normalized (Cube adds the scope only when it runs).
    const dry = await api(url(), `/cubejs-api/v1/dry-run?query=${q}`);
    expect(dry.status).toBe(200);
    expect(dry.body.queryType).toBe('regularQuery');
    expect(dry.body.normalizedQueries[0].measures).toEqual(MEASURES);
  });

  it("gives another clinic its own figures, never clinic 1's", async () => {
    const { body } = await api(url(), '/cubejs-api/v1/load', {
      method: 'POST',
      token: token(2),
      body: JSON.stringify({ query: monthlyQuery() }),
    });
    const want = await expected(2);
    expect(actualMonthly(body.data)).toEqual(want);
    expect(want).not.toEqual(await expected(1));
  });

  it("answers an unknown member with Cube's 400 error", async () => {
    const query = { measures: [`${V}.no_such_measure`] };
    const { status, body } = await api(url(), '/cubejs-api/v1/load', { method: 'POST', body: JSON.stringify({ query }) });
    expect(status).toBe(400);
    expect(body.error).toMatch(/no_such_measure/);
  });

  it("serves compareDateRange to Cube's own client, each range equal to plain SQL", async () => {
    const api1: CubeApi = cube(async () => token(), { apiUrl: `${url()}/cubejs-api/v1` });
    const ranges = [
      ['2025-11-01', '2025-12-31'],
      ['2026-01-01', '2026-02-28'],
    ];
    const resultSet = await api1.load({
      measures: MEASURES,
      timeDimensions: [{ dimension: `${V}.date_of_service`, granularity: 'month', compareDateRange: ranges as never }],
    });
    const parts = resultSet.decompose();
    expect(parts).toHaveLength(2);
    for (const [i, part] of parts.entries()) {
      const [from, to] = ranges[i]!;
      expect(actualMonthly(part.rawData() as never)).toEqual(await expected(1, from, to));
      expect(part.rawData().every((r: Record<string, unknown>) => r.compareDateRange === `${from}T00:00:00.000 - ${to}T23:59:59.999`)).toBe(
        true,
      );
    }
  });

  it('serves the same figures over the WebSocket transport', async () => {
    const wsUrl = url().replace(/^http/, 'ws');
    const transport = new WebSocketTransport({ apiUrl: wsUrl, authorization: token() });
    try {
      const api2 = cube(token(), { apiUrl: wsUrl, transport });
      const resultSet = await api2.load(monthlyQuery() as never);
      expect(actualMonthly(resultSet.rawData() as never)).toEqual(await expected(1));
    } finally {
      await transport.close();
    }
  });
});
