/**
 * `date_of_service` is the clinic's calendar date: whatever `timezone` a query passes, a visit stays
 * on its own day, week and month — at day, month and year edges, for a single day, for a month
 * trend, for a week trend and for compared periods, on queries served from the usage rollup (day
 * rows) and from the visit-items partitions (item rows), on MariaDB and DuckDB. Expected figures come from plain SQL over the same dates.
 */
import { describe, expect, it } from 'vitest';
import { PROPERTY_DATASETS } from '../../support/datasets.js';
import { EDGE_DATES } from '../../support/property-dataset.js';
import { referenceFigures, type Measure, type ReferenceQuery } from '../../support/reference-sql.js';
import { load } from '../security/client.js';
import { apiQuery, canonical, groupsOf, modelTargets, queryApi, tokenFor, type ModelTarget } from './model-client.js';

const CLINIC = PROPERTY_DATASETS[0]!.clinicIds[0]!;
/** From UTC−11 to UTC+14: in any of them a shifted midnight lands on another date. */
const ZONES = ['Pacific/Pago_Pago', 'America/Los_Angeles', 'Asia/Tokyo', 'Pacific/Kiritimati'];
/** Served from the usage rollup / from the visit-items partitions (visit counts do not add up). */
const ROLLUP: Measure[] = ['units_billed', 'total_billed'];
const ITEMS: Measure[] = ['units_billed', 'visits_used'];
const SOURCE = new Map([
  [ROLLUP, /counted_items_usage_by_day$/],
  [ITEMS, /counted_items_visit_items$/],
]);

async function expectSameAsSql(target: ModelTarget, query: ReferenceQuery, measures: Measure[], zone: string) {
  const [api, expected] = await Promise.all([queryApi(target, query, measures, zone), referenceFigures(target.reference, query)]);
  expect(api.usedPreAggregations, `pre-aggregation used for ${measures.join(',')}`).toEqual([expect.stringMatching(SOURCE.get(measures)!)]);
  expect([...api.groups.keys()].sort(), JSON.stringify(api.reply.body).slice(0, 1500)).toEqual([...expected.keys()].sort());
  for (const [key, figures] of expected) {
    for (const m of measures) expect(canonical(api.groups.get(key)![m]), `${zone} ${key} ${m}`).toBe(figures[m]);
  }
  return api;
}

describe.each(['MariaDB', 'DuckDB'] as const)('%s: dates of service never shift', (name) => {
  const target = () => modelTargets().find((t) => t.name === name)!;

  it.each(ZONES)('one day at a time, at day, month and year edges, in %s', async (zone) => {
    let daysWithVisits = 0;
    for (const date of EDGE_DATES) {
      for (const measures of [ROLLUP, ITEMS]) {
        const api = await expectSameAsSql(target(), { clinicId: CLINIC, from: date, to: date, groupBy: ['day'] }, measures, zone);
        // The only day in the answer is that very date (none when its visits are void).
        expect([...api.groups.keys()].filter((d) => d !== date)).toEqual([]);
        if (measures === ITEMS && api.groups.has(date)) daysWithVisits++;
      }
    }
    // The dataset puts counted visits on (almost) every edge date: the comparison above was not empty.
    expect(daysWithVisits).toBeGreaterThanOrEqual(EDGE_DATES.length - 2);
  });

  it.each(ZONES)('months and weeks across a year end, in %s', async (zone) => {
    for (const measures of [ROLLUP, ITEMS]) {
      await expectSameAsSql(target(), { clinicId: CLINIC, from: '2024-12-01', to: '2025-03-31', groupBy: ['month'] }, measures, zone);
      await expectSameAsSql(target(), { clinicId: CLINIC, from: '2025-12-22', to: '2026-01-11', groupBy: ['week'] }, measures, zone);
    }
  });

  it.each(ZONES)('compared periods that meet at a month edge, in %s', async (zone) => {
    const periods: [string, string][] = [
      ['2025-01-01', '2025-01-31'],
      ['2025-02-01', '2025-02-28'],
    ];
    for (const measures of [ROLLUP, ITEMS]) {
      const base: ReferenceQuery = { clinicId: CLINIC, groupBy: ['day'] };
      const query = apiQuery(base, measures, zone) as { timeDimensions: Record<string, unknown>[] };
      query.timeDimensions = [{ dimension: 'service_code_usage.date_of_service', compareDateRange: periods, granularity: 'day' }];
      const reply = await load(target().url, tokenFor(base), query);
      expect(reply.status, JSON.stringify(reply.body).slice(0, 300)).toBe(200);
      const results = reply.body.results as { data: Record<string, unknown>[] }[];
      for (const [i, [from, to]] of periods.entries()) {
        const actual = groupsOf(['day'], measures, results[i]!.data);
        const expected = await referenceFigures(target().reference, { ...base, from, to });
        expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
        for (const [key, figures] of expected) for (const m of measures) expect(canonical(actual.get(key)![m])).toBe(figures[m]);
      }
    }
  });
});
