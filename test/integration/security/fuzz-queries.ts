/**
 * Seeded random queries for the tenant-isolation fuzz test: random members of the public views,
 * random and/or filter trees (some of them naming other clinics and providers, to try to widen the
 * scope), time dimensions with granularities, absolute, relative and compared date ranges, limits,
 * orders, totals, compact responses and data-blending arrays. Every query is valid: the server must
 * answer each one with 200.
 */
import { Random } from '../../../server/db/seed/random.js';

export interface ViewMeta {
  name: string;
  measures: string[];
  /** Non-time dimensions with their type. */
  dimensions: { name: string; type: string }[];
  timeDimension: string | undefined;
}

/** Values the generator filters with: seen in the data of every clinic (look-alike values included). */
export interface ValuePool {
  strings: Map<string, string[]>;
  numbers: Map<string, number[]>;
  dates: string[];
}

export interface FuzzQuery {
  view: string;
  query: Record<string, unknown> | Record<string, unknown>[];
}

const GRANULARITIES = ['day', 'week', 'month', 'quarter', 'year'];
const RELATIVE_RANGES = ['last 12 months', 'this year', 'last year', 'last 30 days', 'from 2 years ago to now'];
const LIMITS = [undefined, undefined, 1, 3, 10, 100, 50_000];

function sample<T>(random: Random, items: readonly T[], min: number, max: number): T[] {
  const pool = [...items];
  const count = Math.min(pool.length, random.int(min, max));
  const out: T[] = [];
  for (let i = 0; i < count; i++) out.push(pool.splice(random.int(0, pool.length - 1), 1)[0]!);
  return out;
}

function dateRange(random: Random, pool: ValuePool): string | [string, string] {
  if (random.chance(0.3)) return random.pick(RELATIVE_RANGES);
  const [a, b] = [random.pick(pool.dates), random.pick(pool.dates)].sort() as [string, string];
  return [a, b];
}

function measureFilter(random: Random, view: ViewMeta): Record<string, unknown> {
  return {
    member: random.pick(view.measures),
    operator: random.pick(['gt', 'gte', 'lt', 'lte', 'equals', 'notEquals', 'set']),
    values: [String(random.pick([0, 1, 10, 100, 1000]))],
  };
}

function leafFilter(
  random: Random,
  view: ViewMeta,
  pool: ValuePool,
  token: { clinicId: number; otherClinics: number[] },
): Record<string, unknown> {
  const roll = random.float();
  const clinic = `${view.name}.clinic_id`;
  // Attempts to widen the scope: other clinics' ids, negations of the token's own clinic.
  if (roll < 0.15) {
    return random.pick([
      { member: clinic, operator: 'equals', values: [String(random.pick(token.otherClinics))] },
      { member: clinic, operator: 'notEquals', values: [String(token.clinicId)] },
      { member: clinic, operator: 'in', values: [token.clinicId, ...token.otherClinics].map(String) },
      { member: clinic, operator: 'notSet' },
      { member: clinic, operator: 'gt', values: ['0'] },
    ]);
  }
  if (roll < 0.25 && view.timeDimension) {
    const operator = random.pick(['inDateRange', 'notInDateRange', 'beforeDate', 'afterDate', 'afterOrOnDate', 'beforeOrOnDate']);
    const values =
      operator.includes('InDateRange') || operator === 'inDateRange'
        ? [...[random.pick(pool.dates), random.pick(pool.dates)].sort()]
        : [random.pick(pool.dates)];
    return { member: view.timeDimension, operator, values };
  }
  const dimension = random.pick(view.dimensions);
  if (dimension.type === 'number') {
    const ids = pool.numbers.get(dimension.name) ?? [1];
    const operator = random.pick(['equals', 'notEquals', 'in', 'notIn', 'gt', 'lt', 'set', 'notSet']);
    if (operator === 'set' || operator === 'notSet') return { member: dimension.name, operator };
    const count = operator === 'in' || operator === 'notIn' ? random.int(1, 4) : 1;
    return { member: dimension.name, operator, values: sample(random, ids, count, count).map(String) };
  }
  const strings = pool.strings.get(dimension.name) ?? ['x'];
  const operator = random.pick(['equals', 'notEquals', 'contains', 'notContains', 'startsWith', 'endsWith', 'in', 'set', 'notSet']);
  if (operator === 'set' || operator === 'notSet') return { member: dimension.name, operator };
  const value = random.pick(strings);
  const cut = (s: string) =>
    operator === 'equals' || operator === 'notEquals' || operator === 'in' ? s : s.slice(0, random.int(1, Math.max(1, s.length)));
  return { member: dimension.name, operator, values: operator === 'in' ? sample(random, strings, 1, 3) : [cut(value)] };
}

/** A tree of and/or groups. Cube requires each group to hold only dimension or only measure filters. */
function filterTree(
  random: Random,
  view: ViewMeta,
  pool: ValuePool,
  token: { clinicId: number; otherClinics: number[] },
  depth: number,
  measures: boolean,
): Record<string, unknown> {
  const leaf = () => (measures ? measureFilter(random, view) : leafFilter(random, view, pool, token));
  if (depth >= 3 || random.chance(0.55)) return leaf();
  const children = Array.from({ length: random.int(1, 3) }, () => filterTree(random, view, pool, token, depth + 1, measures));
  return { [random.chance(0.5) ? 'or' : 'and']: children };
}

function oneQuery(
  random: Random,
  view: ViewMeta,
  pool: ValuePool,
  token: { clinicId: number; otherClinics: number[] },
  granularity?: string,
): Record<string, unknown> {
  // A tenth are plain report queries (no filters, no date range), whose totals the test checks against SQL.
  const plain = granularity === undefined && view.measures.includes(`${view.name}.units_billed`) && random.chance(0.1);
  const measures = sample(random, view.measures, view.measures.length ? 1 : 0, 3);
  if (plain && !measures.includes(`${view.name}.units_billed`)) measures.push(`${view.name}.units_billed`);
  const dimensions = sample(
    random,
    view.dimensions.map((d) => d.name),
    measures.length ? 0 : 1,
    3,
  );
  // Half the queries name the scope's own dimensions, so each row says whose it is.
  if (random.chance(0.5)) {
    for (const d of [`${view.name}.clinic_id`, `${view.name}.provider_id`]) {
      if (view.dimensions.some((x) => x.name === d) && !dimensions.includes(d)) dimensions.push(d);
    }
  }
  const query: Record<string, unknown> = { measures, dimensions };
  if (plain) {
    if (view.timeDimension && random.chance(0.5))
      query.timeDimensions = [{ dimension: view.timeDimension, granularity: random.pick(GRANULARITIES) }];
    return query;
  }
  if (view.timeDimension && (granularity || random.chance(0.5))) {
    const td: Record<string, unknown> = { dimension: view.timeDimension };
    const g = granularity ?? (random.chance(0.7) ? random.pick(GRANULARITIES) : undefined);
    if (g) td.granularity = g;
    if (granularity === undefined && random.chance(0.08)) td.compareDateRange = [dateRange(random, pool), dateRange(random, pool)];
    else if (random.chance(0.6)) td.dateRange = dateRange(random, pool);
    query.timeDimensions = [td];
  }
  if (random.chance(0.7)) {
    query.filters = Array.from({ length: random.int(1, 3) }, () =>
      filterTree(random, view, pool, token, 0, view.measures.length > 0 && random.chance(0.2)),
    );
  }
  const limit = random.pick(LIMITS);
  if (limit !== undefined) query.limit = limit;
  const orderable = [...measures, ...dimensions];
  if (orderable.length && random.chance(0.5)) {
    query.order = Object.fromEntries(sample(random, orderable, 1, 2).map((m) => [m, random.chance(0.5) ? 'asc' : 'desc']));
  }
  if (random.chance(0.1)) query.total = true;
  if (random.chance(0.1)) query.responseFormat = 'compact';
  if (random.chance(0.1)) query.timezone = random.pick(['America/New_York', 'Asia/Tokyo', 'Pacific/Kiritimati']);
  return query;
}

export function fuzzQuery(
  random: Random,
  views: ViewMeta[],
  pool: ValuePool,
  token: { clinicId: number; otherClinics: number[] },
): FuzzQuery {
  const view = random.pick(views);
  // Data blending: two queries of one granularity (Cube requires it), each scoped on its own.
  if (view.timeDimension && view.measures.length > 1 && random.chance(0.06)) {
    const granularity = random.pick(GRANULARITIES);
    return { view: view.name, query: [oneQuery(random, view, pool, token, granularity), oneQuery(random, view, pool, token, granularity)] };
  }
  return { view: view.name, query: oneQuery(random, view, pool, token) };
}
