/**
 * The report computed with plain SQL straight from the host tables (docs/host-database.md's definitions),
 * independent of the model and the app: what every table on screen is checked against.
 */
import { hundredths, money } from '../support/decimal.js';
import { referenceFigures, referenceGroups, type ReferenceDimension, type ReferenceFilter } from '../support/reference-sql.js';
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

/** One value of the data, to pick a filter from: the id and display name with the most units in the range
 * (most first; ties by name), from the plain-SQL oracle. */
export async function busiest(
  database: string,
  clinic: number,
  filter: SqlFilter,
  what: 'provider' | 'payor' | 'case_type' | 'code',
): Promise<{ id: string; name: string }[]> {
  const [id, name] = (
    {
      provider: ['provider_id', 'provider_name'],
      payor: ['payor_id', 'payor_name'],
      case_type: ['case_type_id', 'case_type'],
      code: ['service_code', 'service_code'],
    } as const
  )[what];
  const groups = await referenceGroups(
    { dialect: 'mysql', location: database },
    { clinicId: clinic, from: filter.from, to: filter.to, groupBy: [id, name], filters: referenceFilters(filter) },
  );
  return groups
    .map((g) => ({ id: g.values[0], name: String(g.values[1]), units: hundredths(g.figures.units_billed) }))
    .sort((a, b) => (a.units === b.units ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.units > b.units ? -1 : 1))
    .map((g) => ({ id: g.id === null || g.id === undefined ? 'none' : String(g.id), name: g.name }));
}

export async function clinicTimezone(database: string, clinic: number): Promise<string> {
  const [row] = await mysqlRows(database, 'SELECT timezone FROM clinics WHERE id = ?', [clinic]);
  return String(row!.timezone);
}
