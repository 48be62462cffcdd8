import { describe, expect, it } from 'vitest';
import {
  ageRanges,
  checkFigures,
  isDistinctRateHigh,
  providerChecks,
  restOfClinicRate,
  unpaidQuery,
  unpaidTable,
} from '../../../dashboard/src/lib/billing-checks.js';
import { drillFilters, drillOf, parseDrill, writeDrill, type DrillSelection } from '../../../dashboard/src/lib/drill.js';
import { DEFAULT_STATE, parseReportState, serializeReportState } from '../../../dashboard/src/lib/report-state.js';
import { reportFilters } from '../../../dashboard/src/lib/report-query.js';
import { filtersOf, parseFilters } from '../../../dashboard/src/embed/widget-options.js';

const V = 'service_code_usage';
const NONE = { providers: [], payors: [], caseTypes: [], codes: [], billing: null };

describe('unpaid lines by days since the date of service', () => {
  it('cuts the range into the buckets counted back from the clinic’s today', () => {
    expect(ageRanges({ from: '2026-01-01', to: '2026-11-28' }, '2026-11-28')).toEqual([
      { bucket: '0-30', range: { from: '2026-10-29', to: '2026-11-28' } },
      { bucket: '31-60', range: { from: '2026-09-29', to: '2026-10-28' } },
      { bucket: '61-90', range: { from: '2026-08-30', to: '2026-09-28' } },
      { bucket: '91-180', range: { from: '2026-06-01', to: '2026-08-29' } },
      { bucket: '181+', range: { from: '2026-01-01', to: '2026-05-31' } },
    ]);
    // A range wholly older than 180 days is one bucket; one after today is none.
    expect(ageRanges({ from: '2025-01-01', to: '2025-03-31' }, '2026-11-28')).toEqual([
      { bucket: '181+', range: { from: '2025-01-01', to: '2025-03-31' } },
    ]);
    expect(ageRanges({ from: '2026-12-01', to: '2026-12-31' }, '2026-11-28')).toEqual([]);
  });

  it('asks each bucket as one range of one request, payors only', () => {
    const buckets = ageRanges({ from: '2026-08-01', to: '2026-11-28' }, '2026-11-28');
    const q = unpaidQuery({ ...DEFAULT_STATE }, buckets)!;
    expect(q.timeDimensions).toEqual([
      { dimension: `${V}.date_of_service`, compareDateRange: buckets.map((b) => [b.range.from, b.range.to]) },
    ]);
    expect(q.filters).toContainEqual({ member: `${V}.payor_id`, operator: 'set' });
    expect(unpaidQuery({ ...DEFAULT_STATE }, [])).toBeNull();
  });

  it('adds up payors and buckets exactly, most money at stake first', () => {
    const row = (id: string, name: string, lines: string, billed: string) => ({
      [`${V}.payor_id`]: id,
      [`${V}.payor_name`]: name,
      [`${V}.unpaid_lines`]: lines,
      [`${V}.unpaid_billed`]: billed,
      [`${V}.unpaid_balance`]: billed,
    });
    const table = unpaidTable([
      { bucket: '0-30', rows: [row('1', 'Aetna', '2', '0.10'), row('2', 'Medicare', '1', '0.20')] },
      { bucket: '31-60', rows: [row('1', 'Aetna', '1', '0.20'), row('3', 'Nobody', '0', '0.00')] },
    ]);
    expect(table.rows.map((r) => [r.payorName, r.total.lines, r.total.billed])).toEqual([
      ['Aetna', 3n, 30n],
      ['Medicare', 1n, 20n],
    ]);
    expect(table.totals['0-30']).toEqual({ lines: 3n, billed: 30n, balance: 30n });
    expect(table.total).toEqual({ lines: 4n, billed: 50n, balance: 50n });
  });
});

describe('modifier checks by provider', () => {
  const row = (id: string, lines: string, distinct: string) => ({
    [`${V}.provider_id`]: id,
    [`${V}.provider_name`]: `P${id}`,
    [`${V}.line_count`]: lines,
    [`${V}.distinct_procedure_lines`]: distinct,
  });
  it('flags a provider at twice the rest of the clinic’s rate on enough lines, never below', () => {
    const providers = providerChecks([row('1', '400', '100'), row('2', '600', '60'), row('3', '40', '20')], []);
    const clinic = checkFigures({ [`${V}.line_count`]: '1040', [`${V}.distinct_procedure_lines`]: '180' });
    // P1: 25 % against the rest's 80/640 = 12.5 % — exactly twice: flagged.
    expect(restOfClinicRate(providers[0]!, clinic)).toBe(0.125);
    expect(isDistinctRateHigh(providers[0]!, clinic)).toBe(true);
    expect(isDistinctRateHigh(providers[1]!, clinic)).toBe(false);
    // P3: 50 % but on 40 lines: not enough to say.
    expect(isDistinctRateHigh(providers[2]!, clinic)).toBe(false);
  });
  it('lists the codes each provider billed with 59/X{EPSU}', () => {
    const codes = [
      { [`${V}.provider_id`]: '1', [`${V}.service_code`]: '97140', [`${V}.distinct_procedure_lines`]: '7' },
      { [`${V}.provider_id`]: '1', [`${V}.service_code`]: '97110', [`${V}.distinct_procedure_lines`]: '2' },
    ];
    expect(providerChecks([row('1', '10', '9')], codes)[0]!.distinctCodes).toEqual([
      ['97140', 7n],
      ['97110', 2n],
    ]);
  });
});

describe('a drill of a billing check or a code with modifiers', () => {
  const range = { from: '2026-01-01', to: '2026-03-31' };
  it('round-trips through the URL and filters both views by the check’s own dimension', () => {
    for (const drill of [
      { ...drillOf('lines', range, { providers: ['5'] }), check: 'distinct_procedure' as const },
      { ...drillOf('lines', range, { payors: ['2'] }), check: 'unpaid' as const },
      drillOf('lines', range, { codes: ['97140'], modifiers: ['GP,59'] }),
      drillOf('lines', range, { codes: ['97140'], modifiers: ['none', 'AT'] }),
    ] satisfies DrillSelection[]) {
      const params = new URLSearchParams();
      writeDrill(params, drill);
      expect(parseDrill(new URLSearchParams(params.toString()))).toEqual(drill);
    }
    const check = { ...drillOf('lines', range), check: 'unpaid' as const };
    expect(drillFilters(NONE, check, 'visit_lines')).toEqual([
      { member: 'visit_lines.insurance_status', operator: 'equals', values: ['Unpaid', 'Paid under 50%'] },
    ]);
    expect(drillFilters(NONE, drillOf('lines', range, { modifiers: ['none'] }), V)).toEqual([
      { member: `${V}.modifiers`, operator: 'notSet' },
    ]);
    expect(drillFilters(NONE, drillOf('lines', range, { modifiers: ['GP,59', 'none'] }), V)).toEqual([
      {
        or: [
          { member: `${V}.modifiers`, operator: 'equals', values: ['GP,59'] },
          { member: `${V}.modifiers`, operator: 'notSet' },
        ],
      },
    ]);
  });
  it('ignores a check it does not know, and a modifiers item that is not a list of codes', () => {
    const drill = parseDrill(
      new URLSearchParams('drill=lines&drill_from=2026-01-01&drill_to=2026-01-31&drill_check=evil&drill_modifiers=GP+59,%27%3B,none'),
    );
    expect(drill).not.toBeNull();
    expect(drill!.check).toBeUndefined();
    expect(drill!.narrow.modifiers).toEqual(['GP,59', 'none']);
  });
});

describe('the report’s modifier filter', () => {
  it('keeps each list’s commas through the URL (as spaces there) and filters exactly', () => {
    const state = { ...DEFAULT_STATE, from: '2026-01-01', to: '2026-01-31', modifiers: ['GP,59', 'AT', 'none'] };
    const search = serializeReportState(state);
    expect(search).toContain('modifiers=GP+59,AT,none');
    expect(parseReportState(search).modifiers).toEqual(['GP,59', 'AT', 'none']);
    expect(parseReportState('?modifiers=GP+59,%3Cscript%3E,59').modifiers).toEqual(['GP,59', '59']);
    expect(reportFilters(state)).toContainEqual({
      or: [
        { member: `${V}.modifiers`, operator: 'equals', values: ['GP,59', 'AT'] },
        { member: `${V}.modifiers`, operator: 'notSet' },
      ],
    });
  });

  it('is a widget filter too: an array of lists, read strictly and told back as one', () => {
    const state = parseFilters(JSON.stringify({ modifiers: ['GP,59', 'none'] }));
    expect(state.modifiers).toEqual(['GP,59', 'none']);
    expect(filtersOf(state)).toEqual({ modifiers: ['GP,59', 'none'] });
    expect(() => parseFilters(JSON.stringify({ modifiers: 'GP,59' }))).toThrow(/must be an array of modifiers lists/);
    expect(() => parseFilters(JSON.stringify({ modifiers: ['gp, 59'] }))).toThrow(/must be an array of modifiers lists/);
  });
});
