// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { comparisonRange, periodStarts, presetOf, presetRange, todayInZone } from '../../../dashboard/src/lib/clinic-calendar.js';

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
});
