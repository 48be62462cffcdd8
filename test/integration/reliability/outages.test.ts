/**
 * Database outages (issue 13, item 3), through a real TCP proxy between the server and MariaDB
 * (test/support/tcp-proxy.ts), never by stopping the shared MariaDB. The server is the real one
 * (startTestServer, in this process), on a small database of its own, its pre-aggregations built first.
 *
 * Two queries that need the database, both read from MariaDB on every ask (pre-aggregations live in
 * MariaDB here, there is no Cube Store): a page of visit_lines (ungrouped; the visit-items partitions),
 * a new limit each time so that Cube's result cache never answers it, and the usage by month (the
 * usage_by_day rollup) with `cache=no-cache`. For each fault (cut, refused connections, resets, a link
 * slower than the time limit, a burst of users during a cut) each of them, over REST and over the
 * WebSocket, is answered with the 503 retryable contract (server/cube/db-errors.ts) — never a hang: a
 * request still unanswered at the stated bound + 15 s fails the test — /readyz says
 * database-unreachable, /livez stays 200, nothing is left unhandled in the process. After restore() the
 * same queries succeed again, without a restart, with figures equal to plain SQL's. A reset during a
 * query ends in the contract or in the right figures; a slow link below the limit answers correctly;
 * an `api` instance whose partitions were never built answers PreAggregationsNotBuilt.
 *
 * The measured times are printed (docs/deployment.md, "Database outages"); they are not asserted.
 */
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../../server/app.js';
import { PROBE_WAIT_MS } from '../../../server/cube/db-errors.js';
import { sourceDriverOf } from '../../../server/cube/private-api.js';
import { seedMysql } from '../../../server/db/seed/index.js';
import { mintToken } from '../../../server/security/tokens.js';
import { referenceFigures, referenceLines, type Measure, type ReferenceQuery } from '../../support/reference-sql.js';
import { RoleProcess, STARTED_LINE } from '../../support/role-process.js';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.js';
import { MYSQL, startTestServer, TEST_API_SECRET } from '../../support/test-server.js';
import { apiQuery, canonical, groupsOf, usedPreAggregationsOf } from '../model/model-client.js';
import { CubeSocket } from '../security/client.js';

const DATABASE = 'scu_outage';
const SCHEMA = `${DATABASE}_pre_aggregations`;
/** The `api` instance's pre-aggregations schema, where no worker ever builds anything. */
const UNBUILT_SCHEMA = 'scu_out_none';
/** A refresh worker's log line for a pass that failed and will be tried again. */
const FAILED_PASS = /"message":"Change tracker pass","error":.*"retryInMs":\d+/;
/** The schema of the worker whose first build starts while the link is cut. */
const FIRST_BUILD_SCHEMA = 'scu_out_first';
const SEED = { scale: 0.03, seed: 13, clinics: 2, years: 1, endDate: '2026-06-30' } as const;
const CLINIC = 1;
const FROM = '2026-01-01';
const TO = '2026-03-31';
/** SCU_QUERY_TIMEOUT of the server under test. */
const QUERY_TIMEOUT_SECONDS = 6;
/** The stated bound (docs/deployment.md, "Database outages"): SCU_QUERY_TIMEOUT + the probe's wait. */
const BOUND_MS = QUERY_TIMEOUT_SECONDS * 1000 + PROBE_WAIT_MS;
/** A request still unanswered this long after it was sent is a hang. */
const HANG_MS = BOUND_MS + 15_000;
const USAGE_MEASURES: Measure[] = ['units_billed', 'total_billed'];
const USAGE: ReferenceQuery = { clinicId: CLINIC, from: FROM, to: TO, groupBy: ['month'] };

let proxy: TcpProxy;
let app: RunningApp;
let token: string;
/** Each lines query differs (its limit) so that Cube's result cache never answers it. */
let nextLimit = 40_000;
let nextRequest = 1;
const measured: Record<string, unknown>[] = [];
/** Whatever the process leaves unhandled while the server runs in it: must stay empty. */
const unhandled: string[] = [];
const onUnhandled = (e: unknown) => unhandled.push(String((e as Error)?.stack ?? e));

async function dropDatabases(): Promise<void> {
  const admin = await mysql.createConnection(MYSQL);
  for (const name of [
    DATABASE,
    SCHEMA,
    `${SCHEMA}_changes`,
    UNBUILT_SCHEMA,
    `${UNBUILT_SCHEMA}_changes`,
    FIRST_BUILD_SCHEMA,
    `${FIRST_BUILD_SCHEMA}_changes`,
  ]) {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  }
  await admin.end();
}

type Kind = 'lines' | 'usage';

interface Answer {
  kind: Kind;
  transport: 'rest' | 'ws';
  status: number;
  body: Record<string, unknown>;
  /** Retry-After (REST only). */
  retryAfter: string | null;
  ms: number;
  requestId: string;
}

function linesQuery(limit: number) {
  return {
    dimensions: ['visit_lines.visit_number', 'visit_lines.line_number', 'visit_lines.billed_amount'],
    timeDimensions: [{ dimension: 'visit_lines.date_of_service', dateRange: [FROM, TO] }],
    order: [['visit_lines.line_number', 'asc']],
    limit,
    ungrouped: true,
  };
}

/** The query of a kind; `cache` is REST's query parameter and the WebSocket's param. */
function queryOf(kind: Kind): { query: Record<string, unknown>; cache?: string } {
  return kind === 'lines' ? { query: linesQuery(nextLimit++) } : { query: apiQuery(USAGE, USAGE_MEASURES), cache: 'no-cache' };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One load as Cube's client makes it over REST: asked again while Cube answers "Continue wait", with
 * one request id. Fails (rather than hangs) when no answer comes within HANG_MS. */
async function loadRest(kind: Kind, baseUrl = app.url): Promise<Answer> {
  const requestId = `outage-${nextRequest++}`;
  const { query, cache } = queryOf(kind);
  const path = `/cubejs-api/v1/load?query=${encodeURIComponent(JSON.stringify(query))}${cache ? `&cache=${cache}` : ''}`;
  const started = performance.now();
  const deadline = AbortSignal.timeout(HANG_MS);
  for (;;) {
    const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: token, 'x-request-id': requestId }, signal: deadline });
    const body = (await response.json()) as Record<string, unknown>;
    if (response.status === 200 && body.error === 'Continue wait') {
      await sleep(250);
      continue;
    }
    const ms = Math.round(performance.now() - started);
    return { kind, transport: 'rest', status: response.status, body, retryAfter: response.headers.get('retry-after'), ms, requestId };
  }
}

/** The same over Cube's WebSocket protocol: a new message after each "Continue wait". */
async function loadWs(kind: Kind): Promise<Answer> {
  const requestId = `outage-ws-${nextRequest++}`;
  const { query, cache } = queryOf(kind);
  const socket = await CubeSocket.open(app.url);
  try {
    const handshake = await socket.authorize(token);
    expect(handshake).toHaveProperty('handshake', true);
    const started = performance.now();
    for (let messageId = 1; ; messageId++) {
      socket.sendRaw(JSON.stringify({ messageId, requestId, method: 'load', params: { query, ...(cache ? { cache } : {}) } }));
      const left = HANG_MS - (performance.now() - started);
      const reply = await socket.next((m) => String(m.messageId) === String(messageId) && 'message' in m, Math.max(1, left));
      const body = reply.message as Record<string, unknown>;
      if (body.error === 'Continue wait') continue;
      const ms = Math.round(performance.now() - started);
      return { kind, transport: 'ws', status: Number(reply.status ?? 200), body, retryAfter: null, ms, requestId };
    }
  } finally {
    socket.close();
  }
}

async function health(path: '/readyz' | '/livez') {
  const response = await fetch(`${app.url}${path}`, { signal: AbortSignal.timeout(HANG_MS) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Plain SQL over the same rows: the page's lines, and the usage by month. */
async function expectedLines() {
  const lines = await referenceLines({ dialect: 'mysql', location: DATABASE }, { clinicId: CLINIC, from: FROM, to: TO });
  return lines.map((l) => [l.visit_number, l.line_number, l.billed_amount]);
}
async function expectedUsage() {
  const figures = await referenceFigures({ dialect: 'mysql', location: DATABASE }, USAGE);
  return [...figures].map(([month, f]) => [month, f.units_billed, f.total_billed]).sort();
}

function rowsOfAnswer(answer: Answer): Record<string, unknown>[] {
  const body = answer.body;
  return Array.isArray(body.results)
    ? (body.results as { data: Record<string, unknown>[] }[]).flatMap((r) => r.data)
    : (body.data as Record<string, unknown>[]);
}

/** What an answer shows, in the form of the plain-SQL expectation of its kind. */
function figuresOf(answer: Answer): string[][] {
  const rows = rowsOfAnswer(answer);
  if (answer.kind === 'lines') {
    return rows.map((r) => [
      String(r['visit_lines.visit_number']),
      String(r['visit_lines.line_number']),
      Number(r['visit_lines.billed_amount']).toFixed(2),
    ]);
  }
  return [...groupsOf(['month'], USAGE_MEASURES, rows)]
    .map(([month, m]) => [month, canonical(m.units_billed)!, canonical(m.total_billed)!])
    .sort();
}

async function expectFigures(answer: Answer): Promise<void> {
  expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(200);
  const expected = answer.kind === 'lines' ? await expectedLines() : await expectedUsage();
  expect(expected.length).toBeGreaterThan(0);
  expect(figuresOf(answer)).toEqual(expected);
}

function expectRetryable(answer: Answer, types: string[]): void {
  const shown = `${answer.transport} ${answer.kind}: ${JSON.stringify(answer.body).slice(0, 300)}`;
  expect(answer.status, shown).toBe(503);
  expect(Object.keys(answer.body).sort(), shown).toEqual(['error', 'requestId', 'retryAfterSeconds', 'retryable', 'type']);
  expect(types, shown).toContain(answer.body.type);
  expect(answer.body.retryable).toBe(true);
  expect(typeof answer.body.retryAfterSeconds).toBe('number');
  if (answer.transport === 'rest') {
    expect(answer.body.requestId).toBe(answer.requestId);
    expect(answer.retryAfter).toBe(String(answer.body.retryAfterSeconds));
  } else {
    // Cube makes a WebSocket message's id from the client's: `<requestId>-span-<uuid>`.
    expect(String(answer.body.requestId).startsWith(`${answer.requestId}-span-`), shown).toBe(true);
  }
  // One plain sentence: no host, port, SQL, driver code or stack.
  expect(String(answer.body.error)).toMatch(/^[A-Z][^\n]*retried\.$/);
  expect(String(answer.body.error)).not.toMatch(/127\.0\.0\.1|\d{4,}|SELECT|ECONN|ETIMEDOUT|PROTOCOL_|\bat /);
}

/** Both queries over REST and the usage over the WebSocket, at once (as an open dashboard asks). */
const allAnswers = () => Promise.all([loadRest('lines'), loadRest('usage'), loadWs('usage')]);

/** After restore(): asks until an answer succeeds (as the dashboard does after Retry-After), for each
 * query, then checks its figures; readiness comes back too. */
async function expectRecovery(name: string, restored: number): Promise<void> {
  for (const kind of ['lines', 'usage'] as const) {
    let answer: Answer;
    let attempts = 0;
    for (;;) {
      attempts++;
      answer = await loadRest(kind);
      if (answer.status === 200 || attempts >= 12) break;
      expectRetryable(answer, ['DatabaseUnavailable', 'QueryTimeout']);
      await sleep(1000);
    }
    await expectFigures(answer);
    measured.push({ fault: name, phase: 'recovery', kind, recoveredMs: Math.round(performance.now() - restored), attempts });
  }
  let ready = await health('/readyz');
  for (let i = 0; ready.status !== 200 && i < 20; i++) {
    await sleep(500);
    ready = await health('/readyz');
  }
  expect(ready.status).toBe(200);
}

async function expectNotReadyButAlive(): Promise<void> {
  const ready = await health('/readyz');
  expect(ready.status).toBe(503);
  expect(ready.body.status).toBe('database-unreachable');
  expect(JSON.stringify(ready.body)).not.toMatch(/\bat /);
  const live = await health('/livez');
  expect(live.status).toBe(200);
}

function record(fault: string, answers: Answer[]): void {
  for (const a of answers)
    measured.push({ fault, phase: 'answer', transport: a.transport, kind: a.kind, status: a.status, type: a.body.type, ms: a.ms });
}

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  await dropDatabases();
  await seedMysql({ ...MYSQL, database: DATABASE }, { ...SEED });
  proxy = await startTcpProxy({ target: { host: MYSQL.host, port: MYSQL.port } });
  app = await startTestServer(
    { type: 'mysql', database: DATABASE, preAggregationsSchema: SCHEMA },
    { CUBEJS_DB_HOST: '127.0.0.1', CUBEJS_DB_PORT: String(proxy.port), SCU_QUERY_TIMEOUT: `${QUERY_TIMEOUT_SECONDS}s` },
  );
  await app.refreshRollups();
  token = mintToken(TEST_API_SECRET, { clinic_id: CLINIC, role: 'owner' }, 3600);
});

afterAll(async () => {
  console.log(`outage measurements: ${JSON.stringify(measured)}`);
  await proxy?.restore();
  await app?.close({ graceMs: 2000 });
  await proxy?.close();
  await dropDatabases();
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
});

describe('database outages through a TCP proxy', () => {
  it('answers correctly before any fault (through the database: each query is read from MariaDB), and through a slow link below the time limit', async () => {
    const lines = await loadRest('lines');
    await expectFigures(lines);
    const usage = await loadRest('usage');
    await expectFigures(usage);
    expect(usedPreAggregationsOf({ status: usage.status, body: usage.body, headers: new Headers() })).toEqual([
      expect.stringMatching(/counted_items_usage_by_day$/),
    ]);
    proxy.slow(150);
    try {
      const slow = await allAnswers();
      for (const answer of slow) await expectFigures(answer);
      record('slow 150 ms', slow);
    } finally {
      await proxy.restore();
    }
  });

  const faults: [string, () => Promise<() => void>, string[]][] = [
    [
      'cut (black hole)',
      async () => {
        proxy.cut();
        return () => {};
      },
      ['DatabaseUnavailable'],
    ],
    [
      'refuse (connections refused)',
      async () => {
        await proxy.refuse();
        proxy.reset(); // the pooled connections go too, as when the server is down
        return () => {};
      },
      ['DatabaseUnavailable'],
    ],
    [
      'resets (every connection reset, again every 200 ms)',
      async () => {
        // Queries in flight (slowed) are reset, and every new connection too.
        proxy.slow(1500);
        const timer = setTimeout(() => proxy.reset(), 1000);
        const keep = setInterval(() => proxy.reset(), 200);
        return () => {
          clearTimeout(timer);
          clearInterval(keep);
        };
      },
      ['DatabaseUnavailable', 'QueryTimeout'],
    ],
    [
      'slow past the time limit (2.5 s per chunk)',
      async () => {
        proxy.slow(2500);
        return () => {};
      },
      // A probe (SELECT 1) cannot answer within 2 s either: readiness, and the answer, say unreachable.
      ['QueryTimeout', 'DatabaseUnavailable'],
    ],
  ];

  it.each(faults)(
    '%s: a retryable 503 within the bound (REST and WebSocket), not ready but alive, and back by itself after restore',
    async (name, apply, types) => {
      const stop = await apply();
      try {
        const answers = await allAnswers();
        for (const answer of answers) expectRetryable(answer, types);
        record(name, answers);
        await expectNotReadyButAlive();
      } finally {
        stop();
      }
      const restored = performance.now();
      await proxy.restore();
      await expectRecovery(name, restored);
    },
  );

  it('a burst of 30 users during a cut: every one is answered within the bound, then served again', async () => {
    proxy.cut();
    let answers: Answer[];
    try {
      // Thirty different queries at once: more than Cube's queue runs at a time (CUBEJS_CONCURRENCY, 6).
      answers = await Promise.all(Array.from({ length: 30 }, (_, i) => loadRest(i % 5 === 0 ? 'usage' : 'lines')));
    } finally {
      // Before any assertion: a failed one must not leave the link cut for the next test.
      await proxy.restore();
    }
    for (const answer of answers) expectRetryable(answer, ['DatabaseUnavailable', 'QueryTimeout']);
    const slowest = Math.max(...answers.map((a) => a.ms));
    measured.push({
      fault: 'cut, 30 users at once',
      phase: 'answer',
      slowestMs: slowest,
      fastestMs: Math.min(...answers.map((a) => a.ms)),
    });
    await expectRecovery('cut, 30 users at once', performance.now());
  });

  it('a reset during the queries: each ends in the contract or in the right figures (Cube may retry), never a hang', async () => {
    proxy.slow(400);
    const answering = allAnswers();
    await sleep(1200);
    proxy.reset();
    await proxy.restore();
    const answers = await answering;
    for (const answer of answers) {
      if (answer.status === 200) await expectFigures(answer);
      else expectRetryable(answer, ['DatabaseUnavailable', 'QueryTimeout']);
    }
    record('one reset mid-query', answers);
    await expectRecovery('one reset mid-query', performance.now());
  });

  it('a busy pool is not an unreachable database: with every pooled connection in a long query, /readyz stays ready', async () => {
    // Cube's MySQL pool holds 8 connections; 10 queries of 4 s keep all of them busy (2 wait for one).
    const driver = await sourceDriverOf(app.core);
    const busy = Array.from({ length: 10 }, () => driver.query('SELECT SLEEP(4) AS s', []));
    try {
      await sleep(1500);
      const ready = await health('/readyz');
      expect(ready.status, JSON.stringify(ready.body)).toBe(200);
    } finally {
      await Promise.allSettled(busy);
    }
  });

  it('an api instance whose pre-aggregations were never built answers PreAggregationsNotBuilt', async () => {
    const api = await startTestServer(
      { type: 'mysql', database: DATABASE, preAggregationsSchema: UNBUILT_SCHEMA },
      { SCU_ROLE: 'api', SCU_QUERY_TIMEOUT: `${QUERY_TIMEOUT_SECONDS}s` },
    );
    try {
      for (const kind of ['lines', 'usage'] as const) {
        const answer = await loadRest(kind, api.url);
        expectRetryable(answer, ['PreAggregationsNotBuilt']);
        expect(answer.body.retryAfterSeconds).toBe(30);
      }
    } finally {
      await api.close({ graceMs: 2000 });
    }
  });

  it('a refresh worker whose start and then first build meet a database outage keeps trying (alive, not ready) and finishes once it is back', async () => {
    // Its own proxy, cut before the worker starts: the first tick fails at its first statement.
    const link = await startTcpProxy({ target: { host: MYSQL.host, port: MYSQL.port } });
    link.cut();
    const worker = await RoleProcess.spawn('refresh', DATABASE, FIRST_BUILD_SCHEMA, {
      CUBEJS_DB_HOST: '127.0.0.1',
      CUBEJS_DB_PORT: String(link.port),
      SCU_QUERY_TIMEOUT: `${QUERY_TIMEOUT_SECONDS}s`,
    });
    try {
      await worker.server.waitForLog(FAILED_PASS, 90_000);
      // Before the fix the failed first pass ended the process (exit 1) and nothing ever built.
      expect(worker.server.child.exitCode, worker.tail()).toBeNull();
      const notReady = await worker.get('/readyz');
      expect(notReady.status).toBe(503);
      await link.restore();
      // Its first tracker pass done, Cube's first build runs (slowed, so that it is still running): the
      // database goes away mid-build, as in a restart, for 10 s.
      link.slow(200);
      await worker.server.waitForLog(/"message":"Change tracker pass","months"/, 90_000);
      const failedBefore = worker.server.log.filter((line) => FAILED_PASS.test(line.text)).length;
      await link.refuse();
      link.reset();
      expect(worker.hasLogged(STARTED_LINE.refresh), 'the first build was over before the outage').toBe(false);
      // Until a pass has failed on it (before the fix, that failure ended the process with exit 1).
      const outageStart = performance.now();
      while (worker.server.log.filter((line) => FAILED_PASS.test(line.text)).length === failedBefore) {
        expect(worker.server.child.exitCode, worker.tail()).toBeNull();
        expect(performance.now() - outageStart, 'no pass failed during the outage').toBeLessThan(120_000);
        await new Promise((r) => setTimeout(r, 250));
      }
      await new Promise((r) => setTimeout(r, 1000));
      expect(worker.server.child.exitCode, worker.tail()).toBeNull();
      expect((await worker.get('/readyz')).status).toBe(503);
      await link.restore();
      await worker.waitUntilStarted(150_000);
      expect((await worker.get('/readyz')).status).toBe(200);
      expect(await worker.terminate()).toEqual({ code: 0, signal: null });
    } finally {
      await worker.kill();
      await link.close();
    }
  });

  it('a process of role all waits for an unreachable database before opening its port, and exits 0 on SIGTERM meanwhile', async () => {
    const link = await startTcpProxy({ target: { host: MYSQL.host, port: MYSQL.port } });
    await link.refuse();
    const all = await RoleProcess.spawn('all', DATABASE, FIRST_BUILD_SCHEMA, {
      CUBEJS_DB_HOST: '127.0.0.1',
      CUBEJS_DB_PORT: String(link.port),
    });
    try {
      await all.server.waitForLog(FAILED_PASS, 60_000);
      await all.server.waitForLog(FAILED_PASS, 60_000);
      expect(all.hasLogged(/— role all,/), 'opened its port without the change tracker').toBe(false);
      expect(await all.terminate()).toEqual({ code: 0, signal: null });
    } finally {
      await all.kill();
      await link.close();
    }
  });

  it('an api instance started while the database is unreachable opens its port, answers DatabaseUnavailable, and serves once it is back', async () => {
    const link = await startTcpProxy({ target: { host: MYSQL.host, port: MYSQL.port } });
    await link.refuse();
    // Before: its start asked Cube for the driver, whose connection test failed, and the process exited 1.
    const api = await RoleProcess.start(
      'api',
      DATABASE,
      SCHEMA,
      {
        CUBEJS_DB_HOST: '127.0.0.1',
        CUBEJS_DB_PORT: String(link.port),
        CUBEJS_API_SECRET: TEST_API_SECRET,
        SCU_QUERY_TIMEOUT: `${QUERY_TIMEOUT_SECONDS}s`,
      },
      60_000,
    );
    try {
      expect((await api.get('/livez')).status).toBe(200);
      const ready = await api.get('/readyz');
      expect([ready.status, ready.body.status]).toEqual([503, 'database-unreachable']);
      expectRetryable(await loadRest('usage', api.baseUrl), ['DatabaseUnavailable']);
      await link.restore();
      await expectFigures(await loadRest('usage', api.baseUrl));
      expect((await api.get('/readyz')).status).toBe(200);
      expect(await api.terminate()).toEqual({ code: 0, signal: null });
    } finally {
      await api.kill();
      await link.close();
    }
  });

  it('left nothing unhandled in the process (no unhandled rejection, no uncaught exception)', () => {
    expect(unhandled).toEqual([]);
  });
});
