/**
 * The benchmark's command line: `npm run bench -- --items 10M [--users 50,200] [--runs 9] [--minutes 1]
 * [--reuse|--reseed] [--out BENCHMARKS.md] [--json]`, and the data size it implies.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../../server/config.js';
import { estimateHostRows } from '../../server/db/seed/index.js';

export const USAGE = `Usage: npm run bench -- --items <N> [options]

Seeds MariaDB (database scu_bench_<size>, reused when it already holds that size), starts the server cold
and measures it against hand-written SQL and direct reads of the pre-aggregation tables.

  --items N          purchase_items to seed: 20k, 1M, 10M, or a plain number (required)
  --users A,B        concurrent simulated dashboard users, one load phase each (default 50,200)
  --runs N           repeats of each query for median and p95 (default 9)
  --minutes M        idle window for the refresh cost, in minutes (default 1)
  --load-seconds S   length of each load phase (default 60; 10 when --items is under 100k)
  --reuse            require the existing database (fail when it does not hold the expected data)
  --reseed           drop and seed the host tables again
  --out FILE         report file (default BENCHMARKS.md at the repository root); only this size's section is replaced
  --json             also print every figure as JSON on stdout
`;

export class UsageError extends Error {}

export interface BenchArgs {
  items: number;
  /** `20k`, `1m`, `10m`: names the database and the report's section. */
  sizeLabel: string;
  scale: number;
  database: string;
  preAggregationsSchema: string;
  users: number[];
  runs: number;
  minutes: number;
  loadSeconds: number;
  seedMode: 'auto' | 'reuse' | 'reseed';
  out: string;
  json: boolean;
}

/** `20k` → 20,000; `1M` → 1,000,000; `2.5m`, `10000` too. */
export function parseItems(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  if (!match) throw new UsageError(`--items must look like 20k, 1M or 10000000, got ${JSON.stringify(text)}`);
  const multiplier = match[2] === '' ? 1 : match[2]!.toLowerCase() === 'k' ? 1e3 : 1e6;
  const items = Math.round(Number(match[1]) * multiplier);
  if (items < 1_000 || items > 200_000_000) throw new UsageError(`--items must be from 1k to 200M, got ${text}`);
  return items;
}

/** The shortest label of a size: 20000 → 20k, 1000000 → 1m, 2500000 → 2500k. */
export function sizeLabel(items: number): string {
  if (items % 1_000_000 === 0) return `${items / 1_000_000}m`;
  if (items % 1_000 === 0) return `${items / 1_000}k`;
  return String(items);
}

/**
 * The seeder scale whose estimate is closest to `items` (the estimate is linear in the scale): whole
 * numbers from 10 up (10M → 218, the scale the 10M database was seeded with), two decimals below.
 */
export function scaleForItems(items: number): number {
  const perScale = estimateHostRows({ scale: 1, seed: 1 }).purchaseItems;
  const raw = items / perScale;
  return raw >= 10 ? Math.round(raw) : Math.max(0.01, Math.round(raw * 100) / 100);
}

export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      items: { type: 'string' },
      users: { type: 'string', default: '50,200' },
      runs: { type: 'string', default: '9' },
      minutes: { type: 'string', default: '1' },
      'load-seconds': { type: 'string' },
      reuse: { type: 'boolean', default: false },
      reseed: { type: 'boolean', default: false },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) throw new UsageError('');
  if (!values.items) throw new UsageError('--items is required');
  const items = parseItems(values.items);
  const users = values.users.split(',').map((u) => Number(u.trim()));
  if (users.some((u) => !Number.isInteger(u) || u < 1 || u > 1_000))
    throw new UsageError(`--users must be whole numbers from 1 to 1000, got ${values.users}`);
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 200)
    throw new UsageError(`--runs must be a whole number from 1 to 200, got ${values.runs}`);
  const minutes = Number(values.minutes);
  if (!Number.isFinite(minutes) || minutes < 0 || minutes > 60)
    throw new UsageError(`--minutes must be from 0 to 60, got ${values.minutes}`);
  const loadSeconds = Number(values['load-seconds'] ?? (items < 100_000 ? 10 : 60));
  if (!Number.isFinite(loadSeconds) || loadSeconds <= 0 || loadSeconds > 900) throw new UsageError(`--load-seconds must be from 1 to 900`);
  if (values.reuse && values.reseed) throw new UsageError('--reuse and --reseed exclude each other');
  const label = sizeLabel(items);
  const database = `scu_bench_${label.replace(/\W/g, '_')}`;
  return {
    items,
    sizeLabel: label,
    scale: scaleForItems(items),
    database,
    preAggregationsSchema: `${database}_pre_aggregations`,
    users,
    runs,
    minutes,
    loadSeconds,
    seedMode: values.reuse ? 'reuse' : values.reseed ? 'reseed' : 'auto',
    out: path.resolve(process.cwd(), values.out ?? path.join(PROJECT_ROOT, 'BENCHMARKS.md')),
    json: values.json,
  };
}
