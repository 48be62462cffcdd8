/**
 * The query suite: every page query for a small, the median and the largest clinic, through the API
 * uncached (the request's `cache: 'no-cache'`: Cube 1.7.43 has no `renewQuery`; this makes its QueryCache
 * run the SQL again, `forceNoCache`) and cached (the same query again), beside its two floors (floors.ts).
 */
import type mysql from 'mysql2/promise';
import type { DateRange } from '../../dashboard/src/lib/clinic-calendar.js';
import { defaultGrain } from '../../dashboard/src/lib/clinic-calendar.js';
import { hostFloorSql, preAggregationSql, timeSql } from './floors.js';
import type { Query } from '@cubejs-client/core';
import { MEASURES, topCodesQuery } from '../../dashboard/src/lib/report-query.js';
import {
  DEFAULT_VIEW,
  LINES_QUERY_LABELS,
  LINES_QUERY_NAMES,
  linesQueries,
  pageQueries,
  QUERY_LABELS,
  type LinesQueryName,
  type QueryName,
} from './queries.js';
import type { BenchServer } from './server.js';
import { summarize, type Summary } from './stats.js';

export interface ClinicInfo {
  id: number;
  name: string;
  timezone: string;
  items: number;
  providers: number[];
  payors: number[];
}

export interface QueryFigures {
  name: QueryName | LinesQueryName;
  label: string;
  rows: number;
  uncached: Summary;
  cached: Summary;
  /** Null for the drill-through's lines (no hand-written floor). */
  hostSql: Summary | null;
  preAggregationRead: Summary | null;
  usedPreAggregations: string[];
  errors: number;
}

export interface ClinicSuite {
  which: 'small' | 'median' | 'largest';
  clinic: ClinicInfo;
  range: DateRange;
  drillCode: string;
  queries: QueryFigures[];
  /** The API's totals equal the host SQL's (units, visits, billed, insurance paid). */
  totalsAgree: boolean;
  totalsDetail: string;
  /** The drill-through (issue 9): a drill of Units Billed over a clinic-year, whole and narrowed to a code. */
  lines: { range: DateRange; code: string; queries: QueryFigures[] } | null;
}

const NAMES: QueryName[] = [
  'clinic',
  'main',
  'totals',
  'trend',
  'topCodes',
  'payorMix',
  'maturity',
  'heatmap',
  'pivot',
  'drill',
  'drillTotals',
];

export async function runSuite(
  server: BenchServer,
  host: mysql.Connection,
  preDb: mysql.Connection,
  database: string,
  which: ClinicSuite['which'],
  clinic: ClinicInfo,
  range: DateRange,
  runs: number,
  log: (line: string) => void,
  /** The drill-through's clinic-year (null: not measured). */
  linesRange: DateRange | null = null,
): Promise<ClinicSuite> {
  const token = server.token({ clinic_id: clinic.id, role: 'owner' });
  // The drill page opens the top code of the main table (the most units).
  const top = await server.load(token, pageQueries(DEFAULT_VIEW, range, '').topCodes);
  const drillCode = String(top.data[0]?.['service_code_usage.service_code'] ?? '');
  const queries = pageQueries(DEFAULT_VIEW, range, drillCode);
  const grain = defaultGrain(range);
  const out: QueryFigures[] = [];
  /** One query through the API uncached and cached, beside its floors (`floor` null: none). */
  const measure = async (
    name: QueryName | LinesQueryName,
    label: string,
    query: Query,
    queryRange: DateRange,
    floor: { sql: string; params: unknown[] } | null,
  ): Promise<QueryFigures> => {
    const uncached: number[] = [];
    const cached: number[] = [];
    let errors = 0;
    let last = await server.load(token, query); // warms the result cache and names the tables used
    if (!last.ok) errors++;
    for (let i = 0; i < runs; i++) {
      const r = await server.load(token, query, { noCache: true });
      if (r.ok) uncached.push(r.ms);
      else errors++;
    }
    for (let i = 0; i < runs; i++) {
      const r = await server.load(token, query);
      if (r.ok) {
        cached.push(r.ms);
        last = r;
      } else errors++;
    }
    let hostMs: number[] | null = null;
    if (floor) {
      hostMs = [];
      for (let i = 0; i < runs; i++) hostMs.push((await timeSql(host, floor.sql, floor.params)).ms);
    }
    let preMs: number[] | null = null;
    const used = last.usedPreAggregations ?? {};
    // A compareDateRange query is one statement per range: no single direct read to time.
    const compared = query.timeDimensions?.some((td) => 'compareDateRange' in td) ?? false;
    if (Object.keys(used).length > 0 && !compared) {
      const { sql, params } = await server.sql(token, query);
      const direct = await preAggregationSql(preDb, `${database}_pre_aggregations`, sql, queryRange);
      preMs = [];
      for (let i = 0; i < runs; i++) preMs.push((await timeSql(preDb, direct.sql, params)).ms);
    }
    const figures: QueryFigures = {
      name,
      label,
      rows: last.data.length,
      uncached: summarize(uncached),
      cached: summarize(cached),
      hostSql: hostMs ? summarize(hostMs) : null,
      preAggregationRead: preMs ? summarize(preMs) : null,
      usedPreAggregations: Object.keys(used).map((n) => n.split('.').pop()!),
      errors,
    };
    log(
      `  ${which} clinic ${clinic.id} ${name.padEnd(12)} uncached ${figures.uncached.median.toFixed(1)} ms, cached ${figures.cached.median.toFixed(1)} ms, ` +
        `host SQL ${figures.hostSql?.median.toFixed(1) ?? 'n/a'} ms, pre-agg read ${figures.preAggregationRead?.median.toFixed(1) ?? 'n/a'} ms (${figures.rows} rows${errors ? `, ${errors} errors` : ''})`,
    );
    return figures;
  };
  for (const name of NAMES) {
    const floor = hostFloorSql(name, { database, clinicId: clinic.id, range, drillCode }, grain);
    out.push(await measure(name, QUERY_LABELS[name], queries[name], range, floor));
  }

  // The drill-through: the clinic-year's lines, whole and narrowed to the year's top code.
  let lines: ClinicSuite['lines'] = null;
  if (linesRange) {
    const topOfYear = await server.load(token, topCodesQuery(DEFAULT_VIEW, linesRange, MEASURES.units));
    const code = String(topOfYear.data[0]?.['service_code_usage.service_code'] ?? drillCode);
    const lq = linesQueries(linesRange, code);
    const figures: QueryFigures[] = [];
    for (const name of LINES_QUERY_NAMES) figures.push(await measure(name, LINES_QUERY_LABELS[name], lq[name], linesRange, null));
    lines = { range: linesRange, code, queries: figures };
  }

  // The figures must be the same ones: API totals against the host SQL's.
  const apiTotals = (await server.load(token, queries.totals)).data[0] ?? {};
  const floor = hostFloorSql('totals', { database, clinicId: clinic.id, range, drillCode }, grain);
  const hostTotals = (await timeSql(host, floor.sql, floor.params)).rows[0] ?? {};
  const pairs: [string, string][] = [
    ['units_billed', 'units'],
    ['visits_used', 'visits'],
    ['total_billed', 'billed'],
    ['insurance_paid', 'paid'],
  ];
  const diffs = pairs
    .map(([api, sql]) => [api, String(apiTotals[`service_code_usage.${api}`] ?? '0'), String(hostTotals[sql] ?? '0')] as const)
    .filter(([, a, b]) => Number(a) !== Number(b));
  return {
    which,
    clinic,
    range,
    drillCode,
    queries: out,
    totalsAgree: diffs.length === 0,
    totalsDetail: diffs.length
      ? diffs.map(([n, a, b]) => `${n}: API ${a} vs SQL ${b}`).join('; ')
      : 'units, visits, billed and insurance paid equal',
    lines,
  };
}
