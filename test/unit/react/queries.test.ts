/**
 * The React hook's queries and rows (dashboard/react/queries.ts): the filters read with the report
 * URL's meaning into the report's own queries, and the API's rows typed with their decimals kept as
 * the API's strings.
 */
import { describe, expect, it } from 'vitest';
import { WidgetConfigError } from '../../../dashboard/src/embed/widget-options.js';
import { BASE_MEASURES, groupedQuery } from '../../../dashboard/src/lib/report-query.js';
import { parseReportState } from '../../../dashboard/src/lib/report-state.js';
import {
  figuresOf,
  filterIdOf,
  reportRange,
  reportStateOf,
  rowsOf,
  serviceCodeUsageQueries,
  type ServiceCodeUsageRow,
} from '../../../dashboard/react/index.js';

const RANGE = { from: '2026-07-01', to: '2026-09-30' };

describe('the hook’s queries', () => {
  it('are the report’s own for the same filters as its URL', () => {
    const state = reportStateOf({
      ...RANGE,
      payors: [12, 'none'],
      case_types: '3',
      codes: ['97110'],
      billing: 'non-billable',
      group: 'payor',
    });
    const url = parseReportState('?from=2026-07-01&to=2026-09-30&payors=12,none&case_types=3&codes=97110&billing=non-billable&group=payor');
    expect(state).toEqual(url);
    const { rows, totals } = serviceCodeUsageQueries(state, RANGE);
    expect(rows).toEqual(groupedQuery(url, RANGE, 'payor', BASE_MEASURES));
    expect(totals).toEqual(groupedQuery(url, RANGE, null, BASE_MEASURES));
    // What that is, spelled out: the payor's id and name, the four figures, the dates and every filter.
    expect(rows).toEqual({
      measures: [
        'service_code_usage.units_billed',
        'service_code_usage.visits_used',
        'service_code_usage.total_billed',
        'service_code_usage.insurance_paid',
      ],
      dimensions: ['service_code_usage.payor_id', 'service_code_usage.payor_name'],
      timeDimensions: [{ dimension: 'service_code_usage.date_of_service', dateRange: ['2026-07-01', '2026-09-30'] }],
      filters: [
        {
          or: [
            { member: 'service_code_usage.payor_id', operator: 'equals', values: ['12'] },
            { member: 'service_code_usage.payor_id', operator: 'notSet' },
          ],
        },
        { member: 'service_code_usage.case_type_id', operator: 'equals', values: ['3'] },
        { member: 'service_code_usage.service_code', operator: 'equals', values: ['97110'] },
        { member: 'service_code_usage.billing_type', operator: 'equals', values: ['Non-billable'] },
      ],
      order: { 'service_code_usage.payor_name': 'asc' },
      limit: 10_000,
    });
    expect(totals.dimensions).toEqual([]);
  });

  it('group by code unless told, as the report', () => {
    const state = reportStateOf({ ...RANGE });
    expect(state.group).toBe('code');
    expect(serviceCodeUsageQueries(state, RANGE).rows.dimensions).toEqual([
      'service_code_usage.service_code',
      'service_code_usage.service_code_description',
      'service_code_usage.code_type',
    ]);
  });

  it('ask for the clinic’s last month in its own time zone when no dates are given', () => {
    const state = reportStateOf({ group: 'provider' });
    expect(reportRange(state, null)).toBeNull();
    // 2026-12-01 03:00 UTC is still November 30 in Los Angeles.
    const now = new Date('2026-12-01T03:00:00Z');
    expect(reportRange(state, 'America/Los_Angeles', now)).toEqual({ from: '2026-10-01', to: '2026-10-31' });
    expect(reportRange(state, 'Europe/Berlin', now)).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(reportRange(reportStateOf(RANGE), 'Europe/Berlin', now)).toEqual(RANGE);
  });

  it('refuse filters the widgets refuse, and a comparison', () => {
    const fails = (filters: object, message: RegExp) => {
      expect(() => reportStateOf(filters)).toThrow(WidgetConfigError);
      expect(() => reportStateOf(filters)).toThrow(message);
    };
    fails({ from: '2026-07-01' }, /both "from" and "to"/);
    fails({ from: '2026-09-30', to: '2026-07-01' }, /is after/);
    fails({ payor: [12] }, /unknown key "payor"/);
    fails({ group: 'clinic' }, /filters.group must be one of code, provider, payor, case_type, billing_type/);
    fails({ ...RANGE, compare: 'previous' }, /no compare/);
  });
});

describe('the hook’s rows', () => {
  it('are typed from the API’s rows, decimals kept as its strings, self-pay as a null id', () => {
    const raw = [
      {
        'service_code_usage.payor_id': 12,
        'service_code_usage.payor_name': 'Blue Shield',
        'service_code_usage.units_billed': '1225',
        'service_code_usage.visits_used': '310',
        'service_code_usage.total_billed': '98765432109876.10',
        'service_code_usage.insurance_paid': '0.30',
      },
      {
        'service_code_usage.payor_id': null,
        'service_code_usage.payor_name': 'Self-pay',
        'service_code_usage.units_billed': '2.5',
        'service_code_usage.visits_used': 1,
        'service_code_usage.total_billed': '70.50',
        'service_code_usage.insurance_paid': '0.00',
      },
    ];
    const rows: ServiceCodeUsageRow[] = rowsOf(raw, 'payor');
    expect(rows).toEqual([
      {
        id: '12',
        name: 'Blue Shield',
        units_billed: '1225',
        visits_used: '310',
        total_billed: '98765432109876.10',
        insurance_paid: '0.30',
      },
      { id: null, name: 'Self-pay', units_billed: '2.5', visits_used: '1', total_billed: '70.50', insurance_paid: '0.00' },
    ]);
    expect(rows.map(filterIdOf)).toEqual(['12', 'none']);
  });

  it('read the code group’s code as both id and name, and an empty range’s totals as zero', () => {
    const [row] = rowsOf(
      [
        {
          'service_code_usage.service_code': '97110',
          'service_code_usage.service_code_description': 'Therapeutic exercise',
          'service_code_usage.units_billed': '4',
        },
      ],
      'code',
    );
    expect(row).toMatchObject({ id: '97110', name: '97110', units_billed: '4', visits_used: '0', total_billed: '0.00' });
    expect(figuresOf({ 'service_code_usage.units_billed': null })).toEqual({
      units_billed: '0',
      visits_used: '0',
      total_billed: '0.00',
      insurance_paid: '0.00',
    });
  });

  it('refuse a money value that is not exact', () => {
    expect(() => figuresOf({ 'service_code_usage.total_billed': 70.1 })).toThrow(RangeError);
  });
});
