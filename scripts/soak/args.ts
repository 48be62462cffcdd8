/**
 * The soak's command line: `npm run soak -- --minutes N --users N [--items 1M] [--url URL --secret S --db NAME
 * [--pid PID]] [--json]`. Bounded on purpose: at most 60 minutes and 500 users, and only this machine's
 * MariaDB (scripts/bench/db.ts) unless --url names a server already running.
 */
import { parseArgs } from 'node:util';
import { UsageError, parseItems, scaleForItems, sizeLabel } from '../bench/args.js';

export { UsageError };

export const USAGE = `Usage: npm run soak -- --minutes <N> --users <N> [options]

Simulated dashboard users (owner, billing and provider tokens of every clinic) use the report, its drill
pages and the explorer for N minutes with think time between actions. Every row returned is checked against
what its token may see (plain SQL on the host tables), a sample of figures against plain SQL, and the
server's memory is sampled. Exits 1 on any error, any row outside its token's scope, any figure unequal
to plain SQL, or memory growth above the threshold.

  --minutes N     how long the users work (0.1 to 60; default 10)
  --users N       concurrent simulated users (1 to 500; default 50)
  --items N       data size when the soak starts its own server: 20k, 1M, 10M or a number (default 1M);
                  database scu_soak_<size> on 127.0.0.1, seeded on first use and reused after
  --url URL       soak a server that is already running (e.g. the docker-compose proxy, http://127.0.0.1:4000)
  --secret S      its CUBEJS_API_SECRET (default: the environment's CUBEJS_API_SECRET); with --url only
  --db NAME       the host database that server reads, for the plain-SQL checks (required with --url;
                  reached like the bench's: CUBEJS_DB_PORT, CUBEJS_DB_USER, CUBEJS_DB_PASS on 127.0.0.1)
  --pid PID       with --url: a local process to sample the memory of (VmRSS); without it memory is not measured
  --warmup M      minutes of load before the memory verdict's first window (default a third of the run, at
                  most 5: a fresh server fills its caches first; the growth from the very first minute is
                  reported too)
  --seed N        the users' random seed (default 1): the same seed makes the same choices
  --json          print the result as JSON on stdout instead of the text report
`;

export interface SoakArgs {
  minutes: number;
  warmupMinutes: number;
  users: number;
  items: number;
  sizeLabel: string;
  scale: number;
  /** The host database the plain-SQL checks read (the spawned server's, or --db). */
  database: string;
  /** Pre-aggregation schema of the spawned server. */
  preAggregationsSchema: string;
  url: string | null;
  secret: string | null;
  pid: number | null;
  seed: number;
  json: boolean;
}

export const MAX_MINUTES = 60;
export const MAX_USERS = 500;

export function parseSoakArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): SoakArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      minutes: { type: 'string', default: '10' },
      users: { type: 'string', default: '50' },
      items: { type: 'string', default: '1M' },
      url: { type: 'string' },
      secret: { type: 'string' },
      db: { type: 'string' },
      pid: { type: 'string' },
      warmup: { type: 'string' },
      seed: { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) throw new UsageError('');
  const minutes = Number(values.minutes);
  if (!Number.isFinite(minutes) || minutes < 0.1 || minutes > MAX_MINUTES)
    throw new UsageError(`--minutes must be from 0.1 to ${MAX_MINUTES}, got ${values.minutes}`);
  const users = Number(values.users);
  if (!Number.isInteger(users) || users < 1 || users > MAX_USERS)
    throw new UsageError(`--users must be a whole number from 1 to ${MAX_USERS}, got ${values.users}`);
  const warmupMinutes = values.warmup === undefined ? Math.min(5, minutes / 3) : Number(values.warmup);
  if (!Number.isFinite(warmupMinutes) || warmupMinutes < 0 || warmupMinutes > (minutes * 2) / 3)
    throw new UsageError(`--warmup must be from 0 to two thirds of --minutes, got ${values.warmup}`);
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be a whole number, got ${values.seed}`);
  const items = parseItems(values.items);
  const label = sizeLabel(items);
  const url = values.url ? values.url.replace(/\/+$/, '') : null;
  if (url && !/^https?:\/\//.test(url)) throw new UsageError(`--url must start with http:// or https://, got ${values.url}`);
  if (!url && (values.secret || values.db || values.pid)) throw new UsageError('--secret, --db and --pid go with --url');
  const secret = url ? (values.secret ?? env.CUBEJS_API_SECRET ?? null) : null;
  if (url && !secret) throw new UsageError('--url needs --secret (or CUBEJS_API_SECRET): the soak mints its users’ tokens');
  if (url && !values.db) throw new UsageError('--url needs --db: the host database that server reads, for the plain-SQL checks');
  const pid = values.pid === undefined ? null : Number(values.pid);
  if (pid !== null && (!Number.isInteger(pid) || pid < 1)) throw new UsageError(`--pid must be a process id, got ${values.pid}`);
  const database = values.db ?? `scu_soak_${label.replace(/\W/g, '_')}`;
  return {
    minutes,
    warmupMinutes,
    users,
    items,
    sizeLabel: label,
    scale: scaleForItems(items),
    database,
    preAggregationsSchema: `${database}_pre_aggregations`,
    url,
    secret,
    pid,
    seed,
    json: values.json,
  };
}
