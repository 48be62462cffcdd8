/**
 * The billing checks computed with plain SQL straight from the host tables (docs/host-database.md's
 * counted items and Insurance Paid; the checks as the issue states them), independent of the model:
 * modifiers are purchase_items.modifiers upper-cased without spaces, a modifier is an element of that
 * comma-separated list (FIND_IN_SET), Medicare is payors.payor_type 'medicare', CMT is 98940–98942, and
 * an unpaid line has a payor and insurance paid × 100 < billed × 50. No Cube, no model SQL.
 */
import { mysqlRows, type Row } from '../support/sql.js';

export interface Range {
  from: string;
  to: string;
}

/** Every counted item of the clinic in the range, with what the checks read: one row per line. */
const COUNTED_LINES = `
  WITH counted AS (
    SELECT pi.id AS line, CAST(p.purchased_on AS CHAR(10)) AS served, sc.code,
           CAST(COALESCE(pi.rendering_provider_id, p.provider_id) AS CHAR(20)) AS provider_id,
           CONCAT(pr.first_name, ' ', pr.last_name,
                  CASE WHEN pr.credentials IS NULL OR TRIM(pr.credentials) = '' THEN '' ELSE CONCAT(', ', TRIM(pr.credentials)) END)
             AS provider_name,
           CAST(p.payor_id AS CHAR(20)) AS payor_id, py.name AS payor_name, py.payor_type,
           NULLIF(UPPER(REPLACE(TRIM(pi.modifiers), ' ', '')), '') AS modifiers,
           pi.units, pi.billed_amount AS billed,
           COALESCE((SELECT SUM(pa.amount)
                       FROM payment_applications pa
                       JOIN payments pm ON pm.id = pa.payment_id
                      WHERE pa.purchase_item_id = pi.id AND pm.source = 'insurance'), 0) AS paid
      FROM purchase_items pi
      JOIN purchases p ON p.id = pi.purchase_id
      JOIN service_codes sc ON sc.id = pi.service_code_id
      LEFT JOIN providers pr ON pr.id = COALESCE(pi.rendering_provider_id, p.provider_id)
      LEFT JOIN payors py ON py.id = p.payor_id
     WHERE p.status <> 'void' AND p.clinic_id = ? AND p.purchased_on BETWEEN ? AND ?
  )`;

/** Each check's predicate on a row of `counted`. */
export const CHECK_SQL = {
  distinct_procedure: `(FIND_IN_SET('59', modifiers) > 0 OR FIND_IN_SET('XE', modifiers) > 0 OR FIND_IN_SET('XS', modifiers) > 0
                        OR FIND_IN_SET('XP', modifiers) > 0 OR FIND_IN_SET('XU', modifiers) > 0)`,
  medicare_cmt: `(payor_type = 'medicare' AND code IN ('98940', '98941', '98942'))`,
  medicare_cmt_without_at: `(payor_type = 'medicare' AND code IN ('98940', '98941', '98942') AND COALESCE(FIND_IN_SET('AT', modifiers), 0) = 0)`,
  kx: `(FIND_IN_SET('KX', modifiers) > 0)`,
  unpaid: `(payor_id IS NOT NULL AND paid * 100 < billed * 50)`,
} as const;
export type Check = keyof typeof CHECK_SQL;

const count = (predicate: string) => `CAST(SUM(CASE WHEN ${predicate} THEN 1 ELSE 0 END) AS CHAR(20))`;

async function query(db: string, clinic: number, range: Range, sql: string, params: unknown[] = []): Promise<Row[]> {
  return mysqlRows(db, `${COUNTED_LINES}\n${sql}`, [clinic, range.from, range.to, ...params]);
}

export interface CodeWithModifiers {
  label: string;
  code: string;
  modifiers: string | null;
  lines: string;
  units: string;
  /** Exact decimals, two places. */
  billed: string;
  paid: string;
}

/** Lines, units, billed and insurance paid per code with modifiers (the code alone when it has none). */
export async function codesWithModifiers(db: string, clinic: number, range: Range): Promise<CodeWithModifiers[]> {
  const rows = await query(
    db,
    clinic,
    range,
    `SELECT code, modifiers, CAST(COUNT(*) AS CHAR(20)) AS line_count, CAST(SUM(units) AS CHAR(20)) AS units,
            CAST(SUM(billed) AS CHAR(30)) AS billed, CAST(SUM(paid) AS CHAR(30)) AS paid
       FROM counted GROUP BY code, modifiers`,
  );
  return rows.map((r) => {
    const modifiers = r.modifiers === null ? null : String(r.modifiers);
    return {
      label: modifiers === null ? String(r.code) : `${String(r.code)}-${modifiers}`,
      code: String(r.code),
      modifiers,
      lines: String(r.line_count),
      units: String(r.units),
      billed: String(r.billed),
      paid: String(r.paid),
    };
  });
}

export interface ModifierChecks {
  lines: bigint;
  distinct: bigint;
  cmt: bigint;
  cmtWithoutAt: bigint;
  kx: bigint;
}

const CHECK_COLUMNS = `CAST(COUNT(*) AS CHAR(20)) AS line_count, ${count(CHECK_SQL.distinct_procedure)} AS dist,
  ${count(CHECK_SQL.medicare_cmt)} AS cmt, ${count(CHECK_SQL.medicare_cmt_without_at)} AS cmt_without_at, ${count(CHECK_SQL.kx)} AS kx`;

const checksOf = (r: Row): ModifierChecks => ({
  lines: BigInt(String(r.line_count)),
  distinct: BigInt(String(r.dist ?? 0)),
  cmt: BigInt(String(r.cmt ?? 0)),
  cmtWithoutAt: BigInt(String(r.cmt_without_at ?? 0)),
  kx: BigInt(String(r.kx ?? 0)),
});

/** The modifier checks of each rendering provider (by id, with the display name) and of the whole clinic. */
export async function modifierChecks(
  db: string,
  clinic: number,
  range: Range,
): Promise<{ providers: (ModifierChecks & { id: string; name: string })[]; clinic: ModifierChecks }> {
  const [byProvider, [whole]] = await Promise.all([
    query(db, clinic, range, `SELECT provider_id, MAX(provider_name) AS provider_name, ${CHECK_COLUMNS} FROM counted GROUP BY provider_id`),
    query(db, clinic, range, `SELECT ${CHECK_COLUMNS} FROM counted`),
  ]);
  return {
    providers: byProvider.map((r) => ({ id: String(r.provider_id), name: String(r.provider_name), ...checksOf(r) })),
    clinic: checksOf(whole!),
  };
}

/** Lines with 59/X{EPSU} per provider and code: [provider id, code, lines]. */
export async function distinctProcedureCodes(db: string, clinic: number, range: Range): Promise<Map<string, Map<string, bigint>>> {
  const rows = await query(
    db,
    clinic,
    range,
    `SELECT provider_id, code, CAST(COUNT(*) AS CHAR(20)) AS line_count FROM counted
      WHERE ${CHECK_SQL.distinct_procedure} GROUP BY provider_id, code`,
  );
  const out = new Map<string, Map<string, bigint>>();
  for (const r of rows) {
    const id = String(r.provider_id);
    if (!out.has(id)) out.set(id, new Map());
    out.get(id)!.set(String(r.code), BigInt(String(r.line_count)));
  }
  return out;
}

/** Days since the date of service, as the unpaid table's columns (labels as shown). */
export const AGE_COLUMNS = [
  { label: '0–30 days', min: 0, max: 30 },
  { label: '31–60 days', min: 31, max: 60 },
  { label: '61–90 days', min: 61, max: 90 },
  { label: '91–180 days', min: 91, max: 180 },
  { label: 'Over 180 days', min: 181, max: 1_000_000 },
] as const;

export interface UnpaidCell {
  lines: string;
  /** Exact decimal, two places. */
  billed: string;
}

/** Unpaid insurance lines and their billed amount per payor name and age column, days counted from
 * `today` (the clinic's calendar date) back to the date of service; lines after `today` in none. */
export async function unpaidByPayorAndAge(
  db: string,
  clinic: number,
  range: Range,
  today: string,
): Promise<{ payorId: string; payor: string; age: string; cell: UnpaidCell }[]> {
  const age = `CASE ${AGE_COLUMNS.map((c) => `WHEN DATEDIFF(?, served) BETWEEN ${c.min} AND ${c.max} THEN '${c.label}'`).join(' ')} END`;
  const rows = await query(
    db,
    clinic,
    range,
    `SELECT payor_id, MAX(payor_name) AS payor_name, ${age} AS age, CAST(COUNT(*) AS CHAR(20)) AS line_count,
            CAST(SUM(billed) AS CHAR(30)) AS billed
       FROM counted WHERE ${CHECK_SQL.unpaid} AND served <= ?
      GROUP BY payor_id, age`,
    [...AGE_COLUMNS.map(() => today), today],
  );
  return rows.map((r) => ({
    payorId: String(r.payor_id),
    payor: String(r.payor_name),
    age: String(r.age),
    cell: { lines: String(r.line_count), billed: String(r.billed) },
  }));
}

export interface CheckedLine {
  line: string;
  served: string;
  modifiers: string | null;
  billed: string;
  paid: string;
}

/** The lines (by line number) that a check's drill must show: the counted items of the range meeting
 * `where` (plain SQL on the columns of `counted`), in line order. */
export async function linesWhere(db: string, clinic: number, range: Range, where: string, params: unknown[] = []): Promise<CheckedLine[]> {
  const rows = await query(
    db,
    clinic,
    range,
    `SELECT CAST(line AS CHAR(20)) AS line_number, served, modifiers, CAST(billed AS CHAR(30)) AS billed, CAST(paid AS CHAR(30)) AS paid
       FROM counted WHERE ${where} ORDER BY line`,
    params,
  );
  return rows.map((r) => ({
    line: String(r.line_number),
    served: String(r.served),
    modifiers: r.modifiers === null ? null : String(r.modifiers),
    billed: String(r.billed),
    paid: String(r.paid),
  }));
}
