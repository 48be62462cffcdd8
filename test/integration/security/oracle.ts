/**
 * Plain SQL for the security tests: what one tenant (a clinic, or one provider of it) may see,
 * computed straight from the host tables as docs/host-database.md defines the figures; no Cube, no model.
 */
import { inject } from 'vitest';
import { hundredths } from '../../support/decimal.js';
import {
  clinicsWithCountedItems,
  referenceFigures,
  referenceGroups,
  type ReferenceFilter,
  type ReferenceQuery,
  type ReferenceTarget,
} from '../../support/reference-sql.js';
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
  /** The token's scope claims (docs/security.md, "Scope claims"); 'none' is self-pay / no case. */
  providerIds?: number[];
  payorIds?: (number | 'none')[];
  caseTypeIds?: (number | 'none')[];
}

/** A scope as the plain-SQL oracle's query: the clinic, the provider role, and each claim as a filter
 * on its id ('none' matching an empty id). */
export function referenceScope(scope: Scope): Omit<ReferenceQuery, 'groupBy'> {
  const filters: ReferenceFilter[] = [];
  const ids = (list: (number | 'none')[]) => list.map((id) => (id === 'none' ? null : String(id)));
  if (scope.providerIds) filters.push({ dimension: 'provider_id', values: ids(scope.providerIds) });
  if (scope.payorIds) filters.push({ dimension: 'payor_id', values: ids(scope.payorIds) });
  if (scope.caseTypeIds) filters.push({ dimension: 'case_type_id', values: ids(scope.caseTypeIds) });
  return { clinicId: scope.clinicId, providerId: scope.providerId, filters };
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

export function referenceTarget(target: Target): ReferenceTarget {
  return { dialect: target, location: target === 'mysql' ? inject('mysqlDatabase') : inject('duckdbReferencePath') };
}

/** Units, billed and visits of the counted items a scope may see, optionally within dates of service
 * (the plain-SQL oracle, test/support/reference-sql.ts). */
export async function scopeTotals(target: Target, scope: Scope, from?: string, to?: string): Promise<Totals> {
  const figures = await referenceFigures(referenceTarget(target), {
    ...referenceScope(scope),
    ...(from && to ? { from, to } : {}),
    groupBy: [],
  });
  const all = figures.get('');
  if (!all) return { units: 0n, billed: 0n, visits: 0 };
  return { units: hundredths(all.units_billed), billed: hundredths(all.total_billed), visits: Number(all.visits_used) };
}

/** Providers that rendered at least one counted item in a clinic, most items first (the plain-SQL oracle,
 * test/support/reference-sql.ts). */
export async function renderingProviders(target: Target, clinicId: number): Promise<number[]> {
  const groups = await referenceGroups(referenceTarget(target), { clinicId, groupBy: ['provider_id'] });
  return groups
    .map((g) => ({ id: Number(g.values[0]), n: g.countedItems }))
    .sort((a, b) => b.n - a.n || a.id - b.id)
    .map((g) => g.id);
}

/** Clinics with counted items among the candidates (demo clinics, and the look-alike ones when loaded),
 * from the plain-SQL oracle (test/support/reference-sql.ts). */
export async function clinicsWithData(target: Target, candidates: readonly number[]): Promise<number[]> {
  return clinicsWithCountedItems(referenceTarget(target), candidates);
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
