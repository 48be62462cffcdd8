/**
 * The server's configuration, read from the environment once, validated and typed.
 * A bad or missing variable stops start-up with a message naming it (ConfigError).
 * Names are the runtime contract of docs/contract.md (Cube's own CUBEJS_* where Cube has one).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Configuration error: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type CubeMode = 'js' | 'native';

/** What this process does (docs/deployment.md): `all` serves and refreshes (the demo, one instance);
 * `api` serves and never builds a pre-aggregation; `refresh` builds and refreshes and serves health only. */
export type Role = 'all' | 'api' | 'refresh';
export const ROLES: readonly Role[] = ['all', 'api', 'refresh'];

type DatabaseConfig =
  | { type: 'duckdb'; databasePath: string; demo: boolean }
  | { type: 'mysql'; host: string; port: number; database: string; user: string; password: string };

export interface ServerConfig {
  port: number;
  role: Role;
  /** Seconds between readiness turning false on SIGTERM and the server closing its port: a load
   * balancer's probe sees "not ready" and stops sending new requests before any is refused. */
  shutdownDrainSeconds: number;
  /** Longest a query may run on the database before the API answers with a retryable error. */
  queryTimeoutSeconds: number;
  /** One JSON line per HTTP request (server/request-log.ts); off in tests, which make thousands. */
  requestLog: boolean;
  /** Undefined only in demo mode, where start-up generates and keeps one (server/db/demo.ts). */
  apiSecret: string | undefined;
  cubeMode: CubeMode;
  database: DatabaseConfig;
  /** Schema (MySQL database) where Cube writes pre-aggregation tables. */
  preAggregationsSchema: string;
  /** Schema of the change tracker's log and state, beside the pre-aggregations: `<that>_changes`. Not
   * inside it: Cube drops every table of the pre-aggregations schema that is not one of its own. */
  changeLogSchema: string;
  /** Directory with the built dashboard, served at `/`. */
  dashboardDir: string;
  /** Directory with the built embedding script, served at `/embed/widgets.js` (docs/embedding.md). */
  embedDir: string;
  /** The built explorer (`/explore`). */
  exploreDir: string;
  /** Directory of the data model (model/cubes, model/views). */
  modelDir: string;
  /** Scale for the demo database created on first start. */
  demoScale: number;
  /** Data directory for demo files (DuckDB database, generated secret). */
  dataDir: string;
  /** Seconds between refresh passes: the change tracker, then Cube's refresh keys (the freshness bound
   * is promised from this; README). */
  refreshKeyEverySeconds: number;
  /** Seconds between the change tracker's reconciliations (deletes, in-place edits); 0 never. */
  reconcileEverySeconds: number;
  /** Queries Cube runs on the source database at once (Cube's CUBEJS_CONCURRENCY). */
  queryConcurrency: number;
  /** Cap on Cube's in-memory query results, MB of JSON (server/cube/patches/local-cache-bound.ts). */
  resultCacheMb: number;
  /** Embedding security (docs/security.md). */
  security: SecurityConfig;
}

interface SecurityConfig {
  /** Portal origins allowed to call the API from a browser (CORS) and to frame the dashboard. */
  allowedOrigins: string[];
  /** Longest token lifetime accepted (exp minus iat), in seconds. */
  maxTokenLifetimeSeconds: number;
  /** JWKS endpoint of a portal that signs RS256 tokens with its private key; undefined: HS256 only. */
  jwksUrl: string | undefined;
  /** When set, every token must carry this `aud` / `iss`. */
  jwtAudience: string | undefined;
  jwtIssuer: string | undefined;
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function required(env: Env, name: string, when: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new ConfigError(name, `is required ${when}`);
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Cube 1.7.43's MySQL driver refuses a pre-aggregation table whose `<schema>.<table>` passes 64
 * characters; the longest pre-aggregation of the model, `counted_items_usage_by_day` (26 characters;
 * billing_by_day has the shorter sql_alias `billing` for this reason) fitted with a 37-character
 * schema (measured, BENCHMARKS.md "Billing checks"), the longest this accepts. Refused at start, not on
 * every refresh pass. test/unit/config.test.ts checks the model's names against it.
 */
export const MAX_PRE_AGGREGATIONS_SCHEMA_LENGTH = 37;

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "90", "90s", "15m", "1h", "7d" in seconds; undefined when the text is not such a duration. */
export function parseDurationSeconds(text: string): number | undefined {
  const m = /^(\d{1,9})\s*([smhd]?)$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * DURATION_UNITS[m[2] || 's']!;
}

function duration(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const seconds = parseDurationSeconds(raw);
  if (seconds === undefined) {
    throw new ConfigError(name, `must be a duration such as 3600, 90m, 24h or 7d, got "${raw}"`);
  }
  if (seconds < min || seconds > max) {
    throw new ConfigError(name, `must be between ${min} and ${max} seconds, got "${raw}" (${seconds} s)`);
  }
  return seconds;
}

/** A browser origin exactly as browsers send it: scheme, host and optional port; no path, no slash. */
function origins(env: Env, name: string): string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return [];
  return raw
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '')
    .map((o) => {
      let url: URL | undefined;
      try {
        url = new URL(o);
      } catch {
        url = undefined;
      }
      if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== o || o.includes('*')) {
        throw new ConfigError(
          name,
          `must be a comma-separated list of origins such as https://portal.example.com (scheme, host and ` +
            `optional port; no path, no trailing slash, no wildcard), got "${o}"`,
        );
      }
      return o;
    });
}

function httpUrl(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw.trim());
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol)) {
    throw new ConfigError(name, `must be an http(s) URL, got "${raw}"`);
  }
  return url.href;
}

function optionalText(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

export function readConfig(env: Env = process.env): ServerConfig {
  const dbType = oneOf(env, 'CUBEJS_DB_TYPE', ['duckdb', 'mysql'] as const, 'duckdb');
  const dataDir = path.resolve(PROJECT_ROOT, env.SCU_DATA_DIR || '.data');
  let database: DatabaseConfig;
  if (dbType === 'mysql') {
    const when = 'when CUBEJS_DB_TYPE=mysql';
    database = {
      type: 'mysql',
      host: required(env, 'CUBEJS_DB_HOST', when),
      port: integer(env, 'CUBEJS_DB_PORT', 3306, 1, 65535),
      database: required(env, 'CUBEJS_DB_NAME', when),
      user: required(env, 'CUBEJS_DB_USER', when),
      password: env.CUBEJS_DB_PASS ?? '',
    };
  } else {
    const explicitPath = env.CUBEJS_DB_DUCKDB_DATABASE_PATH;
    database = {
      type: 'duckdb',
      databasePath: path.resolve(PROJECT_ROOT, explicitPath || path.join(dataDir, 'demo.duckdb')),
      // Without a path of its own the server runs the embedded demo: it creates the file with demo data.
      demo: !explicitPath,
    };
  }

  const apiSecret = env.CUBEJS_API_SECRET || undefined;
  const isDemo = database.type === 'duckdb' && database.demo;
  if (!apiSecret && !isDemo) {
    throw new ConfigError('CUBEJS_API_SECRET', 'is required (only the embedded demo database generates one)');
  }
  if (apiSecret !== undefined && apiSecret.length < 32) {
    throw new ConfigError('CUBEJS_API_SECRET', 'must be at least 32 characters (it signs the HS256 tokens)');
  }

  const preAggregationsSchema = env.CUBEJS_PRE_AGGREGATIONS_SCHEMA || 'scu_pre_aggregations';
  if (!IDENTIFIER.test(preAggregationsSchema)) {
    throw new ConfigError('CUBEJS_PRE_AGGREGATIONS_SCHEMA', `must be a plain identifier, got "${preAggregationsSchema}"`);
  }
  if (preAggregationsSchema.length > MAX_PRE_AGGREGATIONS_SCHEMA_LENGTH) {
    throw new ConfigError(
      'CUBEJS_PRE_AGGREGATIONS_SCHEMA',
      `must be at most ${MAX_PRE_AGGREGATIONS_SCHEMA_LENGTH} characters, got ${preAggregationsSchema.length} ` +
        `("${preAggregationsSchema}"): Cube refuses a MySQL pre-aggregation table whose "<schema>.<table>" passes 64 characters`,
    );
  }
  const role = oneOf(env, 'SCU_ROLE', ROLES, 'all');
  if (role !== 'all' && database.type === 'duckdb') {
    throw new ConfigError(
      'SCU_ROLE',
      `must be "all" with a DuckDB database, got "${role}": a DuckDB file is opened by one process only, so ` +
        'api instances and a refresh worker need CUBEJS_DB_TYPE=mysql',
    );
  }

  return {
    // 0 asks the OS for a free port (tests).
    port: integer(env, 'PORT', 4000, 0, 65535),
    role,
    shutdownDrainSeconds: integer(env, 'SCU_SHUTDOWN_DRAIN_SECONDS', 5, 0, 120),
    queryTimeoutSeconds: duration(env, 'SCU_QUERY_TIMEOUT', 30, 5, 3600),
    requestLog: oneOf(env, 'SCU_REQUEST_LOG', ['on', 'off'] as const, 'on') === 'on',
    apiSecret,
    cubeMode: oneOf(env, 'SCU_CUBE_MODE', ['js', 'native'] as const, 'js'),
    database,
    preAggregationsSchema,
    changeLogSchema: `${preAggregationsSchema}_changes`,
    dashboardDir: path.resolve(PROJECT_ROOT, env.SCU_DASHBOARD_DIR || 'dist/dashboard'),
    embedDir: path.resolve(PROJECT_ROOT, env.SCU_EMBED_DIR || 'dist/embed'),
    exploreDir: path.resolve(PROJECT_ROOT, env.SCU_EXPLORE_DIR || 'dist/explore'),
    modelDir: path.resolve(PROJECT_ROOT, env.SCU_MODEL_DIR || 'model'),
    demoScale: integer(env, 'SCU_DEMO_SCALE', 1, 1, 1000),
    dataDir,
    refreshKeyEverySeconds: integer(env, 'SCU_REFRESH_KEY_EVERY_SECONDS', 10, 1, 3600),
    reconcileEverySeconds: integer(env, 'SCU_RECONCILE_EVERY_SECONDS', 86_400, 0, 30 * 86_400),
    // Cube's default for MySQL is 2: two slow queries then hold up every dashboard behind them. DuckDB
    // runs one process's queries on its own threads, so it keeps Cube's default.
    queryConcurrency: integer(env, 'CUBEJS_CONCURRENCY', database.type === 'mysql' ? 6 : 2, 1, 64),
    resultCacheMb: integer(env, 'SCU_RESULT_CACHE_MB', 64, 1, 16_384),
    security: {
      allowedOrigins: origins(env, 'SCU_ALLOWED_ORIGINS'),
      maxTokenLifetimeSeconds: duration(env, 'SCU_MAX_TOKEN_LIFETIME', 24 * 3600, 60, 30 * 86_400),
      jwksUrl: httpUrl(env, 'SCU_JWKS_URL'),
      jwtAudience: optionalText(env, 'SCU_JWT_AUDIENCE'),
      jwtIssuer: optionalText(env, 'SCU_JWT_ISSUER'),
    },
  };
}
