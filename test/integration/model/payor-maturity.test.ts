/**
 * The heatmap's maturity rule against the real API (issue 12, item 1), on MariaDB and DuckDB: a clinic
 * built so that the naive comparison flags payors whose visits are merely too recent to have been paid.
 * Its one code is paid about the same per unit by every payor on visits older than 90 days; one payor
 * (D) has many recent visits not paid yet, so over a range holding both its rate is far below the
 * median; another (F) has a handful of old units and many recent unpaid ones; one (E) really pays half.
 * The page's own query (payorCodeQuery with matureRange) and cells (payorCodeCells) flag only E; the
 * same answer's whole-range figures would have flagged D and F too. Each cell's whole and mature figures
 * equal plain SQL (test/support/reference-sql.ts) over the same rows.
 *
 * The dates are relative to the clinic's today in its own time zone (UTC+14: its date is often not
 * UTC's), so the test holds on any day. The shared servers' datasets are fixed when the global setup
 * seeds them, and the DuckDB file is held open by its server, so this file writes its clinics to a
 * MariaDB database and a DuckDB file of its own and starts a server on each (as security/jwks.test.ts
 * does), removing them at the end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import cube, { type ResultSet } from '@cubejs-client/core';
import { DuckDBInstance } from '@duckdb/node-api';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningApp } from '../../../server/app.js';
import { hostSchemaStatements, type HostRow, type PurchaseStatus } from '../../../server/db/seed/index.js';
import { addDays, todayInZone, type DateRange } from '../../../dashboard/src/lib/clinic-calendar.js';
import { payorCodeCells } from '../../../dashboard/src/lib/payor-code-cells.js';
import { codeMedians, isCompared, isWellBelowMedian, matureRange, type PayorCodeCell } from '../../../dashboard/src/lib/payor-rates.js';
import { payorCodeQuery } from '../../../dashboard/src/lib/report-query.js';
import { DEFAULT_STATE, type ReportState } from '../../../dashboard/src/lib/report-state.js';
import { writeRows } from '../../support/datasets.js';
import { hundredths } from '../../support/decimal.js';
import { groupKey, referenceFigures, type ReferenceTarget } from '../../support/reference-sql.js';
import { MYSQL, startTestServer } from '../../support/test-server.js';
import { tokenFor } from './model-client.js';

const CLINIC = 1071;
/** Another clinic with the same code string, paid nothing: a leak into CLINIC's answer would show. */
const OTHER_CLINIC = 1072;
const TIME_ZONE = 'Pacific/Kiritimati';
const CODE = '98941';
const THRESHOLD = 90;
const ID = 1_000_970_000_000;

/** The clinic's today, when the rows are written: every date of the dataset counts back from it. */
const TODAY = todayInZone(TIME_ZONE);
const daysAgo = (days: number): string => addDays(TODAY, -days);

/** The payors of CLINIC, by their letter; their ids and names. */
const PAYORS = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
type Payor = (typeof PAYORS)[number];
const payorId = (p: Payor): number => ID + 100 + PAYORS.indexOf(p);

/**
 * One visit of one item of CODE: `units` units billed 65.00 each, the insurance applications `insurance`
 * (cents; several make a fan-out, a negative one a takeback), and patient money `patient` (never counted).
 */
interface Visit {
  clinic: number;
  payor: Payor | null;
  daysAgo: number;
  units: number;
  insurance: number[];
  patient?: number;
  status?: PurchaseStatus;
}

const paid = (units: number, centsPerUnit: number): number[] => [units * centsPerUnit];

const VISITS: Visit[] = [
  // A: 40.00 a unit, old and recent alike; one visit exactly 90 days old (mature), one 89 (not).
  ...[200, 150, 120, 90].map((d) => ({ clinic: CLINIC, payor: 'A' as const, daysAgo: d, units: 5, insurance: paid(5, 4000) })),
  ...[89, 30, 10].map((d) => ({ clinic: CLINIC, payor: 'A' as const, daysAgo: d, units: 4, insurance: paid(4, 4000) })),
  // B: 41.00 a unit; one old visit paid in two applications.
  { clinic: CLINIC, payor: 'B', daysAgo: 180, units: 10, insurance: [20_500, 20_500] },
  { clinic: CLINIC, payor: 'B', daysAgo: 100, units: 10, insurance: paid(10, 4100) },
  ...[60, 20].map((d) => ({ clinic: CLINIC, payor: 'B' as const, daysAgo: d, units: 6, insurance: paid(6, 4100) })),
  // C: 39.00 a unit, one old visit paid 400.00 then taken back 10.00.
  { clinic: CLINIC, payor: 'C', daysAgo: 170, units: 10, insurance: [40_000, -1_000] },
  { clinic: CLINIC, payor: 'C', daysAgo: 95, units: 10, insurance: paid(10, 3900) },
  { clinic: CLINIC, payor: 'C', daysAgo: 45, units: 12, insurance: paid(12, 3900) },
  // D: 40.50 a unit on its old visits; 60 recent units not paid yet (patient money only).
  ...[160, 110].map((d) => ({ clinic: CLINIC, payor: 'D' as const, daysAgo: d, units: 10, insurance: paid(10, 4050) })),
  ...[80, 70, 50, 35, 15, 2].map((d) => ({ clinic: CLINIC, payor: 'D' as const, daysAgo: d, units: 10, insurance: [], patient: 50_000 })),
  // E: really pays half, on old visits only.
  ...[190, 130].map((d) => ({ clinic: CLINIC, payor: 'E' as const, daysAgo: d, units: 10, insurance: paid(10, 2000) })),
  // F: 5 old units at 1.00, 30 recent ones unpaid.
  { clinic: CLINIC, payor: 'F', daysAgo: 140, units: 5, insurance: paid(5, 100) },
  ...[75, 40, 5].map((d) => ({ clinic: CLINIC, payor: 'F' as const, daysAgo: d, units: 10, insurance: [] })),
  // Never part of the heatmap: self-pay (no payor to compare), and a void visit of A's paid 1.00 a unit.
  { clinic: CLINIC, payor: null, daysAgo: 150, units: 15, insurance: paid(15, 100), patient: 30_000 },
  { clinic: CLINIC, payor: 'A', daysAgo: 140, units: 50, insurance: paid(50, 100), status: 'void' },
  // The other clinic: the same code, unpaid, on both sides of the cutoff.
  ...[150, 30].map((d) => ({ clinic: OTHER_CLINIC, payor: null, daysAgo: d, units: 40, insurance: [] })),
];

const stamp = (date: string) => `${date} 12:00:00`;

function datasetRows(): HostRow[] {
  const rows: HostRow[] = [];
  let next = ID + 1_000;
  for (const [clinic, name, zone] of [
    [CLINIC, 'Maturity Clinic', TIME_ZONE],
    [OTHER_CLINIC, 'Maturity Neighbour', 'America/Los_Angeles'],
  ] as const) {
    const k = clinic - CLINIC;
    rows.push({ table: 'clinics', row: { id: clinic, name, timezone: zone, currency: 'USD' } });
    rows.push({
      table: 'providers',
      row: { id: ID + 10 + k, clinic_id: clinic, first_name: 'Ada', last_name: 'Lind', credentials: 'DC', npi: null, active: 1 },
    });
    rows.push({ table: 'patients', row: { id: ID + 20 + k, clinic_id: clinic, first_name: 'Pat', last_name: 'Doe', date_of_birth: null } });
    rows.push({
      table: 'service_codes',
      row: {
        id: ID + 30 + k,
        clinic_id: clinic,
        code: CODE,
        description: 'Chiropractic manipulation, 3-4 regions',
        code_type: 'cpt',
        billable: 1,
        default_fee: '65.00',
      },
    });
  }
  for (const p of PAYORS) {
    rows.push({ table: 'payors', row: { id: payorId(p), clinic_id: CLINIC, name: `Payor ${p}`, payor_type: 'commercial' } });
  }
  for (const v of VISITS) {
    const k = v.clinic - CLINIC;
    const date = daysAgo(v.daysAgo);
    const purchase = next++;
    const item = next++;
    rows.push({
      table: 'purchases',
      row: {
        id: purchase,
        clinic_id: v.clinic,
        patient_id: ID + 20 + k,
        patient_case_id: null,
        provider_id: ID + 10 + k,
        payor_id: v.payor === null ? null : payorId(v.payor),
        purchased_on: date,
        status: v.status ?? 'finalized',
        created_at: stamp(date),
        updated_at: stamp(date),
      },
    });
    rows.push({
      table: 'purchase_items',
      row: {
        id: item,
        clinic_id: v.clinic,
        purchase_id: purchase,
        service_code_id: ID + 30 + k,
        rendering_provider_id: null,
        units: v.units,
        unit_fee: '65.00',
        billed_amount: (v.units * 65).toFixed(2),
        modifiers: null,
        created_at: stamp(date),
        updated_at: stamp(date),
      },
    });
    const money = [...v.insurance.map((cents) => ['insurance', cents] as const), ...(v.patient ? [['patient', v.patient] as const] : [])];
    for (const [source, cents] of money) {
      // Received 20 days after the visit, or today when that is still to come: a payment's date plays no part.
      const received = v.daysAgo > 20 ? addDays(date, 20) : TODAY;
      const payment = next++;
      rows.push({
        table: 'payments',
        row: {
          id: payment,
          clinic_id: v.clinic,
          source,
          payor_id: source === 'insurance' && v.payor ? payorId(v.payor) : null,
          received_on: received,
          posted_at: stamp(received),
          reference: null,
        },
      });
      rows.push({
        table: 'payment_applications',
        row: {
          id: next++,
          clinic_id: v.clinic,
          payment_id: payment,
          purchase_item_id: item,
          amount: (cents / 100).toFixed(2),
          applied_at: stamp(received),
        },
      });
    }
  }
  return rows;
}

interface Target {
  name: 'MariaDB' | 'DuckDB';
  app: RunningApp;
  reference: ReferenceTarget;
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
  const database = `${inject('mysqlDatabase')}_mt`;
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
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scu-maturity-'));
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

/** The heatmap's cells for `range`, as the page makes them: its query, through the Cube client, its cells. */
async function heatmapCells(target: Target, range: DateRange): Promise<{ cells: PayorCodeCell[]; mature: DateRange | null }> {
  const state: ReportState = { ...DEFAULT_STATE, ...range };
  const mature = matureRange(range, TODAY, THRESHOLD);
  const query = payorCodeQuery(state, range, mature);
  const compared = (query.timeDimensions ?? []).some((t) => 'compareDateRange' in t);
  const client = cube(tokenFor({ clinicId: CLINIC }), { apiUrl: `${target.app.url}/cubejs-api/v1` });
  const resultSet: ResultSet = await client.load(query);
  return { cells: payorCodeCells(resultSet, compared, mature !== null), mature };
}

/** Flagged payors (letters) of `cells` by the maturity rule of lib/payor-rates.ts. */
function flagged(cells: PayorCodeCell[]): string[] {
  const medians = codeMedians(cells);
  return cells.filter((c) => isWellBelowMedian(c, medians.get(c.code))).map((c) => letterOf(c.payorId));
}

/** The naive rule: the same comparison on the cells' whole-range figures, as if every visit were mature. */
function naivelyFlagged(cells: PayorCodeCell[]): string[] {
  return flagged(cells.map((c) => ({ ...c, matureUnits: c.units, maturePaid: c.paid, maturePerUnit: c.perUnit })));
}

const letterOf = (id: string): string => PAYORS.find((p) => String(payorId(p)) === id) ?? `unknown payor ${id}`;

/** Units and insurance paid (hundredths) per payor letter, from plain SQL over `range` (payors only). */
async function sqlFigures(target: Target, range: DateRange | null): Promise<Map<string, { units: bigint; paid: bigint }>> {
  if (!range) return new Map();
  const figures = await referenceFigures(target.reference, { clinicId: CLINIC, ...range, groupBy: ['payor_id', 'service_code'] });
  const byPayor = new Map<string, { units: bigint; paid: bigint }>();
  for (const [key, f] of figures) {
    const [payor, code] = key.split(' | ');
    expect(code).toBe(CODE);
    if (payor === groupKey([null])) continue;
    byPayor.set(letterOf(payor!), { units: hundredths(f.units_billed) / 100n, paid: hundredths(f.insurance_paid) });
  }
  return byPayor;
}

/** Each cell's whole-range and mature figures equal plain SQL over the range and its mature part. */
async function expectCellsMatchSql(target: Target, range: DateRange, cells: PayorCodeCell[], mature: DateRange | null): Promise<void> {
  const [whole, old] = await Promise.all([sqlFigures(target, range), sqlFigures(target, mature)]);
  const byPayor = (pick: (c: PayorCodeCell) => { units: bigint; paid: bigint }) =>
    Object.fromEntries(cells.map((c) => [letterOf(c.payorId), pick(c)]));
  expect(cells.every((c) => c.code === CODE)).toBe(true);
  expect(byPayor((c) => ({ units: c.units, paid: c.paid }))).toEqual(Object.fromEntries(whole));
  // A payor without a mature visit has a cell of 0 mature units and no SQL group.
  const oldOrNone = Object.fromEntries(cells.map((c) => [letterOf(c.payorId), old.get(letterOf(c.payorId)) ?? { units: 0n, paid: 0n }]));
  expect(byPayor((c) => ({ units: c.matureUnits, paid: c.maturePaid }))).toEqual(oldOrNone);
}

describe.each([
  ['MariaDB', mariadbTarget],
  ['DuckDB', duckdbTarget],
] as const)('%s: the heatmap never flags a payor on visits too recent to be paid', (_name, open) => {
  let target: Target;

  beforeAll(async () => {
    target = await open(datasetRows());
  });
  afterAll(async () => {
    await target?.remove();
  });

  it('over a range holding old and recent visits: only the payor that pays less on its mature visits is flagged', async () => {
    const range = { from: daysAgo(365), to: TODAY };
    const { cells, mature } = await heatmapCells(target, range);
    expect(mature).toEqual({ from: range.from, to: daysAgo(THRESHOLD) });
    await expectCellsMatchSql(target, range, cells, mature);
    expect(cells.map((c) => letterOf(c.payorId)).sort()).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);

    const cell = (p: Payor) => cells.find((c) => c.payorId === String(payorId(p)))!;
    // D over the whole range: 810.00 for 80 units, far below its peers; on its mature visits 40.50.
    expect(cell('D').perUnit).toBe(1013n);
    expect(cell('D').maturePerUnit).toBe(4050n);
    expect(naivelyFlagged(cells).sort()).toEqual(['D', 'E', 'F']);
    expect(flagged(cells)).toEqual(['E']);
    // F: 5 mature units are too few to compare, however little they were paid.
    expect(isCompared(cell('F'))).toBe(false);
    expect(codeMedians(cells).get(CODE)).toEqual({ code: CODE, median: 4000n, payors: 5 });
  });

  it('over a range wholly within the last 90 days: nothing is compared, nothing flagged', async () => {
    const range = { from: daysAgo(THRESHOLD - 1), to: TODAY };
    const { cells, mature } = await heatmapCells(target, range);
    expect(mature).toBeNull();
    await expectCellsMatchSql(target, range, cells, mature);
    expect(cells.map((c) => letterOf(c.payorId)).sort()).toEqual(['A', 'B', 'C', 'D', 'F']);
    // The same answer compared naively would flag the payors not paid yet.
    expect(naivelyFlagged(cells).sort()).toEqual(['D', 'F']);
    expect(cells.filter(isCompared)).toEqual([]);
    expect(flagged(cells)).toEqual([]);
  });

  it('over a range wholly older than the threshold: every visit is compared, the same payor flagged', async () => {
    const range = { from: daysAgo(365), to: daysAgo(THRESHOLD + 1) };
    const { cells, mature } = await heatmapCells(target, range);
    expect(mature).toEqual(range);
    await expectCellsMatchSql(target, range, cells, mature);
    expect(cells.every((c) => c.matureUnits === c.units && c.maturePaid === c.paid)).toBe(true);
    expect(flagged(cells)).toEqual(['E']);
  });
});
