/**
 * Problems with a query, each tied to the field at fault so the page shows it there: the ones the
 * explorer can see before asking (a value of the wrong type, a range that is not a range, members of
 * two views), and the API's own 400 message, placed by what it names.
 */
import { isIsoDate } from '../lib/clinic-calendar.js';
import { arityOf, operatorsFor, type Catalog } from './explore-catalog.js';
import { MAX_LIMIT, membersOf, orderableMembers, viewOf, type ExploreQuery } from './explore-query.js';

/** A field of the explorer's form. */
export type FieldId = 'measures' | 'dimensions' | 'time' | 'order' | 'limit' | `filter:${number}` | 'query';

export interface FieldProblem {
  field: FieldId;
  message: string;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function filterProblem(q: ExploreQuery, index: number, catalog: Catalog): string | null {
  const f = q.filters[index]!;
  const member = catalog.members.get(f.member);
  if (!member) return `'${f.member}' is not a member of any view you can query.`;
  if (!operatorsFor(member).includes(f.operator)) return `"${f.operator}" does not apply to ${member.title}.`;
  const arity = arityOf(f.operator);
  const values = f.values.map((v) => v.trim());
  if (arity === 'none') return null;
  if (values.length === 0 || values.some((v) => v === '')) {
    return arity === 'range' ? 'Give both dates of the range.' : `Give ${arity === 'one' ? 'a value' : 'at least one value'}.`;
  }
  if (arity === 'one' && values.length !== 1) return 'Give exactly one value.';
  const numeric = member.kind === 'measure' || member.type === 'number';
  if (numeric) {
    const bad = values.find((v) => !NUMBER.test(v));
    if (bad !== undefined) return `${member.title} is a number: "${bad}" is not one.`;
  }
  if (member.type === 'time' && member.kind === 'dimension') {
    const bad = values.find((v) => !isIsoDate(v.slice(0, 10)) || !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?$/.test(v));
    if (bad !== undefined) return `"${bad}" is not a date (YYYY-MM-DD).`;
    if (arity === 'range') {
      if (values.length !== 2) return 'A range is two dates: from and to.';
      if (values[0]! > values[1]!) return `The range ends (${values[1]}) before it starts (${values[0]}).`;
    }
  }
  return null;
}

/** What is wrong with the query before it is sent; empty when it can be asked. */
export function queryProblems(q: ExploreQuery, catalog: Catalog): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const views = new Set(membersOf(q).map(viewOf));
  if (views.size > 1) {
    problems.push({ field: 'query', message: `Members of different views cannot be combined (${[...views].join(', ')}): keep one view.` });
  }
  for (const field of ['measures', 'dimensions'] as const) {
    const unknown = q[field].find((name) => !catalog.members.has(name));
    if (unknown) problems.push({ field, message: `'${unknown}' is not a member of any view you can query.` });
  }
  if (q.measures.length === 0 && q.dimensions.length === 0 && !q.time?.granularity) {
    problems.push({ field: 'measures', message: 'Pick at least one measure or dimension.' });
  }
  if (q.time) {
    const member = catalog.members.get(q.time.dimension);
    if (!member || member.type !== 'time') {
      problems.push({ field: 'time', message: `'${q.time.dimension}' is not a time dimension.` });
    }
    const range = q.time.dateRange;
    if (range && (!isIsoDate(range.from) || !isIsoDate(range.to))) {
      problems.push({ field: 'time', message: 'The date range needs two dates (YYYY-MM-DD).' });
    } else if (range && range.from > range.to) {
      problems.push({ field: 'time', message: `The range ends (${range.to}) before it starts (${range.from}).` });
    }
    if (q.time.compare && !range) problems.push({ field: 'time', message: 'A comparison needs a date range to compare.' });
  }
  q.filters.forEach((_, i) => {
    const message = filterProblem(q, i, catalog);
    if (message) problems.push({ field: `filter:${i}`, message });
  });
  const orderable = new Set(orderableMembers(q));
  const stray = q.order.find(([member]) => !orderable.has(member));
  if (stray) problems.push({ field: 'order', message: `The rows are ordered by '${stray[0]}', which the query does not select.` });
  if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > MAX_LIMIT) {
    problems.push({ field: 'limit', message: `The row limit must be a whole number from 1 to ${MAX_LIMIT}.` });
  }
  return problems;
}

/**
 * The field an API error is about, from what its message names: the query guard says where
 * (`query.filters[1].values[0]`, `timeDimensions[0].dateRange`, `order`, `limit`), Cube names the
 * member ('service_code_usage.foo' not found). Anything else belongs to the query as a whole.
 */
export function fieldOfApiError(message: string, q: ExploreQuery): FieldId {
  const filter = /filters\[(\d+)\]/.exec(message);
  if (filter && Number(filter[1]) < q.filters.length) return `filter:${Number(filter[1])}`;
  if (/timeDimensions|dateRange|granularity/.test(message)) return 'time';
  if (/\border\b/.test(message)) return 'order';
  if (/\blimit\b/.test(message)) return 'limit';
  const named = (name: string) => message.includes(name);
  const filterIndex = q.filters.findIndex((f) => named(f.member));
  if (q.measures.some(named)) return 'measures';
  if (q.dimensions.some(named)) return 'dimensions';
  if (q.time && named(q.time.dimension)) return 'time';
  if (filterIndex >= 0) return `filter:${filterIndex}`;
  return 'query';
}
