/**
 * The drill-through view visit_lines (docs/contract.md, "Drill-through contract"), on MariaDB and DuckDB:
 * for figures of service_code_usage drawn at random (grouping, filters, dates, role), the figure's own
 * filters applied to visit_lines give lines that add up to the figure exactly and equal plain SQL line
 * by line (test/support/reference-sql.ts, referenceLines); paging covers every line exactly once; no line
 * of another clinic or, for the provider role, of another provider, whatever the query adds; and no
 * member exposes a patient.
 */
import { describe, expect, inject, it } from 'vitest';
import { Random } from '../../../server/db/seed/random.js';
import { mintToken } from '../../../server/security/tokens.js';
import { formatHundredths, hundredths } from '../../support/decimal.js';
import { clinicFacts, filterCombinations } from '../../support/property-cases.js';
import {
  canonicalDecimal,
  groupKey,
  referenceLines,
  type ReferenceFilter,
  type ReferenceLine,
  type ReferenceQuery,
} from '../../support/reference-sql.js';
import { drillOf, linesBatchQuery, linesWindowQuery, NO_NARROWING, type DrillSelection } from '../../../dashboard/src/lib/drill.js';
import { linesWindow, monthLinesOf, monthLinesQuery, totalLines } from '../../../dashboard/src/lib/drill-months.js';
import type { ReportFilterValues } from '../../../dashboard/src/lib/report-query.js';
import { NONE_ID } from '../../../dashboard/src/lib/report-state.js';
import { load, request, rowsOf } from '../security/client.js';
import { apiFilter, apiQuery, groupValue, modelTargets, tokenFor, usedPreAggregationsOf, type ModelTarget } from './model-client.js';

const L = 'visit_lines';
const LINE_FIELDS = [
  'visit_number',
  'line_number',
  'date_of_service',
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
  'units',
  'billed_amount',
  'insurance_paid',
  'insurance_payments',
  'last_insurance_payment_on',
] as const satisfies readonly (keyof ReferenceLine)[];

/** What the billing checks add to each line (docs/model.md, "Billing checks"). */
const BILLING_CHECK_FIELDS = [
  'modifiers',
  'code_with_modifiers',
  'payor_type',
  'insurance_status',
  'has_distinct_procedure_modifier',
  'medicare_cmt_without_at',
  'has_kx',
];

const BASE_FIGURES = ['units_billed', 'visits_used', 'total_billed', 'insurance_paid'] as const;

/** The groupings a report figure can have (table, pivot, heatmap, trend). */
const GROUPINGS: ReferenceQuery['groupBy'][] = [
  ['service_code'],
  ['provider_id'],
  ['payor_id'],
  ['case_type_id'],
  ['billing_type'],
  ['service_code', 'provider_id'],
  ['payor_id', 'service_code'],
  ['month'],
  [],
];

const RANGES: [string | undefined, string | undefined][] = [
  [undefined, undefined],
  ['2025-01-31', '2025-03-01'],
  ['2024-02-29', '2025-06-30'],
  ['2026-01-01', '2026-03-31'],
];

/** A line as the API returned it, in the reference's text form. */
function apiLine(row: Record<string, unknown>): ReferenceLine {
  const text = (field: string) => {
    const v = row[`${L}.${field}`];
    return v === null || v === undefined ? null : String(v);
  };
  const day = (field: string) => text(field)?.slice(0, 10) ?? null;
  return {
    visit_number: text('visit_number')!,
    line_number: text('line_number')!,
    date_of_service: day('date_of_service')!,
    service_code: text('service_code')!,
    service_code_description: text('service_code_description')!,
    code_type: text('code_type')!,
    billing_type: text('billing_type')!,
    provider_id: text('provider_id')!,
    provider_name: text('provider_name')!,
    payor_id: text('payor_id'),
    payor_name: text('payor_name')!,
    case_type_id: text('case_type_id'),
    case_type: text('case_type')!,
    units: canonicalDecimal(row[`${L}.units`])!,
    billed_amount: text('billed_amount')!,
    insurance_paid: text('insurance_paid')!,
    insurance_payments: canonicalDecimal(row[`${L}.insurance_payments`])!,
    last_insurance_payment_on: day('last_insurance_payment_on'),
    modifiers: text('modifiers'),
  };
}

interface LinesQuery {
  from?: string;
  to?: string;
  filters: ReferenceFilter[];
  order?: [string, 'asc' | 'desc'][];
  extra?: Record<string, unknown>[];
}

/** Lines as the drill panel reads them: ungrouped (no GROUP BY), unless `grouped` (the same rows, as groups of one). */
function linesQuery(q: LinesQuery, offset: number, limit: number, grouped = false): Record<string, unknown> {
  return {
    ...(grouped ? {} : { ungrouped: true }),
    dimensions: [...LINE_FIELDS, 'modifiers'].map((f) => `${L}.${f}`),
    timeDimensions: [{ dimension: `${L}.date_of_service`, dateRange: [q.from ?? '2000-01-01', q.to ?? '2099-12-31'] }],
    filters: [...q.filters.map((f) => apiFilter(L, f)), ...(q.extra ?? [])],
    order: [...(q.order ?? []), [`${L}.line_number`, 'asc']],
    limit,
    offset,
  };
}

async function loadOk(target: ModelTarget, token: string, query: unknown): Promise<Record<string, unknown>[]> {
  const reply = await load(target.url, token, query);
  if (reply.status !== 200 || reply.body.error)
    throw new Error(`${target.name}: ${reply.status} ${JSON.stringify(reply.body).slice(0, 400)}`);
  return rowsOf(reply);
}

/** Every line of `q`, read page by page as the drill panel does. */
async function allLines(target: ModelTarget, token: string, q: LinesQuery, pageSize = 5000): Promise<ReferenceLine[]> {
  const lines: ReferenceLine[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const rows = await loadOk(target, token, linesQuery(q, offset, pageSize));
    lines.push(...rows.map(apiLine));
    if (rows.length < pageSize) return lines;
  }
}

/** The base figures of a set of lines, summed exactly. */
function sumsOf(lines: readonly ReferenceLine[]): Record<(typeof BASE_FIGURES)[number], string> {
  const total = (pick: (l: ReferenceLine) => string) => lines.reduce((sum, l) => sum + hundredths(pick(l)), 0n);
  return {
    units_billed: canonicalDecimal(String(total((l) => l.units) / 100n))!,
    visits_used: String(new Set(lines.map((l) => l.visit_number)).size),
    total_billed: canonicalDecimal(formatHundredths(total((l) => l.billed_amount)))!,
    insurance_paid: canonicalDecimal(formatHundredths(total((l) => l.insurance_paid)))!,
  };
}

const byLine = (a: ReferenceLine, b: ReferenceLine) => (BigInt(a.line_number) < BigInt(b.line_number) ? -1 : 1);

/** The filter that pins a grouping dimension to one group's value (null: the empty value). */
function groupFilter(dimension: ReferenceQuery['groupBy'][number], value: unknown): ReferenceFilter | null {
  if (dimension === 'day' || dimension === 'week' || dimension === 'month') return null;
  return { dimension, values: [value === null || value === undefined ? null : String(value)] };
}

/** The dates of a month group, clipped to the figure's range. */
function monthRange(month: string, from?: string, to?: string): { from: string; to: string } {
  const start = month.slice(0, 10);
  const [y, m] = start.split('-').map(Number) as [number, number];
  const end = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  return { from: from && from > start ? from : start, to: to && to < end ? to : end };
}

interface FigureCase {
  name: string;
  query: ReferenceQuery;
}

function figureCases(): FigureCase[] {
  const random = new Random(20_261_128, 9);
  const clinics = clinicFacts();
  return GROUPINGS.flatMap((groupBy, g) =>
    [0, 1].map((k) => {
      const clinic = random.pick(clinics);
      const filters = random.pick(filterCombinations(clinic));
      const [from, to] = random.pick(RANGES);
      const providerId = (g + k) % 3 === 2 ? Number(random.pick(clinic.providerIds)) : undefined;
      const describeFilters = filters.map((f) => `${f.dimension}∈[${f.values.join(',')}]`).join(' & ') || 'no filter';
      return {
        name: `by ${groupBy.join('×') || 'nothing'} | clinic ${clinic.clinicId}${providerId ? ` provider ${providerId}` : ''} | ${from ?? '…'}..${to ?? '…'} | ${describeFilters}`,
        query: { clinicId: clinic.clinicId, providerId, from, to, groupBy, filters },
      };
    }),
  );
}

describe.each(['MariaDB', 'DuckDB'] as const)('%s: visit_lines', (targetName) => {
  const target = () => modelTargets().find((t) => t.name === targetName)!;

  it.each(figureCases())('the lines behind figures $name add up to each figure and equal plain SQL', async ({ query }) => {
    const t = target();
    const token = tokenFor(query);
    const figureRows = await loadOk(t, token, apiQuery(query, BASE_FIGURES));
    // Up to three groups of the figure, drawn from the reply (the same seed draws the same groups).
    const random = new Random(figureRows.length + 1, 3);
    const groups = figureRows.length <= 3 ? figureRows : [0, 1, 2].map(() => random.pick(figureRows));
    for (const row of groups) {
      const values = query.groupBy.map((d) =>
        groupValue(d, row[d === 'month' ? 'service_code_usage.date_of_service.month' : `service_code_usage.${d}`]),
      );
      const month = query.groupBy.includes('month')
        ? monthRange(String(values[query.groupBy.indexOf('month')]), query.from, query.to)
        : null;
      const narrowing = query.groupBy.map((d, i) => groupFilter(d, values[i])).filter((f): f is ReferenceFilter => f !== null);
      const drill: LinesQuery = {
        from: month?.from ?? query.from,
        to: month?.to ?? query.to,
        filters: [...(query.filters ?? []), ...narrowing],
      };
      const label = `group ${groupKey(values)}`;
      const [lines, expected] = await Promise.all([
        allLines(t, token, drill),
        referenceLines(t.reference, { clinicId: query.clinicId, providerId: query.providerId, ...drill }),
      ]);
      // Line by line equal to plain SQL, every column.
      expect([...lines].sort(byLine), label).toEqual(expected);
      // Their sums are the figure the report shows for the group, exactly.
      const sums = sumsOf(lines);
      for (const figure of BASE_FIGURES) {
        expect(sums[figure], `${label} ${figure}`).toBe(canonicalDecimal(row[`service_code_usage.${figure}`]));
      }
      // And the view's own totals say the same.
      const [totals] = await loadOk(t, token, {
        measures: [`${L}.line_count`, `${L}.visits_used`, `${L}.units_billed`, `${L}.total_billed`, `${L}.insurance_paid_total`],
        timeDimensions: [{ dimension: `${L}.date_of_service`, dateRange: [drill.from ?? '2000-01-01', drill.to ?? '2099-12-31'] }],
        filters: drill.filters.map((f) => apiFilter(L, f)),
      });
      expect(canonicalDecimal(totals![`${L}.line_count`]), label).toBe(String(lines.length));
      expect(canonicalDecimal(totals![`${L}.units_billed`] ?? 0), label).toBe(sums.units_billed);
      expect(canonicalDecimal(totals![`${L}.visits_used`] ?? 0), label).toBe(sums.visits_used);
      expect(canonicalDecimal(totals![`${L}.total_billed`] ?? 0), label).toBe(sums.total_billed);
      expect(canonicalDecimal(totals![`${L}.insurance_paid_total`] ?? 0), label).toBe(sums.insurance_paid);
    }
  });

  it('returns every value as exact text: money with two places, counts and ids as integers, dates at midnight', async () => {
    const t = target();
    const clinic = clinicFacts()[0]!;
    // Grouped here (every other test reads them ungrouped, as the panel does): both give exact text.
    const rows = await loadOk(t, tokenFor({ clinicId: clinic.clinicId }), linesQuery({ filters: [] }, 0, 500, true));
    expect(rows.length).toBeGreaterThan(100);
    for (const row of rows) {
      expect(String(row[`${L}.billed_amount`])).toMatch(/^-?\d+\.\d{2}$/);
      expect(String(row[`${L}.insurance_paid`])).toMatch(/^-?\d+\.\d{2}$/);
      expect(String(row[`${L}.units`])).toMatch(/^-?\d+$/);
      expect(String(row[`${L}.insurance_payments`])).toMatch(/^\d+$/);
      expect(row[`${L}.visit_number`]).toMatch(/^\d+$/);
      expect(row[`${L}.date_of_service`]).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00\.000$/);
      const last = row[`${L}.last_insurance_payment_on`];
      if (last !== null) expect(last).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00\.000$/);
    }
    // The data has lines without insurance money and lines with several payments.
    expect(rows.some((r) => r[`${L}.last_insurance_payment_on`] === null)).toBe(true);
    expect(rows.some((r) => Number(r[`${L}.insurance_payments`]) > 1)).toBe(true);
  });

  it('pages through every line exactly once, in any order (small pages, a non-unique sort key)', async () => {
    const t = target();
    const clinic = clinicFacts()[1]!;
    const q: LinesQuery = { from: '2025-01-01', to: '2025-12-31', filters: [], order: [[`${L}.billed_amount`, 'desc']] };
    const [paged, expected] = await Promise.all([
      allLines(t, tokenFor({ clinicId: clinic.clinicId }), q, 37),
      referenceLines(t.reference, { clinicId: clinic.clinicId, from: q.from, to: q.to }),
    ]);
    expect(expected.length).toBeGreaterThan(37 * 3);
    const numbers = paged.map((l) => l.line_number);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect([...paged].sort(byLine)).toEqual(expected);
    // The order asked for, ties by line number.
    for (let i = 1; i < paged.length; i++) {
      const [a, b] = [hundredths(paged[i - 1]!.billed_amount), hundredths(paged[i]!.billed_amount)];
      expect(a > b || (a === b && BigInt(paged[i - 1]!.line_number) < BigInt(paged[i]!.line_number))).toBe(true);
    }
  });

  it('pages month by month exactly as over the whole range, both ways, with the months counted by the rollup', async () => {
    const t = target();
    const [first, second] = clinicFacts();
    const range = { from: '2024-11-17', to: '2025-08-09' };
    const cases: { clinicId: number; providerId?: number; narrow: Partial<ReportFilterValues>; reference: ReferenceFilter[] }[] = [
      { clinicId: second!.clinicId, narrow: {}, reference: [] },
      {
        clinicId: second!.clinicId,
        narrow: { codes: ['97110', '98941'] },
        reference: [{ dimension: 'service_code', values: ['97110', '98941'] }],
      },
      {
        clinicId: first!.clinicId,
        providerId: Number(first!.providerIds[0]),
        narrow: { payors: [first!.payorIds[1]!, NONE_ID] },
        reference: [{ dimension: 'payor_id', values: [first!.payorIds[1]!, null] }],
      },
    ];
    for (const c of cases) {
      const token = tokenFor({ clinicId: c.clinicId, providerId: c.providerId });
      const label = JSON.stringify(c.narrow) + (c.providerId ? ` provider ${c.providerId}` : '');
      const drill = drillOf('lines', range, c.narrow);
      const reply = await load(t.url, token, monthLinesQuery(NO_NARROWING, drill));
      expect(reply.status, label).toBe(200);
      // One range per month, each read from the rollup.
      const used = usedPreAggregationsOf(reply);
      expect(used, label).toHaveLength(10);
      for (const name of used) expect(name, label).toMatch(/counted_items_usage_by_day$/);
      const counts = monthLinesOf(rowsOf(reply));
      const expected = await referenceLines(t.reference, {
        clinicId: c.clinicId,
        providerId: c.providerId,
        ...range,
        filters: c.reference,
      });
      expect(totalLines(counts), label).toBe(expected.length);
      expect(expected.length, label).toBeGreaterThan(12);
      for (const direction of ['asc', 'desc'] as const) {
        const ordered: DrillSelection = { ...drill, sort: { column: 'date_of_service', direction } };
        // Pages small enough that a page spans two or more months here.
        const size = expected.length > 100 ? 23 : 4;
        for (const offset of [0, size, Math.floor(expected.length / 2), expected.length - 5, expected.length + 3]) {
          const [byMonth, whole] = await Promise.all([
            loadOk(t, token, linesWindowQuery(NO_NARROWING, ordered, linesWindow(ordered, counts, offset, size))),
            loadOk(t, token, linesBatchQuery(NO_NARROWING, ordered, offset, size)),
          ]);
          const numbers = (rows: Record<string, unknown>[]) => rows.map((r) => r[`${L}.line_number`]);
          expect(numbers(byMonth), `${label} ${direction} from ${offset}`).toEqual(numbers(whole));
          expect(byMonth.length, `${label} ${direction} from ${offset}`).toBe(Math.max(0, Math.min(size, expected.length - offset)));
        }
      }
    }
  });

  it("never returns another clinic's or, for a provider, another provider's line, whatever the query adds", async () => {
    const t = target();
    const [mine, other] = clinicFacts();
    const providerId = Number(mine!.providerIds[0]);
    // Filters that name the other clinic's and other providers' rows: they can only narrow.
    const widening: Record<string, unknown>[] = [
      {
        or: [
          { member: `${L}.clinic_id`, operator: 'equals', values: [String(other!.clinicId), String(mine!.clinicId)] },
          { member: `${L}.provider_id`, operator: 'equals', values: [...mine!.providerIds, ...other!.providerIds] },
          { member: `${L}.line_number`, operator: 'set' },
        ],
      },
    ];
    for (const scope of [{ clinicId: mine!.clinicId }, { clinicId: mine!.clinicId, providerId }]) {
      const token = tokenFor(scope);
      const [lines, expected] = await Promise.all([
        allLines(t, token, { filters: [], extra: widening }),
        referenceLines(t.reference, scope),
      ]);
      expect(lines.length).toBeGreaterThan(0);
      expect([...lines].sort(byLine)).toEqual(expected);
      if (scope.providerId) expect(new Set(lines.map((l) => l.provider_id))).toEqual(new Set([String(providerId)]));
    }
    // A query for the other clinic's lines only returns nothing.
    const none = await loadOk(t, tokenFor({ clinicId: mine!.clinicId }), {
      ...linesQuery({ filters: [] }, 0, 100),
      filters: [{ member: `${L}.clinic_id`, operator: 'equals', values: [String(other!.clinicId)] }],
    });
    expect(none).toEqual([]);
  });
});

describe('visit_lines exposes no patient', () => {
  const url = () => inject('mysqlUrl');
  const token = () => mintToken(inject('apiSecret'), { clinic_id: 1, role: 'owner' }, 900);

  it('/meta lists exactly the contract members, none about a patient, a payment reference or free text', async () => {
    const { status, body } = await request(url(), '/cubejs-api/v1/meta', { token: token() });
    expect(status).toBe(200);
    const view = (body.cubes as { name: string; type: string; measures: { name: string }[]; dimensions: { name: string }[] }[]).find(
      (c) => c.name === L,
    );
    expect(view?.type).toBe('view');
    const dimensions = view!.dimensions.map((d) => d.name.slice(L.length + 1)).sort();
    // The contract's, and the billing checks' own (issue 12, docs/contract.md: an addition, not a change).
    expect(dimensions).toEqual([...LINE_FIELDS, 'clinic_id', ...BILLING_CHECK_FIELDS].sort());
    expect(view!.measures.map((m) => m.name.slice(L.length + 1)).sort()).toEqual(
      [
        'line_count',
        'visits_used',
        'units_billed',
        'total_billed',
        'insurance_paid_total',
        'billed_per_unit',
        'insurance_paid_per_unit',
        'insurance_paid_per_visit',
        'units_per_visit',
        'insurance_paid_ratio',
      ].sort(),
    );
    // Beside the exact list: no member name that speaks of a patient, a birth date, a reference or notes.
    const names = [...view!.dimensions, ...view!.measures].map((m) => m.name);
    expect(names.filter((n) => /patient|birth|reference|note|first_name|last_name/.test(n))).toEqual([]);
  });

  it.each([
    ['a patient id', { dimensions: [`${L}.patient_id`] }],
    ['the cube behind the view', { dimensions: ['counted_items.patient_id'] }],
    ['a patient filter', { measures: [`${L}.line_count`], filters: [{ member: `${L}.patient_id`, operator: 'set' }] }],
    ['a patient count', { measures: [`${L}.patients_seen`] }],
  ])('refuses %s with a 4xx and no data', async (_name, query) => {
    const reply = await load(url(), token(), query);
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
    expect(reply.body).not.toHaveProperty('data');
    expect(reply.body).not.toHaveProperty('results');
  });
});
