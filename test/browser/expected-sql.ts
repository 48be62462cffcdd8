/**
 * The report computed with plain SQL straight from the host tables (docs/host-database.md's definitions),
 * independent of the model and the app: what every table on screen is checked against.
 */
import { money } from '../support/decimal.js';
import { referenceFigures, type ReferenceDimension, type ReferenceFilter } from '../support/reference-sql.js';
import { mysqlRows } from '../support/sql.js';

export type Group = 'code' | 'provider' | 'payor' | 'case_type' | 'billing_type';

export interface SqlFilter {
  from: string;
  to: string;
  providers?: number[];
  /** null stands for Self-pay. */
  payors?: (number | null)[];
  /** null stands for No case. */
  caseTypes?: (number | null)[];
  codes?: string[];
  billing?: 'billable' | 'non-billable';
}

export interface Figures {
  units: string;
  visits: string;
  /** Exact decimals, two places. */
  billed: string;
  paid: string;
}

const LABEL: Record<Group, string> = {
  code: 'sc.code',
  provider: `CONCAT(pr.first_name, ' ', pr.last_name,
     CASE WHEN pr.credentials IS NULL OR TRIM(pr.credentials) = '' THEN '' ELSE CONCAT(', ', TRIM(pr.credentials)) END)`,
  payor: "COALESCE(py.name, 'Self-pay')",
  case_type: "COALESCE(ct.name, 'No case')",
  billing_type: "CASE WHEN sc.billable = 1 THEN 'Billable' ELSE 'Non-billable' END",
};

function idList(column: string, ids: readonly (number | null)[] | undefined): string | null {
  if (!ids || ids.length === 0) return null;
  const real = ids.filter((id): id is number => id !== null);
  const parts = [];
  if (real.length) parts.push(`${column} IN (${real.map((id) => Number(id)).join(', ')})`);
  if (ids.includes(null)) parts.push(`${column} IS NULL`);
  return `(${parts.join(' OR ')})`;
}

function where(clinic: number, f: SqlFilter): { sql: string; params: unknown[] } {
  const conditions = [`pi.clinic_id = ?`, `p.status <> 'void'`, `p.purchased_on BETWEEN ? AND ?`];
  const params: unknown[] = [clinic, f.from, f.to];
  for (const c of [
    idList('COALESCE(pi.rendering_provider_id, p.provider_id)', f.providers),
    idList('p.payor_id', f.payors),
    idList('pc.case_type_id', f.caseTypes),
  ]) {
    if (c) conditions.push(c);
  }
  if (f.codes?.length) {
    conditions.push(`sc.code IN (${f.codes.map(() => '?').join(', ')})`);
    params.push(...f.codes);
  }
  if (f.billing) conditions.push(`sc.billable = ${f.billing === 'billable' ? 1 : 0}`);
  return { sql: conditions.join(' AND '), params };
}

/** Every service line with its purchase and the names the filters and groupings read. */
const ITEM_JOINS = `FROM purchase_items pi
       JOIN purchases p ON p.id = pi.purchase_id AND p.clinic_id = pi.clinic_id
       JOIN service_codes sc ON sc.id = pi.service_code_id
       JOIN providers pr ON pr.id = COALESCE(pi.rendering_provider_id, p.provider_id)
       LEFT JOIN payors py ON py.id = p.payor_id
       LEFT JOIN patient_cases pc ON pc.id = p.patient_case_id
       LEFT JOIN case_types ct ON ct.id = pc.case_type_id`;

const GROUP_DIMENSION: Record<Group, ReferenceDimension> = {
  code: 'service_code',
  provider: 'provider_name',
  payor: 'payor_name',
  case_type: 'case_type',
  billing_type: 'billing_type',
};

/** The report's filters in the oracle's terms (test/support/reference-sql.ts). */
function referenceFilters(f: SqlFilter): ReferenceFilter[] {
  const ids = (values: readonly (number | null)[]) => values.map((v) => (v === null ? null : String(v)));
  const filters: ReferenceFilter[] = [];
  if (f.providers?.length) filters.push({ dimension: 'provider_id', values: ids(f.providers) });
  if (f.payors?.length) filters.push({ dimension: 'payor_id', values: ids(f.payors) });
  if (f.caseTypes?.length) filters.push({ dimension: 'case_type_id', values: ids(f.caseTypes) });
  if (f.codes?.length) filters.push({ dimension: 'service_code', values: [...f.codes] });
  if (f.billing) filters.push({ dimension: 'billing_type', values: [f.billing === 'billable' ? 'Billable' : 'Non-billable'] });
  return filters;
}

/** Figures per group label (or one row labelled 'Total' when group is null), from the plain-SQL oracle. */
export async function expectedReport(
  database: string,
  clinic: number,
  filter: SqlFilter,
  group: Group | null,
): Promise<Map<string, Figures>> {
  const figures = await referenceFigures(
    { dialect: 'mysql', location: database },
    {
      clinicId: clinic,
      from: filter.from,
      to: filter.to,
      groupBy: group ? [GROUP_DIMENSION[group]] : [],
      filters: referenceFilters(filter),
    },
  );
  return new Map(
    [...figures].map(([key, f]) => [
      group ? key : 'Total',
      { units: f.units_billed, visits: f.visits_used, billed: money(f.total_billed), paid: money(f.insurance_paid) },
    ]),
  );
}

/** One value of the data, to pick a filter from: the id and display name with the most units in the range. */
export async function busiest(
  database: string,
  clinic: number,
  filter: SqlFilter,
  what: 'provider' | 'payor' | 'case_type' | 'code',
): Promise<{ id: string; name: string }[]> {
  const w = where(clinic, filter);
  const [id, name] = {
    provider: ['COALESCE(pi.rendering_provider_id, p.provider_id)', LABEL.provider],
    payor: ['p.payor_id', LABEL.payor],
    case_type: ['pc.case_type_id', LABEL.case_type],
    code: ['sc.code', LABEL.code],
  }[what];
  const rows = await mysqlRows(
    database,
    `SELECT CAST(${id} AS CHAR) AS id, ${name} AS name, SUM(pi.units) AS units
       ${ITEM_JOINS}
      WHERE ${w.sql}
      GROUP BY 1, 2
      ORDER BY units DESC, name`,
    w.params,
  );
  return rows.map((r) => ({ id: r.id === null ? 'none' : String(r.id), name: String(r.name) }));
}

export async function clinicTimezone(database: string, clinic: number): Promise<string> {
  const [row] = await mysqlRows(database, 'SELECT timezone FROM clinics WHERE id = ?', [clinic]);
  return String(row!.timezone);
}
