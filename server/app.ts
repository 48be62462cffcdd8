/**
 * The application: Cube's REST and WebSocket APIs, the info endpoint and the built dashboard on one
 * express app. `createApp` is what tests load; server/main.ts only starts it.
 */
import type * as ServerCoreModule from '@cubejs-backend/server-core';
import express from 'express';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Role, ServerConfig } from './config.js';
import { JsCubejsServerCore, selectJsPlanner } from './cube/js-mode.js';
import { nextOrchestratorId } from './cube/orchestrator-id.js';
import { ModelRepository } from './cube/model-repository.js';
import { installCubePatches } from './cube/patches/index.js';
import { setResultCacheLimit } from './cube/patches/local-cache-bound.js';
import { installRetryableErrors } from './cube/db-errors.js';
import { silenceExpectedCubeWarnings } from './cube/startup-warnings.js';
import {
  apiGatewayOf,
  attachWebSocketServer,
  markDefaultDataSourceSeen,
  runScheduledRefreshPass,
  sourceDriverOf,
} from './cube/private-api.js';
import { SUPPORTED_CUBE_VERSION, assertSupportedCubeVersion, nativeModuleAvailable } from './cube/version.js';
import { serveDashboard, serveEmbedFrames, serveEmbedScript, serveExplorer } from './dashboard-static.js';
import { createMysqlProbe } from './db/mysql-probe.js';
import { createHealth, PROBE_TIMEOUT_MS, type Health } from './health.js';
import { ChangeTracker } from './refresh/change-tracker.js';
import { RetryPause, startRefreshLoop, type RefreshLoop } from './refresh/refresh-loop.js';
import { requestLog } from './request-log.js';
import { assertTokenCurrent, createCheckAuth } from './security/auth.js';
import { MAX_REQUEST_BYTES, applyHttpSecurity } from './security/http-security.js';
import { JwksKeys } from './security/jwks.js';
import { installQueryGuard } from './security/query-guard.js';
import { scopeQuery } from './security/query-rewrite.js';
import { redactLogParams } from './security/security-log.js';
import { withinMs } from './time-limit.js';

type CubejsServerCore = ServerCoreModule.CubejsServerCore;
const { CubejsServerCore: StockCubejsServerCore } = createRequire(import.meta.url)(
  '@cubejs-backend/server-core',
) as typeof ServerCoreModule;

/** What GET /cubejs-api/v1/info (no token needed) and the start-up line report. */
interface ServerInfo {
  name: 'service-code-usage';
  cubeVersion: string;
  mode: 'js' | 'native';
  dbType: 'duckdb' | 'mysql';
  nativeModuleAvailable: boolean;
  /** SCU_ROLE: what this process does (docs/deployment.md). */
  role: Role;
}

export interface RunningApp {
  url: string;
  port: number;
  info: ServerInfo;
  core: CubejsServerCore;
  health: Health;
  /** Runs refresh passes now until every partition is built (the loop's first tick comes only after its
   * interval, and without this the first visitor waits for the rollups to be built). An `api` instance
   * builds nothing: it resolves at once. */
  refreshRollups(): Promise<void>;
  /** Graceful: readiness false, the port closed after requests in flight (at most `graceMs`), the
   * refresh loop stopped (a pass in progress abandoned after `graceMs`: its partition is rebuilt by the
   * next pass, here or in the next worker), pools released. */
  close(options?: { graceMs?: number }): Promise<void>;
}

/** A DriverConfig: Cube builds the driver from it (and learns the database type from `type`). */
function driverConfig(config: ServerConfig) {
  const db = config.database;
  if (db.type === 'duckdb') {
    // Model (docs/model.md): dates of service must never shift. DuckDB casts a DATE to TIMESTAMPTZ in
    // its TimeZone setting, which defaults to the machine's zone; Cube's UTC query then moves every
    // date east of UTC to the day before. GLOBAL, so that every connection of the driver runs in UTC.
    return { type: 'duckdb', databasePath: db.databasePath, initSql: "SET GLOBAL TimeZone = 'UTC'" };
  }
  return {
    type: 'mysql',
    host: db.host,
    port: db.port,
    database: db.database,
    user: db.user,
    password: db.password,
    // Pre-aggregations are written to their own schema in the source database (no Cube Store).
    readOnly: false,
  };
}

function coreOptions(config: ServerConfig, apiSecret: string) {
  // Cube's FileRepository reads a path relative to the working directory (an absolute one finds nothing).
  const schemaPath = path.relative(process.cwd(), config.modelDir) || '.';
  const repository = new ModelRepository(schemaPath, config.changeLogSchema);
  // Distinct per app in this process, even across module instances (see contextToOrchestratorId).
  const orchestratorId = nextOrchestratorId(config.database.type);
  return {
    driverFactory: () => driverConfig(config),
    apiSecret,
    schemaPath,
    // The model's files, with model/shared/deployment.js written from this configuration.
    repositoryFactory: () => repository,
    devServer: false,
    telemetry: false,
    // Cube Store needs the native module: cache, queue and pre-aggregations stay in memory / the source DB.
    cacheAndQueueDriver: 'memory' as const,
    preAggregationsSchema: config.preAggregationsSchema,
    // --- Pre-aggregations (model/, docs/model.md, docs/deployment.md) ---
    // Cube's own timer is off in every role: in `all` and `refresh`, server/refresh/refresh-loop.ts runs
    // Cube's refresh pass (the refresh worker's job, `handleScheduledRefreshInterval`) right after the
    // change tracker, so a pass reads the months the tracker has just bumped.
    scheduledRefreshTimer: false,
    // A page of visit lines is an ungrouped query (no GROUP BY; the query guard allows it on visit_lines
    // only, dimensions only): line_number identifies a line, not the cube's private primary key.
    allowUngroupedWithoutPrimaryKey: true,
    // Queries always run in UTC (security/query-rewrite.ts), so rollups are built for UTC only.
    scheduledRefreshTimeZones: ['UTC'],
    // A function: Cube validates an options object against a list that lacks the schema cache's expiry.
    orchestratorOptions: () => ({
      queryCacheOptions: {
        // A refresh key result is trusted for at most this long (Cube's default: the key's own `every`).
        refreshKeyRenewalThreshold: config.refreshKeyEverySeconds,
        // Cube's LRU of recent results (default 10,000) holds references to what the bounded cache
        // drops (server/cube/patches/local-cache-bound.ts): small, so that a dropped result is freed.
        maxInMemoryCacheEntries: 500,
        // A query still running after this long is given up with an error (server/cube/db-errors.ts).
        queueOptions: { concurrency: config.queryConcurrency, executionTimeout: config.queryTimeoutSeconds },
      },
      preAggregationsOptions: preAggregationsOptions(config),
    }),
    // Cube's in-memory queue and cache are module-level maps keyed by the orchestrator id (default
    // "STANDALONE"): two servers in one process (the test setup runs MariaDB and DuckDB side by side)
    // would run each other's queries on the wrong driver and share pre-aggregation table lists.
    contextToOrchestratorId: () => orchestratorId,
    // --- end pre-aggregations ---
    checkAuth: createCheckAuth({
      secret: apiSecret,
      maxTokenLifetimeSeconds: config.security.maxTokenLifetimeSeconds,
      jwks: config.security.jwksUrl
        ? new JwksKeys(config.security.jwksUrl, { onError: (error) => logCubeEvent('JWKS', { warning: error }) })
        : undefined,
      audience: config.security.jwtAudience,
      issuer: config.security.jwtIssuer,
    }),
    queryRewrite: async (query: Record<string, unknown>, context: { securityContext?: unknown }) => scopeQuery(query, context),
    // No GraphQL and no `jobs` scope: the data and meta REST endpoints, and /sql for the generated SQL.
    // Called on every data and meta request, REST and WebSocket: a token that expired since the socket
    // authorized is refused here (server/security/auth.ts).
    contextToApiScopes: async (securityContext: unknown) => {
      assertTokenCurrent(securityContext);
      return ['meta', 'data', 'sql'];
    },
    logger: (message: string, params: Record<string, unknown>) => logCubeEvent(message, params),
  };
}

/**
 * Cube's external-refresh switch, by role. `api`: Cube's `externalRefresh` — a query never builds a
 * partition, it reads the newest version the worker built (a query whose partitions were never built is
 * refused, server/cube/db-errors.ts), and the list of built tables is re-read every refresh interval
 * instead of every hour (Cube's default), so a rebuilt partition is served within one interval. A table
 * the worker replaces stays for minutes: each refresh pass marks the tables it finds current as used,
 * and Cube drops a replaced table only once that mark expires (its CUBEJS_DB_QUERY_TIMEOUT, 10 minutes;
 * at least half of it after the replacement) — far longer than an instance's stale list lives
 * (test/integration/refresh/superseded-table-grace.test.ts). `all` and
 * `refresh`: a query may build a missing partition itself, whatever NODE_ENV says (in production Cube
 * would otherwise treat an instance without its own timer as external-refresh).
 */
function preAggregationsOptions(config: ServerConfig) {
  if (config.role === 'api') return { externalRefresh: true, preAggregationsSchemaCacheExpire: config.refreshKeyEverySeconds };
  return { externalRefresh: false };
}

/** The refresh loop's lines (what changed, what it cost the database), as one JSON line each. */
function logRefreshEvent(event: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ level: event.error ? 'error' : 'info', ...event })}\n`);
}

/** Cube logs every request; keep errors and warnings, as one JSON line each. */
function logCubeEvent(message: string, params: Record<string, unknown>): void {
  const error = params.error ?? params.warning;
  if (error === undefined) return;
  // A refresh tick skipped because the previous pass is still running: expected whenever a pass takes
  // longer than the interval, and said again every tick; the pass's own duration is still logged.
  if (message === 'Refresh Scheduler Interval') return;
  const rest = redactLogParams(params);
  process.stderr.write(`${JSON.stringify({ level: params.error ? 'error' : 'warn', message, ...rest })}\n`);
}

/** Resolves when `work` does or after `ms`, whichever comes first (the work goes on unawaited). */
async function settledWithin(work: Promise<unknown>, ms: number): Promise<void> {
  await withinMs(
    work.catch(() => undefined),
    ms,
    () => undefined,
  );
}

export async function createApp(config: ServerConfig, apiSecret: string): Promise<RunningApp> {
  assertSupportedCubeVersion();
  // Cube 1.7.43 patched (DuckDB decimals and release, partition ranges): server/cube/patches/.
  installCubePatches();
  setResultCacheLimit(config.resultCacheMb * 1024 * 1024);
  silenceExpectedCubeWarnings();
  if (config.cubeMode === 'js') selectJsPlanner();
  else if (!nativeModuleAvailable()) {
    throw new Error('SCU_CUBE_MODE=native, but @cubejs-backend/native cannot be loaded on this machine');
  }
  const info: ServerInfo = {
    name: 'service-code-usage',
    cubeVersion: SUPPORTED_CUBE_VERSION,
    mode: config.cubeMode,
    dbType: config.database.type,
    nativeModuleAvailable: config.cubeMode === 'native' || nativeModuleAvailable(),
    role: config.role,
  };
  const serves = config.role !== 'refresh';
  const refreshes = config.role !== 'api';

  const options = coreOptions(config, apiSecret);
  // In native mode Cube's stock core is used; in JS mode (the default, the one tests cover) our adapter.
  const core: CubejsServerCore =
    config.cubeMode === 'js' ? new JsCubejsServerCore(options as never) : new StockCubejsServerCore(options as never);

  const app = express();
  app.disable('x-powered-by');
  if (config.requestLog) app.use(requestLog(config.role, (line) => process.stderr.write(`${JSON.stringify(line)}\n`)));
  applyHttpSecurity(app, { allowedOrigins: config.security.allowedOrigins, maxBodyBytes: MAX_REQUEST_BYTES });
  app.get('/cubejs-api/v1/info', (_req, res) => {
    res.json(info);
  });
  // MySQL: the probe's own connection (server/db/mysql-probe.ts: a busy pool is not an unreachable
  // database). DuckDB is in the process: the driver Cube's orchestrator uses.
  let driver: Awaited<ReturnType<typeof sourceDriverOf>> | undefined;
  const mysqlProbe = config.database.type === 'mysql' ? createMysqlProbe(config.database, PROBE_TIMEOUT_MS) : undefined;
  const health = createHealth({
    role: config.role,
    probeDatabase: async () => (mysqlProbe ? mysqlProbe.check() : (driver ??= await sourceDriverOf(core)).query('SELECT 1', [])),
  });
  health.install(app);
  if (serves) {
    // Before Cube's routes: in production mode Cube answers `GET /` with its own placeholder page.
    serveDashboard(app, config.dashboardDir);
    serveExplorer(app, config.exploreDir);
    serveEmbedScript(app, config.embedDir, config.security.allowedOrigins);
    serveEmbedFrames(app, config.embedDir, config.security.allowedOrigins);
    await core.initApp(app);
    installQueryGuard(apiGatewayOf(core));
    installRetryableErrors(apiGatewayOf(core), {
      queryTimeoutSeconds: config.queryTimeoutSeconds,
      databaseReachable: async () => (await health.readiness()).status !== 'database-unreachable',
    });
  } else {
    // A refresh worker serves health and info only.
    app.use((_req, res) => {
      res
        .status(404)
        .json({ error: 'This is a refresh worker (SCU_ROLE=refresh): it serves /readyz, /livez and /cubejs-api/v1/info only.' });
    });
  }
  let refreshLoop: RefreshLoop | undefined;
  const startPause = new RetryPause();
  /**
   * The change tracker's tables and first pass, then the loop. Every partition's refresh key reads the
   * tracker's log and the partitions' build range its state, so in `all` this runs before the port
   * opens (before the first query). A database that cannot be reached is waited for (1 s, 2 s … 30 s
   * between tries, each failure logged) rather than ending the process; a shutdown ends the wait.
   */
  const prepareRefresh = async (): Promise<void> => {
    if (!refreshes) return;
    let tracker: ChangeTracker | undefined;
    while (!startPause.stopped) {
      try {
        // Cube tests a driver's connection when it creates it (and creates it again after a failure).
        const sourceDriver = (driver ??= await sourceDriverOf(core));
        tracker ??= new ChangeTracker({
          dialect: config.database.type,
          schema: config.changeLogSchema,
          run: (sql) => sourceDriver.query(sql, []),
          reconcileEverySeconds: config.reconcileEverySeconds,
        });
        await tracker.ensureTables();
        logRefreshEvent({ message: 'Change tracker pass', ...(await tracker.pass()) });
        break;
      } catch (error) {
        logRefreshEvent({
          message: 'Change tracker pass',
          error: String((error as Error)?.message ?? error),
          retryInMs: startPause.nextWaitMs(),
        });
        await startPause.afterFailure();
      }
    }
    if (startPause.stopped || !tracker) return;
    refreshLoop = startRefreshLoop({
      everySeconds: config.refreshKeyEverySeconds,
      tracker,
      refreshPreAggregations: () => runScheduledRefreshPass(core),
      log: logRefreshEvent,
    });
  };
  // A refresh worker serves nothing but health and info: its port opens first, so that /livez answers
  // and /readyz says "not built yet" while it waits for the database.
  const preparedBeforeListening = config.role !== 'refresh';
  if (preparedBeforeListening) await prepareRefresh();

  const server = http.createServer(app);
  // Cube sizes WebSocket messages by this variable (default 50mb); REST bodies are bounded in http-security.ts.
  process.env.CUBEJS_MAX_REQUEST_SIZE ??= `${MAX_REQUEST_BYTES / 1024}kb`;
  const sockets = serves ? attachWebSocketServer(core, server) : undefined;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const refreshPrepared = preparedBeforeListening ? Promise.resolve() : prepareRefresh();
  return {
    url: `http://localhost:${port}`,
    port,
    info,
    core,
    health,
    async refreshRollups() {
      await refreshPrepared;
      await refreshLoop?.runUntilBuilt();
      if (!startPause.stopped) health.markBuilt();
    },
    async close({ graceMs = 10_000 } = {}) {
      health.beginShutdown();
      // The port first: requests in flight finish (at most graceMs), then what is left is cut. A
      // WebSocket client is told the server is going away and reconnects (to another instance).
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const cutOff = setTimeout(() => server.closeAllConnections(), graceMs);
      await sockets?.close();
      await closed;
      clearTimeout(cutOff);
      // A refresh pass in progress may hold a build for minutes: it is waited for at most graceMs, then
      // abandoned (server/main.ts exits at its deadline; the build statement dies with its connection).
      // Cube records a partition only once its table is built, so the refresh key still differs and the
      // next pass, here or in the next worker, builds that partition again.
      startPause.stop();
      await settledWithin(refreshLoop?.stop() ?? Promise.resolve(), graceMs);
      // beforeShutdown stops the compiler-cache and refresh timers, which shutdown() leaves running.
      await core.beforeShutdown();
      // Cube 1.7.43 releases only the data sources an orchestrator has marked as seen, and nothing
      // marks one: without this the MySQL pools outlive the server and DuckDB is never checkpointed
      // (DuckDB waits for its running queries first: server/cube/patches/duckdb-quiet-release.ts).
      markDefaultDataSourceSeen(core);
      await core.shutdown();
      await mysqlProbe?.close();
    },
  };
}
