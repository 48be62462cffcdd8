// npm run seed -- --target mysql|duckdb --scale N [--seed S] [--database NAME] [--duckdb-path FILE]
//                 [--clinics K] [--years Y] [--end-date YYYY-MM-DD] [--batch-rows R] [--reset]

import { parseArgs } from 'node:util';
import { estimateHostRows } from './generator.js';
import { seedDuckDb } from './duckdb.js';
import { seedMysql } from './mysql.js';
import { DEFAULT_END_DATE, DEFAULT_YEARS, type SeedOptions } from './options.js';
import { progressBar } from './progress.js';
import type { SeedSummary } from './run.js';

const USAGE = `Usage: npm run seed -- --target mysql|duckdb [options]

Writes deterministic demo data into the host tables (created when missing).

  --target mysql|duckdb   where to write (required)
  --scale N               volume; 1 ≈ 3 clinics, ~46,000 purchase_items; linear in N (default 1)
  --seed S                PRNG seed, an integer (default 1)
  --clinics K             number of clinics (default max(3, round(3·√N)))
  --years Y               years of visits (default ${DEFAULT_YEARS})
  --end-date YYYY-MM-DD   last date of service (default ${DEFAULT_END_DATE})
  --reset                 drop and recreate the host tables first
  --database NAME         mysql: database name (default CUBEJS_DB_NAME or service_code_usage_demo)
  --batch-rows R          mysql: rows per INSERT statement (default 2000)
  --duckdb-path FILE      duckdb: file (default CUBEJS_DB_DUCKDB_DATABASE_PATH or .data/demo.duckdb)
  --estimate              print the expected row counts and exit

MySQL connection: CUBEJS_DB_HOST (127.0.0.1), CUBEJS_DB_PORT (3306), CUBEJS_DB_USER (root), CUBEJS_DB_PASS ('').
`;

class UsageError extends Error {}

function numberOption(name: string, text: string | undefined, fallback: number | undefined): number | undefined {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name} must be a number, got ${JSON.stringify(text)}`);
  return value;
}

function envNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return value;
}

async function main(argv: string[]): Promise<SeedSummary | undefined> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      target: { type: 'string' },
      scale: { type: 'string' },
      seed: { type: 'string' },
      clinics: { type: 'string' },
      years: { type: 'string' },
      'end-date': { type: 'string' },
      reset: { type: 'boolean', default: false },
      database: { type: 'string' },
      'batch-rows': { type: 'string' },
      'duckdb-path': { type: 'string' },
      estimate: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return undefined;
  }
  const options: SeedOptions = {
    scale: numberOption('scale', values.scale, 1)!,
    seed: numberOption('seed', values.seed, 1)!,
    clinics: numberOption('clinics', values.clinics, undefined),
    years: numberOption('years', values.years, undefined),
    endDate: values['end-date'],
  };
  const estimate = estimateHostRows(options); // also validates the options
  if (values.estimate) {
    process.stdout.write(`${JSON.stringify(estimate)}\n`);
    return undefined;
  }
  const target = values.target;
  if (target !== 'mysql' && target !== 'duckdb') throw new UsageError(`--target must be mysql or duckdb, got ${JSON.stringify(target)}`);

  const onProgress = progressBar(process.stderr, { label: `seed ${target}` });
  process.stderr.write(
    `seed ${target}: scale ${options.scale}, seed ${options.seed}, ~${estimate.purchaseItems.toLocaleString('en-US')} purchase_items expected\n`,
  );
  if (target === 'duckdb') {
    const path = values['duckdb-path'] ?? (process.env.CUBEJS_DB_DUCKDB_DATABASE_PATH || '.data/demo.duckdb');
    return seedDuckDb(path, { ...options, reset: values.reset, onProgress });
  }
  const batchRows = numberOption('batch-rows', values['batch-rows'], undefined);
  return seedMysql(
    {
      host: process.env.CUBEJS_DB_HOST || '127.0.0.1',
      port: envNumber('CUBEJS_DB_PORT', 3306),
      user: process.env.CUBEJS_DB_USER || 'root',
      password: process.env.CUBEJS_DB_PASS ?? '',
      database: values.database ?? (process.env.CUBEJS_DB_NAME || 'service_code_usage_demo'),
    },
    { ...options, reset: values.reset, onProgress, batchRows },
  );
}

try {
  const summary = await main(process.argv.slice(2));
  if (summary) {
    const seconds = (summary.elapsedMs / 1000).toFixed(1);
    process.stderr.write(
      `seeded ${summary.location} in ${seconds} s (${summary.options.startDate} … ${summary.options.endDate}, ${summary.options.clinics} clinics)\n`,
    );
    for (const [table, count] of Object.entries(summary.rows)) {
      process.stderr.write(`  ${table.padEnd(22)} ${count.toLocaleString('en-US').padStart(12)}\n`);
    }
  }
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`seed: ${message}\n`);
  if (
    error instanceof UsageError ||
    error instanceof RangeError ||
    String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')
  ) {
    process.stderr.write(`\n${USAGE}`);
  }
  process.exitCode = 1;
}
