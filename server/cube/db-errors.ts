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
 * How long a request can take when the database is cut (docs/deployment.md, "Database outages"): a query
 * waits for a pooled connection at most the pool's acquire timeout (MySqlDriver: 20 s), a new connection
 * fails after mysql2's connectTimeout (10 s), and a query on an open connection is given up after
 * SCU_QUERY_TIMEOUT (Cube's queue executionTimeout). The client sees Cube's "Continue wait" meanwhile.
 */
import type * as ApiGatewayModule from '@cubejs-backend/api-gateway';

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

const NOT_BUILT_MESSAGES: RegExp[] = [/No pre-aggregation partitions were built yet/i];

interface ErrorLike {
  message?: unknown;
  code?: unknown;
  name?: unknown;
  error?: unknown;
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
  if (x.error !== undefined) {
    const inner = partsOf(x.error, depth + 1);
    parts.messages.push(...inner.messages);
    parts.codes.push(...inner.codes);
    parts.names.push(...inner.names);
  }
  return parts;
}

/** Which retryable failure this is, or undefined for anything else (left to Cube). */
export function classifyDbError(e: unknown): RetryableType | undefined {
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
interface PatchableGateway {
  handleError(args: HandleErrorArgs): unknown;
  resToResultFn(res: { set(name: string, value: string): unknown }): ResultFn;
}

function isRetryableAnswer(message: unknown): message is RetryableAnswer {
  const m = message as Partial<RetryableAnswer> | null;
  return typeof m === 'object' && m !== null && m.retryable === true && typeof m.retryAfterSeconds === 'number';
}

/**
 * Wraps this gateway's `handleError` (every REST and WebSocket error goes through it) so that retryable
 * failures are answered with the 503 above, and its `resToResultFn` so that such an answer on HTTP
 * carries `Retry-After`.
 */
export function installRetryableErrors(
  gateway: ApiGateway,
  options: { queryTimeoutSeconds?: number; log?: (line: Record<string, unknown>) => void } = {},
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
}
