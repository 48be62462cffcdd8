/**
 * The server under test: `node --import tsx server/main.ts` as a child process on a free port of
 * 127.0.0.1, its log lines kept (with the time each arrived), its memory sampled from /proc, and a
 * small REST client that handles Cube's "Continue wait" the way a real client does (it asks again).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import type { Query } from '@cubejs-client/core';
import { PROJECT_ROOT } from '../../server/config.js';
import { mintToken, type TokenClaims } from '../../server/security/tokens.js';
import { MYSQL, rssMb } from './db.js';
import { since, sleep } from './stats.js';

export const BENCH_SECRET = 'bench-secret-not-for-production-0123456789abcdef';
/** Longest a single request (with its "Continue wait" retries) may take before it counts as an error. */
export const REQUEST_TIMEOUT_MS = 120_000;

export interface LogLine {
  atMs: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface LoadResult {
  ok: boolean;
  status: number;
  ms: number;
  /** "Continue wait" answers before the data. */
  retries: number;
  data: Record<string, unknown>[];
  lastRefreshTime?: string;
  usedPreAggregations?: Record<string, { targetTableName: string }>;
  error?: string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * POST /cubejs-api/v1/load on the server at `baseUrl` (a BenchServer, or one already running: the soak's
 * --url); "Continue wait" is asked again at once (Cube itself waits up to its long-poll interval before
 * saying it), until the data comes or REQUEST_TIMEOUT_MS has passed.
 */
export async function loadQuery(
  baseUrl: string,
  token: string,
  query: Query,
  options: { noCache?: boolean; timeoutMs?: number } = {},
): Promise<LoadResult> {
  const start = performance.now();
  const deadline = start + (options.timeoutMs ?? REQUEST_TIMEOUT_MS);
  // Uncached: the request's own `cache: "no-cache"` (Cube 1.7.43 has no `renewQuery`; a `cache` inside
  // the query is not honoured on this server, the request-level one is: bench.ts checks it in the slow log).
  // `queryType: 'multi'` as @cubejs-client/core sends it: a compareDateRange query needs it.
  const body = JSON.stringify(options.noCache ? { query, queryType: 'multi', cache: 'no-cache' } : { query, queryType: 'multi' });
  let retries = 0;
  for (;;) {
    let status = 0;
    let json: Record<string, unknown>;
    try {
      const response = await fetch(`${baseUrl}/cubejs-api/v1/load`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: token },
        body,
        signal: AbortSignal.timeout(Math.max(1, Math.ceil(deadline - performance.now()))),
      });
      status = response.status;
      json = (await response.json()) as Record<string, unknown>;
    } catch (error) {
      return { ok: false, status, ms: since(start), retries, data: [], error: (error as Error).message };
    }
    if (status === 200 && json.error === 'Continue wait') {
      retries++;
      if (performance.now() > deadline)
        return { ok: false, status, ms: since(start), retries, data: [], error: 'Continue wait past the deadline' };
      continue;
    }
    if (status !== 200 || json.error)
      return { ok: false, status, ms: since(start), retries, data: [], error: String(json.error ?? `HTTP ${status}`) };
    // A compareDateRange query answers one result per range: its rows are all of theirs.
    const results = (json.results as Record<string, unknown>[] | undefined) ?? [json];
    const result = results[0]!;
    return {
      ok: true,
      status,
      ms: since(start),
      retries,
      data: results.flatMap((r) => (r.data as Record<string, unknown>[]) ?? []),
      lastRefreshTime: result.lastRefreshTime as string | undefined,
      usedPreAggregations: result.usedPreAggregations as LoadResult['usedPreAggregations'],
    };
  }
}

export class BenchServer {
  readonly log: LogLine[] = [];
  readonly rss: { atMs: number; mb: number }[] = [];
  private sampler: NodeJS.Timeout | null = null;
  private exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    /** performance.now() at spawn. */
    readonly spawnedAt: number,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    for (const stream of ['stdout', 'stderr'] as const) {
      let buffer = '';
      child[stream]!.setEncoding('utf8');
      child[stream]!.on('data', (chunk: string) => {
        buffer += chunk;
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          this.log.push({ atMs: since(spawnedAt), stream, text: buffer.slice(0, nl) });
          buffer = buffer.slice(nl + 1);
        }
      });
    }
    this.sampler = setInterval(() => this.sampleRss(), 500);
    this.sampler.unref();
  }

  static async start(database: string, preAggregationsSchema: string, extraEnv: Record<string, string> = {}): Promise<BenchServer> {
    const port = await freePort();
    const env = {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      CUBEJS_DB_TYPE: 'mysql',
      CUBEJS_DB_HOST: MYSQL.host,
      CUBEJS_DB_PORT: String(MYSQL.port),
      CUBEJS_DB_USER: MYSQL.user,
      CUBEJS_DB_PASS: MYSQL.password,
      CUBEJS_DB_NAME: database,
      CUBEJS_PRE_AGGREGATIONS_SCHEMA: preAggregationsSchema,
      CUBEJS_API_SECRET: BENCH_SECRET,
      ...extraEnv,
    };
    const spawnedAt = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('server', 'main.ts')], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new BenchServer(child, port, spawnedAt);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  sampleRss(): number {
    const mb = rssMb(this.pid);
    if (Number.isFinite(mb)) this.rss.push({ atMs: since(this.spawnedAt), mb });
    return mb;
  }

  /** The first log line matching `pattern`, with the ms since spawn it arrived at. */
  findLog(pattern: RegExp): LogLine | undefined {
    return this.log.find((l) => pattern.test(l.text));
  }

  async waitForLog(pattern: RegExp, timeoutMs: number): Promise<LogLine> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const line = this.findLog(pattern);
      if (line) return line;
      if (this.child.exitCode !== null)
        throw new Error(`the server exited (${this.child.exitCode}) before logging ${pattern}:\n${this.tail()}`);
      if (performance.now() > deadline) throw new Error(`no log line ${pattern} within ${timeoutMs / 1000} s:\n${this.tail()}`);
      await sleep(100);
    }
  }

  tail(lines = 20): string {
    return this.log
      .slice(-lines)
      .map((l) => `  [${l.stream}] ${l.text}`)
      .join('\n');
  }

  token(claims: TokenClaims): string {
    return mintToken(BENCH_SECRET, claims, 4 * 3600);
  }

  /** POST /cubejs-api/v1/load on this server (loadQuery). */
  load(token: string, query: Query, options: { noCache?: boolean; timeoutMs?: number } = {}): Promise<LoadResult> {
    return loadQuery(this.baseUrl, token, query, options);
  }

  /** The SQL Cube generates for a query (GET /cubejs-api/v1/sql), with its parameters. */
  async sql(token: string, query: Query): Promise<{ sql: string; params: unknown[] }> {
    const response = await fetch(`${this.baseUrl}/cubejs-api/v1/sql?query=${encodeURIComponent(JSON.stringify(query))}`, {
      headers: { authorization: token },
      signal: AbortSignal.timeout(30_000),
    });
    const json = (await response.json()) as { sql?: { sql: [string, unknown[]] }; error?: string };
    if (!json.sql) throw new Error(`/sql: ${json.error ?? response.status}`);
    return { sql: json.sql.sql[0], params: json.sql.sql[1] };
  }

  /** SIGTERM, then SIGKILL after 15 s; resolves when the process is gone. */
  async stop(): Promise<void> {
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = null;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(killer);
  }
}
