/**
 * Point 4 of the no-native adapter (server/cube/js-mode.ts): query results finalized in TypeScript.
 *
 * Stock Cube hands a `ResultWrapper` / `ResultMultiWrapper` to its native module, which serializes the
 * final JSON object. Without it, `finalizeResult` builds that object here, with the shape Cube's Rust
 * transform produces (rust/cubeorchestrator query_result_transform.rs and transport.rs in Cube's source).
 */
import type * as ApiGatewayModule from '@cubejs-backend/api-gateway';
import type * as NativeModule from '@cubejs-backend/native';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// Cube's packages are CommonJS whose exports Node's ESM loader cannot list statically: require them.
const { UserError } = require('@cubejs-backend/api-gateway') as typeof ApiGatewayModule;
const { ResultMultiWrapper, ResultWrapper } = require('@cubejs-backend/native') as typeof NativeModule;
type UserError = ApiGatewayModule.UserError;

type ResponsePrimitive = null | boolean | number | string | unknown[] | Record<string, unknown>;

/** What `ResultWrapper.getTransformData()` carries (Cube's TransformDataRequest). */
export interface TransformDataRequest {
  aliasToMemberNameMap: Record<string, string>;
  annotation: Record<string, { type?: string } & Record<string, unknown>>;
  query: NormalizedQuery;
  queryType?: QueryType;
  resType?: 'default' | 'compact';
}

type QueryType = 'regularQuery' | 'compareDateRangeQuery' | 'blendingQuery';

interface QueryTimeDimension {
  dimension: string;
  dateRange?: string[];
  compareDateRange?: unknown;
  granularity?: string;
}

interface NormalizedQuery {
  measures?: unknown[];
  dimensions?: unknown[];
  timeDimensions?: QueryTimeDimension[];
  segments?: unknown[];
  limit?: number | null;
  offset?: number | null;
  total?: boolean;
  totalQuery?: boolean;
  timezone?: string;
  renewQuery?: boolean;
  ungrouped?: boolean;
  responseFormat?: string;
  filters?: unknown[];
  rowLimit?: number | null;
  order?: { id: string; desc: boolean }[];
  queryType?: QueryType;
  [key: string]: unknown;
}

/** Raw rows as `ResultWrapper.getRawData()` serializes them: columnar JSON. */
export interface ColumnarRows {
  members: string[];
  columns: ResponsePrimitive[][];
}

type TransformedData = Record<string, ResponsePrimitive>[] | { members: string[]; dataset: ResponsePrimitive[][] };

const GRANULARITY_LEVELS: Record<string, number> = {
  second: 1,
  minute: 2,
  hour: 3,
  day: 4,
  week: 5,
  month: 6,
  quarter: 7,
  year: 8,
};
const UNKNOWN_GRANULARITY_LEVEL = 10;
const COMPARE_DATE_RANGE_FIELD = 'compareDateRange';

function hiddenMemberError(member: string): UserError {
  return new UserError(
    `You requested hidden member: '${member}'. Please make it visible using \`public: true\`. ` +
      'Please note primaryKey fields are `public: false` by default: ' +
      'https://cube.dev/docs/schema/reference/joins#setting-a-primary-key.',
  );
}

/**
 * Cube's timestamp format for `time` members: `YYYY-MM-DDTHH:mm:ss.SSS`, no zone. Strings the
 * database gave in another recognised layout are re-formatted; anything else passes unchanged.
 */
export function formatTimeValue(value: string): string {
  // RFC 3339 with an offset: printed in its own offset, the offset dropped (chrono's behaviour).
  const rfc = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|[+-]\d{2}:\d{2})$/.exec(value);
  // Naive date-times: "YYYY-MM-DD HH:MM:SS[.fff]" and "YYYY-MM-DDTHH:MM:SS".
  const naive =
    /^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/.exec(value) ??
    /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})()$/.exec(value);
  const m = rfc ?? naive;
  if (!m) return value;
  const millis = (m[5] ?? '').padEnd(3, '0').slice(0, 3);
  return `${m[1]}T${m[2]}:${m[3]}:${m[4]}.${millis}`;
}

function transformValue(value: ResponsePrimitive, memberType: string): ResponsePrimitive {
  if (memberType === 'time' && typeof value === 'string') return formatTimeValue(value);
  return value;
}

function queryHasDimension(query: NormalizedQuery, member: string): boolean {
  return (query.dimensions ?? []).some((d) => d === member);
}

function memberNameOf(m: unknown): string | undefined {
  if (typeof m === 'string') return m;
  if (m && typeof m === 'object' && typeof (m as { name?: unknown }).name === 'string') {
    return (m as { name: string }).name;
  }
  return undefined;
}

function compareDateRangeValue(query: NormalizedQuery): string {
  const td = query.timeDimensions?.[0];
  if (!td) throw new Error('QueryTimeDimension should be specified for the compare date range query.');
  if (!td.dateRange) throw new Error('Inconsistent QueryTimeDimension configuration: dateRange required.');
  if (td.dateRange.length === 1) {
    throw new Error(`Inconsistent dateRange configuration for the compare date range query: ${td.dateRange[0]}`);
  }
  return td.dateRange.join(' - ');
}

function blendingKeys(query: NormalizedQuery): { queryKey: string; responseKey: string } {
  const td = query.timeDimensions?.[0];
  if (!td) throw new Error('QueryTimeDimension should be specified for the blending query.');
  if (!td.granularity) {
    throw new Error('Inconsistent QueryTimeDimension configuration for the blending query, granularity required');
  }
  return { queryKey: `time.${td.granularity}`, responseKey: `${td.dimension}.${td.granularity}` };
}

/**
 * The members of the result, in column order, plus each time dimension without granularity
 * (its finest granularity's value, for old clients) and the compare/blending pseudo-members.
 */
function resultMembers(request: TransformDataRequest, rows: ColumnarRows) {
  const { aliasToMemberNameMap, annotation, query } = request;
  const queryType = request.queryType ?? 'regularQuery';
  const memberToAlias = new Map<string, string>();
  const members: string[] = [];

  if (rows.members.length === 0) {
    // An empty result still refuses members the caller may not see.
    const requested = [
      ...(query.measures ?? []).map(memberNameOf),
      ...(query.dimensions ?? []).map(memberNameOf),
      // A time dimension that only filters (a dateRange, no granularity) is not in Cube's annotation.
      ...(query.timeDimensions ?? []).filter((td) => td.granularity).map((td) => td.dimension),
    ].filter((m): m is string => m !== undefined);
    for (const m of requested) if (!(m in annotation)) throw hiddenMemberError(m);
    return { memberToAlias, members };
  }

  const finest = new Map<string, { level: number; alias: string }>();
  for (const alias of rows.members) {
    const member = aliasToMemberNameMap[alias];
    if (member === undefined) throw new Error(`Member name not found for alias: '${alias}'`);
    if (!(member in annotation)) throw hiddenMemberError(alias);
    memberToAlias.set(member, alias);
    members.push(member);
    const path = member.split('.');
    const base = `${path[0]}.${path[1]}`;
    if (path.length === 3 && !queryHasDimension(query, base)) {
      const level = GRANULARITY_LEVELS[path[2]!] ?? UNKNOWN_GRANULARITY_LEVEL;
      const existing = finest.get(base);
      if (!existing || existing.level >= level) finest.set(base, { level, alias });
    }
  }
  for (const [base, { alias }] of finest) {
    memberToAlias.set(base, alias);
    members.push(base);
  }
  if (queryType === 'compareDateRangeQuery') {
    members.push(COMPARE_DATE_RANGE_FIELD);
  } else if (queryType === 'blendingQuery') {
    const { queryKey } = blendingKeys(query);
    const td = query.timeDimensions![0]!;
    const alias = memberToAlias.get(td.dimension);
    if (alias !== undefined) memberToAlias.set(queryKey, alias);
    members.push(queryKey);
  }
  return { memberToAlias, members };
}

/** Rows keyed by member name (default format) or `{ members, dataset }` (compact format). */
export function transformRows(request: TransformDataRequest, rows: ColumnarRows): TransformedData {
  const { annotation, query } = request;
  const queryType = request.queryType ?? 'regularQuery';
  const { memberToAlias, members } = resultMembers(request, rows);
  const columnOf = new Map(rows.members.map((alias, i) => [alias, rows.columns[i]!]));
  const rowCount = rows.columns[0]?.length ?? 0;
  const typeOf = (member: string): string => (annotation[member]?.type as string | undefined) ?? '';

  if (request.resType === 'compact') {
    const dataset: ResponsePrimitive[][] = [];
    for (let i = 0; i < rowCount; i++) {
      const row: ResponsePrimitive[] = [];
      for (const member of members) {
        const alias = memberToAlias.get(member);
        if (!(member in annotation) || alias === undefined) continue;
        const column = columnOf.get(alias);
        if (column) row.push(transformValue(column[i] ?? null, typeOf(member)));
      }
      if (queryType === 'compareDateRangeQuery') row.push(compareDateRangeValue(query));
      else if (queryType === 'blendingQuery') {
        const alias = memberToAlias.get(blendingKeys(query).responseKey);
        const column = alias === undefined ? undefined : columnOf.get(alias);
        if (column) row.push(transformValue(column[i] ?? null, typeOf(alias!)));
      }
      dataset.push(row);
    }
    return { members, dataset };
  }

  const data: Record<string, ResponsePrimitive>[] = [];
  for (let i = 0; i < rowCount; i++) {
    const row: Record<string, ResponsePrimitive> = {};
    const finest = new Map<string, { level: number; value: ResponsePrimitive }>();
    for (const alias of rows.members) {
      const member = request.aliasToMemberNameMap[alias];
      if (member === undefined) throw new Error(`Missing member name for alias: ${alias}`);
      if (!(member in annotation)) throw hiddenMemberError(alias);
      const value = transformValue(columnOf.get(alias)![i] ?? null, typeOf(member));
      row[member] = value;
      const path = member.split('.');
      const base = `${path[0]}.${path[1]}`;
      if (path.length === 3 && !queryHasDimension(query, base)) {
        const level = GRANULARITY_LEVELS[path[2]!] ?? UNKNOWN_GRANULARITY_LEVEL;
        const existing = finest.get(base);
        if (!existing || existing.level >= level) finest.set(base, { level, value });
      }
    }
    for (const [base, { value }] of finest) row[base] = value;
    if (queryType === 'compareDateRangeQuery') row[COMPARE_DATE_RANGE_FIELD] = compareDateRangeValue(query);
    else if (queryType === 'blendingQuery') {
      const { queryKey, responseKey } = blendingKeys(query);
      if (responseKey in row) row[queryKey] = row[responseKey]!;
    }
    data.push(row);
  }
  return data;
}

// The response objects keep only the fields Cube's transport structs declare, in their order,
// and drop absent (null/undefined) optional fields, as serde does with `skip_serializing_if`.

function pick(source: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = source[key];
    if (value !== undefined && value !== null) out[key] = value;
  }
  return out;
}

const QUERY_KEYS = [
  'measures',
  'dimensions',
  'timeDimensions',
  'segments',
  'limit',
  'offset',
  'total',
  'totalQuery',
  'timezone',
  'renewQuery',
  'ungrouped',
  'responseFormat',
  'filters',
  'rowLimit',
  'order',
  'queryType',
] as const;
const TIME_DIMENSION_KEYS = ['dimension', 'dateRange', 'compareDateRange', 'granularity'] as const;
const ANNOTATION_ITEM_KEYS = [
  'title',
  'shortTitle',
  'description',
  'type',
  'format',
  'meta',
  'drillMembers',
  'drillMembersGrouped',
  'granularity',
] as const;
const RESULT_KEYS = [
  'query',
  'lastRefreshTime',
  'refreshKeyValues',
  'usedPreAggregations',
  'transformedQuery',
  'requestId',
  'annotation',
  'dataSource',
  'dbType',
  'extDbType',
  'external',
  'slowQuery',
  'total',
] as const;

function publicFilter(filter: unknown): unknown {
  if (!filter || typeof filter !== 'object') return filter;
  const f = filter as Record<string, unknown>;
  if (Array.isArray(f.and)) return { and: f.and.map(publicFilter) };
  if (Array.isArray(f.or)) return { or: f.or.map(publicFilter) };
  return pick(f, ['member', 'operator', 'values']);
}

export function publicQuery(query: NormalizedQuery): Record<string, unknown> {
  const out = pick(query, QUERY_KEYS);
  if (query.timeDimensions) {
    out.timeDimensions = query.timeDimensions.map((td) => pick(td as never, TIME_DIMENSION_KEYS));
  }
  if (query.filters) out.filters = query.filters.map(publicFilter);
  if (query.order) out.order = query.order.map(({ id, desc }) => ({ id, desc }));
  return out;
}

function publicAnnotation(annotation: Record<string, Record<string, Record<string, unknown>>>) {
  return Object.fromEntries(
    Object.entries(annotation).map(([kind, items]) => [
      kind,
      Object.fromEntries(Object.entries(items).map(([member, item]) => [member, pick(item, ANNOTATION_ITEM_KEYS)])),
    ]),
  );
}

/** One query's final JSON object, as Cube's `getFinalQueryResult` builds it. */
function finalizeResultData(root: Record<string, unknown>, request: TransformDataRequest, rows: ColumnarRows): Record<string, unknown> {
  const out = pick(root, RESULT_KEYS);
  out.query = publicQuery(root.query as NormalizedQuery);
  out.annotation = publicAnnotation((root.annotation ?? {}) as never);
  out.slowQuery = Boolean(root.slowQuery);
  out.data = transformRows(request, rows);
  return out;
}

/** `pivotQuery` of a multi result: the first query, widened the way Cube's client expects. */
export function pivotQuery(queryType: QueryType, queries: NormalizedQuery[]): Record<string, unknown> {
  const first = queries[0];
  if (!first) throw new Error('Queries list cannot be empty');
  const pivot: NormalizedQuery = { ...first };
  if (queryType === 'compareDateRangeQuery') {
    pivot.dimensions = [COMPARE_DATE_RANGE_FIELD, ...(first.dimensions ?? [])];
  } else if (queryType === 'blendingQuery') {
    const unique = (lists: (unknown[] | undefined)[]) => {
      const seen = new Map<string, unknown>();
      for (const m of lists.flatMap((l) => l ?? [])) seen.set(JSON.stringify(m), m);
      return seen.size > 0 ? [...seen.values()] : undefined;
    };
    pivot.measures = unique(queries.map((q) => q.measures));
    pivot.dimensions = unique(queries.map((q) => q.dimensions));
    const granularity = queries.map((q) => q.timeDimensions?.[0]?.granularity).find(Boolean);
    if (granularity) pivot.timeDimensions = [{ dimension: 'time', granularity }];
  }
  pivot.queryType = queryType;
  return publicQuery(pivot);
}

interface WrappedResult {
  isWrapper: true;
  getTransformData(): TransformDataRequest[];
  getRootResultObject(): Record<string, unknown>[];
  getRawData(): unknown[];
}

function columnarRows(raw: unknown): ColumnarRows {
  // A JS-driver result is serialized to columnar JSON by ResultWrapper.rowsToColumnarBuffer; a
  // native reference (a Cube Store result) cannot occur without Cube Store.
  if (!Buffer.isBuffer(raw)) throw new Error('A native query result reached the JS-mode finalizer.');
  return JSON.parse(raw.toString('utf8')) as ColumnarRows;
}

function finalizeOne(wrapper: WrappedResult): Record<string, unknown> {
  return finalizeResultData(wrapper.getRootResultObject()[0]!, wrapper.getTransformData()[0]!, columnarRows(wrapper.getRawData()[0]));
}

/** The final JSON object for a wrapped result: what the native module would have serialized. */
export function finalizeResult(message: unknown): unknown {
  if (message instanceof ResultMultiWrapper) {
    const multi = message as unknown as { results: WrappedResult[]; rootResultObject: { queryType: QueryType; slowQuery: boolean } };
    const results = multi.results.map(finalizeOne);
    return {
      queryType: multi.rootResultObject.queryType,
      results,
      pivotQuery: pivotQuery(
        multi.rootResultObject.queryType,
        multi.results.map((r) => r.getRootResultObject()[0]!.query as NormalizedQuery),
      ),
      slowQuery: Boolean(multi.rootResultObject.slowQuery),
    };
  }
  if (message instanceof ResultWrapper) return finalizeOne(message as unknown as WrappedResult);
  return message;
}
