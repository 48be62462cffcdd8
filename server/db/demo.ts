/**
 * The embedded default: with no database configured, the server runs on a DuckDB file with demo data,
 * created on first start, and a generated secret kept for later starts (never committed, mode 0600).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { seedDuckDb } from './seed/index.js';

/** The demo data: deterministic, so every newcomer sees the same clinics (README lists them). */
const DEMO_SEED = 20240101;

/** Creates the demo DuckDB file unless it exists. The seeder writes a new file under a temporary
 * name and renames it when complete, so an interrupted first start leaves nothing later starts trust. */
export async function ensureDemoDatabase(databasePath: string, scale: number, log: (line: string) => void): Promise<boolean> {
  if (fs.existsSync(databasePath)) return false;
  log(`Creating the demo database ${databasePath} (scale ${scale}); this happens once.`);
  const summary = await seedDuckDb(databasePath, { scale, seed: DEMO_SEED, progress: true });
  log(
    `Demo database ready in ${(summary.elapsedMs / 1000).toFixed(1)} s: ${summary.rows.purchase_items} service lines ` +
      `on ${summary.rows.purchases} visits in ${summary.rows.clinics} clinics (${summary.options.startDate} to ${summary.options.endDate}).`,
  );
  return true;
}

/** The secret the demo signs its tokens with: read from dataDir, generated on first start. */
export function demoSecret(dataDir: string): string {
  const file = path.join(dataDir, 'demo-api-secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = crypto.randomBytes(32).toString('base64url');
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
