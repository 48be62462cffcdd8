/**
 * The bench database: reused when it holds the data this size's seed produces, otherwise seeded
 * through the project's seeder (its progress bar on stderr).
 */
import { execFileSync } from 'node:child_process';
import type mysql from 'mysql2/promise';
import { HOST_TABLES, defaultClinicCount, estimateHostRows, progressBar, seedMysql } from '../../server/db/seed/index.js';
import type { BenchArgs } from './args.js';
import { MYSQL, rows } from './db.js';

export interface SeedResult {
  reused: boolean;
  seedSeconds: number | null;
  expectedItems: number;
  rowsByTable: Record<string, number>;
  clinics: number;
}

/** The seeder's own estimate is within a few % of what it writes. */
const TOLERANCE = 0.05;

async function countRows(db: mysql.Connection, database: string): Promise<Record<string, number> | null> {
  const present = await rows<{ n: string }>(
    db,
    'SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_name IN (?)',
    [database, HOST_TABLES],
  );
  if (Number(present[0]?.n) !== HOST_TABLES.length) return null;
  const counts: Record<string, number> = {};
  for (const table of HOST_TABLES) {
    const [row] = await rows<{ n: string }>(db, `SELECT COUNT(*) AS n FROM ${db.escapeId(database)}.${db.escapeId(table)}`);
    counts[table] = Number(row!.n);
  }
  return counts;
}

function seederRunning(database: string): boolean {
  try {
    const out = execFileSync('pgrep', ['-af', 'seed/cli.ts'], { encoding: 'utf8' });
    return out.split('\n').some((line) => line.includes(`--database ${database}`) || line.includes(`--database=${database}`));
  } catch {
    return false;
  }
}

export async function ensureBenchDatabase(
  db: mysql.Connection,
  args: Pick<BenchArgs, 'scale' | 'database' | 'seedMode'>,
  log: (line: string) => void,
): Promise<SeedResult> {
  const expected = estimateHostRows({ scale: args.scale, seed: 1 });
  const clinics = defaultClinicCount(args.scale);
  if (seederRunning(args.database)) throw new Error(`a seeder is writing ${args.database} right now; wait for it to finish`);
  const existing = await countRows(db, args.database);
  const matches =
    existing !== null &&
    Math.abs(existing.purchase_items! - expected.purchaseItems) <= TOLERANCE * expected.purchaseItems &&
    existing.clinics === clinics;
  if (existing) {
    log(
      `${args.database}: ${existing.purchase_items!.toLocaleString('en-US')} purchase_items, ${existing.clinics} clinics ` +
        `(scale ${args.scale} gives ~${expected.purchaseItems.toLocaleString('en-US')} and ${clinics} clinics): ${matches ? 'matches' : 'does not match'}`,
    );
  }
  if (matches && args.seedMode !== 'reseed')
    return { reused: true, seedSeconds: null, expectedItems: expected.purchaseItems, rowsByTable: existing, clinics };
  if (args.seedMode === 'reuse')
    throw new Error(`--reuse: ${args.database} does not hold the data of scale ${args.scale}; run without --reuse to seed it`);

  log(
    `seeding ${args.database}: scale ${args.scale}, ~${expected.purchaseItems.toLocaleString('en-US')} purchase_items, ${clinics} clinics`,
  );
  const summary = await seedMysql(
    { host: MYSQL.host, port: MYSQL.port, user: MYSQL.user, password: MYSQL.password, database: args.database },
    { scale: args.scale, seed: 1, reset: true, onProgress: progressBar(process.stderr, { label: `seed ${args.database}` }) },
  );
  const counts = (await countRows(db, args.database))!;
  return {
    reused: false,
    seedSeconds: summary.elapsedMs / 1000,
    expectedItems: expected.purchaseItems,
    rowsByTable: counts,
    clinics: counts.clinics!,
  };
}
