/**
 * The benchmark command works end to end at a tiny size (scripts/bench/, `npm run bench`): it exits 0
 * and its report has every section, with numbers where the query suite reports figures. Timings are
 * never asserted here: benchmarks are a command, not timed tests.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/config.js';

const run = promisify(execFile);

describe('npm run bench (tiny size)', () => {
  it('measures 20k items and writes every section of the report', { timeout: 300_000 }, async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scu-bench-')), 'BENCHMARKS.md');
    // Its own database (scu_bench_20k), seeded on the first run and reused after.
    const { stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/bench/bench.ts', '--items', '20k', '--users', '5', '--runs', '3', '--minutes', '0.1', '--out', out],
      { cwd: PROJECT_ROOT, timeout: 280_000, maxBuffer: 32 * 1024 * 1024 },
    );
    expect(stderr).toContain('wrote the 20k section');
    const report = fs.readFileSync(out, 'utf8');
    for (const heading of [
      '## 20K purchase_items (`scu_bench_20k`)',
      '### Machine, versions, data',
      '### Targets (issue 14)',
      '### Cold start',
      '### Report queries',
      '### Refresh cost on the host database',
      '### Concurrent dashboard users',
      '### Server memory (RSS)',
      '### Why, and what next',
    ]) {
      expect(report).toContain(heading);
    }

    // Every query of the suite, for each of the three clinics, with numbers in its figure columns.
    const suiteRows = report
      .split('\n')
      .filter((line) =>
        /^\| (main table|totals|trend chart|top codes chart|payor mix chart|payment maturity chart|payor × code heatmap|code × provider pivot|drill page|clinic labels)/.test(
          line,
        ),
      );
    expect(suiteRows.length).toBe(3 * 11);
    for (const row of suiteRows) {
      const cells = row
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim());
      // rows, uncached, cached, host SQL, pre-agg read: "median / p95" numbers.
      expect(cells[1]).toMatch(/^\d+$/);
      for (const cell of cells.slice(2, 6)) expect(cell, row).toMatch(/^\d+(\.\d+)? \/ \d+(\.\d+)?$/);
      expect(cells[6], row).toMatch(/^\d+(\.\d+)?×$/);
    }
    expect(report).toMatch(/\| 5 \| \d+(\.\d+)? \| /); // the load phase's row
    expect(report).toMatch(/cross-tenant rows \|\n\|[-:|]+\|\n\| 5 \|[^\n]*\| 0 \|\n/); // and no row of another clinic
  });
});
