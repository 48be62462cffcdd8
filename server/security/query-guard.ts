/**
 * The query guard: every data query (REST load GET/POST, /sql, /dry-run, and the same over the
 * WebSocket, including compare-date-range and data-blending queries) is checked here before Cube
 * touches it. A query that names anything but a visible member of a scoped public view, or that
 * Cube would answer with a 500 (huge limits, member expressions, malformed date ranges, ...), or that
 * asks for ungrouped rows of any view but visit_lines is refused with a 400 whose message says what to change.
 *
 * Row-level security itself is not here: queryRewrite (server/security/query-rewrite.ts) adds the tenant
 * filters after this check. The guard narrows what a query may say; the rewrite decides whose rows.
 */
import type * as ApiGatewayModule from '@cubejs-backend/api-gateway';
import { createRequire } from 'node:module';
import { VIEW_SCOPES, membersOfQuery } from './query-rewrite.js';

/** The views whose rows are single lines, where an `ungrouped` query (no GROUP BY) is allowed. */
const ROW_LEVEL_VIEWS: ReadonlySet<string> = new Set(['visit_lines']);

const require = createRequire(import.meta.url);
const { UserError, CubejsHandlerError } = require('@cubejs-backend/api-gateway') as typeof ApiGatewayModule;
type ApiGateway = ApiGatewayModule.ApiGateway;

/** Bounds on one request; generous for any dashboard, tight enough that no query is a weapon. */
interface QueryLimits {
  /** Largest `limit` (Cube's CUBEJS_DB_QUERY_LIMIT; above it stock Cube answers 500). */
  maxRowLimit: number;
  maxOffset: number;
  /** Queries in one data-blending array, ranges in one compareDateRange. */
  maxQueriesPerRequest: number;
  /** Members named in one list (measures, dimensions, ...). */
  maxMembersPerList: number;
  /** Leaf filters in one query, and how deep `and`/`or` may nest. */
  maxFilters: number;
  maxFilterDepth: number;
  /** Values of one filter, and characters of one value. */
  maxValuesPerFilter: number;
  maxValueLength: number;
}

const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxRowLimit: 50_000,
  maxOffset: 10_000_000,
  maxQueriesPerRequest: 12,
  maxMembersPerList: 50,
  maxFilters: 200,
  maxFilterDepth: 8,
  maxValuesPerFilter: 1000,
  maxValueLength: 1000,
};

type MemberKind = 'measure' | 'dimension' | 'segment';

interface CatalogMember {
  kind: MemberKind;
  /** Cube's member type: number, string, time, boolean (measures: number, string, time, boolean). */
  type: string;
  /** Granularity names a time dimension accepts besides the standard ones (custom granularities). */
  granularities?: string[];
}

/** What a request may name: the visible members of the views that have a row-level scope. */
interface QueryCatalog {
  members: Map<string, CatalogMember>;
  /** Visible views without a scope in VIEW_SCOPES: named in a clearer error. */
  unscopedViews: Set<string>;
}

interface MetaMember {
  name: string;
  type: string;
  isVisible?: boolean;
  granularities?: { name: string }[];
}
interface MetaCube {
  name: string;
  type?: string;
  isVisible?: boolean;
  measures?: MetaMember[];
  dimensions?: MetaMember[];
  segments?: MetaMember[];
}

/** Builds the catalog from Cube's compiled meta (the same the /meta endpoint lists). */
export function catalogFromMeta(
  cubes: readonly (MetaCube | { config: MetaCube })[],
  scopedViews: readonly string[] = Object.keys(VIEW_SCOPES),
): QueryCatalog {
  const catalog: QueryCatalog = { members: new Map(), unscopedViews: new Set() };
  for (const entry of cubes) {
    const cube = 'config' in entry ? entry.config : entry;
    if (cube.isVisible === false) continue;
    if (!scopedViews.includes(cube.name)) {
      catalog.unscopedViews.add(cube.name);
      continue;
    }
    const add = (kind: MemberKind, members: MetaMember[] | undefined) => {
      for (const m of members ?? []) {
        if (m.isVisible === false) continue;
        const member: CatalogMember = { kind, type: m.type };
        if (m.granularities?.length) member.granularities = m.granularities.map((g) => g.name);
        catalog.members.set(m.name, member);
      }
    };
    add('measure', cube.measures);
    add('dimension', cube.dimensions);
    add('segment', cube.segments);
  }
  return catalog;
}

const STANDARD_GRANULARITIES = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];

/** Query properties a client may send. Everything else (subqueryJoins, joinHints, ...) is internal to Cube. */
const ALLOWED_QUERY_KEYS = new Set([
  'measures',
  'dimensions',
  'segments',
  'timeDimensions',
  'filters',
  'order',
  'limit',
  'offset',
  'total',
  'timezone',
  'responseFormat',
  'cache',
  'cacheMode',
]);

export const OPERATORS_BY_TYPE: Record<string, readonly string[]> = {
  string: [
    'equals',
    'notEquals',
    'contains',
    'notContains',
    'startsWith',
    'notStartsWith',
    'endsWith',
    'notEndsWith',
    'in',
    'notIn',
    'gt',
    'gte',
    'lt',
    'lte',
    'set',
    'notSet',
  ],
  number: ['equals', 'notEquals', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte', 'set', 'notSet'],
  time: [
    'equals',
    'notEquals',
    'in',
    'notIn',
    'gt',
    'gte',
    'lt',
    'lte',
    'set',
    'notSet',
    'inDateRange',
    'notInDateRange',
    'onTheDate',
    'beforeDate',
    'beforeOrOnDate',
    'afterDate',
    'afterOrOnDate',
  ],
  boolean: ['equals', 'notEquals', 'set', 'notSet'],
};
const ALL_OPERATORS = [...new Set([...Object.values(OPERATORS_BY_TYPE).flat(), 'measureFilter'])];
const DATE_RANGE_OPERATORS = ['inDateRange', 'notInDateRange', 'onTheDate'];
const SINGLE_DATE_OPERATORS = ['beforeDate', 'beforeOrOnDate', 'afterDate', 'afterOrOnDate'];

// Cube's own pattern for absolute dates and timestamps (api-gateway query.js, AbsoluteDateTimeRegex).
const ABSOLUTE_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

const META_HINT = 'the members you can query are listed by GET /cubejs-api/v1/meta';

class QueryProblem extends UserError {
  constructor(message: string) {
    super(`Invalid query: ${message}`);
  }
}

const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/** A calendar-valid absolute date or timestamp (2024-02-30 and 2024-13-01 are not). */
export function isAbsoluteDate(value: string): boolean {
  const m = ABSOLUTE_DATE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return false;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59)) return false;
  return true;
}

function checkAbsoluteDate(value: unknown, where: string): string {
  if (typeof value !== 'string' || !isAbsoluteDate(value)) {
    throw new QueryProblem(`${where}: ${show(value)} is not a date; use YYYY-MM-DD or YYYY-MM-DDTHH:mm:ss.SSS`);
  }
  return value;
}

/** A relative range such as "last month" (Cube parses it); looks-like-a-date text must be a real date. */
function checkRelativeOrAbsolute(value: unknown, where: string): void {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 100) {
    throw new QueryProblem(`${where}: ${show(value)} is neither a date nor a relative range such as "last month"`);
  }
  if (/^\d/.test(value.trim())) checkAbsoluteDate(value, where);
}

function checkDateRange(range: unknown, where: string): void {
  if (typeof range === 'string') return checkRelativeOrAbsolute(range, where);
  if (!Array.isArray(range) || range.length < 1 || range.length > 2) {
    throw new QueryProblem(`${where} must be a relative range such as "last month" or an array [from, to] of dates`);
  }
  const [from, to] = range.map((d, i) => checkAbsoluteDate(d, `${where}[${i}]`));
  if (to !== undefined && from!.slice(0, 10) > to.slice(0, 10)) {
    throw new QueryProblem(`${where}: the range starts (${from}) after it ends (${to})`);
  }
}

/** Checks queries before Cube sees them; throws a 400 (UserError) naming the first problem. */
export class QueryValidator {
  constructor(
    private readonly catalog: QueryCatalog,
    private readonly limits: QueryLimits = DEFAULT_QUERY_LIMITS,
  ) {}

  /** The parsed query (string input is JSON-decoded), validated. */
  validate(input: unknown): Record<string, unknown> | Record<string, unknown>[] {
    let query = input;
    if (typeof query === 'string') {
      try {
        query = JSON.parse(query);
      } catch (e) {
        throw new QueryProblem(`the query is not valid JSON: ${(e as Error).message}`);
      }
    }
    if (Array.isArray(query)) {
      if (query.length === 0 || query.length > this.limits.maxQueriesPerRequest) {
        throw new QueryProblem(
          `a data blending query is an array of 1 to ${this.limits.maxQueriesPerRequest} queries, got ${query.length}`,
        );
      }
      query.forEach((q, i) => this.validateOne(q, `query[${i}]`));
      return query as Record<string, unknown>[];
    }
    this.validateOne(query, 'query');
    return query as Record<string, unknown>;
  }

  private member(name: unknown, where: string, kinds: readonly MemberKind[]): CatalogMember {
    if (typeof name !== 'string' || name === '') throw new QueryProblem(`${where} must be a member name such as "view.member"`);
    if (name.trimStart().startsWith('{')) {
      throw new QueryProblem(`${where}: member expressions are not allowed; name members of the public views (${META_HINT})`);
    }
    const member = this.catalog.members.get(name);
    if (!member) {
      const view = name.split('.')[0]!;
      if (this.catalog.unscopedViews.has(view)) {
        throw new QueryProblem(`${where}: view '${view}' has no row-level scope on this server, so it cannot be queried`);
      }
      throw new QueryProblem(`${where}: unknown or private member '${show(name).slice(1, -1)}'; ${META_HINT}`);
    }
    if (!kinds.includes(member.kind)) {
      throw new QueryProblem(`${where}: '${name}' is a ${member.kind}, not a ${kinds.join(' or ')}`);
    }
    return member;
  }

  private list(value: unknown, where: string): unknown[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw new QueryProblem(`${where} must be an array`);
    if (value.length > this.limits.maxMembersPerList) {
      throw new QueryProblem(`${where} names ${value.length} members; at most ${this.limits.maxMembersPerList} are allowed`);
    }
    return value;
  }

  private granularity(member: CatalogMember, granularity: unknown, where: string): void {
    if (typeof granularity !== 'string' || !(STANDARD_GRANULARITIES.includes(granularity) || member.granularities?.includes(granularity))) {
      throw new QueryProblem(
        `${where}: granularity ${show(granularity)} is not one of ${[...STANDARD_GRANULARITIES, ...(member.granularities ?? [])].join(', ')}`,
      );
    }
  }

  /** Row-level data only where it is the point: a view of ROW_LEVEL_VIEWS, dimensions only (the lines
   * themselves; an ungrouped measure would be a per-row expression, not a figure). Without GROUP BY a
   * page of lines is read straight from the item partitions (docs/model.md, "visit_lines"). */
  private ungrouped(q: Record<string, unknown>, where: string): void {
    const outside = [...membersOfQuery(q)].filter((m) => !ROW_LEVEL_VIEWS.has(m.split('.')[0]!));
    if (outside.length > 0) {
      throw new QueryProblem(
        `${where}.ungrouped is only available on ${[...ROW_LEVEL_VIEWS].join(', ')} (one row per line); '${outside[0]}' is not a member of it`,
      );
    }
    if (Array.isArray(q.measures) && q.measures.length > 0) {
      throw new QueryProblem(`${where}.ungrouped returns lines, not figures: remove the measures, or query without ungrouped`);
    }
  }

  private validateOne(query: unknown, where: string): void {
    if (!query || typeof query !== 'object' || Array.isArray(query)) {
      throw new QueryProblem(`${where} must be a JSON object such as {"measures": ["service_code_usage.units_billed"]}`);
    }
    const q = query as Record<string, unknown>;
    for (const key of Object.keys(q)) {
      if (key === 'ungrouped') {
        if (typeof q.ungrouped !== 'boolean') throw new QueryProblem(`${where}.ungrouped must be true or false`);
        continue;
      }
      if (!ALLOWED_QUERY_KEYS.has(key)) {
        throw new QueryProblem(
          `${where} has an unknown property '${show(key).slice(1, -1)}'; allowed: ${[...ALLOWED_QUERY_KEYS].join(', ')}`,
        );
      }
    }
    const selected = new Set<string>();
    this.list(q.measures, `${where}.measures`).forEach((m, i) => {
      this.member(m, `${where}.measures[${i}]`, ['measure']);
      selected.add(m as string);
    });
    this.list(q.dimensions, `${where}.dimensions`).forEach((d, i) => {
      const at = `${where}.dimensions[${i}]`;
      const parts = typeof d === 'string' ? d.split('.') : [];
      if (parts.length === 3) {
        const base = `${parts[0]}.${parts[1]}`;
        const member = this.member(base, at, ['dimension']);
        if (member.type !== 'time') throw new QueryProblem(`${at}: '${base}' is not a time dimension, so it has no granularity`);
        this.granularity(member, parts[2], at);
        selected.add(base);
      } else {
        this.member(d, at, ['dimension']);
      }
      selected.add(d as string);
    });
    this.list(q.segments, `${where}.segments`).forEach((s, i) => this.member(s, `${where}.segments[${i}]`, ['segment']));
    let compareRanges = 0;
    this.list(q.timeDimensions, `${where}.timeDimensions`).forEach((td, i) => {
      const at = `${where}.timeDimensions[${i}]`;
      if (!td || typeof td !== 'object' || Array.isArray(td))
        throw new QueryProblem(`${at} must be an object {dimension, granularity?, dateRange?}`);
      const t = td as Record<string, unknown>;
      for (const key of Object.keys(t)) {
        if (!['dimension', 'granularity', 'dateRange', 'compareDateRange'].includes(key)) {
          throw new QueryProblem(`${at} has an unknown property '${show(key).slice(1, -1)}'`);
        }
      }
      const member = this.member(t.dimension, `${at}.dimension`, ['dimension']);
      if (member.type !== 'time') throw new QueryProblem(`${at}.dimension: '${String(t.dimension)}' is not a time dimension`);
      if (t.granularity !== undefined) this.granularity(member, t.granularity, `${at}.granularity`);
      if (t.dateRange !== undefined && t.compareDateRange !== undefined) {
        throw new QueryProblem(`${at} has both dateRange and compareDateRange; use one`);
      }
      if (t.dateRange !== undefined) checkDateRange(t.dateRange, `${at}.dateRange`);
      if (t.compareDateRange !== undefined) {
        const ranges = t.compareDateRange;
        if (!Array.isArray(ranges) || ranges.length === 0 || ranges.length > this.limits.maxQueriesPerRequest) {
          throw new QueryProblem(`${at}.compareDateRange must be an array of 1 to ${this.limits.maxQueriesPerRequest} date ranges`);
        }
        ranges.forEach((r, j) => checkDateRange(r, `${at}.compareDateRange[${j}]`));
        compareRanges += 1;
      }
      selected.add(t.dimension as string);
    });
    if (compareRanges > 1) throw new QueryProblem(`${where}: compareDateRange can be used on one time dimension only`);
    if (q.filters !== undefined) {
      if (!Array.isArray(q.filters)) throw new QueryProblem(`${where}.filters must be an array`);
      const count = { leaves: 0 };
      q.filters.forEach((f, i) => this.filter(f, `${where}.filters[${i}]`, 1, count));
    }
    this.order(q.order, `${where}.order`, selected);
    if (q.ungrouped === true) this.ungrouped(q, where);
    if (q.limit !== undefined && q.limit !== null) {
      if (typeof q.limit !== 'number' || !Number.isInteger(q.limit) || q.limit < 0) {
        throw new QueryProblem(`${where}.limit must be a whole number of rows, got ${show(q.limit)}`);
      }
      if (q.limit > this.limits.maxRowLimit) {
        throw new QueryProblem(`${where}.limit ${q.limit} is above the maximum of ${this.limits.maxRowLimit} rows; page with offset`);
      }
    }
    if (q.offset !== undefined && q.offset !== null) {
      if (typeof q.offset !== 'number' || !Number.isInteger(q.offset) || q.offset < 0 || q.offset > this.limits.maxOffset) {
        throw new QueryProblem(`${where}.offset must be a whole number from 0 to ${this.limits.maxOffset}, got ${show(q.offset)}`);
      }
    }
  }

  private filter(filter: unknown, where: string, depth: number, count: { leaves: number }): void {
    if (!filter || typeof filter !== 'object' || Array.isArray(filter)) {
      throw new QueryProblem(`${where} must be a filter object {member, operator, values} or {and: [...]} / {or: [...]}`);
    }
    const f = filter as Record<string, unknown>;
    if ('and' in f || 'or' in f) {
      const keys = Object.keys(f);
      const key = keys[0];
      if (keys.length !== 1 || (key !== 'and' && key !== 'or')) {
        throw new QueryProblem(`${where} must have exactly one of "and" or "or", and nothing else`);
      }
      if (depth >= this.limits.maxFilterDepth) {
        throw new QueryProblem(`${where}: filters nest deeper than ${this.limits.maxFilterDepth} levels`);
      }
      const items = f[key];
      if (!Array.isArray(items) || items.length === 0) throw new QueryProblem(`${where}.${key} must be a non-empty array of filters`);
      items.forEach((item, i) => this.filter(item, `${where}.${key}[${i}]`, depth + 1, count));
      return;
    }
    count.leaves += 1;
    if (count.leaves > this.limits.maxFilters) throw new QueryProblem(`more than ${this.limits.maxFilters} filters in one query`);
    for (const key of Object.keys(f)) {
      if (!['member', 'dimension', 'operator', 'values'].includes(key)) {
        throw new QueryProblem(`${where} has an unknown property '${show(key).slice(1, -1)}'`);
      }
    }
    if (f.member !== undefined && f.dimension !== undefined) throw new QueryProblem(`${where} has both member and dimension; use member`);
    const name = f.member ?? f.dimension;
    const member = this.member(name, `${where}.member`, ['measure', 'dimension']);
    const operator = f.operator;
    if (typeof operator !== 'string' || !ALL_OPERATORS.includes(operator)) {
      throw new QueryProblem(`${where}.operator ${show(operator)} is not a filter operator; use one of ${ALL_OPERATORS.join(', ')}`);
    }
    const allowed = operator === 'measureFilter' ? (member.kind === 'measure' ? [operator] : []) : (OPERATORS_BY_TYPE[member.type] ?? []);
    if (!allowed.includes(operator)) {
      throw new QueryProblem(`${where}: operator ${operator} does not apply to '${String(name)}' (a ${member.type} ${member.kind})`);
    }
    const noValues = ['set', 'notSet', 'measureFilter'].includes(operator);
    if (f.values === undefined && noValues) return;
    if (!Array.isArray(f.values)) throw new QueryProblem(`${where}.values must be an array`);
    const values = f.values;
    if (!noValues && values.length === 0) throw new QueryProblem(`${where}.values must hold at least one value for ${operator}`);
    if (values.length > this.limits.maxValuesPerFilter) {
      throw new QueryProblem(`${where}.values holds ${values.length} values; at most ${this.limits.maxValuesPerFilter} are allowed`);
    }
    values.forEach((v, i) => {
      const at = `${where}.values[${i}]`;
      if (v === null ? operator !== 'equals' && operator !== 'notEquals' : !['string', 'number', 'boolean'].includes(typeof v)) {
        throw new QueryProblem(`${at} must be a string or a number, got ${show(v)}`);
      }
      if (typeof v === 'string' && v.length > this.limits.maxValueLength) {
        throw new QueryProblem(`${at} is longer than ${this.limits.maxValueLength} characters`);
      }
      if (typeof v === 'number' && !Number.isFinite(v)) throw new QueryProblem(`${at} must be a finite number`);
    });
    if (member.type === 'number' && !noValues) {
      values.forEach((v, i) => {
        if (v !== null && !(typeof v === 'number' || (typeof v === 'string' && NUMBER_TEXT.test(v.trim())))) {
          throw new QueryProblem(`${where}.values[${i}]: '${String(name)}' is a number, got ${show(v)}`);
        }
      });
    }
    if (member.type === 'time' && !noValues) {
      if (DATE_RANGE_OPERATORS.includes(operator)) {
        if (values.length === 1) checkRelativeOrAbsolute(values[0], `${where}.values[0]`);
        else if (values.length === 2) checkDateRange(values, `${where}.values`);
        else throw new QueryProblem(`${where}.values for ${operator} must be [from, to] or one relative range such as "last month"`);
      } else if (SINGLE_DATE_OPERATORS.includes(operator)) {
        if (values.length !== 1) throw new QueryProblem(`${where}.values for ${operator} must hold exactly one date`);
        checkRelativeOrAbsolute(values[0], `${where}.values[0]`);
      } else {
        values.forEach((v, i) => v !== null && checkAbsoluteDate(v, `${where}.values[${i}]`));
      }
    }
  }

  private order(order: unknown, where: string, selected: Set<string>): void {
    if (order === undefined || order === null) return;
    let entries: [unknown, unknown][];
    if (Array.isArray(order)) {
      entries = order.map((entry, i) => {
        if (!Array.isArray(entry) || entry.length !== 2) throw new QueryProblem(`${where}[${i}] must be [member, "asc" | "desc"]`);
        return [entry[0], entry[1]];
      });
    } else if (typeof order === 'object') {
      entries = Object.entries(order);
    } else {
      throw new QueryProblem(`${where} must be an object {member: "asc" | "desc"} or an array of [member, direction]`);
    }
    if (entries.length > this.limits.maxMembersPerList) throw new QueryProblem(`${where} has too many entries`);
    entries.forEach(([name, direction], i) => {
      const at = `${where}[${i}]`;
      if (direction !== 'asc' && direction !== 'desc')
        throw new QueryProblem(`${at}: direction must be "asc" or "desc", got ${show(direction)}`);
      if (typeof name !== 'string' || !selected.has(name)) {
        this.member(name, at, ['measure', 'dimension']);
        throw new QueryProblem(`${at}: the query orders by '${String(name)}' but does not select it`);
      }
    });
  }
}

/** Plain Errors stock Cube throws for a user's mistake (answered 500 by Cube); they are 400s. */
const USER_MISTAKES = [
  /^The query limit has been exceeded/,
  /^Expressions are not allowed in this context/,
  /QueryTimeDimension should be specified/,
  /^Inconsistent .*configuration/,
  /^Invalid query format/,
];

export function asUserMistake(e: unknown): unknown {
  if (e instanceof CubejsHandlerError) return e;
  const message = (e as Error)?.message;
  if (typeof message === 'string' && USER_MISTAKES.some((re) => re.test(message))) return new UserError(message);
  return e;
}

type NormalizeFn = (
  inputQuery: unknown,
  context: { securityContext?: unknown; requestId?: string },
  ...rest: unknown[]
) => Promise<unknown>;
interface GuardableGateway {
  getNormalizedQueries: NormalizeFn;
  getCompilerApi(
    context: unknown,
  ): Promise<{ metaConfig(context: unknown, options: { requestId?: string }): Promise<MetaCube[] | { config: MetaCube }[]> }>;
}

/**
 * Puts the guard in front of Cube's query normalization, the one step every data path (REST and
 * WebSocket load, sql, dry-run, subscribe) goes through, before Cube runs any SQL.
 */
export function installQueryGuard(gateway: ApiGateway, limits: QueryLimits = DEFAULT_QUERY_LIMITS): void {
  const g = gateway as unknown as GuardableGateway;
  const normalize = g.getNormalizedQueries.bind(gateway);
  g.getNormalizedQueries = async (inputQuery, context, ...rest) => {
    const compilerApi = await g.getCompilerApi(context);
    const meta = await compilerApi.metaConfig(context, { requestId: context.requestId });
    const query = new QueryValidator(catalogFromMeta(meta), limits).validate(inputQuery);
    try {
      return await normalize(query, context, ...rest);
    } catch (e) {
      throw asUserMistake(e);
    }
  };
}
