/**
 * The model's tests talk to the real servers the integration global setup started: one on MariaDB,
 * one on DuckDB, each next to the plain-SQL reference over the same rows.
 */
import { inject } from 'vitest';
import { mintToken } from '../../../server/security/tokens.js';
import {
  canonicalDecimal,
  groupKey,
  type Measure,
  type ReferenceDimension,
  type ReferenceFilter,
  type ReferenceQuery,
  type ReferenceTarget,
} from '../../support/reference-sql.js';
import { load, rowsOf, type Reply } from '../security/client.js';

export const V = 'service_code_usage';

export interface ModelTarget {
  name: 'MariaDB' | 'DuckDB';
  url: string;
  reference: ReferenceTarget;
}

/** Both servers, with their reference databases (DuckDB: the copy no server holds open). */
export function modelTargets(): ModelTarget[] {
  return [
    { name: 'MariaDB', url: inject('mysqlUrl'), reference: { dialect: 'mysql', location: inject('mysqlDatabase') } },
    { name: 'DuckDB', url: inject('duckdbUrl'), reference: { dialect: 'duckdb', location: inject('duckdbReferencePath') } },
  ];
}

export function tokenFor(q: Pick<ReferenceQuery, 'clinicId' | 'providerId'>): string {
  const secret = inject('apiSecret');
  return q.providerId === undefined
    ? mintToken(secret, { clinic_id: q.clinicId, role: 'owner' }, 900)
    : mintToken(secret, { clinic_id: q.clinicId, role: 'provider', provider_id: q.providerId }, 900);
}

const TIME_GRAINS = new Set<ReferenceDimension>(['day', 'week', 'month']);

export const member = (dimension: ReferenceDimension): string =>
  TIME_GRAINS.has(dimension) ? `${V}.date_of_service.${dimension}` : `${V}.${dimension}`;

/** The API filter equal to a reference filter: `equals` for values, `notSet` for the empty value. */
export function apiFilter(view: string, f: ReferenceFilter): Record<string, unknown> {
  const values = f.values.filter((v): v is string => v !== null);
  const parts: Record<string, unknown>[] = [];
  if (values.length > 0) parts.push({ member: `${view}.${f.dimension}`, operator: 'equals', values });
  if (f.values.includes(null)) parts.push({ member: `${view}.${f.dimension}`, operator: 'notSet' });
  return parts.length === 1 ? parts[0]! : { or: parts };
}

/** The Cube query for a reference query: same groups, same filters, dates as an explicit range. */
export function apiQuery(q: ReferenceQuery, measures: readonly Measure[], timezone = 'UTC'): Record<string, unknown> {
  const grain = q.groupBy.find((d) => TIME_GRAINS.has(d));
  return {
    measures: measures.map((m) => `${V}.${m}`),
    dimensions: q.groupBy.filter((d) => !TIME_GRAINS.has(d)).map(member),
    timeDimensions: [
      {
        dimension: `${V}.date_of_service`,
        dateRange: [q.from ?? '2000-01-01', q.to ?? '2099-12-31'],
        ...(grain ? { granularity: grain } : {}),
      },
    ],
    filters: (q.filters ?? []).map((f) => apiFilter(V, f)),
    timezone,
    limit: 10_000,
  };
}

/** A dimension's value as the reference prints it: ids and dates as text, a time at its date. */
export function groupValue(dimension: ReferenceDimension, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (TIME_GRAINS.has(dimension)) return String(value).slice(0, 10);
  return String(value);
}

export interface ApiResult {
  reply: Reply;
  /** Raw measure values by group key (as the API returned them). */
  groups: Map<string, Record<Measure, unknown>>;
  usedPreAggregations: string[];
}

export async function queryApi(target: ModelTarget, q: ReferenceQuery, measures: readonly Measure[], timezone = 'UTC'): Promise<ApiResult> {
  const reply = await load(target.url, tokenFor(q), apiQuery(q, measures, timezone));
  if (reply.status !== 200 || reply.body.error) {
    throw new Error(`${target.name}: ${reply.status} ${JSON.stringify(reply.body).slice(0, 500)}`);
  }
  return { reply, groups: groupsOf(q.groupBy, measures, rowsOf(reply)), usedPreAggregations: usedPreAggregationsOf(reply) };
}

export function groupsOf(groupBy: readonly ReferenceDimension[], measures: readonly Measure[], rows: Record<string, unknown>[]) {
  const groups = new Map<string, Record<Measure, unknown>>();
  for (const row of rows) {
    const key = groupKey(groupBy.map((d) => groupValue(d, row[member(d)])));
    if (groups.has(key)) throw new Error(`the API returned group ${key} twice`);
    groups.set(key, Object.fromEntries(measures.map((m) => [m, row[`${V}.${m}`]])) as Record<Measure, unknown>);
  }
  return groups;
}

/** Names of the pre-aggregations a reply (plain or multi) was served from. */
export function usedPreAggregationsOf(reply: Reply): string[] {
  const results = Array.isArray(reply.body.results) ? (reply.body.results as Record<string, unknown>[]) : [reply.body];
  return results.flatMap((r) => Object.keys((r.usedPreAggregations as Record<string, unknown> | undefined) ?? {}));
}

/** Canonical form of an API value for comparison with the reference (exact, no float). */
export const canonical = (value: unknown): string | null => canonicalDecimal(value);

/** The exact text the contract asks for: money with two places, counts as integers, ratios with four. */
export const MEASURE_FORMAT: Record<Measure, RegExp> = {
  units_billed: /^-?\d+$/,
  visits_used: /^\d+$/,
  total_billed: /^-?\d+\.\d{2}$/,
  insurance_paid: /^-?\d+\.\d{2}$/,
  patients_seen: /^\d+$/,
  billed_per_unit: /^-?\d+\.\d{2}$/,
  insurance_paid_per_unit: /^-?\d+\.\d{2}$/,
  insurance_paid_per_visit: /^-?\d+\.\d{2}$/,
  units_per_visit: /^-?\d+\.\d{2}$/,
  insurance_paid_ratio: /^-?\d+\.\d{4}$/,
};
