/**
 * npm run soak -- --minutes N --users N  (usage: args.ts; what it does: run.ts; scripts/bench/README.md)
 *
 * Without --url: seeds or reuses scu_soak_<size> on this machine's MariaDB, starts the server on it (as
 * `npm run bench` does: scripts/bench/server.ts, SCU_ROLE all, with a probe that reports its V8 heap),
 * waits for its first refresh pass, and soaks it; its memory is sampled from /proc throughout. With --url:
 * soaks that server instead (memory only with --pid). Prints the result (Markdown, or JSON with --json)
 * and exits 1 when the soak failed (run.ts, soakProblems), 2 on a usage error.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../server/config.js';
import { connect, rssMb } from '../bench/db.js';
import { ensureBenchDatabase } from '../bench/seed.js';
import { BENCH_SECRET, BenchServer } from '../bench/server.js';
import { UP_TO_DATE_LINE } from '../bench/startup.js';
import { USAGE, UsageError, parseSoakArgs } from './args.js';
import type { MemorySample, SettledMemory } from './memory.js';
import { soakMarkdown } from './report.js';
import { runSoak, soakProblems } from './run.js';

const log = (line: string) => process.stderr.write(`soak: ${line}\n`);
const git = (...args: string[]) => execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
const PROBE = path.join(PROJECT_ROOT, 'scripts', 'soak', 'memory-probe.mjs');

/** The probe's last line (memory-probe.mjs), when it is the server's and fresh: its heap and Cube's cache. */
function probed(file: string, pid: number): Pick<MemorySample, 'heapMb' | 'cubeCache'> {
  try {
    const m = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      pid: number;
      at: number;
      heapUsed: number;
      cubeCache: { entries: number; results: number } | null;
    };
    if (m.pid !== pid || Date.now() - m.at > 5_000) return {};
    return { heapMb: m.heapUsed / 2 ** 20, ...(m.cubeCache ? { cubeCache: m.cubeCache } : {}) };
  } catch {
    return {};
  }
}

/** Asks the probe for the heap after two full collections (memory-probe.mjs); null if none within 15 s. */
async function settledMemory(file: string, pid: number): Promise<SettledMemory | null> {
  const asked = Date.now();
  fs.writeFileSync(`${file}.gc`, '');
  while (Date.now() - asked < 15_000) {
    await new Promise((r) => setTimeout(r, 250));
    try {
      const m = JSON.parse(fs.readFileSync(`${file}.settled`, 'utf8')) as { pid: number; at: number; rss: number; heapUsed: number };
      if (m.pid === pid && m.at >= asked) return { heapMb: m.heapUsed / 2 ** 20, rssMb: m.rss / 2 ** 20 };
    } catch {
      // Not written yet.
    }
  }
  return null;
}

async function main(argv: string[]): Promise<void> {
  const args = parseSoakArgs(argv);
  const startedAt = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  const commit = git('rev-parse', '--short', 'HEAD');
  const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
  const loadStart = os.loadavg();
  let server: BenchServer | null = null;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'scu-soak-'));
  let stopping: Promise<void> | null = null;
  const cleanup = () =>
    (stopping ??= (async () => {
      await server?.stop().catch(() => undefined);
      fs.rmSync(scratch, { recursive: true, force: true });
    })());
  const onSignal = (signal: string) => {
    log(`${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));

  try {
    let url: string;
    let secret: string;
    let memory: (() => Omit<MemorySample, 'atMs'> | null) | undefined;
    let settle: (() => Promise<SettledMemory | null>) | undefined;
    let target: string;
    if (args.url) {
      url = args.url;
      secret = args.secret!;
      target = `${url} (already running; plain SQL on ${args.database})`;
      const pid = args.pid;
      if (pid !== null) memory = () => ({ rssMb: rssMb(pid) });
    } else {
      const db = await connect();
      try {
        const seeded = await ensureBenchDatabase(db, { scale: args.scale, database: args.database, seedMode: 'auto' }, log);
        log(
          `${args.database}: ${seeded.reused ? 'reused' : `seeded in ${seeded.seedSeconds!.toFixed(0)} s`}, ${seeded.rowsByTable.purchase_items!.toLocaleString('en-US')} purchase_items, ${seeded.clinics} clinics`,
        );
      } finally {
        await db.end();
      }
      const memoryFile = path.join(scratch, 'memory.json');
      // The pre-aggregations are kept between runs (the soak is not about a cold start): a reused database
      // starts in seconds, a new one builds every partition first.
      server = await BenchServer.start(args.database, args.preAggregationsSchema, {
        NODE_OPTIONS: [process.env.NODE_OPTIONS, '--expose-gc', `--import=${PROBE}`].filter(Boolean).join(' '),
        SCU_SOAK_MEMORY_FILE: memoryFile,
      });
      log(`server pid ${server.pid} on ${server.baseUrl}; waiting for its first refresh pass`);
      const ready = await server.waitForLog(UP_TO_DATE_LINE, 60 * 60_000);
      log(`${ready.text} (${(ready.atMs / 1000).toFixed(1)} s after the spawn)`);
      url = server.baseUrl;
      secret = BENCH_SECRET;
      target = `a server it started (\`server/main.ts\`, SCU_ROLE all, MariaDB \`${args.database}\`, ${args.sizeLabel} items)`;
      const pid = server.pid;
      memory = () => {
        const rss = rssMb(pid);
        return Number.isFinite(rss) ? { rssMb: rss, ...probed(memoryFile, pid) } : null;
      };
      settle = () => settledMemory(memoryFile, pid);
    }

    const result = await runSoak({
      url,
      secret,
      database: args.database,
      users: args.users,
      seconds: args.minutes * 60,
      warmupSeconds: args.warmupMinutes * 60,
      seed: args.seed,
      ...(memory ? { memory } : {}),
      ...(settle ? { settle } : {}),
      log,
    });
    if (server && server.child.exitCode !== null) log(`the server exited (${server.child.exitCode}) during the soak:\n${server.tail()}`);
    const info = {
      startedAt,
      commit,
      dirty,
      target,
      machine: `${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GB, Node ${process.version}`,
      loadAverage: { start: loadStart, end: os.loadavg() },
    };
    if (args.json)
      process.stdout.write(`${JSON.stringify({ ...info, ...result }, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v), 2)}\n`);
    else process.stdout.write(`${soakMarkdown(result, info)}\n`);
    const problems = soakProblems(result);
    if (problems.length) {
      log(`FAILED: ${problems.join('; ')}`);
      process.exitCode = 1;
    } else log('passed');
  } finally {
    await cleanup();
  }
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError || String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
    if ((error as Error).message) process.stderr.write(`soak: ${(error as Error).message}\n\n`);
    process.stderr.write(USAGE);
    process.exitCode = 2;
  } else {
    process.stderr.write(`soak: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
}
