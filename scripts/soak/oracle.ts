/**
 * Plain SQL for the soak's figure checks, written from docs/host-database.md (no Cube, no model): the
 * counted items of one clinic (and, for a provider token, of the items it rendered) between two dates of
 * service, under the report's filters, optionally grouped like the report's table, with Units Billed,
 * # of Visits Used, Total Billed and Insurance Paid. Two statements, as test/support/reference-sql.ts
 * does it (the items, and the insurance applications to the same items), so that no correlated
 * subquery runs per item.
 */
import type mysql from 'mysql2/promise';
import type { GroupBy } from '../../dashboard/src/lib/report-state.js';
import { NONE_ID } from '../../dashboard/src/lib/report-state.js';
import type { ReportFilterValues } from '../../dashboard/src/lib/report-query.js';
import { centsToDecimal, toCents, toCount } from '../../dashboard/src/lib/decimal.js';
import { rows } from '../bench/db.js';

export interface OracleQuery {
  clinicId: number;
  /** A provider token: only the items this provider rendered. */
  providerId?: number;
  from: string;
  to: string;
  /** Each list ANDed with the others (the report's filters, and a drill's narrowing of them). */
  filters: ReportFilterValues[];
  group: GroupBy | null;
}

/** Exact figures of one group: money and units in hundredths, visits as a count. */
export interface Figures {
  units: bigint;
  visits: bigint;
  billed: bigint;
  paid: bigint;
}

/** Group key of a group's value: the value as text, NONE_ID for an empty one (self-pay, no case). */
export const keyOf = (value: unknown): string => (value === null || value === undefined ? NONE_ID : String(value));

const GROUP_SQL: Record<GroupBy, string> = {
  code: 'sc.code',
  provider: 'COALESCE(i.rendering_provider_id, p.provider_id)',
  payor: 'p.payor_id',
  case_type: 'pc.case_type_id',
  billing_type: "CASE sc.billable WHEN 1 THEN 'Billable' ELSE 'Non-billable' END",
};

function idCondition(column: string, ids: readonly string[], params: unknown[]): string | null {
  if (ids.length === 0) return null;
  const real = ids.filter((id) => id !== NONE_ID);
  const parts: string[] = [];
  if (real.length) {
    parts.push(`${column} IN (${real.map(() => '?').join(', ')})`);
    params.push(...real);
  }
  if (ids.includes(NONE_ID)) parts.push(`${column} IS NULL`);
  return `(${parts.join(' OR ')})`;
}

function whereSql(q: OracleQuery, params: unknown[]): string {
  const conditions = ['p.clinic_id = ?', "p.status <> 'void'", 'p.purchased_on BETWEEN ? AND ?'];
  params.push(q.clinicId, q.from, q.to);
  const provider = 'COALESCE(i.rendering_provider_id, p.provider_id)';
  if (q.providerId !== undefined) {
    conditions.push(`${provider} = ?`);
    params.push(q.providerId);
  }
  for (const f of q.filters) {
    if (f.modifiers?.length) throw new Error('the soak’s oracle has no modifiers filter');
    const parts = [
      idCondition(provider, f.providers, params),
      idCondition('p.payor_id', f.payors, params),
      idCondition('pc.case_type_id', f.caseTypes, params),
      idCondition('sc.code', f.codes, params),
    ];
    if (f.billing) parts.push(`sc.billable = ${f.billing === 'billable' ? 1 : 0}`);
    conditions.push(...parts.filter((p): p is string => p !== null));
  }
  return conditions.join(' AND ');
}

/** The figures of every group of `q` (one group keyed '' when `group` is null), keyed by keyOf(value). */
export async function oracleFigures(db: mysql.Connection, database: string, q: OracleQuery): Promise<Map<string, Figures>> {
  const t = (name: string) => `${db.escapeId(database)}.${db.escapeId(name)}`;
  const from = `FROM ${t('purchase_items')} i
    JOIN ${t('purchases')} p ON p.id = i.purchase_id
    JOIN ${t('service_codes')} sc ON sc.id = i.service_code_id
    LEFT JOIN ${t('patient_cases')} pc ON pc.id = p.patient_case_id`;
  const key = q.group ? GROUP_SQL[q.group] : "''";
  const itemParams: unknown[] = [];
  const items = await rows<{ k: unknown; units: string | null; visits: string; billed: string | null }>(
    db,
    `SELECT ${key} AS k, SUM(i.units) AS units, COUNT(DISTINCT i.purchase_id) AS visits, SUM(i.billed_amount) AS billed
       ${from} WHERE ${whereSql(q, itemParams)} GROUP BY k`,
    itemParams,
  );
  const paidParams: unknown[] = [];
  const paid = await rows<{ k: unknown; paid: string | null }>(
    db,
    `SELECT ${key} AS k, SUM(pa.amount) AS paid
       ${from}
       JOIN ${t('payment_applications')} pa ON pa.purchase_item_id = i.id
       JOIN ${t('payments')} pm ON pm.id = pa.payment_id AND pm.source = 'insurance'
      WHERE ${whereSql(q, paidParams)} GROUP BY k`,
    paidParams,
  );
  const paidByKey = new Map(paid.map((r) => [keyOf(r.k), toCents(r.paid ?? '0')]));
  const out = new Map<string, Figures>();
  for (const r of items) {
    const k = keyOf(r.k);
    out.set(k, {
      units: toCents(r.units ?? '0'),
      visits: toCount(r.visits),
      billed: toCents(r.billed ?? '0'),
      paid: paidByKey.get(k) ?? 0n,
    });
  }
  return out;
}

/** The same four figures out of an API row (`view`'s members; visit_lines names insurance paid `insurance_paid_total`). */
export function apiFigures(row: Record<string, unknown>, view: 'service_code_usage' | 'visit_lines'): Figures {
  const paid = view === 'visit_lines' ? 'insurance_paid_total' : 'insurance_paid';
  return {
    units: toCents(row[`${view}.units_billed`] ?? '0'),
    visits: toCount(row[`${view}.visits_used`] ?? 0),
    billed: toCents(row[`${view}.total_billed`] ?? '0'),
    paid: toCents(row[`${view}.${paid}`] ?? '0'),
  };
}

export const sameFigures = (a: Figures, b: Figures): boolean =>
  a.units === b.units && a.visits === b.visits && a.billed === b.billed && a.paid === b.paid;

export const formatFigures = (f: Figures): string =>
  `units ${centsToDecimal(f.units)}, visits ${f.visits}, billed ${centsToDecimal(f.billed)}, paid ${centsToDecimal(f.paid)}`;
