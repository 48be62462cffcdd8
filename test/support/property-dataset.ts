/**
 * Seeded random host data holding every tricky case of the report's contract (docs/host-database.md),
 * for the model's property tests. Rows are the seeder's row types (server/db/seed/rows.ts), so any
 * writer of the project can load them; the ids never collide with the seeder's demo data:
 * clinic ids from 1000 up, every other id from 10^12 up.
 *
 * Cases every dataset holds, whatever the seed:
 * - void purchases, with items and insurance payments applied to them (excluded everywhere);
 * - fan-out: items with two or three payment applications (units, visits, billed count once);
 * - patient money applied to items (never Insurance Paid);
 * - takebacks: negative insurance applications, some larger than the payment they recoup;
 * - late payments: received 0 to 400 days after the visit, exactly on every maturity bucket edge
 *   (0, 30, 31, 60, 61, 90, 91, 180, 181 days) and a few received before the date of service;
 * - rendering providers different from the visit's provider;
 * - self-pay visits (no payor) and visits outside any case;
 * - the same code twice on one visit;
 * - the same code string in another clinic (with another description and billing type);
 * - zero-fee codes (billed 0.00) and zero-unit items;
 * - providers without credentials, names with apostrophes;
 * - visits on the first and last day of months and years, on 29 February 2024;
 * - groups without any insurance money (their Insurance Paid must read 0.00).
 */
import { formatDay, formatEpochSeconds, isFirstOfMonth, isLastOfMonth, parseIsoDate } from '../../server/db/seed/calendar.js';
import { Random } from '../../server/db/seed/random.js';
import type {
  CaseTypeRow,
  ClinicRow,
  HostRow,
  PatientCaseRow,
  PatientRow,
  PaymentApplicationRow,
  PaymentRow,
  PayorRow,
  ProviderRow,
  PurchaseItemRow,
  PurchaseRow,
  ServiceCodeRow,
} from '../../server/db/seed/rows.js';
import { formatCents } from '../../server/db/seed/rows.js';

export interface PropertyDatasetOptions {
  seed: number;
  /** Clinic ids (each ≥ 1000). */
  clinicIds: readonly number[];
  /** First id of every other table (≥ 10^12); datasets loaded together need ranges that do not overlap. */
  idBase: number;
  /** Purchases per clinic (default 160). */
  purchasesPerClinic?: number;
  /** First and last possible date of service (default 2025-01-01 .. 2026-10-31). */
  from?: string;
  to?: string;
}

export interface PropertyDataset {
  clinicIds: readonly number[];
  rows: HostRow[];
  /** Rows by table, for tests that pick a particular case (e.g. a visit a year old). */
  purchases: PurchaseRow[];
  purchaseItems: PurchaseItemRow[];
  /** The highest id used; a later dataset (or a test's own insert) can start above it. */
  maxId: number;
}

/** Days from the date of service to the payment's `received_on` that must each occur at least once. */
export const MATURITY_EDGE_DAYS = [-3, 0, 30, 31, 60, 61, 90, 91, 180, 181] as const;

/** Dates of service that must each occur in the first clinic: month, year and leap-day edges. */
export const EDGE_DATES = [
  '2024-02-29',
  '2024-12-31',
  '2025-01-01',
  '2025-01-31',
  '2025-02-01',
  '2025-02-28',
  '2025-03-01',
  '2025-06-30',
  '2025-07-01',
  '2025-12-31',
  '2026-01-01',
  '2026-03-31',
  '2026-04-01',
] as const;

interface CodeTemplate {
  code: string;
  description: string;
  code_type: 'cpt' | 'custom';
  billable: 0 | 1;
  /** Fee in cents; 0 makes a zero-fee code. */
  feeCents: number;
}

/** Code strings shared by every clinic (each clinic has its own row, description and billing type). */
const CODE_TEMPLATES: readonly CodeTemplate[] = [
  { code: '98941', description: 'Chiropractic manipulation, 3-4 regions', code_type: 'cpt', billable: 1, feeCents: 6500 },
  { code: '97110', description: 'Therapeutic exercise, each 15 minutes', code_type: 'cpt', billable: 1, feeCents: 4275 },
  { code: '97140', description: 'Manual therapy, each 15 minutes', code_type: 'cpt', billable: 1, feeCents: 3999 },
  { code: '99213', description: 'Office visit, established patient', code_type: 'cpt', billable: 1, feeCents: 11050 },
  { code: 'MASS60', description: 'Massage, 60 minutes', code_type: 'custom', billable: 0, feeCents: 8000 },
  { code: 'NOCHG', description: 'No-charge follow-up', code_type: 'custom', billable: 0, feeCents: 0 },
  { code: 'REPORT', description: "Attorney's narrative report", code_type: 'custom', billable: 1, feeCents: 25000 },
];

const FIRST_NAMES = ['Ana', 'Brian', "D'Arcy", 'Chen', 'Maria', 'Liam', 'Zoë', 'Omar'];
const LAST_NAMES = ["O'Neil", 'Smith', 'García', 'Nguyen', 'Kowalski', 'Baker', 'Okafor', 'Lee'];
const CREDENTIALS = ['DC', 'PT', 'LMT', null] as const;

function dayRange(from: string, to: string): [number, number] {
  const a = parseIsoDate(from);
  const b = parseIsoDate(to);
  if (b < a) throw new RangeError(`from ${from} is after to ${to}`);
  return [a, b];
}

/** A date of service: an edge of a month a third of the time, else uniform in the range. */
function serviceDay(random: Random, first: number, last: number): number {
  const day = random.int(first, last);
  if (!random.chance(1 / 3)) return day;
  // Move to the first or last day of that month, when it is still in range.
  let edge = day;
  if (random.chance(0.5)) {
    while (!isFirstOfMonth(edge)) edge--;
  } else {
    while (!isLastOfMonth(edge)) edge++;
  }
  return edge >= first && edge <= last ? edge : day;
}

/** Days from the visit to the payment: every maturity bucket, with extra weight on the edges. */
function paymentDelayDays(random: Random): number {
  if (random.chance(0.2)) return random.pick(MATURITY_EDGE_DAYS);
  const bucket = random.int(0, 4);
  return [random.int(0, 30), random.int(31, 60), random.int(61, 90), random.int(91, 180), random.int(181, 400)][bucket]!;
}

export function generatePropertyDataset(options: PropertyDatasetOptions): PropertyDataset {
  const { seed, clinicIds, idBase } = options;
  if (clinicIds.length < 2) throw new RangeError('at least two clinics: the same code string must exist in another clinic');
  for (const id of clinicIds) if (!Number.isSafeInteger(id) || id < 1000) throw new RangeError(`clinic ids must be ≥ 1000, got ${id}`);
  if (!Number.isSafeInteger(idBase) || idBase < 1e12) throw new RangeError(`idBase must be ≥ 10^12, got ${idBase}`);
  const [first, last] = dayRange(options.from ?? '2025-01-01', options.to ?? '2026-10-31');
  const perClinic = options.purchasesPerClinic ?? 160;

  let nextId = idBase;
  const id = (): number => nextId++;
  const rows: HostRow[] = [];
  const purchases: PurchaseRow[] = [];
  const purchaseItems: PurchaseItemRow[] = [];
  const stamp = (day: number, seconds: number): string => formatEpochSeconds(day * 86_400 + seconds);

  clinicIds.forEach((clinicId, clinicIndex) => {
    const random = new Random(seed, clinicIndex);
    const clinic: ClinicRow = {
      id: clinicId,
      name: `Property Clinic ${String.fromCharCode(65 + clinicIndex)}`,
      timezone: ['America/Los_Angeles', 'Pacific/Kiritimati', 'Asia/Tokyo', 'America/New_York'][clinicIndex % 4]!,
      currency: ['USD', 'USD', 'CAD', 'USD'][clinicIndex % 4]!,
    };
    rows.push({ table: 'clinics', row: clinic });

    const providers: ProviderRow[] = Array.from({ length: 4 }, (_, i) => ({
      id: id(),
      clinic_id: clinicId,
      first_name: FIRST_NAMES[(i + clinicIndex * 3) % FIRST_NAMES.length]!,
      last_name: LAST_NAMES[(i * 3 + clinicIndex) % LAST_NAMES.length]!,
      // The last provider of every clinic has no credentials: shown as "First Last".
      credentials: i === 3 ? null : CREDENTIALS[i % 3]!,
      npi: i === 2 ? null : String(1_000_000_000 + random.int(0, 899_999_999)),
      active: i === 1 ? 0 : 1,
    }));
    const payors: PayorRow[] = ['Blue Shield', 'Medicare Part B', 'State Auto'].map((name, i) => ({
      id: id(),
      clinic_id: clinicId,
      name: `${name} ${clinicIndex + 1}`,
      payor_type: (['commercial', 'medicare', 'auto'] as const)[i]!,
    }));
    const caseTypes: CaseTypeRow[] = ['Personal Injury', 'Workers Comp', 'Wellness'].map((name) => ({
      id: id(),
      clinic_id: clinicId,
      name,
    }));
    const codes: ServiceCodeRow[] = CODE_TEMPLATES.map((t, i) => ({
      id: id(),
      clinic_id: clinicId,
      code: t.code,
      // Another clinic's row for the same code string reads differently, and bills differently.
      description: clinicIndex === 0 ? t.description : `${t.description} (clinic ${clinicIndex + 1})`,
      code_type: t.code_type,
      billable: (clinicIndex > 0 && i === 2 ? 1 - t.billable : t.billable) as 0 | 1,
      default_fee: i === 3 ? null : formatCents(t.feeCents),
    }));
    const patients: PatientRow[] = Array.from({ length: 24 }, (_, i) => ({
      id: id(),
      clinic_id: clinicId,
      first_name: FIRST_NAMES[i % FIRST_NAMES.length]!,
      last_name: LAST_NAMES[(i * 5) % LAST_NAMES.length]!,
      date_of_birth: i % 7 === 0 ? null : formatDay(parseIsoDate('1950-01-01') + random.int(0, 20_000)),
    }));
    const cases: PatientCaseRow[] = patients.flatMap((p, i) =>
      Array.from({ length: i % 3 }, () => ({
        id: id(),
        clinic_id: clinicId,
        patient_id: p.id,
        case_type_id: random.pick(caseTypes).id,
        opened_on: formatDay(first - random.int(0, 300)),
      })),
    );
    for (const row of providers) rows.push({ table: 'providers', row });
    for (const row of payors) rows.push({ table: 'payors', row });
    for (const row of caseTypes) rows.push({ table: 'case_types', row });
    for (const row of codes) rows.push({ table: 'service_codes', row });
    for (const row of patients) rows.push({ table: 'patients', row });
    for (const row of cases) rows.push({ table: 'patient_cases', row });

    // Dates of service: the edge dates in the first clinic, random (often month-edge) days elsewhere.
    const days: number[] = [];
    if (clinicIndex === 0) for (const d of EDGE_DATES) days.push(parseIsoDate(d));
    while (days.length < perClinic) days.push(serviceDay(random, first, last));

    const insurancePayments: PaymentRow[] = [];
    const newPayment = (source: 'insurance' | 'patient', payorId: number | null, receivedDay: number): PaymentRow => {
      const payment: PaymentRow = {
        id: id(),
        clinic_id: clinicId,
        source,
        payor_id: payorId,
        received_on: formatDay(receivedDay),
        posted_at: stamp(receivedDay, random.int(0, 86_399)),
        reference:
          source === 'insurance' ? `ERA${random.int(100_000, 999_999)}` : random.chance(0.5) ? `CHK${random.int(1000, 9999)}` : null,
      };
      rows.push({ table: 'payments', row: payment });
      if (source === 'insurance') insurancePayments.push(payment);
      return payment;
    };
    const apply = (payment: PaymentRow, item: PurchaseItemRow, cents: number): void => {
      const receivedDay = parseIsoDate(payment.received_on);
      const application: PaymentApplicationRow = {
        id: id(),
        clinic_id: clinicId,
        payment_id: payment.id,
        purchase_item_id: item.id,
        amount: formatCents(cents),
        applied_at: stamp(receivedDay + random.int(0, 3), random.int(0, 86_399)),
      };
      rows.push({ table: 'payment_applications', row: application });
    };

    days.forEach((day, visitIndex) => {
      const patient = random.pick(patients);
      const patientCases = cases.filter((c) => c.patient_id === patient.id);
      // Guaranteed cases in every clinic: the first visits are void, self-pay, outside any case.
      const status = visitIndex % 23 === 5 ? 'void' : random.chance(0.08) ? 'void' : random.chance(0.25) ? 'open' : 'finalized';
      const selfPay = visitIndex % 17 === 3 || random.chance(0.15);
      const noCase = patientCases.length === 0 || visitIndex % 13 === 2 || random.chance(0.2);
      const purchase: PurchaseRow = {
        id: id(),
        clinic_id: clinicId,
        patient_id: patient.id,
        patient_case_id: noCase ? null : random.pick(patientCases).id,
        provider_id: random.pick(providers).id,
        payor_id: selfPay ? null : random.pick(payors).id,
        purchased_on: formatDay(day),
        status,
        created_at: stamp(day, random.int(28_800, 64_800)),
        updated_at: stamp(day + random.int(0, 20), random.int(0, 86_399)),
      };
      rows.push({ table: 'purchases', row: purchase });
      purchases.push(purchase);

      const itemCount = random.int(1, 4);
      const visitCodes: ServiceCodeRow[] = [];
      for (let i = 0; i < itemCount; i++) {
        // The same code twice on one visit, regularly.
        const code = i > 0 && (visitIndex % 11 === 4 || random.chance(0.15)) ? visitCodes[0]! : random.pick(codes);
        visitCodes.push(code);
        const units = code.code === 'NOCHG' ? 1 : random.chance(0.05) ? 0 : random.int(1, 4);
        const feeCents = code.default_fee === null ? random.int(1, 30_000) : Math.round(Number(code.default_fee) * 100);
        // Now and then a discount: billed is not always units × fee.
        const billedCents = units * feeCents - (random.chance(0.1) ? random.int(0, units * feeCents) : 0);
        const item: PurchaseItemRow = {
          id: id(),
          clinic_id: clinicId,
          purchase_id: purchase.id,
          service_code_id: code.id,
          rendering_provider_id:
            visitIndex % 9 === 1 || random.chance(0.2) ? random.pick(providers).id : random.chance(0.1) ? purchase.provider_id : null,
          units,
          unit_fee: formatCents(feeCents),
          billed_amount: formatCents(billedCents),
          modifiers: random.chance(0.2) ? random.pick(['25', 'GP', '59', 'GP,59']) : null,
          created_at: purchase.created_at,
          updated_at: purchase.updated_at,
        };
        rows.push({ table: 'purchase_items', row: item });
        purchaseItems.push(item);

        // Insurance money (also on void visits and self-pay visits: the report must sort it out).
        const paid = billedCents > 0 && (visitIndex % 7 !== 0 || status === 'void') && random.chance(0.75);
        if (paid) {
          const applications = random.chance(0.3) ? random.int(2, 3) : 1;
          for (let a = 0; a < applications; a++) {
            const receivedDay = day + paymentDelayDays(random);
            // One ERA pays several visits: reuse a payment received the same day when there is one.
            const shared = insurancePayments.find((p) => p.received_on === formatDay(receivedDay));
            const payment = shared ?? newPayment('insurance', purchase.payor_id ?? random.pick(payors).id, receivedDay);
            apply(payment, item, random.int(1, Math.max(1, Math.floor(billedCents * 0.8))));
          }
          if (random.chance(0.12)) {
            // A takeback, sometimes larger than what was paid.
            const payment = newPayment('insurance', purchase.payor_id ?? payors[0]!.id, day + random.int(60, 400));
            apply(payment, item, -random.int(1, Math.max(1, billedCents)));
          }
        }
        // Patient money: never part of Insurance Paid.
        if (random.chance(0.3)) {
          const payment = newPayment('patient', null, day + random.int(-2, 40));
          apply(payment, item, random.int(1, 10_000));
        }
      }
    });
  });

  // Sanity: the cases the tests rely on are present (a seed that lost one is a bug here, not there).
  const maxId = nextId - 1;
  for (const d of EDGE_DATES) {
    if (!purchases.some((p) => p.purchased_on === d)) throw new Error(`property dataset lost edge date ${d}`);
  }
  return { clinicIds, rows, purchases, purchaseItems, maxId };
}
