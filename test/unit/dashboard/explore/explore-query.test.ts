import { describe, expect, it } from 'vitest';
import { comparisonRange } from '../../../../dashboard/src/lib/clinic-calendar.js';
import {
  EMPTY_QUERY,
  exploreSearch,
  fromCubeQuery,
  parseExploreSearch,
  toCubeQuery,
  type ExploreQuery,
} from '../../../../dashboard/src/explore/explore-query.js';

/** mulberry32: deterministic, so a failing case can be replayed by its seed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const V = 'service_code_usage';
const MEASURES = ['total_billed', 'insurance_paid', 'units_billed', 'line_count', 'visits_used'].map((m) => `${V}.${m}`);
const DIMENSIONS = ['service_code', 'provider_name', 'payor_name', 'case_type', 'billing_type', 'provider_id'].map((m) => `${V}.${m}`);
// Values a URL must carry intact: commas, quotes, ampersands, percent signs, hashes, non-ASCII.
const VALUES = ['98941', 'Blue Shield, PPO', 'O\'Brien & "Sons"', '100%', '#1 payor', 'Ünïcode ✓', '=cmd', ' spaced ', '12.50'];
const OPERATORS = ['equals', 'notEquals', 'contains', 'in', 'gt', 'set', 'notSet', 'startsWith'];

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}
function some<T>(r: () => number, list: readonly T[], max: number): T[] {
  return [...new Set(Array.from({ length: Math.floor(r() * (max + 1)) }, () => pick(r, list)))];
}
function isoDate(r: () => number): string {
  const d = new Date(Date.UTC(2023, 0, 1) + Math.floor(r() * 1200) * 86_400_000);
  return d.toISOString().slice(0, 10);
}

function randomQuery(r: () => number): ExploreQuery {
  const measures = some(r, MEASURES, 3);
  const dimensions = some(r, DIMENSIONS, 3);
  let time: ExploreQuery['time'] = null;
  if (r() < 0.7) {
    const a = isoDate(r);
    const b = isoDate(r);
    const dateRange = r() < 0.8 ? { from: a < b ? a : b, to: a < b ? b : a } : null;
    time = {
      dimension: `${V}.date_of_service`,
      granularity: r() < 0.3 ? null : pick(r, ['day', 'week', 'month', 'quarter', 'year']),
      dateRange,
      compare: dateRange && r() < 0.4 ? pick(r, ['previous', 'last_year'] as const) : null,
    };
  }
  const filters = Array.from({ length: Math.floor(r() * 4) }, () => {
    const operator = pick(r, OPERATORS);
    return { member: pick(r, DIMENSIONS), operator, values: operator === 'set' || operator === 'notSet' ? [] : some(r, VALUES, 3) };
  });
  const selected = [...measures, ...dimensions];
  const order = selected.length ? some(r, selected, 2).map((m) => [m, pick(r, ['asc', 'desc'] as const)] as [string, 'asc' | 'desc']) : [];
  return { measures, dimensions, time, filters, order, limit: 1 + Math.floor(r() * 50_000) };
}

describe('explorer query ↔ Cube query ↔ URL', () => {
  it('any query → URL → the same query, and → Cube JSON → the same query (500 random queries)', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const q = randomQuery(random(seed));
      const fromUrl = parseExploreSearch(exploreSearch(q));
      expect(fromUrl.problems, `seed ${seed}`).toEqual([]);
      // A query naming no member has no URL: it reads back as the empty query.
      const expected =
        q.measures.length || q.dimensions.length || q.time || q.filters.length ? q : { ...EMPTY_QUERY, limit: EMPTY_QUERY.limit };
      expect(fromUrl.query, `seed ${seed}`).toEqual(expected);
      expect(fromCubeQuery(JSON.parse(JSON.stringify(toCubeQuery(q)))).query, `seed ${seed}`).toEqual(q);
    }
  });

  it("writes a comparison as Cube compareDateRange with the report's comparison range", () => {
    const range = { from: '2026-02-01', to: '2026-02-28' };
    const q: ExploreQuery = {
      ...EMPTY_QUERY,
      measures: [`${V}.total_billed`],
      time: { dimension: `${V}.date_of_service`, granularity: 'week', dateRange: range, compare: 'previous' },
    };
    const before = comparisonRange(range, 'previous');
    expect(toCubeQuery(q).timeDimensions).toEqual([
      {
        dimension: `${V}.date_of_service`,
        granularity: 'week',
        compareDateRange: [
          ['2026-02-01', '2026-02-28'],
          [before.from, before.to],
        ],
      },
    ]);
    expect(before).toEqual({ from: '2026-01-01', to: '2026-01-31' });
  });

  it('names what a link says that the explorer cannot show, and keeps the rest', () => {
    const read = fromCubeQuery({
      measures: [`${V}.total_billed`],
      segments: ['x.y'],
      timeDimensions: [
        { dimension: `${V}.date_of_service`, dateRange: ['2026-03-01', '2026-01-01x'] },
        { dimension: `${V}.date_of_service`, granularity: 'day' },
      ],
      filters: [{ or: [] }, { member: `${V}.service_code`, operator: 'equals', values: ['98941', 12] }],
      limit: 10_000_000,
    });
    expect(read.query.measures).toEqual([`${V}.total_billed`]);
    expect(read.query.filters).toEqual([{ member: `${V}.service_code`, operator: 'equals', values: ['98941', '12'] }]);
    expect(read.query.time).toEqual({ dimension: `${V}.date_of_service`, granularity: null, dateRange: null, compare: null });
    expect(read.query.limit).toBe(EMPTY_QUERY.limit);
    expect(read.problems).toHaveLength(5);
    expect(read.problems.join(' ')).toMatch(/segments.*only the first.*date range.*Filter groups.*row limit/s);
  });

  it('a comparison of other ranges than the two the report offers is named, not guessed', () => {
    const read = fromCubeQuery({
      measures: [`${V}.total_billed`],
      timeDimensions: [
        {
          dimension: `${V}.date_of_service`,
          compareDateRange: [
            ['2026-02-01', '2026-02-28'],
            ['2025-06-01', '2025-06-30'],
          ],
        },
      ],
    });
    expect(read.query.time).toMatchObject({ dateRange: { from: '2026-02-01', to: '2026-02-28' }, compare: null });
    expect(read.problems).toEqual([expect.stringMatching(/previous period or the same period last year/)]);
  });

  it('a granularity the explorer does not offer is named and left out', () => {
    const read = fromCubeQuery({
      measures: [`${V}.total_billed`],
      timeDimensions: [{ dimension: `${V}.date_of_service`, granularity: 'hour' }],
    });
    expect(read.query.time?.granularity).toBeNull();
    expect(read.problems).toEqual([expect.stringMatching(/granularity must be one of day, week, month, quarter, year; "hour"/)]);
  });

  it('a link whose query is not JSON opens an empty explorer and says so', () => {
    const read = parseExploreSearch('?query=%7Bnot json');
    expect(read.query).toEqual(EMPTY_QUERY);
    expect(read.problems).toEqual([expect.stringMatching(/not valid JSON/)]);
    expect(parseExploreSearch('').problems).toEqual([]);
    expect(fromCubeQuery([1, 2]).problems).toEqual(['The query is not a JSON object.']);
  });
});
