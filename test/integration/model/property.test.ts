/**
 * Property test of the model: on seeded random datasets holding every tricky case of the contract
 * (test/support/property-dataset.ts), every measure of service_code_usage, grouped by every dimension
 * (and by day, week and month), under several filter combinations, roles, date ranges and query time
 * zones, equals the independent plain-SQL computation (test/support/reference-sql.ts) exactly, on
 * MariaDB and on DuckDB. The cases are drawn from a fixed seed, so a failure is reproducible.
 */
import { describe, expect, it } from 'vitest';
import { Random } from '../../../server/db/seed/random.js';
import { PROPERTY_DATASETS } from '../../support/datasets.js';
import { clinicFacts, filterCombinations } from '../../support/property-cases.js';
import { MEASURES, referenceFigures, type ReferenceDimension, type ReferenceQuery } from '../../support/reference-sql.js';
import { MEASURE_FORMAT, canonical, modelTargets, queryApi } from './model-client.js';

const DIMENSIONS: ReferenceDimension[] = [
  'service_code',
  'service_code_description',
  'code_type',
  'billing_type',
  'provider_id',
  'provider_name',
  'payor_id',
  'payor_name',
  'case_type_id',
  'case_type',
  'day',
  'week',
  'month',
];

/** Zones from UTC−11 to UTC+14: a date that moved would land on another day, week or month. */
const TIME_ZONES = ['UTC', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Asia/Tokyo', 'Pacific/Pago_Pago'];

/** Inclusive ranges with month, year and leap-day edges at both ends. */
const DATE_RANGES: [string | undefined, string | undefined][] = [
  [undefined, undefined],
  ['2025-01-31', '2025-03-01'],
  ['2025-12-31', '2026-01-01'],
  ['2024-02-29', '2025-06-30'],
  ['2026-01-01', '2026-03-31'],
];

interface Case {
  name: string;
  query: ReferenceQuery;
  timezone: string;
}

function cases(): Case[] {
  const random = new Random(20_261_127, 3);
  const clinics = clinicFacts();
  const all: Case[] = [];
  const add = (groupBy: ReferenceDimension[], i: number) => {
    const clinic = clinics[(i + random.int(0, clinics.length - 1)) % clinics.length]!;
    const filters = random.pick(filterCombinations(clinic));
    const [from, to] = random.pick(DATE_RANGES);
    const timezone = TIME_ZONES[i % TIME_ZONES.length]!;
    const providerId = i % 4 === 3 ? Number(random.pick(clinic.providerIds)) : undefined;
    const query: ReferenceQuery = { clinicId: clinic.clinicId, providerId, from, to, groupBy, filters };
    const describeFilters = filters.map((f) => `${f.dimension}∈[${f.values.join(',')}]`).join(' & ') || 'no filter';
    all.push({
      name: `#${all.length} by ${groupBy.join('×') || 'nothing'} | clinic ${clinic.clinicId}${providerId ? ` provider ${providerId}` : ''} | ${from ?? '…'}..${to ?? '…'} | ${describeFilters} | ${timezone}`,
      query,
      timezone,
    });
  };
  // Every dimension twice, with different draws; then pairs the dashboard uses, and no grouping.
  DIMENSIONS.forEach((d, i) => add([d], i));
  DIMENSIONS.forEach((d, i) => add([d], i + DIMENSIONS.length));
  const pairs: ReferenceDimension[][] = [
    ['service_code', 'provider_id'],
    ['service_code', 'service_code_description', 'code_type'],
    ['payor_name', 'case_type'],
    ['month', 'billing_type'],
    ['week', 'provider_name'],
    [],
  ];
  pairs.forEach((g, i) => add(g, i));
  return all;
}

const CASES = cases();

describe.each(['MariaDB', 'DuckDB'] as const)('%s: every measure × dimension equals plain SQL', (targetName) => {
  it.each(CASES)('$name', async ({ query, timezone }) => {
    const target = modelTargets().find((t) => t.name === targetName)!;
    const [api, expected] = await Promise.all([queryApi(target, query, MEASURES, timezone), referenceFigures(target.reference, query)]);

    expect([...api.groups.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, figures] of expected) {
      const row = api.groups.get(key)!;
      for (const measure of MEASURES) {
        const value = row[measure];
        // Exact text: a string (never a float), money with two places, ratios with four.
        if (figures[measure] === null) {
          expect(value, `${key} ${measure}`).toBeNull();
        } else {
          expect(typeof value, `${key} ${measure}: ${JSON.stringify(value)}`).toBe('string');
          expect(value as string, `${key} ${measure}`).toMatch(MEASURE_FORMAT[measure]);
          expect(canonical(value), `${key} ${measure}`).toBe(figures[measure]);
        }
      }
    }
  });
});

describe('the property datasets', () => {
  it('hold groups that every figure must get right: no insurance money, negative money, zero billed', async () => {
    // Guards the test itself: these groups exist on both databases' reference, so the cases above
    // really compared them.
    const target = modelTargets()[0]!;
    const figures = await referenceFigures(target.reference, {
      clinicId: PROPERTY_DATASETS[0]!.clinicIds[0]!,
      groupBy: ['day', 'service_code'],
    });
    const values = [...figures.values()];
    expect(values.some((f) => f.insurance_paid === '0')).toBe(true);
    expect(values.some((f) => f.insurance_paid.startsWith('-'))).toBe(true);
    expect(values.some((f) => f.total_billed === '0')).toBe(true);
    expect(values.some((f) => Number(f.visits_used) < Number(f.units_billed))).toBe(true);
  });
});
