/**
 * A look-alike dataset for the tenant-isolation tests (issue 4): three clinics whose rows are the same
 * in everything a person could read — clinic name, service code strings and descriptions, provider
 * and payor names, case types, dates, units and amounts — and differ only in their ids. A leak of one
 * clinic's rows into another's answer can then never hide behind a recognisable string; the tests
 * detect it by clinic-identifying dimensions and by totals computed with plain SQL.
 *
 * The rows are deterministic (a fixed seed) and small (about 900 items per clinic), in the seeder's row
 * types, written by the writer of test/support/datasets.ts.
 */

import type { HostRow } from '../../server/db/seed/rows.js';
import { HOST_TABLES, type HostTable } from '../../server/db/seed/schema.js';
import { writeRows } from './datasets.js';

/** Clinic ids (the model's datasets use 1001..1022) and the first row id (above theirs, below
 * TEST_INSERT_ID_BASE of test/support/datasets.ts). */
export const SECURITY_CLINIC_IDS = [1031, 1032, 1033] as const;
export type SecurityClinicId = (typeof SECURITY_CLINIC_IDS)[number];
const ID_BASE = 1_000_300_000_000;

type Value = number | string | null;
type Row = Record<string, Value>;

// Tables in load order (parents first): the seeder's own list.
const SECURITY_TABLES = HOST_TABLES;
type SecurityTable = HostTable;

export interface SecurityDataset {
  rows: HostRow[];
  /** Provider ids of each clinic, in the same order in every clinic (look-alike providers). */
  providersByClinic: Record<SecurityClinicId, number[]>;
  /** First and last date of service. */
  from: string;
  to: string;
}

/** mulberry32: tiny, fast and deterministic; the same seed gives every clinic the same sequence. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PROVIDERS = [
  { first_name: 'Ann', last_name: 'Lee', credentials: 'DC', npi: '1234567890' },
  { first_name: 'Bob', last_name: 'Stone', credentials: 'PT', npi: '1234567891' },
  { first_name: 'Cara', last_name: 'Diaz', credentials: null, npi: null },
];
const PAYORS = [
  { name: 'Blue Shield', payor_type: 'commercial' },
  { name: 'Medicare', payor_type: 'medicare' },
  { name: 'Acme Auto', payor_type: 'auto' },
];
const CASE_TYPES = ['Personal Injury', 'Wellness'];
const SERVICE_CODES = [
  { code: '98941', description: 'Chiropractic manipulative treatment, 3-4 regions', code_type: 'cpt', billable: 1, fee: 55 },
  { code: '97110', description: 'Therapeutic exercises, each 15 minutes', code_type: 'cpt', billable: 1, fee: 40 },
  { code: '97140', description: 'Manual therapy techniques, each 15 minutes', code_type: 'cpt', billable: 1, fee: 38.5 },
  { code: '99213', description: 'Office visit, established patient, low complexity', code_type: 'cpt', billable: 1, fee: 95 },
  { code: 'MASS60', description: 'Massage, 60 minutes', code_type: 'custom', billable: 1, fee: 70.5 },
  { code: 'NOTE', description: 'Progress note (not billed)', code_type: 'custom', billable: 0, fee: 0 },
];
const PATIENTS = [
  { first_name: 'Pat', last_name: 'Doe', date_of_birth: '1980-02-29' },
  { first_name: 'Sam', last_name: 'Roe', date_of_birth: '1975-12-31' },
  { first_name: 'Kim', last_name: 'Poe', date_of_birth: null },
];

const money = (n: number): string => n.toFixed(2);
const pad = (n: number): string => String(n).padStart(2, '0');

/** 2024-01-01 plus `days`, as YYYY-MM-DD. */
function dayOf(days: number): string {
  const d = new Date(Date.UTC(2024, 0, 1) + days * 86_400_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

const PURCHASES_PER_CLINIC = 450;
/** Dates of service span 2024-01-01 .. about 2025-02-28 (425 days), across month and year edges. */
const DAY_SPAN = 425;

function clinicRows(clinicId: SecurityClinicId, tables: Record<SecurityTable, Row[]>): number[] {
  // Ids differ per clinic (as primary keys must); everything else comes from the same seed.
  const clinicIndex = SECURITY_CLINIC_IDS.indexOf(clinicId);
  const id = (kind: number, n: number) => ID_BASE + clinicIndex * 100_000_000 + kind * 1_000_000 + n;
  const next = random(4242);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;

  tables.clinics.push({ id: clinicId, name: 'Harbor Chiropractic & PT', timezone: 'America/Chicago', currency: 'USD' });
  const providerIds = PROVIDERS.map((p, i) => {
    tables.providers.push({ id: id(1, i + 1), clinic_id: clinicId, ...p, active: 1 });
    return id(1, i + 1);
  });
  const payorIds = PAYORS.map((p, i) => {
    tables.payors.push({ id: id(2, i + 1), clinic_id: clinicId, ...p });
    return id(2, i + 1);
  });
  const caseTypeIds = CASE_TYPES.map((name, i) => {
    tables.case_types.push({ id: id(3, i + 1), clinic_id: clinicId, name });
    return id(3, i + 1);
  });
  const codes = SERVICE_CODES.map((c, i) => {
    tables.service_codes.push({
      id: id(4, i + 1),
      clinic_id: clinicId,
      code: c.code,
      description: c.description,
      code_type: c.code_type,
      billable: c.billable,
      default_fee: money(c.fee),
    });
    return { id: id(4, i + 1), fee: c.fee };
  });
  const patientIds = PATIENTS.map((p, i) => {
    tables.patients.push({ id: id(5, i + 1), clinic_id: clinicId, ...p });
    return id(5, i + 1);
  });
  const caseIds = patientIds.map((patientId, i) => {
    tables.patient_cases.push({
      id: id(6, i + 1),
      clinic_id: clinicId,
      patient_id: patientId,
      case_type_id: caseTypeIds[i % caseTypeIds.length]!,
      opened_on: '2023-12-01',
    });
    return id(6, i + 1);
  });

  let itemSeq = 0;
  let paymentSeq = 0;
  let applicationSeq = 0;
  for (let n = 1; n <= PURCHASES_PER_CLINIC; n++) {
    const purchaseId = id(7, n);
    const patient = Math.floor(next() * patientIds.length);
    const onDay = Math.floor(next() * DAY_SPAN);
    const purchasedOn = dayOf(onDay);
    const status = next() < 0.06 ? 'void' : next() < 0.3 ? 'open' : 'finalized';
    const selfPay = next() < 0.15;
    const noCase = next() < 0.2;
    const providerId = pick(providerIds);
    const stamp = `${purchasedOn} 1${Math.floor(next() * 10)}:15:00`;
    tables.purchases.push({
      id: purchaseId,
      clinic_id: clinicId,
      patient_id: patientIds[patient]!,
      patient_case_id: noCase ? null : caseIds[patient]!,
      provider_id: providerId,
      payor_id: selfPay ? null : pick(payorIds),
      purchased_on: purchasedOn,
      status,
      created_at: stamp,
      updated_at: stamp,
    });
    const itemCount = 1 + Math.floor(next() * 3);
    for (let k = 0; k < itemCount; k++) {
      const itemId = id(8, ++itemSeq);
      const code = pick(codes);
      const units = 1 + Math.floor(next() * 3);
      // Sometimes another provider of the clinic rendered the item.
      const rendering = next() < 0.25 ? pick(providerIds) : null;
      tables.purchase_items.push({
        id: itemId,
        clinic_id: clinicId,
        purchase_id: purchaseId,
        service_code_id: code.id,
        rendering_provider_id: rendering,
        units,
        unit_fee: money(code.fee),
        billed_amount: money(code.fee * units),
        modifiers: next() < 0.1 ? 'GP' : null,
        created_at: stamp,
        updated_at: stamp,
      });
      if (code.fee === 0) continue;
      // Insurance pays most items, some late, some partially; a few takebacks; patients pay some.
      const applications: { source: 'insurance' | 'patient'; amount: number; lateDays: number }[] = [];
      if (!selfPay && next() < 0.75) {
        applications.push({ source: 'insurance', amount: code.fee * units * (0.4 + next() * 0.5), lateDays: Math.floor(next() * 150) });
        if (next() < 0.08) applications.push({ source: 'insurance', amount: -5 - Math.floor(next() * 10), lateDays: 160 });
      }
      if (next() < 0.3) applications.push({ source: 'patient', amount: 10 + Math.floor(next() * 20), lateDays: 0 });
      for (const application of applications) {
        const paymentId = id(9, ++paymentSeq);
        const received = dayOf(onDay + application.lateDays);
        tables.payments.push({
          id: paymentId,
          clinic_id: clinicId,
          source: application.source,
          payor_id: application.source === 'insurance' ? pick(payorIds) : null,
          received_on: received,
          posted_at: `${received} 08:00:00`,
          reference: application.source === 'insurance' ? `ERA-${n}-${k}` : null,
        });
        tables.payment_applications.push({
          id: id(10, ++applicationSeq),
          clinic_id: clinicId,
          payment_id: paymentId,
          purchase_item_id: itemId,
          amount: money(application.amount),
          applied_at: `${received} 09:00:00`,
        });
      }
    }
  }
  return providerIds;
}

export function securityDataset(): SecurityDataset {
  const tables = Object.fromEntries(SECURITY_TABLES.map((t) => [t, [] as Row[]])) as Record<SecurityTable, Row[]>;
  const providersByClinic = {} as Record<SecurityClinicId, number[]>;
  for (const clinicId of SECURITY_CLINIC_IDS) providersByClinic[clinicId] = clinicRows(clinicId, tables);
  const rows = SECURITY_TABLES.flatMap((table) => tables[table].map((row) => ({ table, row }) as unknown as HostRow));
  return { rows, providersByClinic, from: dayOf(0), to: dayOf(DAY_SPAN - 1) };
}

/** Loads the dataset into a MariaDB database or a DuckDB file that has the host tables (the
 * signature of test/support/datasets.ts's loaders, so the global setup can call it beside them). */
export async function loadSecurityDataset(target: 'mysql' | 'duckdb', location: string): Promise<void> {
  await writeRows(target, location, securityDataset().rows);
}
