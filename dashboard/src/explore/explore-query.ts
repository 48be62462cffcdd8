/**
 * The explorer's query: a Cube query the explorer can show and edit field by field. The public form
 * is Cube's own JSON (docs/contract.md, "Explorer contract": `/explore?query=<JSON>`), so a link is a
 * query an analyst can paste into code and back. Everything here is pure: the page, the saved queries
 * and the embedded explorer all read and write queries through these functions.
 */
import type { Query, TimeDimension, TimeDimensionComparison, TimeDimensionGranularity } from '@cubejs-client/core';
import { comparisonRange, isIsoDate, type ComparisonMode, type DateRange } from '../lib/clinic-calendar.js';

export type Direction = 'asc' | 'desc';

export interface ExploreFilter {
  member: string;
  operator: string;
  /** As typed or picked; sent as text (Cube reads numbers and dates from text). */
  values: string[];
}

export interface ExploreTime {
  dimension: string;
  /** null: the range as a whole, no time column. */
  granularity: string | null;
  /** null: all dates. */
  dateRange: DateRange | null;
  /** The range compared with (Cube's compareDateRange: the range and the one before it). */
  compare: ComparisonMode | null;
}

export interface ExploreQuery {
  measures: string[];
  dimensions: string[];
  time: ExploreTime | null;
  filters: ExploreFilter[];
  order: [string, Direction][];
  limit: number;
}

export const DEFAULT_LIMIT = 1000;
/** The query guard's largest limit (server/security/query-guard.ts, maxRowLimit). */
export const MAX_LIMIT = 50_000;
export const GRANULARITIES = ['day', 'week', 'month', 'quarter', 'year'] as const;

export const EMPTY_QUERY: Readonly<ExploreQuery> = Object.freeze({
  measures: [],
  dimensions: [],
  time: null,
  filters: [],
  order: [],
  limit: DEFAULT_LIMIT,
});

/** The view a member belongs to: `service_code_usage.total_billed` → `service_code_usage`. */
export function viewOf(member: string): string {
  return member.slice(0, member.indexOf('.'));
}

/** Every member the query names, in field order. */
export function membersOf(q: ExploreQuery): string[] {
  return [
    ...q.measures,
    ...q.dimensions,
    ...(q.time ? [q.time.dimension] : []),
    ...q.filters.map((f) => f.member),
    ...q.order.map(([member]) => member),
  ];
}

/** The one view the query is on (members of different views cannot be combined); null when empty. */
export function queryView(q: ExploreQuery): string | null {
  const first = membersOf(q)[0];
  return first === undefined ? null : viewOf(first);
}

/** The column key Cube gives the time dimension in result rows (`view.member.granularity`). */
export function timeKey(time: ExploreTime): string | null {
  return time.granularity ? `${time.dimension}.${time.granularity}` : null;
}

/** The members a query may order by: what it selects. */
export function orderableMembers(q: ExploreQuery): string[] {
  const time = q.time && timeKey(q.time);
  return [...q.measures, ...q.dimensions, ...(time ? [q.time!.dimension] : [])];
}

/** The Cube query, in one canonical form: empty parts left out, so equal queries write equal JSON. */
export function toCubeQuery(q: ExploreQuery): Query {
  const out: Query = {};
  if (q.measures.length) out.measures = [...q.measures];
  if (q.dimensions.length) out.dimensions = [...q.dimensions];
  if (q.time) {
    const t: TimeDimension = { dimension: q.time.dimension };
    if (q.time.granularity) t.granularity = q.time.granularity as TimeDimensionGranularity;
    const range = q.time.dateRange;
    if (range && q.time.compare) {
      const before = comparisonRange(range, q.time.compare);
      (t as TimeDimensionComparison).compareDateRange = [
        [range.from, range.to],
        [before.from, before.to],
      ];
    } else if (range) t.dateRange = [range.from, range.to];
    out.timeDimensions = [t];
  }
  if (q.filters.length) {
    out.filters = q.filters.map((f) =>
      f.operator === 'set' || f.operator === 'notSet'
        ? { member: f.member, operator: f.operator }
        : { member: f.member, operator: f.operator as 'equals', values: [...f.values] },
    );
  }
  if (q.order.length) out.order = q.order.map(([member, direction]): [string, Direction] => [member, direction]);
  out.limit = q.limit;
  return out;
}

/** What a link or a saved query said that the explorer could not take: shown, never silently dropped. */
export interface ReadResult {
  query: ExploreQuery;
  problems: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const stringList = (v: unknown): string[] | null =>
  Array.isArray(v) && v.every((s) => typeof s === 'string' && s.includes('.')) ? [...(v as string[])] : null;

function readRange(value: unknown): DateRange | null {
  if (!Array.isArray(value) || value.length !== 2) return null;
  // A date, or Cube's own form of one ('2026-01-31T23:59:59.999'): the date part is the range's end.
  const [from, to] = value.map((v) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/.test(v) ? v.slice(0, 10) : ''));
  return from && to && isIsoDate(from) && isIsoDate(to) ? { from, to } : null;
}

/**
 * Reads a Cube query (from a link, a saved file, a pasted snippet). Whatever the explorer cannot show
 * is named in `problems` and left out; the rest is kept. Unknown members are kept: the API says why.
 */
export function fromCubeQuery(raw: unknown): ReadResult {
  const problems: string[] = [];
  const query: ExploreQuery = { ...EMPTY_QUERY, measures: [], dimensions: [], filters: [], order: [] };
  if (!isObject(raw)) return { query, problems: ['The query is not a JSON object.'] };
  const known = new Set(['measures', 'dimensions', 'timeDimensions', 'filters', 'order', 'limit']);
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) problems.push(`"${key}" is not something the explorer can set; it was left out.`);
  }
  for (const key of ['measures', 'dimensions'] as const) {
    if (raw[key] === undefined) continue;
    const list = stringList(raw[key]);
    if (list) query[key] = [...new Set(list)];
    else problems.push(`"${key}" must be a list of member names such as "service_code_usage.total_billed".`);
  }
  if (raw.timeDimensions !== undefined) {
    const list = Array.isArray(raw.timeDimensions) ? raw.timeDimensions : null;
    if (!list) problems.push('"timeDimensions" must be a list.');
    else if (list.length > 1) problems.push('The explorer shows one time dimension; only the first was kept.');
    const t = list?.[0];
    if (isObject(t) && typeof t.dimension === 'string') {
      let granularity: string | null = null;
      if ((GRANULARITIES as readonly unknown[]).includes(t.granularity)) granularity = t.granularity as string;
      else if (t.granularity !== undefined) {
        problems.push(`The granularity must be one of ${GRANULARITIES.join(', ')}; "${String(t.granularity)}" was left out.`);
      }
      const time: ExploreTime = { dimension: t.dimension, granularity, dateRange: null, compare: null };
      if (t.dateRange !== undefined) {
        time.dateRange = readRange(t.dateRange);
        if (!time.dateRange) problems.push('The date range must be two dates, [from, to] as YYYY-MM-DD; it was left out.');
      } else if (t.compareDateRange !== undefined) {
        const ranges = Array.isArray(t.compareDateRange) ? t.compareDateRange.map(readRange) : [];
        const [current, before] = ranges;
        time.dateRange = current ?? null;
        const mode = (['previous', 'last_year'] as const).find(
          (m) => current && before && ranges.length === 2 && sameRange(comparisonRange(current, m), before),
        );
        if (mode) time.compare = mode;
        else problems.push('Only a comparison with the previous period or the same period last year can be shown; it was left out.');
      }
      query.time = time;
    } else if (t !== undefined) problems.push('A time dimension must name its "dimension".');
  }
  if (raw.filters !== undefined) {
    if (!Array.isArray(raw.filters)) problems.push('"filters" must be a list.');
    else
      for (const f of raw.filters) {
        if (isObject(f) && typeof (f.member ?? f.dimension) === 'string' && typeof f.operator === 'string') {
          const values = Array.isArray(f.values) ? f.values.map((v) => (v === null ? '' : String(v))) : [];
          query.filters.push({ member: String(f.member ?? f.dimension), operator: f.operator, values });
        } else if (isObject(f) && ('and' in f || 'or' in f)) {
          problems.push('Filter groups ("and" / "or") cannot be edited in the explorer; one was left out.');
        } else problems.push('A filter must be {member, operator, values}; one was left out.');
      }
  }
  if (raw.order !== undefined) {
    const entries = Array.isArray(raw.order) ? raw.order : isObject(raw.order) ? Object.entries(raw.order) : null;
    for (const entry of entries ?? []) {
      if (Array.isArray(entry) && typeof entry[0] === 'string' && (entry[1] === 'asc' || entry[1] === 'desc')) {
        query.order.push([entry[0], entry[1]]);
      } else problems.push('An order must be [member, "asc" | "desc"]; one was left out.');
    }
    if (!entries) problems.push('"order" must be a list of [member, direction].');
  }
  if (raw.limit !== undefined) {
    const limit = raw.limit;
    if (typeof limit === 'number' && Number.isInteger(limit) && limit >= 1 && limit <= MAX_LIMIT) query.limit = limit;
    else problems.push(`The row limit must be a whole number from 1 to ${MAX_LIMIT}; ${DEFAULT_LIMIT} is used.`);
  }
  return { query, problems };
}

const sameRange = (a: DateRange, b: DateRange) => a.from === b.from && a.to === b.to;

/** The query string of an explorer address: `?query=<JSON>`, or '' for an empty query. */
export function exploreSearch(q: ExploreQuery): string {
  if (membersOf(q).length === 0) return '';
  return `?query=${encodeURIComponent(JSON.stringify(toCubeQuery(q)))}`;
}

/** Reads an explorer address's query string. */
export function parseExploreSearch(search: string): ReadResult {
  const text = new URLSearchParams(search).get('query');
  if (text === null || text === '') return { query: { ...EMPTY_QUERY }, problems: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { query: { ...EMPTY_QUERY }, problems: ['The link\'s "query" is not valid JSON; the explorer starts empty.'] };
  }
  return fromCubeQuery(raw);
}

export function sameQuery(a: ExploreQuery, b: ExploreQuery): boolean {
  return JSON.stringify(toCubeQuery(a)) === JSON.stringify(toCubeQuery(b));
}
