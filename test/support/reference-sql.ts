/**
 * The one plain-SQL oracle of the tests: the counted items and every figure of the report computed
 * straight from the host tables, for MySQL/MariaDB and DuckDB. Every test takes its expected figures
 * (and the counted items it picks its inputs from) here; no test restates these definitions. Written
 * from docs/host-database.md, never from the model (no Cube, no model SQL, no helper of server/ or
 * model/ beyond the connection in ./sql.ts):
 *
 *   counted item      purchase_items whose purchase (purchases.id = purchase_id) is not 'void'
 *   Units Billed      SUM(units) over counted items
 *   # Visits Used     COUNT(DISTINCT purchase_id) over counted items
 *   Total Billed      SUM(billed_amount) over counted items
 *   Insurance Paid    SUM(payment_applications.amount) of the counted items' applications whose
 *                     payment has source 'insurance' (0.00 when a group has none)
 *   Patients Seen     COUNT(DISTINCT purchases.patient_id) over counted items
 *
 * Derived figures are computed here from those exact sums in BigInt arithmetic, rounded half away
 * from zero (the model's documented rounding).
 *
 * API (each function takes a ReferenceTarget, the dialect and database, and a query: the clinic, the
 * provider role's scope, inclusive dates of service, filters, groupings):
 *   referenceFigures              figures of each group, keyed by groupKey(values)
 *   referenceGroups               the same groups with their values and number of counted items
 *   wholeDatabaseFigures          figures over every clinic's counted items (seeded-data checks only)
 *   countedItems                  the counted item rows themselves (item, visit, clinic, date, provider)
 *   clinicsWithCountedItems       which of some clinics have counted items
 *   countedInsuranceApplications  the insurance applications to counted items, with both dates
 *   paymentMaturity               insurance paid by month of service and days-to-payment bucket
 *   referenceSql                  the SQL text behind referenceFigures
 */
import { hundredths, money } from './decimal.js';
import { duckdbRows, mysqlRows, type Row } from './sql.js';

export type Dialect = 'mysql' | 'duckdb';

/** The view's dimensions, and the date of service at a granularity. */
export type ReferenceDimension =
  | 'service_code'
  | 'service_code_description'
  | 'code_type'
  | 'billing_type'
  | 'provider_id'
  | 'provider_name'
  | 'payor_id'
  | 'payor_name'
  | 'case_type_id'
  | 'case_type'
  | 'day'
  | 'week'
  | 'month';

export interface ReferenceFilter {
  dimension: Exclude<ReferenceDimension, 'day' | 'week' | 'month'>;
  /** Any of these values; `null` matches an empty value (self-pay, no case). */
  values: (string | null)[];
}

export interface ReferenceQuery {
  clinicId: number;
  /** The provider role: only the items this provider rendered. */
  providerId?: number;
  /** Dates of service, inclusive. */
  from?: string;
  to?: string;
  groupBy: ReferenceDimension[];
  filters?: ReferenceFilter[];
}

export interface Figures {
  units_billed: string;
  visits_used: string;
  total_billed: string;
  insurance_paid: string;
  patients_seen: string;
  billed_per_unit: string | null;
  insurance_paid_per_unit: string | null;
  insurance_paid_per_visit: string | null;
  units_per_visit: string | null;
  insurance_paid_ratio: string | null;
}

export const MEASURES = [
  'units_billed',
  'visits_used',
  'total_billed',
  'insurance_paid',
  'patients_seen',
  'billed_per_unit',
  'insurance_paid_per_unit',
  'insurance_paid_per_visit',
  'units_per_visit',
  'insurance_paid_ratio',
] as const;
export type Measure = (typeof MEASURES)[number];

/** Each dimension as plain SQL over the aliases of `FROM_COUNTED_ITEMS`, per dialect. */
function dimensionSql(dimension: ReferenceDimension, dialect: Dialect): string {
  switch (dimension) {
    case 'service_code':
      return 'sc.code';
    case 'service_code_description':
      return 'sc.description';
    case 'code_type':
      return "CASE sc.code_type WHEN 'cpt' THEN 'CPT' WHEN 'custom' THEN 'Custom' END";
    case 'billing_type':
      return "CASE sc.billable WHEN 1 THEN 'Billable' WHEN 0 THEN 'Non-billable' END";
    case 'provider_id':
      return 'CAST(COALESCE(pi.rendering_provider_id, p.provider_id) AS CHAR(30))';
    case 'provider_name':
      return (
        "CONCAT(pr.first_name, ' ', pr.last_name, " +
        "CASE WHEN pr.credentials IS NULL OR TRIM(pr.credentials) = '' THEN '' ELSE CONCAT(', ', TRIM(pr.credentials)) END)"
      );
    case 'payor_id':
      return 'CAST(p.payor_id AS CHAR(30))';
    case 'payor_name':
      return "CASE WHEN p.payor_id IS NULL THEN 'Self-pay' ELSE py.name END";
    case 'case_type_id':
      return 'CAST(pc.case_type_id AS CHAR(30))';
    case 'case_type':
      return "CASE WHEN p.patient_case_id IS NULL THEN 'No case' ELSE ct.name END";
    case 'day':
      return 'CAST(p.purchased_on AS CHAR(10))';
    case 'week':
      return dialect === 'mysql'
        ? 'CAST(DATE_SUB(p.purchased_on, INTERVAL WEEKDAY(p.purchased_on) DAY) AS CHAR(10))'
        : "CAST(CAST(date_trunc('week', p.purchased_on) AS DATE) AS VARCHAR)";
    case 'month':
      return dialect === 'mysql'
        ? "DATE_FORMAT(p.purchased_on, '%Y-%m-01')"
        : "CAST(CAST(date_trunc('month', p.purchased_on) AS DATE) AS VARCHAR)";
  }
}

/** Counted items with everything a dimension needs; `pa`/`pm` are joined by the insurance query only. */
const FROM_COUNTED_ITEMS = `
  FROM purchase_items pi
  JOIN purchases p ON p.id = pi.purchase_id
  JOIN service_codes sc ON sc.id = pi.service_code_id
  LEFT JOIN providers pr ON pr.id = COALESCE(pi.rendering_provider_id, p.provider_id)
  LEFT JOIN payors py ON py.id = p.payor_id
  LEFT JOIN patient_cases pc ON pc.id = p.patient_case_id
  LEFT JOIN case_types ct ON ct.id = pc.case_type_id`;

const quote = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/** A query's scope and filters; `clinicId: 'all'` (every clinic) only for whole-database checks of
 * seeded data, never for a report figure, which always belongs to one clinic. */
type Scoped = Omit<ReferenceQuery, 'groupBy' | 'clinicId'> & { clinicId: number | 'all' };

function whereSql(q: Scoped, dialect: Dialect): string {
  const conditions = [`p.status <> 'void'`];
  if (q.clinicId !== 'all') conditions.push(`p.clinic_id = ${Number(q.clinicId)}`);
  if (q.providerId !== undefined) conditions.push(`COALESCE(pi.rendering_provider_id, p.provider_id) = ${Number(q.providerId)}`);
  if (q.from) conditions.push(`p.purchased_on >= ${quote(q.from)}`);
  if (q.to) conditions.push(`p.purchased_on <= ${quote(q.to)}`);
  for (const f of q.filters ?? []) {
    const column = dimensionSql(f.dimension, dialect);
    const values = f.values.filter((v): v is string => v !== null);
    const parts: string[] = [];
    if (values.length > 0) parts.push(`${column} IN (${values.map(quote).join(', ')})`);
    if (f.values.includes(null)) parts.push(`${column} IS NULL`);
    conditions.push(parts.length > 0 ? `(${parts.join(' OR ')})` : '1 = 0');
  }
  return `WHERE ${conditions.join('\n    AND ')}`;
}

/** The two statements: figures of the items, and insurance money of the same items. */
export function referenceSql(q: Scoped & Pick<ReferenceQuery, 'groupBy'>, dialect: Dialect): { items: string; insurance: string } {
  const dims = q.groupBy.map((d, i) => `${dimensionSql(d, dialect)} AS d${i}`);
  const groupBy = q.groupBy.length ? `GROUP BY ${q.groupBy.map((_, i) => `d${i}`).join(', ')}` : '';
  const select = (measures: string) => `SELECT ${[...dims, measures].join(',\n    ')}`;
  return {
    items: `${select(
      'COUNT(*) AS counted_items, SUM(pi.units) AS units_billed, COUNT(DISTINCT pi.purchase_id) AS visits_used, ' +
        'SUM(pi.billed_amount) AS total_billed, COUNT(DISTINCT p.patient_id) AS patients_seen',
    )}${FROM_COUNTED_ITEMS}
  ${whereSql(q, dialect)}
  ${groupBy}`,
    insurance: `${select('SUM(pa.amount) AS insurance_paid')}${FROM_COUNTED_ITEMS}
  JOIN payment_applications pa ON pa.purchase_item_id = pi.id
  JOIN payments pm ON pm.id = pa.payment_id AND pm.source = 'insurance'
  ${whereSql(q, dialect)}
  ${groupBy}`,
  };
}

/** A value as an exact decimal string without trailing zeros ('70.50' → '70.5', 12 → '12'). */
export function canonicalDecimal(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = typeof value === 'bigint' ? value.toString() : String(value).trim();
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`not an exact decimal: ${JSON.stringify(value)}`);
  const whole = m[2]!.replace(/^0+(?=\d)/, '');
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  const zero = /^0$/.test(whole) && fraction === '';
  return `${m[1] === '-' && !zero ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** round(a / b, places) half away from zero, exactly, from decimals with at most 2 places. */
export function roundedQuotient(a: string, b: string, places: number): string | null {
  const x = hundredths(a);
  const y = hundredths(b);
  if (y === 0n) return null;
  const negative = x < 0n !== y < 0n && x !== 0n;
  const ax = x < 0n ? -x : x;
  const ay = y < 0n ? -y : y;
  const scaled = (2n * ax * 10n ** BigInt(places) + ay) / (2n * ay);
  const digits = scaled.toString().padStart(places + 1, '0');
  const text = `${digits.slice(0, digits.length - places)}.${digits.slice(digits.length - places)}`;
  return canonicalDecimal(`${negative && scaled !== 0n ? '-' : ''}${text}`);
}

function figuresOf(items: Row, insurance: Row | undefined): Figures {
  const units = canonicalDecimal(items.units_billed)!;
  const visits = canonicalDecimal(items.visits_used)!;
  const billed = canonicalDecimal(items.total_billed)!;
  const paid = canonicalDecimal(insurance?.insurance_paid ?? '0')!;
  return {
    units_billed: units,
    visits_used: visits,
    total_billed: billed,
    insurance_paid: paid,
    patients_seen: canonicalDecimal(items.patients_seen)!,
    billed_per_unit: roundedQuotient(billed, units, 2),
    insurance_paid_per_unit: roundedQuotient(paid, units, 2),
    insurance_paid_per_visit: roundedQuotient(paid, visits, 2),
    units_per_visit: roundedQuotient(units, visits, 2),
    insurance_paid_ratio: roundedQuotient(paid, billed, 4),
  };
}

/** Group key: the group's values joined, `∅` for an empty value. */
export function groupKey(values: readonly unknown[]): string {
  return values.map((v) => (v === null || v === undefined ? '∅' : String(v))).join(' | ');
}

export interface ReferenceTarget {
  dialect: Dialect;
  /** MariaDB database name, or DuckDB file path (a copy no server holds open). */
  location: string;
}

async function rowsOf(target: ReferenceTarget, sql: string): Promise<Row[]> {
  return target.dialect === 'mysql' ? mysqlRows(target.location, sql) : duckdbRows(target.location, sql);
}

export interface ReferenceGroup {
  /** The group's values, in groupBy order (null for an empty value). */
  values: unknown[];
  figures: Figures;
  /** How many counted items the group has (not a report figure: for picking test data). */
  countedItems: number;
}

async function groupsOf(target: ReferenceTarget, q: Scoped & Pick<ReferenceQuery, 'groupBy'>): Promise<ReferenceGroup[]> {
  const sql = referenceSql(q, target.dialect);
  const [items, insurance] = await Promise.all([rowsOf(target, sql.items), rowsOf(target, sql.insurance)]);
  const valuesOf = (row: Row) => q.groupBy.map((_, i) => row[`d${i}`]);
  const insuranceByKey = new Map(insurance.map((row) => [groupKey(valuesOf(row)), row]));
  const result: ReferenceGroup[] = [];
  for (const row of items) {
    // A query without GROUP BY over no rows still returns one row of NULLs: no group at all.
    if (q.groupBy.length === 0 && row.units_billed === null) continue;
    const values = valuesOf(row);
    result.push({ values, figures: figuresOf(row, insuranceByKey.get(groupKey(values))), countedItems: Number(row.counted_items) });
  }
  return result;
}

/** Every group of `q` with its values, figures and number of counted items (in no particular order). */
export async function referenceGroups(target: ReferenceTarget, q: ReferenceQuery): Promise<ReferenceGroup[]> {
  return groupsOf(target, q);
}

/** The figures of every group of `q`, keyed by groupKey of the group's values in groupBy order. */
export async function referenceFigures(target: ReferenceTarget, q: ReferenceQuery): Promise<Map<string, Figures>> {
  return new Map((await groupsOf(target, q)).map((g) => [groupKey(g.values), g.figures]));
}

/** The figures over the counted items of every clinic in the database at once (undefined when there are
 * none): for checking seeded data as a whole, not a report figure (the report always scopes to a clinic). */
export async function wholeDatabaseFigures(target: ReferenceTarget): Promise<Figures | undefined> {
  const [all] = await groupsOf(target, { clinicId: 'all', groupBy: [] });
  return all?.figures;
}

/** Each insurance application to the counted items of `q` (its filters and scope), with the date of
 * service and the payment's received_on: what the payment-maturity figures are bucketed from. */
export async function countedInsuranceApplications(
  target: ReferenceTarget,
  q: Omit<ReferenceQuery, 'groupBy'>,
): Promise<{ served: string; received: string; amount: string }[]> {
  const sql = `SELECT CAST(p.purchased_on AS CHAR(10)) AS served, CAST(pm.received_on AS CHAR(10)) AS received,
         CAST(pa.amount AS CHAR(20)) AS amount
  ${FROM_COUNTED_ITEMS}
  JOIN payment_applications pa ON pa.purchase_item_id = pi.id
  JOIN payments pm ON pm.id = pa.payment_id AND pm.source = 'insurance'
  ${whereSql(q, target.dialect)}`;
  const rows = await rowsOf(target, sql);
  return rows.map((r) => ({ served: String(r.served), received: String(r.received), amount: String(r.amount) }));
}

/** One counted item as the drill-through shows it (docs/contract.md, "Drill-through contract"), every
 * value as exact text: ids and counts as integers, money with two places, dates as YYYY-MM-DD. */
export interface ReferenceLine {
  visit_number: string;
  line_number: string;
  date_of_service: string;
  service_code: string;
  service_code_description: string;
  code_type: string;
  billing_type: string;
  provider_id: string;
  provider_name: string;
  payor_id: string | null;
  payor_name: string;
  case_type_id: string | null;
  case_type: string;
  units: string;
  billed_amount: string;
  /** Sum of the item's insurance applications (takebacks included); '0.00' when none. */
  insurance_paid: string;
  /** Distinct insurance payments with an application to the item. */
  insurance_payments: string;
  /** received_on of the latest of those payments; null when none. */
  last_insurance_payment_on: string | null;
  /** purchase_items.modifiers upper-cased without spaces; null when none (docs/model.md, "Billing checks"). */
  modifiers: string | null;
}

/** Every counted item of `q` (its scope, dates and filters; groupBy is ignored), from the host tables,
 * ordered by line number. The insurance figures come from one grouped join, not from the model's
 * per-item subqueries. */
export async function referenceLines(target: ReferenceTarget, q: Omit<ReferenceQuery, 'groupBy'>): Promise<ReferenceLine[]> {
  const d = (dimension: ReferenceDimension) => dimensionSql(dimension, target.dialect);
  const text = (sql: string, width = 30) => `CAST(${sql} AS ${target.dialect === 'mysql' ? `CHAR(${width})` : 'VARCHAR'})`;
  const sql = `SELECT ${text('pi.purchase_id')} AS visit_number, ${text('pi.id')} AS line_number,
         ${d('day')} AS date_of_service, ${d('service_code')} AS service_code,
         ${d('service_code_description')} AS service_code_description, ${d('code_type')} AS code_type,
         ${d('billing_type')} AS billing_type, ${d('provider_id')} AS provider_id, ${d('provider_name')} AS provider_name,
         ${d('payor_id')} AS payor_id, ${d('payor_name')} AS payor_name, ${d('case_type_id')} AS case_type_id,
         ${d('case_type')} AS case_type, ${text('pi.units')} AS units, ${text('pi.billed_amount')} AS billed_amount,
         ${text('COALESCE(ins.paid, 0)')} AS insurance_paid, ${text('COALESCE(ins.payments, 0)')} AS insurance_payments,
         ${text('ins.last_received', 10)} AS last_insurance_payment_on,
         NULLIF(UPPER(REPLACE(TRIM(pi.modifiers), ' ', '')), '') AS modifiers
  ${FROM_COUNTED_ITEMS}
  LEFT JOIN (SELECT pa.purchase_item_id, SUM(pa.amount) AS paid, COUNT(DISTINCT pa.payment_id) AS payments,
                    MAX(pm.received_on) AS last_received
               FROM payment_applications pa
               JOIN payments pm ON pm.id = pa.payment_id AND pm.source = 'insurance'
              GROUP BY pa.purchase_item_id) ins ON ins.purchase_item_id = pi.id
  ${whereSql(q, target.dialect)}
  ORDER BY pi.id`;
  const rows = await rowsOf(target, sql);
  const optional = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return rows.map((r) => ({
    visit_number: String(r.visit_number),
    line_number: String(r.line_number),
    date_of_service: String(r.date_of_service),
    service_code: String(r.service_code),
    service_code_description: String(r.service_code_description),
    code_type: String(r.code_type),
    billing_type: String(r.billing_type),
    provider_id: String(r.provider_id),
    provider_name: String(r.provider_name),
    payor_id: optional(r.payor_id),
    payor_name: String(r.payor_name),
    case_type_id: optional(r.case_type_id),
    case_type: String(r.case_type),
    units: canonicalDecimal(r.units)!,
    billed_amount: money(r.billed_amount),
    insurance_paid: money(r.insurance_paid),
    insurance_payments: canonicalDecimal(r.insurance_payments)!,
    last_insurance_payment_on: optional(r.last_insurance_payment_on)?.slice(0, 10) ?? null,
    modifiers: optional(r.modifiers),
  }));
}
/** One counted item: what a test picks its inputs from (a visit, its item, a provider). */
export interface CountedItem {
  id: number;
  purchaseId: number;
  clinicId: number;
  /** Date of service, YYYY-MM-DD. */
  purchasedOn: string;
  /** The rendering provider: the item's own, else the purchase's. */
  providerId: number;
}

/** The counted items of `q` (its scope, dates and filters), in id order. */
export async function countedItems(target: ReferenceTarget, q: Omit<ReferenceQuery, 'groupBy'>): Promise<CountedItem[]> {
  const sql = `SELECT pi.id AS id, pi.purchase_id AS purchase_id, p.clinic_id AS clinic_id,
         CAST(p.purchased_on AS CHAR(10)) AS purchased_on,
         COALESCE(pi.rendering_provider_id, p.provider_id) AS provider_id
  ${FROM_COUNTED_ITEMS}
  ${whereSql(q, target.dialect)}
  ORDER BY pi.id`;
  return (await rowsOf(target, sql)).map((r) => ({
    id: Number(r.id),
    purchaseId: Number(r.purchase_id),
    clinicId: Number(r.clinic_id),
    purchasedOn: String(r.purchased_on),
    providerId: Number(r.provider_id),
  }));
}

/** Those of `candidates` that have at least one counted item, in id order. */
export async function clinicsWithCountedItems(target: ReferenceTarget, candidates: readonly number[]): Promise<number[]> {
  if (candidates.length === 0) return [];
  const ids = candidates.map((c) => {
    if (!Number.isSafeInteger(c)) throw new Error(`not a clinic id: ${c}`);
    return String(c);
  });
  const sql = `SELECT DISTINCT p.clinic_id AS clinic_id
  ${FROM_COUNTED_ITEMS}
  ${whereSql({ clinicId: 'all' }, target.dialect)}
    AND p.clinic_id IN (${ids.join(', ')})
  ORDER BY 1`;
  return (await rowsOf(target, sql)).map((r) => Number(r.clinic_id));
}

/** The days-to-payment buckets (docs/model.md, payment_maturity.days_to_payment): whole days from the
 * date of service to the payment's received_on, each up to `upTo` inclusive, in sort order; money
 * received before the visit (fewer than 0 days) is the first. */
export const MATURITY_BUCKETS: readonly { order: number; label: string; upTo: number }[] = [
  { order: 0, label: 'Before date of service', upTo: -1 },
  { order: 1, label: '0-30 days', upTo: 30 },
  { order: 2, label: '31-60 days', upTo: 60 },
  { order: 3, label: '61-90 days', upTo: 90 },
  { order: 4, label: '91-180 days', upTo: 180 },
  { order: 5, label: 'Over 180 days', upTo: Infinity },
];

export interface MaturityGroup {
  /** First day of the month of service, YYYY-MM-DD. */
  month: string;
  bucket: string;
  order: number;
  /** Insurance paid, exact hundredths. */
  paid: bigint;
}

/** Insurance paid (counted items, insurance payments, takebacks included) by month of service and
 * days-to-payment bucket, bucketed here from the raw dates of countedInsuranceApplications. */
export async function paymentMaturity(target: ReferenceTarget, q: Omit<ReferenceQuery, 'groupBy'>): Promise<MaturityGroup[]> {
  const groups = new Map<string, MaturityGroup>();
  for (const row of await countedInsuranceApplications(target, q)) {
    const days = (Date.parse(row.received) - Date.parse(row.served)) / 86_400_000;
    const bucket = days < 0 ? MATURITY_BUCKETS[0]! : MATURITY_BUCKETS.find((b) => b.order > 0 && days <= b.upTo)!;
    const month = `${row.served.slice(0, 7)}-01`;
    const key = `${month} ${bucket.order}`;
    const group = groups.get(key) ?? { month, bucket: bucket.label, order: bucket.order, paid: 0n };
    group.paid += hundredths(row.amount);
    groups.set(key, group);
  }
  return [...groups.values()];
}
