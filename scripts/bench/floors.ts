/**
 * The floors the API is compared with, for the same clinic, range and figures:
 *  - host SQL: hand-written queries on the host tables through their indexes (purchases by
 *    (clinic_id, purchased_on), items by purchase_id, applications by purchase_item_id, payments by
 *    id), with the report's definitions (docs/host-database.md): counted items are the items of
 *    non-void visits; Units = SUM(units), Visits = COUNT(DISTINCT purchase_id), Billed =
 *    SUM(billed_amount), Insurance Paid = the items' applications of payments with source 'insurance';
 *  - pre-aggregation read: the SQL Cube generated for the query (GET /v1/sql) with the pre-aggregation
 *    names replaced by the tables the load response says it used (`usedPreAggregations`), the way Cube's
 *    QueryCache does it, run directly with mysql2: the database's time without Cube.
 */
import type mysql from 'mysql2/promise';
import type { DateRange } from '../../dashboard/src/lib/clinic-calendar.js';
import type { QueryName } from './queries.js';

export interface FloorInput {
  database: string;
  clinicId: number;
  range: DateRange;
  /** The code a drill page narrows to. */
  drillCode: string;
}

interface ItemColumns {
  code?: boolean;
  provider?: boolean;
  payor?: boolean;
  paid?: boolean;
  patient?: boolean;
}

/** One row per counted item of the clinic and range, with only the columns a query needs. */
function itemsSql(db: string, cols: ItemColumns, extraWhere = ''): string {
  const t = (name: string) => `\`${db}\`.\`${name}\``;
  const select = ['i.purchase_id', 'i.units', 'i.billed_amount', 'p.purchased_on'];
  const joins = [`JOIN ${t('purchase_items')} i ON i.purchase_id = p.id AND i.clinic_id = p.clinic_id`];
  if (cols.code) {
    select.push('sc.code', 'sc.description', "CASE sc.code_type WHEN 'cpt' THEN 'CPT' ELSE 'Custom' END AS code_type");
    joins.push(`JOIN ${t('service_codes')} sc ON sc.id = i.service_code_id`);
  }
  if (cols.provider) {
    select.push(
      'pr.id AS provider_id',
      "CONCAT(pr.first_name, ' ', pr.last_name, COALESCE(CONCAT(', ', pr.credentials), '')) AS provider_name",
    );
    joins.push(`JOIN ${t('providers')} pr ON pr.id = COALESCE(i.rendering_provider_id, p.provider_id)`);
  }
  if (cols.payor) {
    select.push('p.payor_id', "COALESCE(py.name, 'Self-pay') AS payor_name");
    joins.push(`LEFT JOIN ${t('payors')} py ON py.id = p.payor_id`);
  }
  if (cols.patient) select.push('p.patient_id');
  if (cols.paid) {
    select.push(`(SELECT COALESCE(SUM(pa.amount), 0) FROM ${t('payment_applications')} pa
      JOIN ${t('payments')} pm ON pm.id = pa.payment_id AND pm.source = 'insurance'
      WHERE pa.purchase_item_id = i.id) AS paid`);
  }
  return `SELECT ${select.join(', ')} FROM ${t('purchases')} p ${joins.join(' ')}
    WHERE p.clinic_id = ? AND p.purchased_on BETWEEN ? AND ? AND p.status <> 'void'${extraWhere}`;
}

const ALL =
  'SUM(x.units) AS units, COUNT(DISTINCT x.purchase_id) AS visits, SUM(x.billed_amount) AS billed, SUM(x.paid) AS paid, COUNT(DISTINCT x.patient_id) AS patients';
const BASE = 'SUM(x.units) AS units, COUNT(DISTINCT x.purchase_id) AS visits, SUM(x.billed_amount) AS billed, SUM(x.paid) AS paid';
const WEEK = 'DATE_SUB(x.purchased_on, INTERVAL WEEKDAY(x.purchased_on) DAY)';
const MONTH = "DATE_FORMAT(x.purchased_on, '%Y-%m-01')";

/** The host-SQL floor of each page query, with its parameters. */
export function hostFloorSql(name: QueryName, input: FloorInput, grain: 'week' | 'month'): { sql: string; params: unknown[] } {
  const { database: db, clinicId, range, drillCode } = input;
  const params: unknown[] = [clinicId, range.from, range.to];
  const period = grain === 'week' ? WEEK : MONTH;
  const from = (cols: ItemColumns, where = '') => `FROM (${itemsSql(db, cols, where)}) x`;
  switch (name) {
    case 'clinic':
      return { sql: `SELECT name, timezone, currency FROM \`${db}\`.clinics WHERE id = ?`, params: [clinicId] };
    case 'main':
      return {
        sql: `SELECT x.code, x.description, x.code_type, ${ALL} ${from({ code: true, paid: true, patient: true })} GROUP BY x.code, x.description, x.code_type ORDER BY x.code LIMIT 10000`,
        params,
      };
    case 'totals':
      return { sql: `SELECT ${ALL} ${from({ paid: true, patient: true })}`, params };
    case 'trend':
      return { sql: `SELECT ${period} AS period, ${BASE} ${from({ paid: true })} GROUP BY 1 ORDER BY 1`, params };
    case 'topCodes':
      return {
        sql: `SELECT x.code, x.description, SUM(x.units) AS units ${from({ code: true })} GROUP BY x.code, x.description ORDER BY units DESC LIMIT 10`,
        params,
      };
    case 'payorMix':
      return {
        sql: `SELECT x.payor_id, x.payor_name, SUM(x.billed_amount) AS billed ${from({ payor: true })} GROUP BY x.payor_id, x.payor_name ORDER BY billed DESC LIMIT 1000`,
        params,
      };
    case 'heatmap':
      return {
        sql: `SELECT x.payor_id, x.payor_name, x.code, SUM(x.paid) AS paid, SUM(x.units) AS units ${from({ payor: true, code: true, paid: true }, ' AND p.payor_id IS NOT NULL')} GROUP BY x.payor_id, x.payor_name, x.code LIMIT 10000`,
        params,
      };
    case 'pivot':
      return {
        sql: `SELECT x.code, x.provider_id, x.provider_name, SUM(x.units) AS units ${from({ code: true, provider: true })} GROUP BY x.code, x.provider_id, x.provider_name LIMIT 10000`,
        params,
      };
    case 'drill':
      return {
        sql: `SELECT x.provider_id, x.provider_name, ${ALL} ${from({ provider: true, paid: true, patient: true }, ` AND i.service_code_id = (SELECT id FROM \`${db}\`.service_codes WHERE clinic_id = ? AND code = ?)`)} GROUP BY x.provider_id, x.provider_name ORDER BY x.provider_name LIMIT 10000`,
        params: [...params, clinicId, drillCode],
      };
    case 'drillTotals':
      return {
        sql: `SELECT ${ALL} ${from({ paid: true, patient: true }, ` AND i.service_code_id = (SELECT id FROM \`${db}\`.service_codes WHERE clinic_id = ? AND code = ?)`)}`,
        params: [...params, clinicId, drillCode],
      };
    case 'maturity': {
      const t = (n: string) => `\`${db}\`.\`${n}\``;
      // Insurance money by days from the date of service to the payment's received_on.
      const bucket = `CASE WHEN d < 0 THEN 'Before date of service' WHEN d <= 30 THEN '0-30 days' WHEN d <= 60 THEN '31-60 days'
        WHEN d <= 90 THEN '61-90 days' WHEN d <= 180 THEN '91-180 days' ELSE 'Over 180 days' END`;
      return {
        sql: `SELECT ${period} AS period, ${bucket} AS bucket, SUM(x.amount) AS paid FROM (
            SELECT p.purchased_on, pa.amount, DATEDIFF(pm.received_on, p.purchased_on) AS d
            FROM ${t('purchases')} p
            JOIN ${t('purchase_items')} i ON i.purchase_id = p.id AND i.clinic_id = p.clinic_id
            JOIN ${t('payment_applications')} pa ON pa.purchase_item_id = i.id
            JOIN ${t('payments')} pm ON pm.id = pa.payment_id AND pm.source = 'insurance'
            WHERE p.clinic_id = ? AND p.purchased_on BETWEEN ? AND ? AND p.status <> 'void') x
          GROUP BY 1, 2 ORDER BY 1, 2 LIMIT 10000`,
        params,
      };
    }
  }
}

/**
 * The SQL Cube ran on the pre-aggregations, with each pre-aggregation name replaced by its tables the
 * way Cube's orchestrator does it (one table, or `(SELECT * FROM a UNION ALL SELECT * FROM b)` for the
 * month partitions the range covers). The load response no longer names the tables (Cube 1.7.43 drops
 * `targetTableName` from `usedPreAggregations`), so they are read from information_schema: for each
 * partition (`<name>YYYYMM01_…`) the newest version, by creation time.
 */
export async function preAggregationSql(
  db: mysql.Connection,
  schema: string,
  sql: string,
  range: DateRange,
): Promise<{ sql: string; tables: number }> {
  const escaped = schema.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const names = [...new Set([...sql.matchAll(new RegExp(`${escaped}\\.(\\w+)`, 'g'))].map((m) => m[1]!))];
  let out = sql;
  let tables = 0;
  const firstMonth = `${range.from.slice(0, 7).replace('-', '')}01`;
  const lastMonth = `${range.to.slice(0, 7).replace('-', '')}01`;
  for (const name of names.sort((a, b) => b.length - a.length)) {
    const [found] = await db.query(
      'SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ? AND table_name LIKE ? ORDER BY create_time DESC, table_name DESC',
      [schema, `${name.replace(/_/g, '\\_')}%`],
    );
    const newest = new Map<string, string>();
    for (const { t } of found as { t: string }[]) {
      const match = new RegExp(`^${name}(\\d{8})?_[a-z0-9]+_[a-z0-9]+_[a-z0-9]+$`).exec(t);
      if (!match) continue;
      const partition = match[1] ?? '';
      if (partition && (partition < firstMonth || partition > lastMonth)) continue;
      if (!newest.has(partition)) newest.set(partition, t);
    }
    const chosen = [...newest.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, t]) => `${schema}.${t}`);
    if (chosen.length === 0) throw new Error(`no built table for ${schema}.${name}`);
    tables += chosen.length;
    const target = chosen.length === 1 ? chosen[0]! : `(${chosen.map((t) => `SELECT * FROM ${t}`).join(' UNION ALL ')})`;
    out = out.split(`${schema}.${name}`).join(target);
  }
  return { sql: out, tables };
}

/** Runs a statement and returns its rows and wall time in ms. */
export async function timeSql(
  db: mysql.Connection,
  sql: string,
  params: unknown[],
): Promise<{ ms: number; rows: Record<string, unknown>[] }> {
  const start = performance.now();
  const [rows] = await db.query({ sql, values: params, timeout: 300_000 });
  return { ms: performance.now() - start, rows: rows as Record<string, unknown>[] };
}
