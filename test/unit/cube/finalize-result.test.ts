/**
 * The JS-mode result finalizer against the response shape Cube documents for /v1/load
 * (https://cube.dev/docs/product/apis-integrations/rest-api/reference#v1load): rows keyed by member
 * name, `cube.dim.granularity` plus the bare `cube.dim` for time dimensions, timestamps as
 * `YYYY-MM-DDTHH:mm:ss.SSS`, the compact format `{ members, dataset }`, `compareDateRange`.
 */
import { describe, expect, it } from 'vitest';
import {
  formatTimeValue,
  pivotQuery,
  publicQuery,
  transformRows,
  type ColumnarRows,
  type TransformDataRequest,
} from '../../../server/cube/finalize-result.js';

const annotation = {
  'v.units': { title: 'Units', type: 'number' },
  'v.code': { title: 'Code', type: 'string' },
  'v.day': { title: 'Day', type: 'time' },
  'v.day.day': { title: 'Day', type: 'time', granularity: { name: 'day' } },
  'v.day.month': { title: 'Day', type: 'time', granularity: { name: 'month' } },
};
const aliasToMemberNameMap = {
  v__units: 'v.units',
  v__code: 'v.code',
  v__day_day: 'v.day.day',
  v__day_month: 'v.day.month',
};

function request(overrides: Partial<TransformDataRequest> = {}): TransformDataRequest {
  return {
    aliasToMemberNameMap,
    annotation,
    query: { measures: ['v.units'], dimensions: ['v.code'], timeDimensions: [] },
    queryType: 'regularQuery',
    resType: 'default',
    ...overrides,
  };
}

const rows = (members: string[], ...data: unknown[][]): ColumnarRows => ({
  members,
  columns: members.map((_, i) => data.map((r) => r[i]) as never),
});

describe('formatTimeValue', () => {
  it.each([
    ['2025-01-31T00:00:00.000', '2025-01-31T00:00:00.000'],
    ['2025-01-31 00:00:00', '2025-01-31T00:00:00.000'],
    ['2025-01-31 13:04:05.123456', '2025-01-31T13:04:05.123'],
    ['2025-01-31T13:04:05', '2025-01-31T13:04:05.000'],
    ['2025-01-31T13:04:05.5Z', '2025-01-31T13:04:05.500'],
    // RFC 3339 with an offset is printed in its own offset, as Cube's transform does.
    ['2025-01-31T23:30:00+05:00', '2025-01-31T23:30:00.000'],
    ['not a date', 'not a date'],
  ])('%s → %s', (input, expected) => {
    expect(formatTimeValue(input)).toBe(expected);
  });
});

describe('transformRows, default format', () => {
  it('keys rows by member name and keeps values exactly (decimals stay strings)', () => {
    const data = transformRows(request(), rows(['v__code', 'v__units'], ['98941', '70.50'], ['97110', '3']));
    expect(data).toEqual([
      { 'v.code': '98941', 'v.units': '70.50' },
      { 'v.code': '97110', 'v.units': '3' },
    ]);
  });

  it('adds the bare time dimension with the finest granularity value', () => {
    const req = request({
      query: { measures: ['v.units'], timeDimensions: [{ dimension: 'v.day', granularity: 'day' }] },
    });
    const data = transformRows(req, rows(['v__day_month', 'v__day_day', 'v__units'], ['2025-01-01 00:00:00', '2025-01-31 00:00:00', 4]));
    expect(data).toEqual([
      {
        'v.day.month': '2025-01-01T00:00:00.000',
        'v.day.day': '2025-01-31T00:00:00.000',
        'v.units': 4,
        'v.day': '2025-01-31T00:00:00.000',
      },
    ]);
  });

  it('does not add the bare time dimension when it is also asked for as a dimension', () => {
    const req = request({
      annotation: { ...annotation },
      query: { measures: ['v.units'], dimensions: ['v.day'], timeDimensions: [{ dimension: 'v.day', granularity: 'day' }] },
    });
    const data = transformRows(req, rows(['v__day_day', 'v__units'], ['2025-01-31T00:00:00.000', 1]));
    expect(Object.keys((data as object[])[0]!)).toEqual(['v.day.day', 'v.units']);
  });

  it('labels every row of a compareDateRange query with its range', () => {
    const req = request({
      queryType: 'compareDateRangeQuery',
      query: { measures: ['v.units'], timeDimensions: [{ dimension: 'v.day', dateRange: ['2025-01-01', '2025-01-31'] }] },
    });
    expect(transformRows(req, rows(['v__units'], ['9']))).toEqual([{ 'v.units': '9', compareDateRange: '2025-01-01 - 2025-01-31' }]);
  });

  it('returns no rows for an empty result', () => {
    expect(transformRows(request(), { members: [], columns: [] })).toEqual([]);
  });

  it('returns no rows for an empty result filtered by a date range only (the time dimension is not annotated)', () => {
    const { 'v.day': _day, 'v.day.day': _d, 'v.day.month': _m, ...withoutTime } = annotation;
    const req = request({
      annotation: withoutTime,
      query: {
        measures: ['v.units'],
        dimensions: ['v.code'],
        timeDimensions: [{ dimension: 'v.day', dateRange: ['2030-01-01', '2030-01-31'] }],
      },
    });
    expect(transformRows(req, { members: [], columns: [] })).toEqual([]);
  });

  it('refuses a member missing from the annotation (hidden), even when the result is empty', () => {
    const req = request({ query: { measures: ['v.secret'] } });
    expect(() => transformRows(req, { members: [], columns: [] })).toThrow(/hidden member: 'v.secret'/);
    const req2 = request({ aliasToMemberNameMap: { ...aliasToMemberNameMap, v__secret: 'v.secret' } });
    expect(() => transformRows(req2, rows(['v__secret'], [1]))).toThrow(/hidden member/);
  });
});

describe('transformRows, compact format', () => {
  it('gives members in column order and one array per row', () => {
    const req = request({
      resType: 'compact',
      query: { measures: ['v.units'], dimensions: ['v.code'], timeDimensions: [{ dimension: 'v.day', granularity: 'month' }] },
    });
    const data = transformRows(req, rows(['v__code', 'v__day_month', 'v__units'], ['98941', '2025-02-01 00:00:00', '2']));
    expect(data).toEqual({
      members: ['v.code', 'v.day.month', 'v.units', 'v.day'],
      dataset: [['98941', '2025-02-01T00:00:00.000', '2', '2025-02-01T00:00:00.000']],
    });
  });

  it('appends compareDateRange as the last member', () => {
    const req = request({
      resType: 'compact',
      queryType: 'compareDateRangeQuery',
      query: { measures: ['v.units'], timeDimensions: [{ dimension: 'v.day', dateRange: ['2024-01-01', '2024-01-31'] }] },
    });
    expect(transformRows(req, rows(['v__units'], ['1']))).toEqual({
      members: ['v.units', 'compareDateRange'],
      dataset: [['1', '2024-01-01 - 2024-01-31']],
    });
  });
});

describe('publicQuery and pivotQuery', () => {
  it("keeps only the fields of Cube's NormalizedQuery, in its order, without empty values", () => {
    const q = publicQuery({
      order: [{ id: 'v.units', desc: true, extra: 1 } as never],
      measures: ['v.units'],
      limit: 10,
      offset: null,
      filters: [{ or: [{ member: 'v.code', operator: 'equals', values: ['1'], dimension: 'v.code' }] }],
      timeDimensions: [{ dimension: 'v.day', granularity: 'day', extra: true } as never],
      somethingInternal: 'x',
    });
    expect(Object.keys(q)).toEqual(['measures', 'timeDimensions', 'limit', 'filters', 'order']);
    expect(q.order).toEqual([{ id: 'v.units', desc: true }]);
    expect(q.timeDimensions).toEqual([{ dimension: 'v.day', granularity: 'day' }]);
    expect(q.filters).toEqual([{ or: [{ member: 'v.code', operator: 'equals', values: ['1'] }] }]);
  });

  it('widens a compareDateRange pivot with the compareDateRange dimension', () => {
    const pivot = pivotQuery('compareDateRangeQuery', [{ measures: ['v.units'], dimensions: ['v.code'] }]);
    expect(pivot).toEqual({ measures: ['v.units'], dimensions: ['compareDateRange', 'v.code'], queryType: 'compareDateRangeQuery' });
  });
});
