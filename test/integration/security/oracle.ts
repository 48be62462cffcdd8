/**
 * Plain SQL for the security tests: what one tenant (a clinic, or one provider of it) may see,
 * computed straight from the host tables as docs/host-database.md defines the figures; no Cube, no model.
 */
import { inject } from 'vitest';
import { hundredths } from '../../support/decimal.js';
import { referenceFigures } from '../../support/reference-sql.js';
import { duckdbRows, mysqlRows, type Row } from '../../support/sql.js';

export type Target = 'mysql' | 'duckdb';

export const TARGETS: { name: string; target: Target; url: () => string }[] = [
  { name: 'MariaDB', target: 'mysql', url: () => inject('mysqlUrl') },
  { name: 'DuckDB', target: 'duckdb', url: () => inject('duckdbUrl') },
];

export function sqlRows(target: Target, sql: string): Promise<Row[]> {
  return target === 'mysql' ? mysqlRows(inject('mysqlDatabase'), sql) : duckdbRows(inject('duckdbReferencePath'), sql);
}

export interface Scope {
  clinicId: number;
  providerId?: number;
}

export interface Totals {
  units: bigint;
  billed: bigint;
  visits: number;
}

const int = (n: number): string => {
  if (!Number.isSafeInteger(n)) throw new Error(`not an id: ${n}`);
  return String(n);
};

/** Units, billed and visits of the counted items a scope may see, optionally within dates of service
 * (the plain-SQL oracle, test/support/reference-sql.ts). */
export async function scopeTotals(target: Target, scope: Scope, from?: string, to?: string): Promise<Totals> {
  const location = target === 'mysql' ? inject('mysqlDatabase') : inject('duckdbReferencePath');
  const figures = await referenceFigures(
    { dialect: target, location },
    { clinicId: scope.clinicId, providerId: scope.providerId, ...(from && to ? { from, to } : {}), groupBy: [] },
  );
  const all = figures.get('');
  if (!all) return { units: 0n, billed: 0n, visits: 0 };
  return { units: hundredths(all.units_billed), billed: hundredths(all.total_billed), visits: Number(all.visits_used) };
}

/** Providers that rendered at least one counted item in a clinic, most items first. */
export async function renderingProviders(target: Target, clinicId: number): Promise<number[]> {
  const rows = await sqlRows(
    target,
    `SELECT COALESCE(pi.rendering_provider_id, p.provider_id) AS provider_id, COUNT(*) AS n
     FROM purchase_items pi JOIN purchases p ON p.id = pi.purchase_id AND p.clinic_id = pi.clinic_id
     WHERE p.status <> 'void' AND pi.clinic_id = ${int(clinicId)}
     GROUP BY 1 ORDER BY 2 DESC, 1`,
  );
  return rows.map((r) => Number(r.provider_id));
}

/** Clinics with counted items among the candidates (demo clinics, and the look-alike ones when loaded). */
export async function clinicsWithData(target: Target, candidates: readonly number[]): Promise<number[]> {
  const rows = await sqlRows(
    target,
    `SELECT DISTINCT clinic_id FROM purchase_items WHERE clinic_id IN (${candidates.map(int).join(', ')}) ORDER BY clinic_id`,
  );
  return rows.map((r) => Number(r.clinic_id));
}

/** First and last date of service in the given clinics (YYYY-MM-DD). */
export async function serviceDateSpan(target: Target, clinics: readonly number[]): Promise<[string, string]> {
  const [row] = await sqlRows(
    target,
    `SELECT MIN(purchased_on) AS lo, MAX(purchased_on) AS hi FROM purchases WHERE clinic_id IN (${clinics.map(int).join(', ')})`,
  );
  return [String(row?.lo).slice(0, 10), String(row?.hi).slice(0, 10)];
}

/** Sums of the measure columns of API rows, as exact hundredths / counts. */
export function apiTotals(rows: Record<string, unknown>[], view = 'service_code_usage'): Totals {
  let units = 0n;
  let billed = 0n;
  let visits = 0;
  for (const row of rows) {
    units += hundredths(row[`${view}.units_billed`]);
    billed += hundredths(row[`${view}.total_billed`]);
    visits += Number(row[`${view}.visits_used`] ?? 0);
  }
  return { units, billed, visits };
}
