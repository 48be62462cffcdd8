// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import {
  comparisonRange,
  periodIndex,
  periodStartOf,
  periodStarts,
  periodStartsIn,
  presetOf,
  presetRange,
  todayInZone,
} from '../../../dashboard/src/lib/clinic-calendar.js';

describe('the clinic calendar', () => {
  it("takes today in the clinic's time zone, not the viewer's", () => {
    // 03:30 UTC on March 1st is still February 28th in Chicago and Los Angeles.
    const instant = new Date('2026-03-01T03:30:00Z');
    expect(todayInZone('America/Chicago', instant)).toBe('2026-02-28');
    expect(todayInZone('America/Los_Angeles', instant)).toBe('2026-02-28');
    expect(todayInZone('Europe/Berlin', instant)).toBe('2026-03-01');
  });

  it('computes every preset from that day', () => {
    const today = '2026-02-28';
    expect(presetRange('this_month', today)).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(presetRange('last_month', today)).toEqual({ from: '2026-01-01', to: '2026-01-31' });
    expect(presetRange('quarter_to_date', today)).toEqual({ from: '2026-01-01', to: '2026-02-28' });
    expect(presetRange('year_to_date', today)).toEqual({ from: '2026-01-01', to: '2026-02-28' });
    expect(presetRange('last_12_months', today)).toEqual({ from: '2025-03-01', to: '2026-02-28' });
    expect(presetRange('last_month', '2026-03-31')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(presetRange('quarter_to_date', '2026-11-27')).toEqual({ from: '2026-10-01', to: '2026-11-27' });
  });

  it('recognizes a preset range and calls anything else custom', () => {
    expect(presetOf({ from: '2026-10-01', to: '2026-10-31' }, '2026-11-27')).toBe('last_month');
    expect(presetOf({ from: '2026-10-02', to: '2026-10-31' }, '2026-11-27')).toBe('custom');
  });

  it('compares whole months with whole months, other ranges day for day', () => {
    expect(comparisonRange({ from: '2026-03-01', to: '2026-03-31' }, 'previous')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(comparisonRange({ from: '2026-01-01', to: '2026-06-30' }, 'previous')).toEqual({ from: '2025-07-01', to: '2025-12-31' });
    expect(comparisonRange({ from: '2026-03-10', to: '2026-03-19' }, 'previous')).toEqual({ from: '2026-02-28', to: '2026-03-09' });
    expect(comparisonRange({ from: '2024-02-01', to: '2024-02-29' }, 'last_year')).toEqual({ from: '2023-02-01', to: '2023-02-28' });
    expect(comparisonRange({ from: '2024-02-10', to: '2024-02-29' }, 'last_year')).toEqual({ from: '2023-02-10', to: '2023-02-28' });
  });

  it("lists the weeks (Monday first, like Cube's) and months a range touches", () => {
    expect(periodStarts({ from: '2026-10-01', to: '2026-10-20' }, 'week')).toEqual([
      '2026-09-28',
      '2026-10-05',
      '2026-10-12',
      '2026-10-19',
    ]);
    expect(periodStarts({ from: '2026-10-15', to: '2027-01-02' }, 'month')).toEqual([
      '2026-10-01',
      '2026-11-01',
      '2026-12-01',
      '2027-01-01',
    ]);
  });

  it('finds the start of the day, week (Monday), month, quarter and year a date is in', () => {
    expect(periodStartOf('2026-05-17', 'day')).toBe('2026-05-17');
    // Thursday 1 January 2026 is in the week of Monday 29 December 2025; Sunday 1 March in the week of 23 February.
    expect(periodStartOf('2026-01-01', 'week')).toBe('2025-12-29');
    expect(periodStartOf('2026-03-01', 'week')).toBe('2026-02-23');
    expect(periodStartOf('2026-02-23', 'week')).toBe('2026-02-23');
    expect(periodStartOf('2026-02-28', 'month')).toBe('2026-02-01');
    expect(['2026-01-01', '2026-03-31', '2026-04-01', '2026-08-15', '2026-12-31'].map((d) => periodStartOf(d, 'quarter'))).toEqual([
      '2026-01-01',
      '2026-01-01',
      '2026-04-01',
      '2026-07-01',
      '2026-10-01',
    ]);
    expect(periodStartOf('2026-12-31', 'year')).toBe('2026-01-01');
    expect(() => periodStartOf('2026-02-30', 'month')).toThrow(RangeError);
  });

  it('numbers a period from the first period of a range, whatever day the range starts on', () => {
    expect(periodIndex('2026-01-10', '2026-01-10', 'day')).toBe(0);
    expect(periodIndex('2026-03-01', '2026-02-27', 'day')).toBe(2);
    expect(periodIndex('2026-02-27', '2026-03-01', 'day')).toBe(-2);
    // The range starts on a Thursday: its first week is the one of Monday 29 December 2025.
    expect(periodIndex('2025-12-29', '2026-01-01', 'week')).toBe(0);
    expect(periodIndex('2026-01-04', '2026-01-01', 'week')).toBe(0);
    expect(periodIndex('2026-01-05', '2026-01-01', 'week')).toBe(1);
    expect(periodIndex('2026-03-02', '2026-01-01', 'week')).toBe(9);
    expect(periodIndex('2026-05-01', '2026-01-15', 'month')).toBe(4);
    expect(periodIndex('2026-02-01', '2025-11-30', 'month')).toBe(3);
    expect(periodIndex('2026-04-01', '2025-12-31', 'quarter')).toBe(2);
    expect(periodIndex('2026-03-31', '2026-01-01', 'quarter')).toBe(0);
    expect(periodIndex('2026-01-01', '2024-12-31', 'year')).toBe(2);
  });

  it('lists every period a range touches, for each granularity', () => {
    expect(periodStartsIn({ from: '2026-02-27', to: '2026-03-02' }, 'day')).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ]);
    expect(periodStartsIn({ from: '2025-12-31', to: '2026-01-12' }, 'week')).toEqual(['2025-12-29', '2026-01-05', '2026-01-12']);
    expect(periodStartsIn({ from: '2026-01-31', to: '2026-04-01' }, 'month')).toEqual([
      '2026-01-01',
      '2026-02-01',
      '2026-03-01',
      '2026-04-01',
    ]);
    expect(periodStartsIn({ from: '2025-11-15', to: '2026-07-01' }, 'quarter')).toEqual([
      '2025-10-01',
      '2026-01-01',
      '2026-04-01',
      '2026-07-01',
    ]);
    expect(periodStartsIn({ from: '2024-06-30', to: '2026-01-01' }, 'year')).toEqual(['2024-01-01', '2025-01-01', '2026-01-01']);
    // The same weeks and months as periodStarts.
    const range = { from: '2026-10-01', to: '2027-01-02' };
    expect(periodStartsIn(range, 'week')).toEqual(periodStarts(range, 'week'));
    expect(periodStartsIn(range, 'month')).toEqual(periodStarts(range, 'month'));
  });
});
