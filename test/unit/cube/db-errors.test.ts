/**
 * Retryable database failures (server/cube/db-errors.ts): the errors are Cube's and the drivers' own
 * classes and shapes (OrchestratorApi throws `{ error: err.toString() }`), the gateway is Cube's
 * ApiGateway with its own handleError behind the wrapper.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { classifyDbError, installRetryableErrors, retryableAnswer } from '../../../server/cube/db-errors.js';

const require = createRequire(import.meta.url);
const { ApiGateway, UserError } = require('@cubejs-backend/api-gateway') as typeof import('@cubejs-backend/api-gateway');
const { TimeoutError: QueueTimeoutError } = require('@cubejs-backend/query-orchestrator') as {
  TimeoutError: new (message: string) => Error;
};
const { PoolTimeoutError } = require('@cubejs-backend/shared/dist/src/pool.js') as {
  PoolTimeoutError: new (poolName: string) => Error;
};
const genericPoolErrors = require('generic-pool/lib/errors.js') as { TimeoutError: new (m: string) => Error };

/** An error as mysql2 makes it: a message and a code. */
function mysqlError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** What Cube's OrchestratorApi throws for a failed query. */
const orchestrated = (e: Error) => ({ error: e.toString() });

describe('classifyDbError', () => {
  const unavailable: [string, unknown][] = [
    ['refused', mysqlError('connect ECONNREFUSED 10.1.2.3:3306', 'ECONNREFUSED')],
    ['connect timeout', mysqlError('connect ETIMEDOUT', 'ETIMEDOUT')],
    ['reset', mysqlError('read ECONNRESET', 'ECONNRESET')],
    ['connection lost', mysqlError('Connection lost: The server closed the connection.', 'PROTOCOL_CONNECTION_LOST')],
    ['broken pipe', mysqlError('write EPIPE', 'EPIPE')],
    ['too many connections', mysqlError('Too many connections', 'ER_CON_COUNT_ERROR')],
    ['pool closed', new Error('Pool is closed.')],
    ["Cube's pool acquire timeout", new PoolTimeoutError('mysql<default>')],
    ["generic-pool's acquire timeout", new genericPoolErrors.TimeoutError('ResourceRequest timed out')],
  ];
  it.each(unavailable)('a database that cannot be reached (%s) is DatabaseUnavailable, thrown or orchestrated', (_, e) => {
    expect(classifyDbError(e)).toBe('DatabaseUnavailable');
    expect(classifyDbError(orchestrated(e as Error))).toBe('DatabaseUnavailable');
  });

  it("Cube's queue timeout is QueryTimeout, thrown or orchestrated", () => {
    const e = new QueueTimeoutError('Query execution timeout after 0.1 min of waiting');
    expect(classifyDbError(e)).toBe('QueryTimeout');
    expect(classifyDbError(orchestrated(e))).toBe('QueryTimeout');
  });

  it('partitions not built yet are PreAggregationsNotBuilt', () => {
    const e = new Error('No pre-aggregation partitions were built yet for pre-aggregation serving this query');
    expect(classifyDbError(e)).toBe('PreAggregationsNotBuilt');
    expect(classifyDbError(orchestrated(e))).toBe('PreAggregationsNotBuilt');
  });

  it("the change tracker's tables not created yet (no worker has run) are PreAggregationsNotBuilt; another missing table is not", () => {
    for (const table of ['scu_change_state', 'scu_change_log']) {
      const e = mysqlError(`Table 'clinic_pre_aggregations_changes.${table}' doesn't exist`, 'ER_NO_SUCH_TABLE');
      expect(classifyDbError(e)).toBe('PreAggregationsNotBuilt');
      expect(classifyDbError(orchestrated(e))).toBe('PreAggregationsNotBuilt');
    }
    expect(classifyDbError(mysqlError("Table 'clinic.purchase_items' doesn't exist", 'ER_NO_SUCH_TABLE'))).toBeUndefined();
  });

  it('anything else is left to Cube: user mistakes, SQL errors, Continue wait', () => {
    expect(classifyDbError(new UserError("'visits.nope' is not a member"))).toBeUndefined();
    expect(classifyDbError(mysqlError("Unknown column 'x' in 'field list'", 'ER_BAD_FIELD_ERROR'))).toBeUndefined();
    expect(classifyDbError({ error: 'Continue wait', stage: null })).toBeUndefined();
    expect(classifyDbError(new Error('Cannot read properties of undefined'))).toBeUndefined();
    expect(classifyDbError(undefined)).toBeUndefined();
  });
});

/** A response recording what Cube's resToResultFn does to it. */
function recordingResponse() {
  const sent: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
  const res = {
    status(code: number) {
      sent.status = code;
      return res;
    },
    set(name: string, value: string) {
      sent.headers[name] = value;
      return res;
    },
    json(body: unknown) {
      sent.body = body;
      return res;
    },
  };
  return { res, sent };
}

/** Cube's ApiGateway with its own methods (nothing started): handleError and resToResultFn as shipped. */
function gateway(logged: Record<string, unknown>[]) {
  const g = Object.create(ApiGateway.prototype) as InstanceType<typeof ApiGateway> & {
    handleError(args: unknown): void;
    resToResultFn(res: unknown): (message: unknown, options?: { status?: number }) => Promise<void>;
    log(event: unknown): void;
  };
  g.log = () => {};
  installRetryableErrors(g, { queryTimeoutSeconds: 6, log: (line) => logged.push(line) });
  return g;
}

describe('installRetryableErrors', () => {
  it('answers a driver failure with the 503 contract and Retry-After, logging the driver message server-side only', async () => {
    const logged: Record<string, unknown>[] = [];
    const g = gateway(logged);
    const { res, sent } = recordingResponse();
    const e = orchestrated(mysqlError('connect ECONNREFUSED 10.1.2.3:3306', 'ECONNREFUSED'));
    g.handleError({ e, context: { requestId: 'req-1' }, res: g.resToResultFn(res), requestStarted: new Date() });
    await Promise.resolve();
    expect(sent.status).toBe(503);
    expect(sent.headers['Retry-After']).toBe('5');
    expect(sent.body).toEqual({
      error: 'The database cannot be reached right now; the query will be retried.',
      type: 'DatabaseUnavailable',
      retryable: true,
      retryAfterSeconds: 5,
      requestId: 'req-1',
    });
    expect(JSON.stringify(sent.body)).not.toMatch(/10\.1\.2\.3|3306|ECONN/);
    expect(logged).toEqual([
      expect.objectContaining({ requestId: 'req-1', type: 'DatabaseUnavailable', cause: expect.stringContaining('10.1.2.3:3306') }),
    ]);
  });

  it('says the time limit for a query timeout', async () => {
    const g = gateway([]);
    const { res, sent } = recordingResponse();
    const e = orchestrated(new QueueTimeoutError('Query execution timeout after 0.1 min of waiting'));
    g.handleError({ e, context: { requestId: 'r' }, res: g.resToResultFn(res) });
    await Promise.resolve();
    expect(sent.status).toBe(503);
    expect(sent.headers['Retry-After']).toBe('10');
    expect(sent.body).toEqual(retryableAnswer('QueryTimeout', { queryTimeoutSeconds: 6, requestId: 'r' }));
    expect((sent.body as { error: string }).error).toBe('The query did not finish within 6 seconds; it will be retried.');
  });

  it("leaves a user's mistake (400) and Continue wait (200) to Cube, without Retry-After", async () => {
    const g = gateway([]);
    const mistake = recordingResponse();
    g.handleError({ e: new UserError('bad member'), context: {}, res: g.resToResultFn(mistake.res) });
    const wait = recordingResponse();
    g.handleError({ e: { error: 'Continue wait' }, context: {}, res: g.resToResultFn(wait.res) });
    await Promise.resolve();
    expect(mistake.sent.status).toBe(400);
    expect(mistake.sent.body).toMatchObject({ error: 'bad member' });
    expect(mistake.sent.headers).toEqual({});
    expect(wait.sent.status).toBe(200);
    expect(wait.sent.body).toMatchObject({ error: 'Continue wait' });
  });
});
