/**
 * What the cube counted_items' SQL costs to materialize, one month of service at a time: the build of a
 * `visit_items` partition (`CREATE TABLE … AS <the cube's SQL>`), for two versions of
 * model/cubes/counted_items.js side by side (default: before and after issue 9's two extra correlated
 * subqueries per item). Runs alternate old/new per month, so both see the same machine load.
 *
 *   node --import tsx scripts/bench/visit-items-build.ts [--db scu_bench_10m] [--months 6] [--runs 3] [--old bbb015d~1] [--new HEAD]
 *
 * The tables are written to `<db>_pre_aggregations_scratch` (created, and dropped at the end) in a session
 * with `time_zone = '+00:00'`, like Cube's. The month's filter is the one Cube renders for a partition
 * (`purchased_on >= first day AND purchased_on <= last day`). Prints a markdown table.
 */
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../../server/config.js';
import { connect, rows } from './db.js';
import { summarize } from './stats.js';
// @ts-expect-error the model's shared helpers are plain JS without types
import * as sharedSql from '../../model/shared/sql.js';
// @ts-expect-error the model's shared helpers are plain JS without types
import * as deployment from '../../model/shared/deployment.js';

/** What the model files import (the current working tree's model/shared/*.js): the SQL helpers. */
const SHARED: Record<string, unknown> = { ...sharedSql, ...deployment };

const MODEL_FILE = 'model/cubes/counted_items.js';

/**
 * The cube's SQL of one version of the model file, as a function of the month: the template literal of
 * its `sql:`, evaluated with the file's own helper functions (everything before `cube(` except the imports)
 * and FILTER_PARAMS on the date of service rendered as Cube does for a partition.
 */
export function cubeSqlOf(source: string): (from: string, to: string) => string {
  const start = source.indexOf('cube(`counted_items`');
  if (start < 0) throw new Error('no cube(`counted_items`) in the model file');
  // Import statements (single- or multi-line) are dropped; what they import from model/shared/sql.js
  // and model/shared/deployment.js is passed in (SHARED).
  const helpers = source.slice(0, start).replace(/^\s*import\s[\s\S]*?from\s+['"][^'"]+['"];?/gm, '');
  const sqlStart = source.indexOf('sql: `', start);
  const sqlEnd = source.indexOf('`,\n', sqlStart + 6);
  if (sqlStart < 0 || sqlEnd < 0) throw new Error("no sql: `…` in the cube's definition");
  const template = source.slice(sqlStart + 5, sqlEnd + 1);
  const names = Object.keys(SHARED);
  const render = new Function('FILTER_PARAMS', ...names, `${helpers}\nreturn ${template};`) as (
    fp: unknown,
    ...shared: unknown[]
  ) => string;
  const values = names.map((n) => SHARED[n]);
  return (from, to) =>
    render(
      {
        counted_items: {
          date_of_service: { filter: (column: string) => `${column} >= '${from}' AND ${column} <= '${to}'` },
        },
      },
      ...values,
    );
}

function gitShow(rev: string): string {
  return execFileSync('git', ['show', `${rev}:${MODEL_FILE}`], { cwd: PROJECT_ROOT, encoding: 'utf8' });
}

function gitShort(rev: string): string {
  return execFileSync('git', ['rev-parse', '--short', rev], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
}

/** `count` months spread evenly from the first to the last month of the data (first and last included). */
export function spreadMonths(first: string, last: string, count: number): string[] {
  const index = (m: string): number => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
  const month = (i: number): string => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
  const a = index(first);
  const b = index(last);
  const n = Math.min(count, b - a + 1);
  if (n <= 1) return [month(a)];
  return [...new Set(Array.from({ length: n }, (_, k) => month(a + Math.round((k * (b - a)) / (n - 1)))))];
}

function monthBounds(month: string): [string, string] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return [`${month}-01`, `${month}-${String(lastDay).padStart(2, '0')}`];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      db: { type: 'string', default: 'scu_bench_10m' },
      months: { type: 'string', default: '6' },
      runs: { type: 'string', default: '3' },
      old: { type: 'string', default: 'bbb015d~1' },
      new: { type: 'string', default: 'HEAD' },
    },
  });
  const database = values.db;
  if (!/^scu_bench_\w+$/.test(database)) throw new Error('--db must be a bench database (scu_bench_…)');
  const scratch = `${database}_pre_aggregations_scratch`;
  const runs = Number(values.runs);
  const versions = [
    { name: 'old', rev: values.old, sql: cubeSqlOf(gitShow(values.old)) },
    { name: 'new', rev: values.new, sql: cubeSqlOf(gitShow(values.new)) },
  ];
  const db = await connect(database);
  try {
    await db.query("SET time_zone = '+00:00'");
    await db.query(`CREATE DATABASE IF NOT EXISTS \`${scratch}\``);
    const [range] = await rows<{ first: string; last: string }>(
      db,
      "SELECT DATE_FORMAT(MIN(purchased_on), '%Y-%m') AS first, DATE_FORMAT(MAX(purchased_on), '%Y-%m') AS last FROM purchases",
    );
    const months = spreadMonths(range!.first, range!.last, Number(values.months));
    const times: Record<string, Record<string, number[]>> = {};
    const counts: Record<string, number> = {};
    for (const month of months) {
      const [from, to] = monthBounds(month);
      times[month] = { old: [], new: [] };
      for (let run = 0; run < runs; run++) {
        for (const v of versions) {
          const table = `\`${scratch}\`.tmp_visit_items_${v.name}`;
          await db.query(`DROP TABLE IF EXISTS ${table}`);
          const t0 = performance.now();
          await db.query(`CREATE TABLE ${table} AS ${v.sql(from, to)}`);
          const ms = performance.now() - t0;
          times[month]![v.name]!.push(ms);
          if (run === 0 && v.name === 'new') {
            const [c] = await rows<{ n: string }>(db, `SELECT COUNT(*) AS n FROM ${table}`);
            counts[month] = Number(c!.n);
          }
          console.error(`${month} ${v.name} run ${run + 1}: ${(ms / 1000).toFixed(2)} s`);
          await db.query(`DROP TABLE ${table}`);
        }
      }
    }
    const head = `CREATE TABLE … AS the cube's SQL, one month of every clinic, database \`${database}\`; median of ${runs} runs each, alternating; old = \`${gitShort(values.old)}\` (${values.old}), new = \`${gitShort(values.new)}\` (${values.new}).`;
    const lines = [head, '', '| month | items | old s | new s | new ÷ old |', '|---|---:|---:|---:|---:|'];
    let oldSum = 0;
    let newSum = 0;
    for (const month of months) {
      const o = summarize(times[month]!.old!).median / 1000;
      const n = summarize(times[month]!.new!).median / 1000;
      oldSum += o;
      newSum += n;
      lines.push(`| ${month} | ${counts[month]!.toLocaleString('en-US')} | ${o.toFixed(2)} | ${n.toFixed(2)} | ${(n / o).toFixed(2)}× |`);
    }
    lines.push(`| all ${months.length} | | ${oldSum.toFixed(1)} | ${newSum.toFixed(1)} | ${(newSum / oldSum).toFixed(2)}× |`);
    console.log(lines.join('\n'));
  } finally {
    await db.query(`DROP DATABASE IF EXISTS \`${scratch}\``).catch(() => undefined);
    await db.end();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
