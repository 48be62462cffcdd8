// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE, parseReportState, serializeReportState, type ReportState } from '../../../dashboard/src/lib/report-state.js';

describe('report state in the URL (docs/contract.md, "Dashboard URL")', () => {
  it('reads every contract parameter', () => {
    const state = parseReportState(
      '?from=2026-01-01&to=2026-01-31&providers=3,7&payors=12,none&case_types=4&codes=98941,MASS60&billing=non-billable&group=payor',
    );
    expect(state).toMatchObject({
      from: '2026-01-01',
      to: '2026-01-31',
      providers: ['3', '7'],
      payors: ['12', 'none'],
      caseTypes: ['4'],
      codes: ['98941', 'MASS60'],
      billing: 'non-billable',
      group: 'payor',
    });
  });

  it('writes the same names, commas unescaped, defaults omitted', () => {
    const state: ReportState = {
      ...DEFAULT_STATE,
      from: '2026-02-01',
      to: '2026-02-28',
      providers: ['3', '7'],
      payors: ['none'],
      caseTypes: ['9'],
      codes: ['97110', 'X-RAY-2V'],
      billing: 'billable',
      group: 'case_type',
    };
    expect(serializeReportState(state)).toBe(
      '?from=2026-02-01&to=2026-02-28&providers=3,7&payors=none&case_types=9&codes=97110,X-RAY-2V&billing=billable&group=case_type',
    );
    expect(serializeReportState({ ...DEFAULT_STATE })).toBe('');
    expect(serializeReportState({ ...DEFAULT_STATE, group: 'code' })).toBe('');
  });

  it('round-trips the dashboard’s own view parameters', () => {
    const state: ReportState = {
      ...DEFAULT_STATE,
      from: '2026-03-01',
      to: '2026-03-31',
      compare: 'last_year',
      trend: 'week',
      sort: { column: 'total_billed', direction: 'desc' },
      pivot: true,
    };
    expect(parseReportState(serializeReportState(state))).toEqual(state);
  });

  it('drops invalid values instead of failing', () => {
    const state = parseReportState('?from=2026-02-30&to=2026-03-01&providers=1,abc,,2&billing=maybe&group=patient&sort=x;drop');
    expect(state.from).toBeNull();
    expect(state.to).toBeNull();
    expect(state.providers).toEqual(['1', '2']);
    expect(state.billing).toBeNull();
    expect(state.group).toBe('code');
    expect(state.sort).toBeNull();
  });

  it('needs both ends of the range and orders them', () => {
    expect(parseReportState('?from=2026-01-01').from).toBeNull();
    expect(parseReportState('?from=2026-05-31&to=2026-05-01')).toMatchObject({ from: '2026-05-01', to: '2026-05-31' });
  });

  it('keeps codes as code strings and removes duplicates', () => {
    expect(parseReportState('?codes=97110,97110,%2B1').codes).toEqual(['97110', '+1']);
  });
});
