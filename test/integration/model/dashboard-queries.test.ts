/**
 * Every query the report page and its charts make is served from a pre-aggregation: the queries are
 * built by the dashboard's own builders (dashboard/src/lib/report-query.ts), for every grouping, both
 * trend grains, both figures sets, with no filter and with every filter (a "none" value included), for
 * an owner and for a provider, and asked of the real servers. Their figures are compared with plain SQL
 * by rollups.test.ts and property.test.ts; this file proves no query of the page falls through to the
 * host tables.
 */
import type { Query } from '@cubejs-client/core';
import { describe, expect, it } from 'vitest';
import {
  BASE_MEASURES,
  CLINIC_QUERY,
  MEASURES,
  OPTION_DIMENSIONS,
  REPORT_MEASURES,
  groupedQuery,
  maturityQuery,
  optionsQuery,
  payorCodeQuery,
  payorMixQuery,
  pivotQuery,
  topCodesQuery,
  trendQuery,
} from '../../../dashboard/src/lib/report-query.js';
import { DEFAULT_STATE, GROUPS, NONE_ID, type ReportState } from '../../../dashboard/src/lib/report-state.js';
import {
  ageRanges,
  codeModifiersQuery,
  distinctProcedureCodesQuery,
  modifierChecksQuery,
  unpaidQuery,
} from '../../../dashboard/src/lib/billing-checks.js';
import { PROPERTY_DATASETS } from '../../support/datasets.js';
import { generatePropertyDataset } from '../../support/property-dataset.js';
import { load, rowsOf } from '../security/client.js';
import { modelTargets, tokenFor, usedPreAggregationsOf } from './model-client.js';

const dataset = generatePropertyDataset(PROPERTY_DATASETS[0]!);
const CLINIC = PROPERTY_DATASETS[0]!.clinicIds[0]!;
type Row = { id: number; clinic_id?: number; code?: string };
const rowsOfTable = (table: string) =>
  dataset.rows
    .filter((r) => r.table === table)
    .map((r) => r.row as Row)
    .filter((r) => r.clinic_id === CLINIC);
const idsOf = (table: string) => rowsOfTable(table).map((r) => String(r.id));
const codesOf = () => rowsOfTable('service_codes').map((r) => String(r.code));

const RANGE = { from: '2025-03-01', to: '2026-02-28' };
const PREVIOUS = { from: '2024-03-01', to: '2025-02-28' };

const UNFILTERED: ReportState = { ...DEFAULT_STATE, ...RANGE };
const FILTERED: ReportState = {
  ...UNFILTERED,
  providers: idsOf('providers').slice(0, 2),
  payors: [idsOf('payors')[0]!, NONE_ID],
  caseTypes: [idsOf('case_types')[0]!, NONE_ID],
  codes: codesOf().slice(0, 4),
  billing: 'billable',
};

/** The page's queries for one state, named as the page uses them. */
function pageQueries(state: ReportState): [string, Query][] {
  const figures = Object.keys(MEASURES) as (keyof typeof MEASURES)[];
  return [
    ['clinic', CLINIC_QUERY],
    ...Object.entries(OPTION_DIMENSIONS).map(([kind, dimensions]): [string, Query] => [
      `filter options: ${kind}`,
      optionsQuery(dimensions),
    ]),
    ...GROUPS.map((group): [string, Query] => [`table by ${group}`, groupedQuery(state, RANGE, group, REPORT_MEASURES)]),
    ['totals', groupedQuery(state, RANGE, null, REPORT_MEASURES)],
    ...GROUPS.map((group): [string, Query] => [`compared table by ${group}`, groupedQuery(state, PREVIOUS, group, BASE_MEASURES)]),
    ['compared totals', groupedQuery(state, PREVIOUS, null, BASE_MEASURES)],
    ['code × provider pivot', pivotQuery(state, RANGE)],
    ...(['week', 'month'] as const).flatMap((grain): [string, Query][] => [
      [`trend by ${grain}`, trendQuery(state, RANGE, grain)],
      [`compared trend by ${grain}`, trendQuery(state, PREVIOUS, grain)],
      [`payment maturity by ${grain}`, maturityQuery(state, RANGE, grain)],
    ]),
    ...figures.flatMap((figure): [string, Query][] => [
      [`top codes by ${figure}`, topCodesQuery(state, RANGE, MEASURES[figure])],
      [`payor mix by ${figure}`, payorMixQuery(state, RANGE, MEASURES[figure])],
    ]),
    ['payor × code heatmap', payorCodeQuery(state, RANGE)],
    ['payor × code heatmap, mature part', payorCodeQuery(state, RANGE, { from: RANGE.from, to: '2025-11-30' })],
    // The Billing checks section (lib/billing-checks.ts), counted from the range's last day.
    ['billing checks by provider', modifierChecksQuery(state, RANGE, true)],
    ['billing checks, clinic', modifierChecksQuery(state, RANGE, false)],
    ['codes billed with 59/X{EPSU}', distinctProcedureCodesQuery(state, RANGE)],
    ['codes with modifiers', codeModifiersQuery(state, RANGE)],
    ['unpaid lines by age', unpaidQuery(state, ageRanges(RANGE, RANGE.to))!],
  ];
}

describe.each(['MariaDB', 'DuckDB'] as const)('%s: the report page reads only pre-aggregations', (name) => {
  const target = () => modelTargets().find((t) => t.name === name)!;
  const providerId = Number(idsOf('providers')[1]);

  it.each([
    { who: 'an owner, no filter', state: UNFILTERED, scope: { clinicId: CLINIC } },
    { who: 'an owner, every filter', state: FILTERED, scope: { clinicId: CLINIC } },
    { who: 'a provider, every filter', state: FILTERED, scope: { clinicId: CLINIC, providerId } },
    { who: 'an owner, the modifier filter', state: { ...UNFILTERED, modifiers: ['GP,59', NONE_ID] }, scope: { clinicId: CLINIC } },
  ])('$who', async ({ state, scope }) => {
    const unserved: string[] = [];
    let rows = 0;
    for (const [label, query] of pageQueries(state)) {
      const reply = await load(target().url, tokenFor(scope), query);
      expect(reply.status, `${label}: ${JSON.stringify(reply.body).slice(0, 300)}`).toBe(200);
      const data = rowsOf(reply);
      if (label === 'clinic') expect(data).toHaveLength(1);
      rows += data.length;
      if (usedPreAggregationsOf(reply).length === 0) unserved.push(label);
    }
    expect(unserved, 'queries read from the host tables').toEqual([]);
    expect(rows).toBeGreaterThan(0);
  });
});
