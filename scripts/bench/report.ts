/**
 * BENCHMARKS.md: one section per data size between `<!-- bench:<size> -->` markers, so each run
 * replaces its own size's section and leaves the others (1M and 10M side by side). The hand-written
 * "Why, and what next" part of a section is carried over when the section is measured again.
 */
import fs from 'node:fs';
import type { BenchResults } from './results.js';
import type { Summary } from './stats.js';
import { QUERY_LABELS, type QueryName } from './queries.js';

const HEADER = `# Benchmarks

Measured with \`npm run bench -- --items <size>\` (scripts/bench/): it seeds MariaDB (or reuses a
database holding that size), starts the server cold and measures the report's queries through the
API beside hand-written SQL on the host tables and direct reads of the pre-aggregation tables, the
host database's cost of keeping the pre-aggregations fresh, concurrent dashboard users and server
memory. Each size has its own section; a run replaces only its own. How each figure is taken:
[scripts/bench/README.md](scripts/bench/README.md).
`;

const WHY_HEADING = '### Why, and what next';
const WHY_PLACEHOLDER = '_To be written by the lead engineer: what these figures mean and what changes next._';

const ms = (v: number | null | undefined) =>
  v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v >= 100 ? v.toFixed(0) : v.toFixed(1);
const s = (v: number | null | undefined, digits = 1) => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits));
const pair = (x: Summary | null | undefined) => (x && x.n ? `${ms(x.median)} / ${ms(x.p95)}` : 'n/a');
const ratio = (a: number, b: number | undefined) =>
  b && Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(1)}×` : 'n/a';
const int = (n: number) => Math.round(n).toLocaleString('en-US');

export interface TargetRow {
  target: string;
  limit: string;
  measured: string;
  met: boolean | null;
  by: string;
}

/** Met or missed, and by how much: a ratio and the difference in the limit's unit. */
function verdict(value: number | null, limit: number, unit: string): { met: boolean | null; by: string } {
  if (value === null || !Number.isFinite(value)) return { met: null, by: 'not measured' };
  const diff = value - limit;
  if (value <= limit) return { met: true, by: `met, ${Math.round((value / limit) * 100)} % of the limit` };
  return { met: false, by: `missed by ${diff.toFixed(unit === 'ms' ? 0 : 1)} ${unit} (${(value / limit).toFixed(1)}× the limit)` };
}

export function targets(r: BenchResults): TargetRow[] {
  const rows: TargetRow[] = [];
  const add = (target: string, limit: string, measured: string, v: { met: boolean | null; by: string }) =>
    rows.push({ target, limit, measured, ...v });
  const firstS = r.coldStart.firstDataMs / 1000;
  add('first data, largest clinic, default view, cold server', '≤ 3 s', `${s(firstS, 2)} s`, verdict(firstS, 3, 's'));
  const allS = r.coldStart.allPartitionsMs / 1000;
  add('every partition built, cold server', '≤ 5 min (300 s)', `${s(allS)} s`, verdict(allS, 300, 's'));
  const pass = r.idle ? r.idle.statementMsPerPass / 1000 : null;
  add('idle refresh pass, database time (slow-log statement time per pass)', '≤ 1 s', `${s(pass, 3)} s`, verdict(pass, 1, 's'));
  const visible = r.newPayment?.visibleSeconds ?? null;
  add('new payment application visible in the report', '≤ 60 s', `${s(visible)} s`, verdict(visible ?? Number.POSITIVE_INFINITY, 60, 's'));
  const rebuild = r.newPayment ? r.newPayment.slowLog.totalMs / 1000 : null;
  add('its rebuild, database time (statements until visible)', '≤ 5 s', `${s(rebuild, 2)} s`, verdict(rebuild, 5, 's'));
  const all = r.suites.flatMap((suite) => suite.queries.map((q) => ({ suite, q })));
  const worst = (key: 'uncached' | 'cached') => all.reduce((a, b) => (b.q[key].p95 > (a?.q[key].p95 ?? -1) ? b : a), all[0]);
  const wu = worst('uncached');
  const wc = worst('cached');
  add(
    'report queries uncached, p95 (worst query)',
    '≤ 150 ms',
    wu ? `${ms(wu.q.uncached.p95)} ms (${wu.q.name}, ${wu.suite.which} clinic)` : 'n/a',
    verdict(wu?.q.uncached.p95 ?? null, 150, 'ms'),
  );
  add(
    'report queries cached, p95 (worst query)',
    '≤ 20 ms',
    wc ? `${ms(wc.q.cached.p95)} ms (${wc.q.name}, ${wc.suite.which} clinic)` : 'n/a',
    verdict(wc?.q.cached.p95 ?? null, 20, 'ms'),
  );
  const heavy = r.load.find((l) => l.users === 200) ?? r.load[r.load.length - 1];
  if (heavy) {
    add(
      `${heavy.users} concurrent users, query p95${heavy.users === 200 ? '' : ' (200 not run)'}`,
      '≤ 500 ms',
      `${ms(heavy.latency.p95)} ms`,
      verdict(heavy.latency.p95, 500, 'ms'),
    );
    add(
      `${heavy.users} concurrent users, errors`,
      '0',
      String(heavy.errors),
      heavy.errors === 0 ? { met: true, by: 'met' } : { met: false, by: `missed: ${heavy.errors} of ${heavy.queries}` },
    );
  }
  return rows;
}

export function renderSection(r: BenchResults, why: string): string {
  const lines: string[] = [];
  const push = (...l: string[]) => lines.push(...l);
  push(`<!-- bench:${r.args.sizeLabel} -->`, `## ${r.args.sizeLabel.toUpperCase()} purchase_items (\`${r.args.database}\`)`, '');
  push(
    `Measured ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC at commit \`${r.machine.commit}\` ` +
      `(${r.machine.modelDirty ? '**model/ had uncommitted changes**' : 'model/ as committed'}${r.machine.dirty ? '; uncommitted changes elsewhere in the working tree' : ''}), ` +
      `${r.machine.label ? `${r.machine.label}, ` : ''}with \`npm run bench -- ${r.argv.join(' ')}\` (${s(r.totalSeconds / 60)} min in all).`,
    '',
  );
  push('### Machine, versions, data', '', '| | |', '|---|---|');
  push(`| machine | ${r.machine.cpus} CPUs (${r.machine.cpuModel}), ${s(r.machine.memoryGb)} GB memory, shared with other work |`);
  push(`| versions | Node ${r.machine.node}, MariaDB ${r.machine.mariadb}, Cube ${r.machine.cube} (${r.machine.cubeMode} mode) |`);
  push(
    `| data | seeder scale ${r.args.scale}, ${r.data.clinics} clinics, ${r.data.reused ? 'reused' : `seeded in ${s(r.data.seedSeconds)} s`} |`,
  );
  push(
    `| rows | ${Object.entries(r.data.rowsByTable)
      .map(([t, n]) => `${t} ${int(n)}`)
      .join(', ')} |`,
  );
  push(`| clinics measured | ${r.suites.map((x) => `${x.which}: clinic ${x.clinic.id} (${int(x.clinic.items)} items)`).join('; ')} |`);
  push(
    `| default view | ${r.defaultRange.from} … ${r.defaultRange.to} (the report's default: last full month in the clinic's calendar) |`,
    '',
  );

  push('### Targets (issue 14)', '', '| target | limit | measured | verdict |', '|---|---|---|---|');
  for (const t of targets(r))
    push(`| ${t.target} | ${t.limit} | ${t.measured} | ${t.met === null ? '—' : t.met ? '**met**' : '**missed**'}: ${t.by} |`);
  push('');

  const c = r.coldStart;
  push('### Cold start', '', '| what | figure |', '|---|---|');
  push(
    `| first data, largest clinic's default view (main table), from spawn | ${s(c.firstDataMs / 1000, 2)} s (${c.firstDataAttempts} attempts, ${c.firstDataRows} rows) |`,
  );
  push(
    `| every partition built, from spawn | ${s(c.allPartitionsMs / 1000)} s (${c.tables} tables; log line "Pre-aggregations up to date in ${c.refreshPassSeconds} s." at ${s(c.upToDateLogMs / 1000)} s) |`,
  );
  push('');

  push('### Report queries', '');
  push(
    'Milliseconds, median / p95 over ' +
      `${r.args.runs} runs; uncached = \`cache: "no-cache"\` (Cube runs the SQL again), cached = the same query repeated; ` +
      'host SQL = hand-written indexed SQL on the host tables; pre-agg read = the SQL Cube ran, on the pre-aggregation tables it used, run directly. Ratios: uncached median ÷ floor median.',
    '',
  );
  if (r.noCacheCheck) push(`Uncached really reaches the database: ${r.noCacheCheck}`, '');
  for (const suite of r.suites) {
    push(
      `**${suite.which} clinic** ${suite.clinic.id} (${int(suite.clinic.items)} items), ${suite.range.from} … ${suite.range.to}, drill code ${suite.drillCode || 'n/a'}; totals vs host SQL: ${suite.totalsAgree ? 'equal' : `**differ**: ${suite.totalsDetail}`}`,
      '',
    );
    push(
      '| query | rows | uncached | cached | host SQL | pre-agg read | ÷ host SQL | ÷ pre-agg read | pre-aggregation |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---|',
    );
    for (const q of suite.queries) {
      push(
        `| ${QUERY_LABELS[q.name as QueryName]} | ${q.rows} | ${pair(q.uncached)} | ${pair(q.cached)} | ${pair(q.hostSql)} | ${pair(q.preAggregationRead)} | ${ratio(q.uncached.median, q.hostSql?.median)} | ${ratio(q.uncached.median, q.preAggregationRead?.median)} | ${q.usedPreAggregations.join(', ') || 'none'}${q.errors ? ` (${q.errors} errors)` : ''} |`,
      );
    }
    push('');
  }

  const linesSuites = r.suites.filter((x) => x.lines);
  if (linesSuites.length > 0) {
    push(
      '### Drill-through (visit lines)',
      '',
      'A drill of Units Billed from the default view over the clinic-year, built with dashboard/src/lib/drill.ts as the drill panel asks: ' +
        "pages of 50 lines (ordered by date of service then line, or by Billed descending), the lines' totals and the drilled figure from the report; " +
        `whole, and narrowed to the year's top code. Milliseconds, median / p95 over ${r.args.runs} runs, as above. Target: a page of lines for a clinic-year in under 300 ms.`,
      '',
    );
    const pages = linesSuites.flatMap((x) => x.lines!.queries.filter((q) => /Page|ByBilled/.test(q.name)).map((q) => ({ x, q })));
    const worst = pages.reduce((a, b) => (b.q.uncached.p95 > a.q.uncached.p95 ? b : a), pages[0]!);
    const v = verdict(worst.q.uncached.p95, 300, 'ms');
    push(
      `Worst page, uncached p95: ${ms(worst.q.uncached.p95)} ms (${worst.q.label}, ${worst.x.which} clinic): **${v.met ? 'met' : 'missed'}**: ${v.by}.`,
      '',
    );
    for (const suite of linesSuites) {
      const l = suite.lines!;
      push(
        `**${suite.which} clinic** ${suite.clinic.id}, ${l.range.from} … ${l.range.to}, top code ${l.code}`,
        '',
        '| query | rows | uncached | cached | pre-agg read | ÷ pre-agg read | pre-aggregation |',
        '|---|---:|---:|---:|---:|---:|---|',
      );
      for (const q of l.queries)
        push(
          `| ${q.label} | ${q.rows} | ${pair(q.uncached)} | ${pair(q.cached)} | ${pair(q.preAggregationRead)} | ${ratio(q.uncached.median, q.preAggregationRead?.median)} | ${q.usedPreAggregations.join(', ') || 'none'}${q.errors ? ` (${q.errors} errors)` : ''} |`,
        );
      push('');
    }
  }

  push('### Refresh cost on the host database', '', '| what | figure |', '|---|---|');
  if (r.idle) {
    const i = r.idle;
    push(`| idle window | ${s(i.seconds)} s, ${i.passes} refresh passes (every ${r.refreshEverySeconds} s) |`);
    push(
      `| database CPU (mariadbd user+system, whole server) | ${s(i.dbCpuSeconds, 2)} s, ${s(i.dbCpuSecondsPerMinute, 2)} CPU s per minute |`,
    );
    push(
      `| bench database's statements (slow log${i.slowLog.intact ? '' : ', **partial: another client switched the slow log off during the window**'}) | ${i.slowLog.statements} statements, ${ms(i.slowLog.totalMs)} ms; ${ms(i.statementMsPerMinute)} ms per minute, ${ms(i.statementMsPerPass)} ms per pass |`,
    );
    push(`| of which on the pre-aggregation schema | ${ms(i.slowLog.preAggregationMs)} ms |`);
    push(
      `| slowest statements | ${i.slowLog.top.map((t) => `${ms(t.ms)} ms \`${t.sql.replace(/\|/g, '\\|').replace(/`/g, "'")}\``).join('<br>') || 'none'} |`,
    );
    push(
      `| change tracker ("Change tracker pass" log lines) | ${i.trackerDbMs ? `${i.trackerPasses} passes, dbMs median ${ms(median(i.trackerDbMs))}, max ${ms(Math.max(...i.trackerDbMs))}` : 'n/a (the server logs no such line)'} |`,
    );
  } else push('| idle window | not measured (--minutes 0) |');
  if (r.newPayment) {
    const p = r.newPayment;
    push(`| one new payment application (clinic ${p.clinicId}, ${p.visitDate}, ${p.amount}) visible after | ${s(p.visibleSeconds)} s |`);
    push(
      `| meanwhile: database CPU / bench statements${p.slowLog.intact ? '' : ' (slow log partial: switched off by another client)'} | ${s(p.dbCpuSeconds, 2)} CPU s / ${p.slowLog.statements} statements, ${ms(p.slowLog.totalMs)} ms (${ms(p.slowLog.preAggregationMs)} ms on the pre-aggregation schema) |`,
    );
    push(`| removed again, report back to its figure after | ${s(p.revertedSeconds)} s |`);
  }
  push('');

  push('### Concurrent dashboard users', '');
  push(
    `Each user loads the page (clinic labels, main table and totals, then the five charts) in a loop for ${r.args.loadSeconds} s, ` +
      'across all clinics, roles owner / billing / provider, range presets and filters; latency includes "Continue wait" retries.',
    '',
  );
  push(
    '| users | queries/s | pages/s | query p50 / p95 / p99 ms | page p50 / p95 ms | errors | Continue wait retries | rows checked | cross-tenant rows |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const l of r.load) {
    push(
      `| ${l.users} | ${s(l.queriesPerSecond)} | ${s(l.pagesPerSecond, 2)} | ${ms(l.latency.median)} / ${ms(l.latency.p95)} / ${ms(l.latency.p99)} | ${ms(l.pageLatency.median)} / ${ms(l.pageLatency.p95)} | ${l.errors} of ${l.queries}${l.errorSamples.length ? ` (${l.errorSamples.join('; ').replace(/\|/g, '/')})` : ''} | ${l.continueWaitRetries} | ${int(l.rowsChecked)} | ${l.crossTenantRows} |`,
    );
  }
  push('');

  push('### Server memory (RSS)', '', '| when | MB |', '|---|---:|');
  push(`| all partitions built | ${s(r.memory.atReadyMb, 0)} |`);
  for (const [users, mb] of r.memory.afterLoadMb) push(`| after ${users} users | ${s(mb, 0)} |`);
  push(`| peak over the run | ${s(r.memory.peakMb, 0)} |`, '');

  push(WHY_HEADING, '', why.trim() || WHY_PLACEHOLDER, '', `<!-- /bench:${r.args.sizeLabel} -->`);
  return lines.join('\n');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)]! : Number.NaN;
}

/** Writes `section` into the file, replacing the same size's section (keeping its "Why" text). */
export function writeReport(file: string, r: BenchResults): void {
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : HEADER;
  const start = `<!-- bench:${r.args.sizeLabel} -->`;
  const end = `<!-- /bench:${r.args.sizeLabel} -->`;
  const i = old.indexOf(start);
  const j = old.indexOf(end);
  let why = '';
  if (i >= 0 && j > i) {
    const previous = old.slice(i, j);
    const w = previous.indexOf(WHY_HEADING);
    if (w >= 0) why = previous.slice(w + WHY_HEADING.length).trim();
    if (why === WHY_PLACEHOLDER) why = '';
  }
  const section = renderSection(r, why);
  const next = i >= 0 && j > i ? old.slice(0, i) + section + old.slice(j + end.length) : `${old.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`);
}
