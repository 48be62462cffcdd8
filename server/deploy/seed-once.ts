/**
 * The compose file's one-shot `seed` job (docker-compose.yml, docs/deployment.md): seeds the demo host
 * database the first time only. The seeder refuses tables that already hold rows (so that it never
 * mixes two data sets), and `docker compose up` runs a one-shot job again on every start: without this
 * check the second start would fail the job and the api instances, which wait for it, would never start.
 *
 *   node --import tsx server/deploy/seed-once.ts <the seeder's own arguments>
 *
 * Connects with the seeder's variables (CUBEJS_DB_HOST, CUBEJS_DB_PORT, CUBEJS_DB_USER, CUBEJS_DB_PASS,
 * CUBEJS_DB_NAME); every argument goes to server/db/seed/cli.ts unchanged.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { PROJECT_ROOT } from '../config.js';
import { HOST_TABLES } from '../db/seed/schema.js';

const SEEDER_SCRIPT = 'server/db/seed/cli.ts';

/** Rows in the host tables that exist (a table not yet created counts 0). */
async function hostRows(database: string): Promise<number> {
  const db = await mysql.createConnection({
    host: process.env.CUBEJS_DB_HOST || '127.0.0.1',
    port: Number(process.env.CUBEJS_DB_PORT || 3306),
    user: process.env.CUBEJS_DB_USER || 'root',
    password: process.env.CUBEJS_DB_PASS ?? '',
  });
  try {
    const [tables] = await db.query<mysql.RowDataPacket[]>(
      'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
      [database],
    );
    const present = new Set(tables.map((t) => String(t.name)));
    let rows = 0;
    for (const table of HOST_TABLES.filter((t) => present.has(t))) {
      const [count] = await db.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${db.escapeId(database)}.${db.escapeId(table)}`);
      rows += Number(count[0]?.n ?? 0);
    }
    return rows;
  } finally {
    await db.end();
  }
}

const args = process.argv.slice(2);
const databaseArg = args.indexOf('--database');
const database = databaseArg >= 0 ? args[databaseArg + 1]! : process.env.CUBEJS_DB_NAME || 'service_code_usage_demo';
const existing = await hostRows(database);
if (existing > 0 && !args.includes('--reset')) {
  process.stderr.write(
    `seed: the host tables of "${database}" already hold ${existing} rows; nothing to do. To start over with new ` +
      'demo data, remove the database volume (docker compose down -v).\n',
  );
  process.exit(0);
}
const seeder = spawnSync(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, SEEDER_SCRIPT), ...args], {
  stdio: 'inherit',
  cwd: PROJECT_ROOT,
});
process.exit(seeder.status ?? 1);
