/**
 * The queries the report and its charts make are served from pre-aggregations (`usedPreAggregations`),
 * and give exactly the figures plain SQL computes on the host tables: grouped by each dimension,
 * filtered by each, trended by week and month, the code × provider pivot, compared periods, for a
 * provider's token (the tenant filters apply on top of the pre-aggregation), and the payment-maturity
 * chart. The figures that add up come from the `usage_by_day` rollup; the distinct counts (visits,
 * patients and the per-visit figures), alone or with the others, from the `visit_items` partitions.
 */
import { describe, expect, it } from 'vitest';
import { PROPERTY_DATASETS } from '../../support/datasets.js';
import { generatePropertyDataset } from '../../support/property-dataset.js';
import { formatHundredths } from '../../support/decimal.js';
import { canonicalDecimal, paymentMaturity, referenceFigures, type Measure, type ReferenceQuery } from '../../support/reference-sql.js';
import { load, rowsOf } from '../security/client.js';
import {
  MEASURE_FORMAT,
  apiFilter,
  apiQuery,
  canonical,
  groupsOf,
  modelTargets,
  queryApi,
  tokenFor,
  usedPreAggregationsOf,
  type ModelTarget,
} from './model-client.js';

/** The figures that add up: everything a rollup can hold. */
const ADDITIVE: Measure[] = [
  'units_billed',
  'total_billed',
  'insurance_paid',
  'billed_per_unit',
  'insurance_paid_per_unit',
  'insurance_paid_ratio',
];
/** The distinct counts and everything derived from them: no rollup can add these up. */
const DISTINCT: Measure[] = ['visits_used', 'patients_seen', 'insurance_paid_per_visit', 'units_per_visit'];
const ALL: Measure[] = [...ADDITIVE, ...DISTINCT];
const USAGE_ROLLUP = /counted_items_usage_by_day$/;
const VISIT_ITEMS = /counted_items_visit_items$/;
const MATURITY_ROLLUP = /ins_apps_maturity_by_day$/;

const dataset = generatePropertyDataset(PROPERTY_DATASETS[0]!);
const CLINIC = PROPERTY_DATASETS[0]!.clinicIds[0]!;
const providerIds = dataset.rows.filter((r) => r.table === 'providers' && r.row.clinic_id === CLINIC).map((r) => String(r.row.id));
const payorIds = dataset.rows.filter((r) => r.table === 'payors' && r.row.clinic_id === CLINIC).map((r) => String(r.row.id));

const RANGE = { from: '2025-01-01', to: '2026-10-31' };
const CASES: { name: string; query: ReferenceQuery }[] = [
  {
    name: 'by code (code, description, type)',
    query: { clinicId: CLINIC, ...RANGE, groupBy: ['service_code', 'service_code_description', 'code_type'] },
  },
  {
    name: 'by provider, two providers',
    query: {
      clinicId: CLINIC,
      ...RANGE,
      groupBy: ['provider_id', 'provider_name'],
      filters: [{ dimension: 'provider_id', values: [providerIds[0]!, providerIds[2]!] }],
    },
  },
  {
    name: 'by payor, self-pay or one payor',
    query: {
      clinicId: CLINIC,
      ...RANGE,
      groupBy: ['payor_id', 'payor_name'],
      filters: [{ dimension: 'payor_id', values: [payorIds[0]!, null] }],
    },
  },
  {
    name: 'by case type, codes filter',
    query: {
      clinicId: CLINIC,
      ...RANGE,
      groupBy: ['case_type_id', 'case_type'],
      filters: [{ dimension: 'service_code', values: ['98941', '97110'] }],
    },
  },
  {
    name: 'by billing type, no case',
    query: { clinicId: CLINIC, ...RANGE, groupBy: ['billing_type'], filters: [{ dimension: 'case_type_id', values: [null] }] },
  },
  {
    name: 'trend by week, non-billable',
    query: {
      clinicId: CLINIC,
      from: '2025-12-01',
      to: '2026-02-28',
      groupBy: ['week'],
      filters: [{ dimension: 'billing_type', values: ['Non-billable'] }],
    },
  },
  { name: 'trend by month', query: { clinicId: CLINIC, ...RANGE, groupBy: ['month'] } },
  { name: 'code × provider pivot', query: { clinicId: CLINIC, ...RANGE, groupBy: ['service_code', 'provider_id', 'provider_name'] } },
  {
    name: "a provider's own items (provider token)",
    query: { clinicId: CLINIC, providerId: Number(providerIds[1]), ...RANGE, groupBy: ['service_code'] },
  },
  { name: 'totals over a range with edges', query: { clinicId: CLINIC, from: '2025-01-31', to: '2026-01-01', groupBy: [] } },
];

async function expectEqualToReference(
  target: ModelTarget,
  query: ReferenceQuery,
  groups: Map<string, Record<Measure, unknown>>,
  measures: Measure[],
) {
  const expected = await referenceFigures(target.reference, query);
  expect([...groups.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [key, figures] of expected) {
    for (const m of measures) {
      const value = groups.get(key)![m];
      if (figures[m] === null) expect(value, `${key} ${m}`).toBeNull();
      else {
        expect(value as string, `${key} ${m}`).toMatch(MEASURE_FORMAT[m]);
        expect(canonical(value), `${key} ${m}`).toBe(figures[m]);
      }
    }
  }
}

describe.each(['MariaDB', 'DuckDB'] as const)('%s: rollups', (name) => {
  const target = () => modelTargets().find((t) => t.name === name)!;

  it.each(CASES)('$name is served from the usage rollup and equals plain SQL', async ({ query }) => {
    const api = await queryApi(target(), query, ADDITIVE, 'America/New_York');
    expect(
      api.usedPreAggregations.some((p) => USAGE_ROLLUP.test(p)),
      JSON.stringify(api.usedPreAggregations),
    ).toBe(true);
    await expectEqualToReference(target(), query, api.groups, ADDITIVE);
  });

  it.each(CASES)(
    '$name with visit and patient counts is served from the visit-items partitions and equals plain SQL',
    async ({ query }) => {
      const api = await queryApi(target(), query, ALL, 'Pacific/Pago_Pago');
      expect(api.usedPreAggregations, JSON.stringify(api.usedPreAggregations)).toEqual([expect.stringMatching(VISIT_ITEMS)]);
      await expectEqualToReference(target(), query, api.groups, ALL);
    },
  );

  it.each([
    { source: 'the usage rollup', measures: ADDITIVE, table: USAGE_ROLLUP },
    { source: 'the visit-items partitions', measures: ALL, table: VISIT_ITEMS },
  ])('compared periods are each served from $source and equal plain SQL', async ({ measures, table }) => {
    const periods: [string, string][] = [
      ['2025-01-01', '2025-01-31'],
      ['2025-02-01', '2025-02-28'],
    ];
    const base: ReferenceQuery = { clinicId: CLINIC, groupBy: ['service_code'] };
    const query = apiQuery(base, measures, 'Asia/Tokyo') as { timeDimensions: Record<string, unknown>[] };
    query.timeDimensions = [{ dimension: 'service_code_usage.date_of_service', compareDateRange: periods }];
    const reply = await load(target().url, tokenFor(base), query);
    expect(reply.status).toBe(200);
    const results = reply.body.results as { data: Record<string, unknown>[]; usedPreAggregations?: Record<string, unknown> }[];
    expect(results).toHaveLength(2);
    for (const [i, [from, to]] of periods.entries()) {
      expect(Object.keys(results[i]!.usedPreAggregations ?? {}).some((p) => table.test(p))).toBe(true);
      await expectEqualToReference(target(), { ...base, from, to }, groupsOf(base.groupBy, measures, results[i]!.data), measures);
    }
  });

  it('the payment-maturity chart is served from its rollup and equals plain SQL by bucket and month', async () => {
    const filters = [{ dimension: 'payor_id' as const, values: [payorIds[1]!, null] }];
    const query = {
      measures: ['payment_maturity.insurance_paid'],
      dimensions: ['payment_maturity.days_to_payment', 'payment_maturity.days_to_payment_order'],
      timeDimensions: [{ dimension: 'payment_maturity.date_of_service', dateRange: [RANGE.from, RANGE.to], granularity: 'month' }],
      filters: filters.map((f) => apiFilter('payment_maturity', f)),
      timezone: 'Pacific/Kiritimati',
    };
    const reply = await load(target().url, tokenFor({ clinicId: CLINIC }), query);
    expect(reply.status).toBe(200);
    expect(usedPreAggregationsOf(reply).some((p) => MATURITY_ROLLUP.test(p))).toBe(true);
    const actual = new Map(
      rowsOf(reply).map((r) => [
        `${String(r['payment_maturity.date_of_service.month']).slice(0, 10)} ${String(r['payment_maturity.days_to_payment'])} ${String(r['payment_maturity.days_to_payment_order'])}`,
        r['payment_maturity.insurance_paid'],
      ]),
    );
    const expected = await maturityReference(target(), CLINIC, RANGE.from, RANGE.to, payorIds[1]!);
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, cents] of expected) {
      expect(actual.get(key) as string, key).toMatch(/^-?\d+\.\d{2}$/);
      expect(canonical(actual.get(key)), key).toBe(canonicalDecimal(formatHundredths(cents)));
    }
  });
});

/** Insurance money of counted items by month of service and days-to-payment bucket, from the plain-SQL
 * oracle (bucketed there in TypeScript from the raw dates, not by any SQL of the model). */
async function maturityReference(
  target: ModelTarget,
  clinicId: number,
  from: string,
  to: string,
  payorId: string,
): Promise<Map<string, bigint>> {
  const groups = await paymentMaturity(target.reference, {
    clinicId,
    from,
    to,
    filters: [{ dimension: 'payor_id', values: [payorId, null] }],
  });
  return new Map(groups.map((g) => [`${g.month} ${g.bucket} ${g.order}`, g.paid]));
}
