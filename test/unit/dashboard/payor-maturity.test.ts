/**
 * The heatmap's maturity rule (dashboard/src/lib/payor-rates.ts): which part of a range is old enough to
 * compare, a cell's immature share, and that medians and "well below the median" flags read only the
 * mature figures; the threshold in the report's URL (`maturity=`); and the one request that asks for the
 * range and its mature part (report-query.ts).
 */
import { describe, expect, it } from 'vitest';
import { createFormatters } from '../../../dashboard/src/lib/format.js';
import {
  codeMedians,
  immatureShare,
  isCompared,
  isWellBelowMedian,
  matureRange,
  maturityCutoff,
  perUnit,
  type PayorCodeCell,
} from '../../../dashboard/src/lib/payor-rates.js';
import { DATE_OF_SERVICE, payorCodeQuery } from '../../../dashboard/src/lib/report-query.js';
import { DEFAULT_STATE, parseReportState, serializeReportState, type ReportState } from '../../../dashboard/src/lib/report-state.js';

const TODAY = '2026-11-28';
/** 90 days before TODAY (Nov 28 → Aug 30, counted by hand over Oct's 31 and Sep's 30 days). */
const CUTOFF_90 = '2026-08-30';

/** A cell from its whole-range and mature figures (cents); the rates as the API's answer gives them. */
function cell(payorId: string, code: string, whole: [units: number, paid: number], mature: [units: number, paid: number]): PayorCodeCell {
  const [units, paid, matureUnits, maturePaid] = [...whole, ...mature].map(BigInt) as [bigint, bigint, bigint, bigint];
  return {
    payorId,
    payorName: `Payor ${payorId}`,
    code,
    units,
    paid,
    perUnit: perUnit(paid, units),
    matureUnits,
    maturePaid,
    maturePerUnit: perUnit(maturePaid, matureUnits),
  };
}

describe('maturityCutoff and matureRange', () => {
  it('the cutoff is the threshold in calendar days before today, across months, years and 29 February', () => {
    expect(maturityCutoff(TODAY, 90)).toBe(CUTOFF_90);
    expect(maturityCutoff('2026-01-15', 90)).toBe('2025-10-17');
    expect(maturityCutoff('2024-03-01', 1)).toBe('2024-02-29');
    expect(maturityCutoff('2025-03-01', 1)).toBe('2025-02-28');
    expect(maturityCutoff(TODAY, 0)).toBe(TODAY);
  });

  it('a range wholly before the cutoff is all mature', () => {
    expect(matureRange({ from: '2026-01-01', to: '2026-06-30' }, TODAY, 90)).toEqual({ from: '2026-01-01', to: '2026-06-30' });
    // Ending on the cutoff itself: a visit exactly 90 days old is old enough.
    expect(matureRange({ from: '2026-08-01', to: CUTOFF_90 }, TODAY, 90)).toEqual({ from: '2026-08-01', to: CUTOFF_90 });
  });

  it('a range straddling the cutoff is mature up to the cutoff', () => {
    expect(matureRange({ from: '2026-08-01', to: TODAY }, TODAY, 90)).toEqual({ from: '2026-08-01', to: CUTOFF_90 });
    expect(matureRange({ from: '2026-08-01', to: '2026-08-31' }, TODAY, 90)).toEqual({ from: '2026-08-01', to: CUTOFF_90 });
    // Starting on the cutoff: one mature day.
    expect(matureRange({ from: CUTOFF_90, to: TODAY }, TODAY, 90)).toEqual({ from: CUTOFF_90, to: CUTOFF_90 });
  });

  it('a range wholly after the cutoff has no mature part', () => {
    expect(matureRange({ from: '2026-08-31', to: TODAY }, TODAY, 90)).toBeNull();
    expect(matureRange({ from: '2026-10-01', to: '2026-10-31' }, TODAY, 90)).toBeNull();
  });

  it('threshold 0: everything up to today is mature, nothing after it', () => {
    expect(matureRange({ from: '2026-11-01', to: TODAY }, TODAY, 0)).toEqual({ from: '2026-11-01', to: TODAY });
    expect(matureRange({ from: '2026-11-01', to: '2026-11-30' }, TODAY, 0)).toEqual({ from: '2026-11-01', to: TODAY });
    expect(matureRange({ from: '2026-11-29', to: '2026-11-30' }, TODAY, 0)).toBeNull();
  });
});

describe('immatureShare', () => {
  it('is the share of units from visits too recent to compare', () => {
    expect(immatureShare(cell('1', '98941', [40, 0], [10, 0]))).toBe(0.75);
    expect(immatureShare(cell('1', '98941', [40, 0], [40, 0]))).toBe(0);
    expect(immatureShare(cell('1', '98941', [40, 0], [0, 0]))).toBe(1);
    expect(immatureShare(cell('1', '98941', [8, 0], [1, 0]))).toBe(0.875);
  });

  it('reads in the tooltip as the exact share, rounded: two thirds are 66.7 %', () => {
    // Rounded half away from zero, as every figure of the report: cut short to thousandths (as at first,
    // before d007af1), 2 of 3 units read 0.666 and the tooltip (one decimal) said "66.6%".
    const percent = createFormatters('en-US', 'USD').percent;
    expect(percent(immatureShare(cell('1', '98941', [3, 0], [1, 0])))).toBe('66.7%');
    expect(percent(immatureShare(cell('1', '98941', [6, 0], [5, 0])))).toBe('16.7%');
  });

  it('is 0 for a cell without units', () => {
    expect(immatureShare(cell('1', '98941', [0, 0], [0, 0]))).toBe(0);
  });
});

describe('medians and flags read only the mature figures', () => {
  // One code, five payors compared on their mature visits: 40.00, 41.00, 39.00, 40.50, 20.00 a unit
  // (median 40.00, 80 % of it 32.00).
  const A = cell('A', '98941', [32, 32 * 4000], [20, 20 * 4000]);
  const B = cell('B', '98941', [20, 20 * 4100], [20, 20 * 4100]);
  const C = cell('C', '98941', [20, 20 * 3900], [20, 20 * 3900]);
  // Many recent visits not paid yet: 10.13 a unit over the range, 40.50 on its mature visits.
  const D = cell('D', '98941', [80, 20 * 4050], [20, 20 * 4050]);
  const E = cell('E', '98941', [20, 20 * 2000], [20, 20 * 2000]);
  // 5 mature units at 1.00 and 30 recent ones unpaid: too few mature units to say anything.
  const F = cell('F', '98941', [35, 5 * 100], [5, 5 * 100]);
  const cells = [A, B, C, D, E, F];

  it("the median is of the compared payors' mature rates", () => {
    expect(codeMedians(cells).get('98941')).toEqual({ code: '98941', median: 4000n, payors: 5 });
  });

  it('a cell far below the median over the range, but not on its mature visits, is not flagged', () => {
    expect(D.perUnit! * 10n < 4000n * 8n).toBe(true);
    expect(isCompared(D)).toBe(true);
    expect(isWellBelowMedian(D, codeMedians(cells).get('98941'))).toBe(false);
  });

  it('a cell well below the median on its mature visits is flagged', () => {
    const medians = codeMedians(cells);
    expect(cells.filter((c) => isWellBelowMedian(c, medians.get(c.code))).map((c) => c.payorId)).toEqual(['E']);
  });

  it('a cell with fewer than 10 mature units is not compared, not flagged, not part of the median', () => {
    expect(isCompared(F)).toBe(false);
    expect(isWellBelowMedian(F, codeMedians(cells).get('98941'))).toBe(false);
    expect(codeMedians(cells)).toEqual(codeMedians(cells.filter((c) => c !== F)));
    // Its whole range has 35 units: the naive rule would have counted and flagged it.
    expect(F.units).toBeGreaterThanOrEqual(10n);
  });

  it('9 mature units are not compared, 10 are', () => {
    expect(isCompared(cell('G', '98941', [30, 0], [9, 9 * 100]))).toBe(false);
    expect(isCompared(cell('G', '98941', [30, 0], [10, 10 * 100]))).toBe(true);
    expect(isWellBelowMedian(cell('G', '98941', [30, 0], [10, 10 * 100]), codeMedians(cells).get('98941'))).toBe(true);
  });

  it('a cell with no mature visit at all is not compared and not flagged, however low its range', () => {
    const recent = cell('H', '98941', [50, 0], [0, 0]);
    expect(recent.maturePerUnit).toBeNull();
    expect(isCompared(recent)).toBe(false);
    expect(isWellBelowMedian(recent, codeMedians([...cells, recent]).get('98941'))).toBe(false);
    expect(codeMedians([...cells, recent]).get('98941')?.payors).toBe(5);
  });

  it('"well below" is strictly under 80 % of the median', () => {
    const median = codeMedians(cells).get('98941');
    expect(isWellBelowMedian(cell('I', '98941', [10, 10 * 3200], [10, 10 * 3200]), median)).toBe(false);
    expect(isWellBelowMedian(cell('I', '98941', [10, 10 * 3199], [10, 10 * 3199]), median)).toBe(true);
  });

  it('a median of fewer than 3 compared payors flags nobody', () => {
    const few = [A, E, F, cell('D', '98941', [80, 0], [5, 0])];
    const medians = codeMedians(few);
    expect(medians.get('98941')?.payors).toBe(2);
    expect(few.some((c) => isWellBelowMedian(c, medians.get(c.code)))).toBe(false);
  });

  it('every recent range flags nothing: with no mature figures there is no median', () => {
    const recent = cells.map((c) => cell(c.payorId, c.code, [Number(c.units), Number(c.paid)], [0, 0]));
    expect(codeMedians(recent).size).toBe(0);
    expect(recent.filter((c) => isWellBelowMedian(c, codeMedians(recent).get(c.code)))).toEqual([]);
    expect(recent.filter(isCompared)).toEqual([]);
  });
});

describe('the threshold in the URL', () => {
  it('maturity=30 round-trips', () => {
    const state = parseReportState('?from=2026-08-01&to=2026-11-28&maturity=30');
    expect(state.maturity).toBe(30);
    expect(serializeReportState(state)).toBe('?from=2026-08-01&to=2026-11-28&maturity=30');
    const written: ReportState = { ...DEFAULT_STATE, from: '2026-08-01', to: '2026-11-28', maturity: 30 };
    expect(parseReportState(serializeReportState(written))).toEqual(written);
  });

  it('0 and the maximum, 730, are thresholds too', () => {
    expect(parseReportState('?maturity=0').maturity).toBe(0);
    expect(serializeReportState({ ...DEFAULT_STATE, maturity: 0 })).toBe('?maturity=0');
    expect(parseReportState('?maturity=730').maturity).toBe(730);
  });

  it.each(['90', '-1', 'abc', '9999', '731', '1.5', ''])('maturity=%s reads as the default and is not written', (text) => {
    const state = parseReportState(`?from=2026-08-01&to=2026-11-28&maturity=${text}`);
    expect(state.maturity).toBeNull();
    expect(serializeReportState(state)).toBe('?from=2026-08-01&to=2026-11-28');
  });

  it('the default, 90, is never written', () => {
    expect(serializeReportState({ ...DEFAULT_STATE, maturity: 90 })).toBe('');
    expect(serializeReportState({ ...DEFAULT_STATE, maturity: null })).toBe('');
  });
});

describe('payorCodeQuery with the mature part', () => {
  const state: ReportState = { ...DEFAULT_STATE, from: '2026-08-01', to: TODAY };
  const range = { from: '2026-08-01', to: TODAY };

  it('asks for the range and its mature part in one compareDateRange request', () => {
    const query = payorCodeQuery(state, range, matureRange(range, TODAY, 90));
    expect(query.timeDimensions).toEqual([
      {
        dimension: DATE_OF_SERVICE,
        compareDateRange: [
          [range.from, range.to],
          [range.from, CUTOFF_90],
        ],
      },
    ]);
  });

  it('asks for the range alone when it is all mature, or none of it is', () => {
    const old = { from: '2026-01-01', to: '2026-06-30' };
    expect(payorCodeQuery(state, old, matureRange(old, TODAY, 90)).timeDimensions).toEqual([
      { dimension: DATE_OF_SERVICE, dateRange: [old.from, old.to] },
    ]);
    const recent = { from: '2026-09-01', to: TODAY };
    expect(payorCodeQuery(state, recent, matureRange(recent, TODAY, 90)).timeDimensions).toEqual([
      { dimension: DATE_OF_SERVICE, dateRange: [recent.from, recent.to] },
    ]);
  });
});
