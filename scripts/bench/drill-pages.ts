/**
 * A page of visit lines, two ways, side by side in one run: over the whole clinic-year (every month
 * partition of visit_items read) and month by month as the drill panel now asks for it
 * (dashboard/src/lib/drill-months.ts: the months' line counts from the rollup, then only the months the
 * page spans). Uncached requests, the two ways alternating run by run, for the clinics with the fewest,
 * the median and the most items, owner token; each month-by-month page is checked to hold exactly the
 * lines of the same page over the whole range.
 *
 *   node --import tsx scripts/bench/drill-pages.ts [--db scu_bench_10m] [--runs 7]
 *
 * The database must hold a seeded bench size (npm run bench seeds it); the server builds what is
 * missing of its pre-aggregation schema first (minutes when cold) and the timing starts after.
 */
import { parseArgs } from 'node:util';
import type { Query } from '@cubejs-client/core';
import { drillOf, linesPageQuery, linesWindowQuery, type DrillSelection } from '../../dashboard/src/lib/drill.js';
import { firstMonthWindow, linesWindow, monthLinesOf, monthLinesQuery } from '../../dashboard/src/lib/drill-months.js';
import { MEASURES, topCodesQuery } from '../../dashboard/src/lib/report-query.js';
import { filterValuesOf } from '../../dashboard/src/lib/drill.js';
import { connect, rows } from './db.js';
import { DEFAULT_VIEW, lastFullYear } from './queries.js';
import { BenchServer, type LoadResult } from './server.js';
import { summarize } from './stats.js';

const log = (line: string) => process.stderr.write(`drill-pages: ${line}\n`);
const { values } = parseArgs({ options: { db: { type: 'string', default: 'scu_bench_10m' }, runs: { type: 'string', default: '7' } } });
const database = values.db!;
const runs = Number(values.runs);
const state = filterValuesOf(DEFAULT_VIEW);
const LINE = 'visit_lines.line_number';

function must(result: LoadResult, what: string): LoadResult {
  if (!result.ok) throw new Error(`${what}: ${result.error}`);
  return result;
}

type Timings = Record<string, number[]>;
const add = (t: Timings, name: string, ms: number) => (t[name] ??= []).push(ms);

/** One run of every shape for one drill; returns whether the month-by-month pages equal the whole-range ones. */
async function oneRun(server: BenchServer, token: string, drill: DrillSelection, t: Timings, monthsFirst: boolean): Promise<boolean> {
  const load = (q: Query) => server.load(token, q, { noCache: true });
  const page200 = { ...drill, page: 200 };
  const desc: DrillSelection = { ...drill, sort: { column: 'date_of_service', direction: 'desc' } };
  const whole = async () => {
    const started = performance.now();
    const p1 = must(await load(linesPageQuery(state, drill)), 'whole page 1');
    add(t, 'whole range: page 1', performance.now() - started);
    const p200 = must(await load(linesPageQuery(state, page200)), 'whole page 200');
    add(t, 'whole range: page 200', p200.ms);
    const d1 = must(await load(linesPageQuery(state, desc)), 'whole page 1 desc');
    add(t, 'whole range: page 1, newest first', d1.ms);
    return { p1, p200, d1 };
  };
  const byMonth = async () => {
    // Page 1 as the panel opens it: the first month and the months' counts at once.
    const started = performance.now();
    const [first, months] = await Promise.all([
      load(linesWindowQuery(state, drill, firstMonthWindow(drill))),
      load(monthLinesQuery(state, drill)),
    ]);
    must(first, 'first month');
    must(months, 'month counts');
    add(t, 'by month: page 1 (first month ∥ counts)', performance.now() - started);
    add(t, 'by month: the months’ counts', months.ms);
    add(t, 'by month: first month alone', first.ms);
    const counts = monthLinesOf(months.data);
    const p200 = must(await load(linesWindowQuery(state, page200, linesWindow(page200, counts, 199 * 50, 50))), 'window page 200');
    add(t, 'by month: page 200 (its months)', p200.ms);
    add(t, 'by month: page 200 from a link (counts, then its months)', months.ms + p200.ms);
    const d1 = must(await load(linesWindowQuery(state, desc, linesWindow(desc, counts, 0, 50))), 'window page 1 desc');
    add(t, 'by month: page 1, newest first (its months)', d1.ms);
    return { p1: first, p200, d1 };
  };
  const [a, b] = monthsFirst ? [await byMonth(), await whole()].reverse() : [await whole(), await byMonth()];
  const same = (x: LoadResult, y: LoadResult) => JSON.stringify(x.data.map((r) => r[LINE])) === JSON.stringify(y.data.map((r) => r[LINE]));
  return same(a!.p1, b!.p1) && same(a!.p200, b!.p200) && same(a!.d1, b!.d1);
}

async function main(): Promise<void> {
  const db = await connect();
  const q = (n: string) => `${db.escapeId(database)}.${db.escapeId(n)}`;
  const [end] = await rows<{ d: string }>(db, `SELECT CAST(MAX(purchased_on) AS CHAR) AS d FROM ${q('purchases')}`);
  const year = lastFullYear(end!.d);
  const byItems = await rows<{ clinic_id: number; n: number }>(
    db,
    `SELECT pi.clinic_id, COUNT(*) AS n FROM ${q('purchase_items')} pi JOIN ${q('purchases')} p ON p.id = pi.purchase_id AND p.clinic_id = pi.clinic_id
      WHERE p.status <> 'void' AND p.purchased_on BETWEEN ? AND ? GROUP BY pi.clinic_id ORDER BY n, pi.clinic_id`,
    [year.from, year.to],
  );
  await db.end();
  const picks = { small: byItems[0]!, median: byItems[Math.floor((byItems.length - 1) / 2)]!, largest: byItems[byItems.length - 1]! };
  log(`year ${year.from} … ${year.to}; clinics ${JSON.stringify(picks)}`);

  const server = await BenchServer.start(database, `${database}_pre_aggregations`);
  try {
    const up = await server.waitForLog(/Pre-aggregations up to date/, 3 * 3600_000);
    log(`server up, pre-aggregations built (${(up.atMs / 1000).toFixed(1)} s from spawn)`);
    const out: string[] = [];
    for (const [which, { clinic_id: clinicId, n }] of Object.entries(picks)) {
      const token = server.token({ clinic_id: Number(clinicId), role: 'owner' });
      const top = must(await server.load(token, topCodesQuery(DEFAULT_VIEW, year, MEASURES.units)), 'top code');
      const code = String(top.data[0]?.['service_code_usage.service_code']);
      for (const [label, drill] of [
        ['clinic-year', drillOf('units_billed', year)],
        [`top code ${code}`, drillOf('units_billed', year, { codes: [code] })],
      ] as const) {
        const t: Timings = {};
        let exact = true;
        for (let run = 0; run < runs; run++) exact = (await oneRun(server, token, drill, t, run % 2 === 1)) && exact;
        out.push(
          `\n**${which} clinic ${clinicId}** (${Number(n).toLocaleString('en-US')} lines in the year), ${label}; month-by-month pages equal the whole range's: ${exact ? 'yes' : '**NO**'}\n`,
        );
        out.push('| request | median ms | p95 ms |', '|---|---:|---:|');
        for (const [name, ms] of Object.entries(t)) {
          const s = summarize(ms);
          out.push(`| ${name} | ${s.median.toFixed(0)} | ${s.p95.toFixed(0)} |`);
        }
        log(`${which} ${label} done`);
      }
    }
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await server.stop();
  }
}

main().catch((e: unknown) => {
  log((e as Error).stack ?? String(e));
  process.exit(1);
});
