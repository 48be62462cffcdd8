/**
 * Retryable failures get one clear answer (issue 13, item 3). Stock Cube answers a database that is down,
 * a query over the time limit or a query whose pre-aggregations are not built yet with a 400
 * `{error: "<driver message>"}` (an "Orchestrator error": the message may name the host, the port or the
 * SQL) or a 500 with the error's text. Here every one of them becomes:
 *
 *     HTTP 503, Retry-After: <s>
 *     { "error": "<one sentence>", "type": "DatabaseUnavailable" | "QueryTimeout" | "PreAggregationsNotBuilt",
 *       "retryable": true, "retryAfterSeconds": <s>, "requestId": "<X-Request-Id>" }
 *
 * and the driver's own message is written server-side only, as one JSON line with the request id.
 * A user's mistake (400), an auth failure (403) and Cube's "Continue wait" (200) are left as Cube answers them.
 *
 * The bound (docs/deployment.md, "Database outages"): a data query is answered within SCU_QUERY_TIMEOUT
 * of its first request, plus at most PROBE_WAIT_MS, however the database fails. Cube's own limits do not
 * give that: its queue's executionTimeout runs from when a query starts, not while it waits behind
 * others (six at a time), and a query first waits for its partitions' refresh keys, each a queued query
 * of its own; with the database cut, a burst of users' queries took several times the limit. So
 * `executeQuery` of the gateway's orchestrator API is given one deadline per query, kept across Cube's
 * "Continue wait" re-polls of the same query. When a query runs out of time, a quick probe of the
 * database (the readiness probe) tells "the database cannot be reached" from "the query is slow".
 */
import type * as ApiGatewayModule from '@cubejs-backend/api-gateway';
import { withinMs } from '../time-limit.js';

type ApiGateway = ApiGatewayModule.ApiGateway;

export type RetryableType = 'DatabaseUnavailable' | 'QueryTimeout' | 'PreAggregationsNotBuilt';

export interface RetryableAnswer {
  error: string;
  type: RetryableType;
  retryable: true;
  retryAfterSeconds: number;
  requestId?: string;
}

/** How long a client should wait before asking again, per kind of failure. */
export const RETRY_AFTER_SECONDS: Record<RetryableType, number> = {
  DatabaseUnavailable: 5,
  QueryTimeout: 10,
  PreAggregationsNotBuilt: 30,
};

/** mysql2 / Node error codes of a database that cannot be reached or dropped the connection. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
]);

/** The same failures as Cube's orchestrator passes them on: only the message's text survives. */
const UNAVAILABLE_MESSAGES: RegExp[] = [
  /\b(ECONNREFUSED|ETIMEDOUT|ECONNRESET|EPIPE|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN)\b/,
  /\b(PROTOCOL_CONNECTION_LOST|PROTOCOL_SEQUENCE_TIMEOUT|ER_CON_COUNT_ERROR)\b/,
  /Connection lost/i,
  /Pool is closed/i,
  /ResourceRequest timed out/i,
  /Too many connections/i,
  /Can't add new command when connection is in closed state/i,
  /This socket has been ended by the other party/i,
  /\bread ECONN/i,
];

const TIMEOUT_MESSAGES: RegExp[] = [/Query execution timeout after/i];

const NOT_BUILT_MESSAGES: RegExp[] = [
  /No pre-aggregation partitions were built yet/i,
  // The change tracker's tables (server/refresh/change-tracker.ts), which every refresh key reads, are
  // created by the refresh worker's first pass: an `api` instance started before any worker ran finds none.
  /Table '[^']*\.scu_change_(log|state)' doesn't exist/i,
];

/** A failure this module has already classified (a query past its deadline, or refined by the probe). */
export class RetryableDbError extends Error {
  constructor(
    readonly retryableType: RetryableType,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RetryableDbError';
  }
}

interface ErrorLike {
  message?: unknown;
  code?: unknown;
  name?: unknown;
  error?: unknown;
  cause?: unknown;
}

/** The messages and codes of an error in any of the shapes Cube hands to handleError. */
function partsOf(e: unknown, depth = 0): { messages: string[]; codes: string[]; names: string[] } {
  const parts = { messages: [] as string[], codes: [] as string[], names: [] as string[] };
  if (e === null || e === undefined || depth > 3) return parts;
  if (typeof e === 'string') {
    parts.messages.push(e);
    return parts;
  }
  if (typeof e !== 'object') return parts;
  const x = e as ErrorLike;
  if (typeof x.message === 'string') parts.messages.push(x.message);
  if (typeof x.code === 'string') parts.codes.push(x.code);
  if (typeof x.name === 'string') parts.names.push(x.name);
  for (const inner of [x.error, x.cause].filter((v) => v !== undefined).map((v) => partsOf(v, depth + 1))) {
    parts.messages.push(...inner.messages);
    parts.codes.push(...inner.codes);
    parts.names.push(...inner.names);
  }
  return parts;
}

/** Which retryable failure this is, or undefined for anything else (left to Cube). */
export function classifyDbError(e: unknown): RetryableType | undefined {
  if (e instanceof RetryableDbError) return e.retryableType;
  const { messages, codes, names } = partsOf(e);
  // Cube's own answers that are not failures, and user mistakes, are never reclassified.
  if (messages.includes('Continue wait')) return undefined;
  if (messages.some((m) => NOT_BUILT_MESSAGES.some((re) => re.test(m)))) return 'PreAggregationsNotBuilt';
  if (messages.some((m) => TIMEOUT_MESSAGES.some((re) => re.test(m)))) return 'QueryTimeout';
  // Cube's queue TimeoutError; generic-pool's TimeoutError is an acquire timeout (its message says so).
  if (names.includes('TimeoutError') && !messages.some((m) => /ResourceRequest/i.test(m))) return 'QueryTimeout';
  if (codes.some((c) => UNAVAILABLE_CODES.has(c))) return 'DatabaseUnavailable';
  if (names.includes('PoolTimeoutError')) return 'DatabaseUnavailable';
  if (messages.some((m) => UNAVAILABLE_MESSAGES.some((re) => re.test(m)))) return 'DatabaseUnavailable';
  return undefined;
}

/** The body of the 503 (without the request id when there is none). */
export function retryableAnswer(type: RetryableType, options: { queryTimeoutSeconds?: number; requestId?: string } = {}): RetryableAnswer {
  const retryAfterSeconds = RETRY_AFTER_SECONDS[type];
  const error =
    type === 'DatabaseUnavailable'
      ? 'The database cannot be reached right now; the query will be retried.'
      : type === 'QueryTimeout'
        ? options.queryTimeoutSeconds
          ? `The query did not finish within ${options.queryTimeoutSeconds} seconds; it will be retried.`
          : 'The query took longer than the time limit; it will be retried.'
        : 'The summary tables this report reads are still being built; the query will be retried.';
  return {
    error,
    type,
    retryable: true,
    retryAfterSeconds,
    ...(options.requestId ? { requestId: options.requestId } : {}),
  };
}

/** The text of the error as the server logs it (the driver's message: never sent to the client). */
function causeOf(e: unknown): string {
  const { messages, codes } = partsOf(e);
  const text = messages.filter((m, i) => messages.indexOf(m) === i).join(' | ') || String(e);
  return codes.length > 0 ? `${codes[0]}: ${text}` : text;
}

type ResultFn = (message: unknown, options?: { status?: number }) => unknown;
interface HandleErrorArgs {
  e: unknown;
  context?: { requestId?: string };
  res: ResultFn;
  [key: string]: unknown;
}
/** The part of Cube's OrchestratorApi a data query goes through (REST and WebSocket alike). */
interface OrchestratorApiLike {
  executeQuery(query: ExecutedQuery): Promise<unknown>;
}
interface ExecutedQuery {
  query?: unknown;
  values?: unknown;
  dataSource?: unknown;
  cacheMode?: unknown;
  persistent?: unknown;
  /** Cube's refresh scheduler and build jobs: not a user's request, no deadline. */
  scheduledRefresh?: unknown;
  isJob?: unknown;
}
interface PatchableGateway {
  handleError(args: HandleErrorArgs): unknown;
  resToResultFn(res: { set(name: string, value: string): unknown }): ResultFn;
  getAdapterApi(context: unknown): Promise<OrchestratorApiLike>;
}

function isRetryableAnswer(message: unknown): message is RetryableAnswer {
  const m = message as Partial<RetryableAnswer> | null;
  return typeof m === 'object' && m !== null && m.retryable === true && typeof m.retryAfterSeconds === 'number';
}

/** How long a query that ran out of time waits for the database probe (the readiness probe's own limit
 * is 2 s): the bound is SCU_QUERY_TIMEOUT plus this. */
export const PROBE_WAIT_MS = 2_500;

/** A client asks again at once after Cube's "Continue wait" (its poll ends after 5–10 s): a query not
 * asked for this long was abandoned, and the next request for it starts a new deadline. */
const REPOLL_GRACE_MS = 15_000;

const isContinueWait = (e: unknown) => (e as { error?: unknown } | null)?.error === 'Continue wait';

/** The same query as Cube's queue sees it (its cache key is the SQL and its values). */
const keyOf = (query: ExecutedQuery) =>
  JSON.stringify([query.dataSource ?? 'default', query.query, query.values, query.cacheMode ?? null, Boolean(query.persistent)]);

/**
 * One deadline per query, from its first request across Cube's "Continue wait" re-polls: `executeQuery`
 * rejects with QueryTimeout (or DatabaseUnavailable when the probe says so) once the query has been
 * asked for `timeoutMs` without an answer. Cube's own work on it goes on (its queue gives it up at its
 * executionTimeout); the client's next try starts a new deadline.
 */
function withQueryDeadline(
  api: OrchestratorApiLike,
  options: { timeoutSeconds: number; databaseReachable?: () => Promise<boolean> },
): OrchestratorApiLike {
  const timeoutMs = options.timeoutSeconds * 1000;
  const asked = new Map<string, { since: number; lastSeen: number; pending: number }>();

  /** A QueryTimeout becomes DatabaseUnavailable when the database does not answer a probe either. */
  const refine = async (e: unknown): Promise<unknown> => {
    if (classifyDbError(e) !== 'QueryTimeout' || !options.databaseReachable) return e;
    const reachable = await withinMs(
      options.databaseReachable().catch(() => false),
      PROBE_WAIT_MS,
      () => undefined,
    );
    return reachable === false
      ? new RetryableDbError('DatabaseUnavailable', 'the database did not answer a probe either', { cause: e })
      : e;
  };

  const executeQuery = async (query: ExecutedQuery): Promise<unknown> => {
    if (query.scheduledRefresh || query.isJob) return api.executeQuery(query);
    const now = performance.now();
    for (const [key, entry] of asked) {
      if (entry.pending === 0 && now - entry.lastSeen > REPOLL_GRACE_MS) asked.delete(key);
    }
    const key = keyOf(query);
    let entry = asked.get(key);
    if (!entry) {
      entry = { since: now, lastSeen: now, pending: 0 };
      asked.set(key, entry);
    }
    entry.pending++;
    try {
      const result = await withinMs(api.executeQuery(query), Math.max(0, entry.since + timeoutMs - now), () => {
        throw new RetryableDbError('QueryTimeout', `no answer within ${options.timeoutSeconds} s of the first request (SCU_QUERY_TIMEOUT)`);
      });
      asked.delete(key);
      return result;
    } catch (e) {
      if (isContinueWait(e)) throw e;
      // Answered (an error, or out of time): the client's next try is a new query with a new deadline.
      asked.delete(key);
      throw await refine(e);
    } finally {
      entry.pending--;
      entry.lastSeen = performance.now();
    }
  };

  // Everything else goes to Cube's object itself, with itself as `this`.
  return new Proxy(api, {
    get(target, property) {
      if (property === 'executeQuery') return executeQuery;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * Installs the contract on this gateway (every REST and WebSocket data request goes through it):
 * - `handleError` answers retryable failures with the 503 above (the driver's message logged only);
 * - `resToResultFn` adds `Retry-After` to such an answer on HTTP (a WebSocket message has no headers:
 *   it carries the same body and status 503);
 * - with `queryTimeoutSeconds`, every data query gets the deadline of `withQueryDeadline`, and
 *   `databaseReachable` (the readiness probe) tells an unreachable database from a slow query.
 */
export function installRetryableErrors(
  gateway: ApiGateway,
  options: {
    queryTimeoutSeconds?: number;
    databaseReachable?: () => Promise<boolean>;
    log?: (line: Record<string, unknown>) => void;
  } = {},
): void {
  const g = gateway as unknown as PatchableGateway;
  const log = options.log ?? ((line) => process.stderr.write(`${JSON.stringify(line)}\n`));
  const handleError = g.handleError.bind(gateway);
  g.handleError = (args) => {
    const type = classifyDbError(args.e);
    if (type === undefined) return handleError(args);
    const requestId = args.context?.requestId;
    log({ level: 'warn', message: 'retryable-error', requestId, type, cause: causeOf(args.e) });
    return args.res(retryableAnswer(type, { queryTimeoutSeconds: options.queryTimeoutSeconds, requestId }), {
      status: 503,
    });
  };
  const resToResultFn = g.resToResultFn.bind(gateway);
  g.resToResultFn = (res) => {
    const send = resToResultFn(res);
    return (message, sendOptions) => {
      if (sendOptions?.status === 503 && isRetryableAnswer(message)) {
        res.set('Retry-After', String(message.retryAfterSeconds));
      }
      return send(message, sendOptions);
    };
  };
  const { queryTimeoutSeconds } = options;
  if (queryTimeoutSeconds !== undefined) {
    const getAdapterApi = g.getAdapterApi.bind(gateway);
    const wrapped = new WeakMap<OrchestratorApiLike, OrchestratorApiLike>();
    g.getAdapterApi = async (context) => {
      const api = await getAdapterApi(context);
      let deadlined = wrapped.get(api);
      if (!deadlined) {
        deadlined = withQueryDeadline(api, { timeoutSeconds: queryTimeoutSeconds, databaseReachable: options.databaseReachable });
        wrapped.set(api, deadlined);
      }
      return deadlined;
    };
  }
}
