/**
 * `npm start` on a fresh machine: with no database configured, the server creates the DuckDB demo
 * database and a secret, prints a URL with a ready token, serves figures equal to plain SQL on that
 * file, closes cleanly on SIGTERM, and on the next start reuses both (no new data, same secret).
 * The subject here is start-up itself, so this file starts its own server process.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/config.js';
import { money } from '../support/decimal.js';
import { referenceFigures } from '../support/reference-sql.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scu-demo-'));
const children: ChildProcessWithoutNullStreams[] = [];

function startServer(): Promise<{ child: ChildProcessWithoutNullStreams; output: () => string; url: string; token: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', SCU_DATA_DIR: dataDir };
  for (const name of ['CUBEJS_DB_TYPE', 'CUBEJS_API_SECRET', 'CUBEJS_DB_DUCKDB_DATABASE_PATH']) delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: PROJECT_ROOT, env });
  children.push(child);
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no demo URL within 120 s:\n${output}`)), 120_000);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
    const poll = setInterval(() => {
      const m = /(http:\/\/localhost:\d+)\/#token=(\S+)/.exec(output);
      if (m) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve({ child, output: () => output, url: m[1]!, token: m[2]! });
      }
    }, 100);
  });
}

/** Sends SIGTERM and resolves with how the process ended: its exit code, or the signal that killed it. */
function stop(child: ChildProcessWithoutNullStreams): Promise<number | string | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code, signal) => resolve(code ?? signal));
    child.kill('SIGTERM');
  });
}

async function unitsByClinic(url: string, token: string): Promise<string> {
  const query = { measures: ['service_code_usage.units_billed', 'service_code_usage.total_billed'] };
  const res = await fetch(`${url}/cubejs-api/v1/load`, {
    method: 'POST',
    headers: { Authorization: token, 'Content-Type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data: Record<string, unknown>[] };
  expect(res.status, JSON.stringify(body)).toBe(200);
  const row = body.data[0]!;
  return `${money(row['service_code_usage.units_billed'])}/${money(row['service_code_usage.total_billed'])}`;
}

afterAll(async () => {
  await Promise.all(children.map(stop));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the embedded demo start', () => {
  let firstToken = '';
  let firstFigures = '';

  it('creates the demo database and secret, prints a working URL with a token, and closes on SIGTERM', async () => {
    const { child, output, url, token } = await startServer();
    expect(output()).toMatch(/Creating the demo database/);
    // The rollups are built before the URL is printed, so the first visitor does not wait for them.
    expect(output()).toMatch(/Pre-aggregations up to date in [\d.]+ s\.[\s\S]*#token=/);
    expect(output()).toMatch(/role all, Cube 1\.7\.43, JS mode \(native module absent\), database duckdb \(embedded demo\)/);
    // No warning that is expected here (README, "How Cube runs here"): Cube's about Cube Store and the
    // planner are filtered by their text, mysql2's about Cube's own options are not provoked.
    expect(output()).not.toMatch(/Warning\.|Ignoring invalid configuration option|deprecated/i);
    const info = (await (await fetch(`${url}/cubejs-api/v1/info`)).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ mode: 'js', dbType: 'duckdb', cubeVersion: '1.7.43', role: 'all' });
    firstToken = token;
    firstFigures = await unitsByClinic(url, token);
    expect(await stop(child), output()).toBe(0);

    const secretFile = path.join(dataDir, 'demo-api-secret');
    expect((fs.statSync(secretFile).mode & 0o777).toString(8)).toBe('600');
    // The printed token is clinic 1's owner: its figures are clinic 1's, by plain SQL on the file.
    const figures = await referenceFigures(
      { dialect: 'duckdb', location: path.join(dataDir, 'demo.duckdb') },
      { clinicId: 1, groupBy: [] },
    );
    const want = figures.get('')!;
    expect(firstFigures).toBe(`${money(want.units_billed)}/${money(want.total_billed)}`);
  });

  it('reuses the database and the secret on the next start', async () => {
    const { child, output, url } = await startServer();
    expect(output()).not.toMatch(/Creating the demo database/);
    // A token from the first start still works: the secret was kept.
    expect(await unitsByClinic(url, firstToken)).toBe(firstFigures);
    expect(await stop(child), output()).toBe(0);
  });
});
