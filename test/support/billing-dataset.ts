/**
 * A clinic of awkward lines for the billing checks (issue 12; docs/model.md, "Billing checks"), and the
 * plain SQL they are checked against, written from the checks' definitions and from
 * docs/host-database.md (counted items, Insurance Paid), not from the model:
 *
 *   modifiers            purchase_items.modifiers upper-cased with every space removed; NULL when empty
 *   a modifier X         an element of that comma-separated list (MariaDB FIND_IN_SET, DuckDB
 *                        list_contains over string_split): '159' holds no 59, 'KX59' neither KX nor 59
 *   code_with_modifiers  code, or code-modifiers
 *   payor_type           payors.payor_type shown as Commercial, Medicare, …; Self-pay without a payor
 *   insurance_status     Self-pay (no payor); of the unpaid lines (paid × 2 < billed): Unpaid (paid ≤ 0) and
 *                        Paid under 50%; Nothing billed (billed ≤ 0, not unpaid); Paid
 *   59/X{EPSU} line      modifiers hold 59, XE, XS, XP or XU
 *   Medicare CMT line    code 98940, 98941 or 98942 on a visit whose payor's payor_type is 'medicare'
 *   KX line              modifiers hold KX
 *   unpaid line          the visit has a payor and paid × 2 < billed
 *
 * Rates are computed here in BigInt (reference-sql.ts's roundedQuotient), half away from zero.
 */
import type { HostRow, PayorType, PurchaseStatus } from '../../server/db/seed/index.js';
import { roundedQuotient, canonicalDecimal, groupKey, type Dialect } from './reference-sql.js';
import { duckdbRows, mysqlRows, type Row } from './sql.js';

export const BILLING_CLINIC = 1091;
/** The same code strings and a Medicare payor, with lines every check would count: a leak would show. */
export const BILLING_OTHER_CLINIC = 1092;
const ID = 1_000_990_000_000;

export const PROVIDER = { ada: ID + 10, ben: ID + 11, cy: ID + 12, other: ID + 13 } as const;
type ProviderKey = keyof typeof PROVIDER;

const PAYOR_ROWS = {
  medicare: { id: ID + 100, name: 'Medicare Part B', type: 'medicare' },
  blue: { id: ID + 101, name: 'Blue Shield', type: 'commercial' },
  medicaid: { id: ID + 102, name: 'State Medicaid', type: 'medicaid' },
  comp: { id: ID + 103, name: 'Comp Mutual', type: 'workers_comp' },
  auto: { id: ID + 104, name: 'Auto Casualty', type: 'auto' },
  other: { id: ID + 105, name: 'Union Fund', type: 'other' },
  otherMedicare: { id: ID + 106, name: 'Medicare Part B', type: 'medicare' },
} as const satisfies Record<string, { id: number; name: string; type: PayorType }>;
type PayorKey = keyof typeof PAYOR_ROWS;
export const PAYOR = Object.fromEntries(Object.entries(PAYOR_ROWS).map(([k, v]) => [k, v.id])) as Record<PayorKey, number>;

const CODES = {
  '98940': 'CMT, spinal, 1-2 regions',
  '98941': 'CMT, spinal, 3-4 regions',
  '98942': 'CMT, spinal, 5 regions',
  '98943': 'CMT, extraspinal',
  '97110': 'Therapeutic exercise',
  '97112': 'Neuromuscular re-education',
  '97140': 'Manual therapy',
  '97530': 'Therapeutic activities',
  EXER: 'Home exercise sheet',
} as const;
type Code = keyof typeof CODES;

/** One line: its code, modifiers as typed, billed amount, insurance applications and patient money. */
interface LineSpec {
  code: Code;
  modifiers: string | null;
  billed: string;
  units?: number;
  insurance?: string[];
  patient?: string;
  /** Rendered by another provider than the visit's. */
  renderedBy?: ProviderKey;
}

interface VisitSpec {
  clinic?: number;
  on: string;
  provider: ProviderKey;
  payor: PayorKey | null;
  status?: PurchaseStatus;
  lines: LineSpec[];
}

/** The range every test asks; one line on each side of it. */
export const RANGE = { from: '2026-01-01', to: '2026-03-31' } as const;

const ADA_AND_BEN: VisitSpec[] = [
  // Ada Lind, DC: chiropractic manipulation to Medicare with and without AT, and 97140 with 59 spelled every way.
  {
    on: '2026-01-05',
    provider: 'ada',
    payor: 'medicare',
    lines: [
      { code: '98941', modifiers: 'AT', billed: '45.00', insurance: ['45.00'] },
      { code: '97140', modifiers: ' gp , 59 ', billed: '40.00' }, // GP,59; no payment: Unpaid
    ],
  },
  {
    on: '2026-01-12',
    provider: 'ada',
    payor: 'medicare',
    lines: [
      { code: '98940', modifiers: null, billed: '40.00', insurance: ['20.00'] }, // without AT; exactly half: Paid
      { code: '97140', modifiers: '159', billed: '40.00', insurance: ['19.99'] }, // not 59; 49.975 %: unpaid
    ],
  },
  {
    on: '2026-01-31',
    provider: 'ada',
    payor: 'medicare',
    lines: [
      { code: '98942', modifiers: ' at,gp ', billed: '55.00', insurance: ['27.50'] }, // AT,GP; half: Paid
      { code: '97140', modifiers: 'XU', billed: '40.00', insurance: ['60.00', '-60.00'] }, // taken back: Unpaid
    ],
  },
  {
    on: '2026-02-02',
    provider: 'ada',
    payor: 'medicare',
    lines: [
      { code: '98941', modifiers: '', billed: '45.00', insurance: ['-5.00'] }, // no modifiers; paid -5.00: balance 50.00
      { code: '98943', modifiers: null, billed: '35.00' }, // extraspinal: not one of the CMT codes
    ],
  },
  {
    on: '2026-02-10',
    provider: 'ada',
    payor: 'medicare',
    lines: [
      { code: '98941', modifiers: 'GAT', billed: '45.00', insurance: ['45.00'] }, // GAT is not AT
      { code: '97140', modifiers: 'KX59', billed: '40.00', insurance: ['40.00'] }, // one element: neither KX nor 59
    ],
  },
  {
    on: '2026-02-14',
    provider: 'ada',
    payor: 'blue',
    lines: [
      { code: '98941', modifiers: 'AT', billed: '60.00', insurance: ['30.00'] }, // commercial: no Medicare CMT
      { code: '97140', modifiers: 'GP,XE', billed: '50.00', insurance: ['24.99'], patient: '25.01' }, // patient money never counts
    ],
  },
  {
    on: '2026-03-03',
    provider: 'ada',
    payor: null,
    lines: [
      { code: '98941', modifiers: null, billed: '40.00', patient: '40.00' }, // self-pay: never Medicare, never unpaid
      { code: '97140', modifiers: '59', billed: '35.00', insurance: ['10.00'] }, // self-pay, though insurance paid something
    ],
  },
  {
    on: '2026-03-09',
    provider: 'ada',
    payor: 'medicare',
    status: 'void',
    lines: [
      { code: '98941', modifiers: null, billed: '45.00' },
      { code: '97140', modifiers: '59', billed: '40.00' },
    ],
  },
  {
    on: '2026-03-16',
    provider: 'ben',
    payor: 'medicare',
    status: 'open',
    lines: [
      { code: '98940', modifiers: 'AT', billed: '40.00', renderedBy: 'ada' }, // Ada's line on Ben's visit
      { code: '97110', modifiers: 'GP,KX', billed: '80.00', units: 2, insurance: ['40.00'] },
    ],
  },
  {
    on: '2026-03-31',
    provider: 'ada',
    payor: 'medicaid',
    lines: [
      { code: '98941', modifiers: 'at', billed: '45.00', insurance: ['22.51'] }, // Medicaid; 22.51 × 2 ≥ 45.00: Paid
      { code: '97530', modifiers: '59,GP', billed: '90.00', units: 2, insurance: ['44.99'] },
    ],
  },
  // Outside the range by a day: never counted.
  { on: '2025-12-31', provider: 'ada', payor: 'medicare', lines: [{ code: '97140', modifiers: '59', billed: '40.00' }] },
  { on: '2026-04-01', provider: 'ada', payor: 'medicare', lines: [{ code: '98941', modifiers: null, billed: '45.00' }] },

  // Ben Moss, PT: KX, every payor type, payments on both sides of half.
  {
    on: '2026-01-07',
    provider: 'ben',
    payor: 'medicare',
    lines: [
      { code: '97110', modifiers: 'GP,KX', billed: '80.00', units: 2, insurance: ['20.00'] },
      { code: '97530', modifiers: 'gp,kx,59', billed: '90.00', units: 2, insurance: ['45.00'] },
    ],
  },
  {
    on: '2026-01-21',
    provider: 'ben',
    payor: 'comp',
    lines: [
      { code: '97110', modifiers: 'GP', billed: '80.00', units: 2 },
      { code: '97140', modifiers: 'XS', billed: '40.00', insurance: ['100.00'] }, // overpaid
    ],
  },
  {
    on: '2026-02-04',
    provider: 'ben',
    payor: 'auto',
    lines: [
      { code: '97110', modifiers: 'KX', billed: '40.00', insurance: ['10.00', '10.00'] }, // half in two payments
      { code: '97112', modifiers: null, billed: '45.01', insurance: ['22.50'] }, // one cent under half
    ],
  },
  {
    on: '2026-02-18',
    provider: 'ben',
    payor: 'other',
    lines: [
      { code: '97110', modifiers: 'XP ,GP', billed: '40.00', patient: '40.00' }, // paid by the patient only: Unpaid
      { code: 'EXER', modifiers: null, billed: '0.00' }, // non-billable, nothing billed, nothing paid
    ],
  },
  {
    on: '2026-03-02',
    provider: 'ben',
    payor: 'medicare',
    status: 'open',
    lines: [
      { code: '97110', modifiers: 'GP,KX', billed: '80.00', units: 2 },
      { code: '98941', modifiers: 'AT', billed: '45.00' },
    ],
  },
  { on: '2026-03-20', provider: 'ben', payor: null, lines: [{ code: '97110', modifiers: null, billed: '30.00' }] },
];

/** Cy Park's 32 counted lines: 5 with 59/X{EPSU} (5/32 = 0.15625) and 9 with KX (9/32 = 0.28125), ties
 * at the rate's fourth place that MariaDB's ROUND of a DOUBLE quotient (half to even) takes down. */
const CY_MODIFIERS: (string | null)[] = [
  ...['59', 'XS', 'XP', 'GP,XE', 'xu '],
  ...['GP,KX', 'GP,KX', 'GP,KX', 'GP,KX', 'GP,KX', 'GP,KX', 'GP,KX', 'KX', 'kx,gp'],
  ...[null, null, null, null, null, null, '', '', 'GP', 'GP', 'GP', 'GP', '159', 'KX59', 'X59', 'GP,5', 'AT', 'GA'],
];
const CY_PAYORS: (PayorKey | null)[] = ['medicare', 'blue', null];
const CY_PAID = (billed: number, i: number): string[] => {
  switch (i % 4) {
    case 0:
      return [];
    case 1:
      return [billed.toFixed(2)];
    case 2:
      return [(billed / 2).toFixed(2)];
    default:
      return [(billed / 2 - 0.01).toFixed(2)];
  }
};
const CY: VisitSpec[] = [
  ...Array.from({ length: CY_MODIFIERS.length / 2 }, (_, v): VisitSpec => {
    const day = String(1 + ((v * 5) % 28)).padStart(2, '0');
    return {
      on: `2026-0${1 + (v % 3)}-${day}`,
      provider: 'cy',
      payor: CY_PAYORS[v % 3]!,
      lines: [0, 1].map((k) => {
        const i = v * 2 + k;
        const billed = k === 0 ? 60 : 42;
        return { code: k === 0 ? '97110' : '97140', modifiers: CY_MODIFIERS[i]!, billed: billed.toFixed(2), insurance: CY_PAID(billed, i) };
      }),
    };
  }),
  {
    on: '2026-02-20',
    provider: 'cy',
    payor: 'medicare',
    status: 'void',
    lines: [
      { code: '97110', modifiers: '59', billed: '60.00' },
      { code: '97110', modifiers: 'GP,KX', billed: '60.00' },
    ],
  },
];

const OTHER_CLINIC_VISITS: VisitSpec[] = [
  {
    clinic: BILLING_OTHER_CLINIC,
    on: '2026-02-02',
    provider: 'other',
    payor: 'otherMedicare',
    lines: [
      { code: '98941', modifiers: null, billed: '45.00' },
      { code: '97140', modifiers: 'GP,59', billed: '40.00' },
      { code: '97110', modifiers: 'GP,KX', billed: '80.00' },
    ],
  },
];

export const VISITS: readonly VisitSpec[] = [...ADA_AND_BEN, ...CY, ...OTHER_CLINIC_VISITS];

const stamp = (date: string) => `${date} 12:00:00`;

export function billingDatasetRows(): HostRow[] {
  const rows: HostRow[] = [];
  const clinics = [
    [BILLING_CLINIC, 'Billing Checks Clinic'],
    [BILLING_OTHER_CLINIC, 'Billing Checks Neighbour'],
  ] as const;
  const codeId = (clinic: number, code: Code) => ID + 200 + (clinic - BILLING_CLINIC) * 50 + Object.keys(CODES).indexOf(code);
  for (const [clinic, name] of clinics) {
    rows.push({ table: 'clinics', row: { id: clinic, name, timezone: 'America/Chicago', currency: 'USD' } });
    rows.push({
      table: 'patients',
      row: { id: ID + 20 + clinic - BILLING_CLINIC, clinic_id: clinic, first_name: 'Pat', last_name: 'Doe', date_of_birth: null },
    });
    for (const [code, description] of Object.entries(CODES) as [Code, string][]) {
      rows.push({
        table: 'service_codes',
        row: {
          id: codeId(clinic, code),
          clinic_id: clinic,
          code,
          description,
          code_type: code === 'EXER' ? 'custom' : 'cpt',
          billable: code === 'EXER' ? 0 : 1,
          default_fee: null,
        },
      });
    }
  }
  const people: [ProviderKey, number, string, string, string | null][] = [
    ['ada', BILLING_CLINIC, 'Ada', 'Lind', 'DC'],
    ['ben', BILLING_CLINIC, 'Ben', 'Moss', 'PT'],
    ['cy', BILLING_CLINIC, 'Cy', 'Park', null],
    ['other', BILLING_OTHER_CLINIC, 'Ada', 'Lind', 'DC'],
  ];
  for (const [key, clinic, first, last, credentials] of people) {
    rows.push({
      table: 'providers',
      row: { id: PROVIDER[key], clinic_id: clinic, first_name: first, last_name: last, credentials, npi: null, active: 1 },
    });
  }
  for (const [key, p] of Object.entries(PAYOR_ROWS)) {
    const clinic = key === 'otherMedicare' ? BILLING_OTHER_CLINIC : BILLING_CLINIC;
    rows.push({ table: 'payors', row: { id: p.id, clinic_id: clinic, name: p.name, payor_type: p.type } });
  }
  let next = ID + 1_000;
  for (const v of VISITS) {
    const clinic = v.clinic ?? BILLING_CLINIC;
    const purchase = next++;
    rows.push({
      table: 'purchases',
      row: {
        id: purchase,
        clinic_id: clinic,
        patient_id: ID + 20 + clinic - BILLING_CLINIC,
        patient_case_id: null,
        provider_id: PROVIDER[v.provider],
        payor_id: v.payor === null ? null : PAYOR[v.payor],
        purchased_on: v.on,
        status: v.status ?? 'finalized',
        created_at: stamp(v.on),
        updated_at: stamp(v.on),
      },
    });
    for (const line of v.lines) {
      const item = next++;
      const units = line.units ?? 1;
      rows.push({
        table: 'purchase_items',
        row: {
          id: item,
          clinic_id: clinic,
          purchase_id: purchase,
          service_code_id: codeId(clinic, line.code),
          rendering_provider_id: line.renderedBy ? PROVIDER[line.renderedBy] : null,
          units,
          unit_fee: (Number(line.billed) / units).toFixed(2),
          billed_amount: line.billed,
          modifiers: line.modifiers,
          created_at: stamp(v.on),
          updated_at: stamp(v.on),
        },
      });
      const money = [
        ...(line.insurance ?? []).map((amount) => ['insurance', amount] as const),
        ...(line.patient ? [['patient', line.patient] as const] : []),
      ];
      for (const [source, amount] of money) {
        const payment = next++;
        // Received long after the visit: a payment's own dates play no part.
        const received = '2026-06-15';
        rows.push({
          table: 'payments',
          row: {
            id: payment,
            clinic_id: clinic,
            source,
            payor_id: source === 'insurance' && v.payor ? PAYOR[v.payor] : null,
            received_on: received,
            posted_at: stamp(received),
            reference: null,
          },
        });
        rows.push({
          table: 'payment_applications',
          row: { id: next++, clinic_id: clinic, payment_id: payment, purchase_item_id: item, amount, applied_at: stamp(received) },
        });
      }
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------
// The plain-SQL oracle.

export type BillingDimension =
  'provider_id' | 'payor_id' | 'payor_type' | 'service_code' | 'modifiers' | 'code_with_modifiers' | 'insurance_status' | 'month';

export interface BillingFilter {
  dimension: Exclude<BillingDimension, 'month'>;
  operator: 'equals' | 'contains';
  values: string[];
}

export interface BillingQuery {
  clinicId: number;
  /** The provider role: only the lines this provider rendered. */
  providerId?: number;
  from: string;
  to: string;
  groupBy: BillingDimension[];
  filters?: BillingFilter[];
}

export const BILLING_MEASURES = [
  'line_count',
  'distinct_procedure_lines',
  'distinct_procedure_rate',
  'medicare_cmt_lines',
  'medicare_cmt_without_at_lines',
  'kx_lines',
  'kx_rate',
  'unpaid_lines',
  'unpaid_billed',
  'unpaid_balance',
] as const;
export type BillingMeasure = (typeof BILLING_MEASURES)[number];

const quote = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/** Whether the canonical list `mods` holds the modifier `code` as an element. */
function holds(dialect: Dialect, code: string): string {
  return dialect === 'mysql' ? `FIND_IN_SET('${code}', mods) > 0` : `list_contains(string_split(mods, ','), '${code}')`;
}

const flag = (predicate: string) => `CASE WHEN ${predicate} THEN 1 ELSE 0 END`;

/** One row per counted line of the query's clinic, range and scope, with every value a check reads. */
function linesSql(q: BillingQuery, dialect: Dialect): string {
  const scope = q.providerId === undefined ? '' : `AND COALESCE(pi.rendering_provider_id, p.provider_id) = ${Number(q.providerId)}`;
  return `
  WITH paid AS (
    SELECT pa.purchase_item_id, SUM(pa.amount) AS amount
      FROM payment_applications pa JOIN payments pm ON pm.id = pa.payment_id
     WHERE pm.source = 'insurance'
     GROUP BY pa.purchase_item_id
  ), counted AS (
    SELECT CAST(COALESCE(pi.rendering_provider_id, p.provider_id) AS CHAR(30)) AS provider_id,
           CAST(p.payor_id AS CHAR(30)) AS payor_id, py.payor_type AS raw_payor_type, sc.code AS service_code,
           NULLIF(UPPER(REPLACE(pi.modifiers, ' ', '')), '') AS mods, pi.billed_amount AS billed,
           COALESCE(paid.amount, 0) AS paid, SUBSTRING(CAST(p.purchased_on AS CHAR(10)), 1, 7) AS month
      FROM purchase_items pi
      JOIN purchases p ON p.id = pi.purchase_id
      JOIN service_codes sc ON sc.id = pi.service_code_id
      LEFT JOIN payors py ON py.id = p.payor_id
      LEFT JOIN paid ON paid.purchase_item_id = pi.id
     WHERE p.status <> 'void' AND p.clinic_id = ${Number(q.clinicId)}
       AND p.purchased_on >= ${quote(q.from)} AND p.purchased_on <= ${quote(q.to)} ${scope}
  ), line AS (
    SELECT provider_id, payor_id, service_code, mods AS modifiers, billed, paid, month,
           CASE WHEN mods IS NULL THEN service_code ELSE CONCAT(service_code, '-', mods) END AS code_with_modifiers,
           CASE WHEN payor_id IS NULL THEN 'Self-pay' WHEN raw_payor_type = 'commercial' THEN 'Commercial'
                WHEN raw_payor_type = 'medicare' THEN 'Medicare' WHEN raw_payor_type = 'medicaid' THEN 'Medicaid'
                WHEN raw_payor_type = 'workers_comp' THEN 'Workers Comp' WHEN raw_payor_type = 'auto' THEN 'Auto'
                ELSE 'Other' END AS payor_type,
           CASE WHEN payor_id IS NULL THEN 'Self-pay'
                WHEN paid * 2 < billed AND paid <= 0 THEN 'Unpaid' WHEN paid * 2 < billed THEN 'Paid under 50%'
                WHEN billed <= 0 THEN 'Nothing billed' ELSE 'Paid' END AS insurance_status,
           ${flag(['59', 'XE', 'XS', 'XP', 'XU'].map((c) => holds(dialect, c)).join(' OR '))} AS is_distinct,
           ${flag(`payor_id IS NOT NULL AND raw_payor_type = 'medicare' AND service_code IN ('98940', '98941', '98942')`)} AS is_medicare_cmt,
           ${flag(`payor_id IS NOT NULL AND raw_payor_type = 'medicare' AND service_code IN ('98940', '98941', '98942') AND NOT COALESCE(${holds(dialect, 'AT')}, FALSE)`)} AS is_cmt_without_at,
           ${flag(holds(dialect, 'KX'))} AS is_kx,
           ${flag('payor_id IS NOT NULL AND paid * 2 < billed')} AS is_unpaid
      FROM counted
  )`;
}

function filterSql(f: BillingFilter): string {
  if (f.operator === 'equals') return `${f.dimension} IN (${f.values.map(quote).join(', ')})`;
  return `(${f.values.map((v) => `${f.dimension} LIKE ${quote(`%${v}%`)}`).join(' OR ')})`;
}

/** The SQL behind billingReference: each group's counts and sums. */
export function billingReferenceSql(q: BillingQuery, dialect: Dialect): string {
  const dims = q.groupBy.map((d, i) => `${d} AS d${i}`);
  const where = (q.filters ?? []).map(filterSql);
  return `${linesSql(q, dialect)}
  SELECT ${[
    ...dims,
    'COUNT(*) AS line_count',
    'SUM(is_distinct) AS distinct_procedure_lines',
    'SUM(is_medicare_cmt) AS medicare_cmt_lines',
    'SUM(is_cmt_without_at) AS medicare_cmt_without_at_lines',
    'SUM(is_kx) AS kx_lines',
    'SUM(is_unpaid) AS unpaid_lines',
    'SUM(CASE WHEN is_unpaid = 1 THEN billed ELSE 0 END) AS unpaid_billed',
    'SUM(CASE WHEN is_unpaid = 1 THEN billed - paid ELSE 0 END) AS unpaid_balance',
  ].join(',\n         ')}
    FROM line
   ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
   ${q.groupBy.length ? `GROUP BY ${q.groupBy.map((_, i) => `d${i}`).join(', ')}` : ''}`;
}

export interface BillingTarget {
  dialect: Dialect;
  /** MariaDB database, or a DuckDB file no server holds open. */
  location: string;
}

/** Each group's figures (exact decimal text without trailing zeros), keyed by groupKey of its values. */
export async function billingReference(
  target: BillingTarget,
  q: BillingQuery,
): Promise<Map<string, Record<BillingMeasure, string | null>>> {
  const sql = billingReferenceSql(q, target.dialect);
  const rows: Row[] = target.dialect === 'mysql' ? await mysqlRows(target.location, sql) : await duckdbRows(target.location, sql);
  const groups = new Map<string, Record<BillingMeasure, string | null>>();
  for (const row of rows) {
    // Without GROUP BY, no line at all still gives one row: no group.
    if (q.groupBy.length === 0 && Number(row.line_count) === 0) continue;
    const figure = (name: string) => canonicalDecimal(row[name] ?? '0')!;
    const lines = figure('line_count');
    const key = groupKey(q.groupBy.map((_, i) => row[`d${i}`]));
    groups.set(key, {
      line_count: lines,
      distinct_procedure_lines: figure('distinct_procedure_lines'),
      distinct_procedure_rate: roundedQuotient(figure('distinct_procedure_lines'), lines, 4),
      medicare_cmt_lines: figure('medicare_cmt_lines'),
      medicare_cmt_without_at_lines: figure('medicare_cmt_without_at_lines'),
      kx_lines: figure('kx_lines'),
      kx_rate: roundedQuotient(figure('kx_lines'), lines, 4),
      unpaid_lines: figure('unpaid_lines'),
      unpaid_billed: figure('unpaid_billed'),
      unpaid_balance: figure('unpaid_balance'),
    });
  }
  return groups;
}
