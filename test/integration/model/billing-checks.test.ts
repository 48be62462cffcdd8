/**
 * The billing checks (issue 12, items 2 and 3; docs/model.md, "Billing checks") against the real API on
 * MariaDB and DuckDB: every new measure and dimension of service_code_usage equals plain SQL written from
 * its definition (test/support/billing-dataset.ts), grouped by provider, payor type, code with modifiers,
 * insurance status, modifiers and month, under filters (a provider, a payor, a code, modifiers contains
 * 59, insurance status Unpaid) and under a provider's token; every such query is served by the
 * billing_by_day rollup, while the report's own queries keep reading usage_by_day.
 *
 * The clinic's lines are built to be awkward: modifiers NULL, '', ' gp , 59 ', '159', 'KX59' (one
 * element, neither KX nor 59: the model matches list elements, as its docs say), 'GAT' (not AT), CMT
 * codes to Medicare and to other payors with and without AT, 98943 (not a CMT code of the check),
 * payments of exactly half (not unpaid), one cent under half (unpaid), takebacks down to zero and below,
 * patient money (never counted), void visits (never counted), self-pay visits (never unpaid), lines a
 * day outside the range, and a neighbouring clinic with the same codes whose lines every check would
 * count. One provider has exactly 32 lines, 5 with 59/X{EPSU} and 9 with KX: rates at a tie of the
 * fourth place (0.15625, 0.28125) that MariaDB's ROUND of a DOUBLE quotient takes down.
 *
 * The shared servers' datasets are fixed when the global setup seeds them, so this file writes its
 * clinics to a MariaDB database and a DuckDB file of its own and starts a server on each (as
 * payor-maturity.test.ts does), removing them at the end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningApp } from '../../../server/app.js';
import { hostSchemaStatements, type HostRow } from '../../../server/db/seed/index.js';
import {
  BILLING_CLINIC,
  BILLING_MEASURES,
  PAYOR,
  PROVIDER,
  RANGE,
  billingDatasetRows,
  billingReference,
  type BillingDimension,
  type BillingMeasure,
  type BillingQuery,
  type BillingTarget,
} from '../../support/billing-dataset.js';
import { writeRows } from '../../support/datasets.js';
import { canonicalDecimal, groupKey } from '../../support/reference-sql.js';
import { mysqlRows } from '../../support/sql.js';
import { MYSQL, startTestServer } from '../../support/test-server.js';
import { load, rowsOf, type Reply } from '../security/client.js';
import { tokenFor, usedPreAggregationsOf } from './model-client.js';

const V = 'service_code_usage';
// billing_by_day's sql_alias (model/cubes/counted_items.js) names its tables.
const BILLING_ROLLUP = /counted_items_billing$/;
const USAGE_ROLLUP = /counted_items_usage_by_day$/;

/** The exact text of each figure: counts whole, money with two places, rates with four. */
const FORMAT: Record<BillingMeasure, RegExp> = {
  line_count: /^\d+$/,
  distinct_procedure_lines: /^\d+$/,
  distinct_procedure_rate: /^\d+\.\d{4}$/,
  medicare_cmt_lines: /^\d+$/,
  medicare_cmt_without_at_lines: /^\d+$/,
  kx_lines: /^\d+$/,
  kx_rate: /^\d+\.\d{4}$/,
  unpaid_lines: /^\d+$/,
  unpaid_billed: /^-?\d+\.\d{2}$/,
  unpaid_balance: /^-?\d+\.\d{2}$/,
};

const UNPAID_SUMS: readonly BillingMeasure[] = ['unpaid_billed', 'unpaid_balance'];

interface Target {
  name: 'MariaDB' | 'DuckDB';
  app: RunningApp;
  reference: BillingTarget;
  remove(): Promise<void>;
}

async function withAdmin(run: (conn: mysql.Connection) => Promise<void>): Promise<void> {
  const conn = await mysql.createConnection(MYSQL);
  try {
    await run(conn);
  } finally {
    await conn.end();
  }
}

async function mariadbTarget(rows: HostRow[]): Promise<Target> {
  // Short: Cube refuses a pre-aggregation table whose schema-qualified name is over MySQL's 64 characters.
  const database = `${inject('mysqlDatabase')}_bc`;
  const drop = () =>
    withAdmin(async (conn) => {
      for (const suffix of ['', '_pre_aggregations', '_pre_aggregations_changes']) {
        await conn.query(`DROP DATABASE IF EXISTS \`${database}${suffix}\``);
      }
    });
  await drop();
  await withAdmin(async (conn) => {
    await conn.query(`CREATE DATABASE \`${database}\``);
    await conn.changeUser({ database });
    for (const statement of hostSchemaStatements('mysql')) await conn.query(statement);
  });
  await writeRows('mysql', database, rows);
  const app = await startTestServer({ type: 'mysql', database });
  return {
    name: 'MariaDB',
    app,
    reference: { dialect: 'mysql', location: database },
    remove: async () => {
      await app.close();
      await drop();
    },
  };
}

async function duckdbTarget(rows: HostRow[]): Promise<Target> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scu-billing-'));
  const file = path.join(dir, 'host.duckdb');
  const instance = await DuckDBInstance.create(file);
  const conn = await instance.connect();
  try {
    for (const statement of hostSchemaStatements('duckdb')) await conn.run(statement);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  await writeRows('duckdb', file, rows);
  // The server holds its file open: plain SQL reads a copy of the same rows.
  const copy = path.join(dir, 'reference.duckdb');
  fs.copyFileSync(file, copy);
  const app = await startTestServer({ type: 'duckdb', path: file });
  return {
    name: 'DuckDB',
    app,
    reference: { dialect: 'duckdb', location: copy },
    remove: async () => {
      await app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const memberOf = (d: BillingDimension): string => (d === 'month' ? `${V}.date_of_service.month` : `${V}.${d}`);

/** The Cube query of a billing query: the same groups, filters and dates. */
function apiQuery(q: BillingQuery, measures: readonly string[], timezone: string): Record<string, unknown> {
  return {
    measures: measures.map((m) => `${V}.${m}`),
    dimensions: q.groupBy.filter((d) => d !== 'month').map(memberOf),
    timeDimensions: [
      { dimension: `${V}.date_of_service`, dateRange: [q.from, q.to], ...(q.groupBy.includes('month') ? { granularity: 'month' } : {}) },
    ],
    filters: (q.filters ?? []).map((f) => ({ member: `${V}.${f.dimension}`, operator: f.operator, values: f.values })),
    timezone,
    limit: 10_000,
  };
}

/** A group's value as plain SQL prints it: ids as text, a month as YYYY-MM. */
const groupValue = (d: BillingDimension, value: unknown): unknown =>
  value === null || value === undefined ? null : d === 'month' ? String(value).slice(0, 7) : String(value);

interface Answer {
  reply: Reply;
  groups: Map<string, Record<BillingMeasure, unknown>>;
  usedPreAggregations: string[];
}

async function ask(target: Target, q: BillingQuery, timezone = 'UTC', measures: readonly string[] = BILLING_MEASURES): Promise<Answer> {
  const reply = await load(target.app.url, tokenFor(q), apiQuery(q, measures, timezone));
  if (reply.status !== 200 || reply.body.error) {
    throw new Error(`${target.name}: ${reply.status} ${JSON.stringify(reply.body).slice(0, 500)}`);
  }
  const groups = new Map<string, Record<BillingMeasure, unknown>>();
  for (const row of rowsOf(reply)) {
    const key = groupKey(q.groupBy.map((d) => groupValue(d, row[memberOf(d)])));
    if (groups.has(key)) throw new Error(`the API returned group ${key} twice`);
    groups.set(key, Object.fromEntries(measures.map((m) => [m, row[`${V}.${m}`]])) as Record<BillingMeasure, unknown>);
  }
  return { reply, groups, usedPreAggregations: usedPreAggregationsOf(reply) };
}

/** Every group and every figure of the answer equals plain SQL, in the contract's exact text. */
async function expectEqualToPlainSql(target: Target, q: BillingQuery, answer: Answer): Promise<void> {
  const expected = await billingReference(target.reference, q);
  expect([...answer.groups.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [key, figures] of expected) {
    for (const m of BILLING_MEASURES) {
      const value = answer.groups.get(key)![m];
      // A group without unpaid lines gets null for the two sums (a bug of its own, asserted once below):
      // read as 0.00 here, so that every other figure is still checked.
      const shown = value === null && UNPAID_SUMS.includes(m) ? '0.00' : value;
      expect(String(shown), `${key} ${m}`).toMatch(FORMAT[m]);
      expect(canonicalDecimal(shown), `${key} ${m}`).toBe(figures[m]);
    }
  }
}

const base = { clinicId: BILLING_CLINIC, ...RANGE };
const CMT_CODES = ['98940', '98941', '98942'];

const CASES: { name: string; query: BillingQuery; timezone?: string }[] = [
  { name: 'totals', query: { ...base, groupBy: [] } },
  { name: 'by provider', query: { ...base, groupBy: ['provider_id'] }, timezone: 'Pacific/Kiritimati' },
  { name: 'by payor type', query: { ...base, groupBy: ['payor_type'] } },
  { name: 'by payor', query: { ...base, groupBy: ['payor_id', 'payor_type'] }, timezone: 'Pacific/Pago_Pago' },
  { name: 'by code with modifiers', query: { ...base, groupBy: ['code_with_modifiers'] } },
  { name: 'by code and modifiers', query: { ...base, groupBy: ['service_code', 'modifiers'] } },
  { name: 'by insurance status', query: { ...base, groupBy: ['insurance_status'] } },
  { name: 'by month and provider', query: { ...base, groupBy: ['month', 'provider_id'] }, timezone: 'America/Chicago' },
  {
    name: 'by code with modifiers, one provider',
    query: {
      ...base,
      groupBy: ['code_with_modifiers'],
      filters: [{ dimension: 'provider_id', operator: 'equals', values: [String(PROVIDER.ada)] }],
    },
  },
  {
    name: 'by provider, the Medicare payor',
    query: {
      ...base,
      groupBy: ['provider_id'],
      filters: [{ dimension: 'payor_id', operator: 'equals', values: [String(PAYOR.medicare)] }],
    },
  },
  {
    name: 'by modifiers, one code',
    query: { ...base, groupBy: ['modifiers'], filters: [{ dimension: 'service_code', operator: 'equals', values: ['97140'] }] },
  },
  {
    // contains is a substring filter: it finds 159, KX59 and X59 too (unlike the check's list match).
    name: 'by code with modifiers, modifiers contains 59',
    query: { ...base, groupBy: ['code_with_modifiers'], filters: [{ dimension: 'modifiers', operator: 'contains', values: ['59'] }] },
  },
  {
    name: 'by payor type and provider, insurance status Unpaid',
    query: {
      ...base,
      groupBy: ['payor_type', 'provider_id'],
      filters: [{ dimension: 'insurance_status', operator: 'equals', values: ['Unpaid'] }],
    },
  },
  {
    name: 'by provider, Medicare CMT codes',
    query: {
      ...base,
      groupBy: ['provider_id', 'code_with_modifiers'],
      filters: [
        { dimension: 'payor_type', operator: 'equals', values: ['Medicare'] },
        { dimension: 'service_code', operator: 'equals', values: CMT_CODES },
      ],
    },
  },
  { name: "Ada's token, by code with modifiers", query: { ...base, providerId: PROVIDER.ada, groupBy: ['code_with_modifiers'] } },
  {
    name: "Ben's token, by insurance status, the Medicare payor",
    query: {
      ...base,
      providerId: PROVIDER.ben,
      groupBy: ['insurance_status'],
      filters: [{ dimension: 'payor_id', operator: 'equals', values: [String(PAYOR.medicare)] }],
    },
  },
  { name: "Cy's token, totals", query: { ...base, providerId: PROVIDER.cy, groupBy: [] } },
  {
    name: "Ada's token asking for Ben's lines",
    query: {
      ...base,
      providerId: PROVIDER.ada,
      groupBy: ['provider_id'],
      filters: [{ dimension: 'provider_id', operator: 'equals', values: [String(PROVIDER.ben)] }],
    },
  },
];

describe.each([
  ['MariaDB', mariadbTarget],
  ['DuckDB', duckdbTarget],
] as const)('%s: the billing checks equal plain SQL and are served by billing_by_day', (_name, open) => {
  let target: Target;

  beforeAll(async () => {
    target = await open(billingDatasetRows());
  });
  afterAll(async () => {
    await target?.remove();
  });

  it.each(CASES)('$name', async ({ query, timezone }) => {
    const answer = await ask(target, query, timezone);
    expect(
      answer.usedPreAggregations.some((p) => BILLING_ROLLUP.test(p)),
      JSON.stringify(answer.usedPreAggregations),
    ).toBe(true);
    await expectEqualToPlainSql(target, query, answer);
  });

  it('the provider token sees only its own lines, whatever it filters on', async () => {
    const own = await ask(target, { ...base, providerId: PROVIDER.ada, groupBy: ['provider_id'] });
    expect([...own.groups.keys()]).toEqual([String(PROVIDER.ada)]);
    const others = await ask(target, {
      ...base,
      providerId: PROVIDER.ada,
      groupBy: ['provider_id'],
      filters: [{ dimension: 'provider_id', operator: 'equals', values: [String(PROVIDER.ben)] }],
    });
    expect(others.groups.size).toBe(0);
  });

  // Counted by hand from the dataset's comments, not by any SQL: guards the plain SQL as much as the model.
  it("the awkward lines, counted by hand: Ada's and Ben's figures", async () => {
    const answer = await ask(target, { ...base, groupBy: ['provider_id'] });
    const canonicalOf = (provider: number) =>
      Object.fromEntries(BILLING_MEASURES.map((m) => [m, canonicalDecimal(answer.groups.get(String(provider))?.[m])]));
    // Ada: 17 lines (her line on Ben's visit included; void and out-of-range ones not). 59/X{EPSU}:
    // ' gp , 59 ', 'XU', 'GP,XE', '59' (self-pay) and '59,GP', not '159' nor 'KX59'. Medicare CMT: 98941 AT,
    // 98940, 98942 ' at,gp ', 98941 '', 98941 GAT and 98940 AT on Ben's visit; without AT: 98940, '' and
    // GAT. Unpaid: 40.00 (nothing), 40.00 (19.99), 40.00 (taken back), 45.00 (-5.00), 35.00 (nothing),
    // 50.00 (24.99), 40.00 (nothing), 90.00 (44.99).
    expect(canonicalOf(PROVIDER.ada)).toEqual({
      line_count: '17',
      distinct_procedure_lines: '5',
      distinct_procedure_rate: '0.2941',
      medicare_cmt_lines: '6',
      medicare_cmt_without_at_lines: '3',
      kx_lines: '0',
      kx_rate: '0',
      unpaid_lines: '8',
      unpaid_billed: '380',
      unpaid_balance: '295.03',
    });
    // Ben: 12 lines. 59/X{EPSU}: 'gp,kx,59', 'XS', 'XP ,GP'. KX: 3 × 'GP,KX', 'gp,kx,59', 'KX'. Medicare
    // CMT: 98941 AT. Unpaid: 80.00 (20.00), 80.00 (comp, nothing), 45.01 (22.50), 40.00 (patient money
    // only), 80.00 and 45.00 (open, nothing); not the 0.00 line, nor the self-pay one.
    expect(canonicalOf(PROVIDER.ben)).toEqual({
      line_count: '12',
      distinct_procedure_lines: '3',
      distinct_procedure_rate: '0.25',
      medicare_cmt_lines: '1',
      medicare_cmt_without_at_lines: '0',
      kx_lines: '5',
      kx_rate: '0.4167',
      unpaid_lines: '6',
      unpaid_billed: '370.01',
      unpaid_balance: '327.51',
    });
  });

  it('the rates are exact at a tie of the fourth place (5/32, 9/32), which a DOUBLE quotient rounds down', async () => {
    const answer = await ask(target, { ...base, providerId: PROVIDER.cy, groupBy: [] });
    const total = answer.groups.get(groupKey([]))!;
    expect([total.line_count, total.distinct_procedure_lines, total.kx_lines].map(canonicalDecimal)).toEqual(['32', '5', '9']);
    expect(total.distinct_procedure_rate).toBe('0.1563');
    expect(total.kx_rate).toBe('0.2813');
    // The tie is real: MariaDB rounds the same quotient in floating point the other way.
    const [naive] = await mysqlRows(inject('mysqlDatabase'), 'SELECT ROUND(5e0 / 32, 4) AS distinct_rate, ROUND(9e0 / 32, 4) AS kx_rate');
    expect([String(naive!.distinct_rate), String(naive!.kx_rate)]).toEqual(['0.1562', '0.2812']);
  });

  it('grouped by the dimensions alone, the lines are those plain SQL finds', async () => {
    const q: BillingQuery = { ...base, groupBy: ['code_with_modifiers', 'payor_type', 'insurance_status', 'modifiers'] };
    const answer = await ask(target, q, 'UTC', ['line_count']);
    expect(answer.usedPreAggregations.some((p) => BILLING_ROLLUP.test(p))).toBe(true);
    const expected = await billingReference(target.reference, q);
    expect(Object.fromEntries([...answer.groups].map(([k, v]) => [k, canonicalDecimal(v.line_count)]))).toEqual(
      Object.fromEntries([...expected].map(([k, v]) => [k, v.line_count])),
    );
    // A few of the canonical values spelled out.
    const keys = [...answer.groups.keys()];
    expect(keys).toContain(groupKey(['97140-GP,59', 'Medicare', 'Unpaid', 'GP,59']));
    expect(keys).toContain(groupKey(['98942-AT,GP', 'Medicare', 'Paid', 'AT,GP']));
    expect(keys).toContain(groupKey(['98941', 'Medicare', 'Unpaid', null]));
    expect(keys).toContain(groupKey(['97110-XP,GP', 'Other', 'Unpaid', 'XP,GP']));
    expect(keys).toContain(groupKey(['97112', 'Auto', 'Paid under 50%', null]));
    expect(keys).toContain(groupKey(['97110-GP', 'Workers Comp', 'Unpaid', 'GP']));
    expect(keys).toContain(groupKey(['EXER', 'Other', 'Nothing billed', null]));
  });

  it('a line is an unpaid line exactly when its insurance status is Unpaid or Paid under 50% (as meta says)', async () => {
    const answer = await ask(target, { ...base, groupBy: ['insurance_status'] });
    const figure = (status: string, m: BillingMeasure) => canonicalDecimal(answer.groups.get(status)?.[m] ?? '0');
    expect(figure('Self-pay', 'unpaid_lines')).toBe('0');
    expect(figure('Paid', 'unpaid_lines')).toBe('0');
    expect(figure('Paid under 50%', 'unpaid_lines')).toBe(figure('Paid under 50%', 'line_count'));
    // Ben's EXER line (billed 0.00 to a payor, paid nothing) is not unpaid: it is 'Nothing billed', not 'Unpaid'.
    expect(figure('Unpaid', 'unpaid_lines')).toBe(figure('Unpaid', 'line_count'));
    expect(figure('Nothing billed', 'line_count')).toBe('1');
    expect(figure('Nothing billed', 'unpaid_lines')).toBe('0');
  });

  it('a group without unpaid lines shows Billed on Unpaid Lines and Unpaid Balance as 0.00, not empty', async () => {
    const answer = await ask(target, { ...base, groupBy: ['insurance_status'] });
    const paid = answer.groups.get('Paid')!;
    expect(canonicalDecimal(paid.unpaid_lines)).toBe('0');
    // A sum of CASE … ELSE 0 over every line (a filtered sum would be NULL over no unpaid line).
    expect({ billed: paid.unpaid_billed, balance: paid.unpaid_balance }).toEqual({ billed: '0.00', balance: '0.00' });
  });

  it("the report's own queries keep reading usage_by_day", async () => {
    const answer = await ask(target, { ...base, groupBy: ['provider_id'] }, 'UTC', ['units_billed', 'total_billed', 'insurance_paid']);
    expect(
      answer.usedPreAggregations.some((p) => USAGE_ROLLUP.test(p)),
      JSON.stringify(answer.usedPreAggregations),
    ).toBe(true);
    expect(answer.usedPreAggregations.some((p) => BILLING_ROLLUP.test(p))).toBe(false);
  });
});
