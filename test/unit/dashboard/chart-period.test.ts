import { describe, expect, it } from 'vitest';
import { periodInRange } from '../../../dashboard/src/lib/clinic-calendar.js';
import { createFormatters, periodLabel } from '../../../dashboard/src/lib/format.js';

const fmt = createFormatters('en-US', 'USD');
// Wednesday 2026-10-07 to Tuesday 2026-11-10.
const range = { from: '2026-10-07', to: '2026-11-10' };

describe('a chart period within the report range', () => {
  it('clips a week that straddles either end of the range, and keeps one inside it whole', () => {
    expect(periodInRange('2026-10-05', 'week', range)).toEqual({ from: '2026-10-07', to: '2026-10-11' });
    expect(periodInRange('2026-10-12', 'week', range)).toEqual({ from: '2026-10-12', to: '2026-10-18' });
    expect(periodInRange('2026-11-09', 'week', range)).toEqual({ from: '2026-11-09', to: '2026-11-10' });
  });

  it('clips a month to the range too', () => {
    expect(periodInRange('2026-10-01', 'month', range)).toEqual({ from: '2026-10-07', to: '2026-10-31' });
    expect(periodInRange('2026-11-01', 'month', range)).toEqual({ from: '2026-11-01', to: '2026-11-10' });
  });

  it('labels a first week by the range’s first day, other weeks by their Monday, months by month', () => {
    expect(periodLabel(fmt, '2026-10-05', 'week', range)).toBe('Oct 7, 2026');
    expect(periodLabel(fmt, '2026-10-12', 'week', range)).toBe('Oct 12, 2026');
    expect(periodLabel(fmt, '2026-10-01', 'month', range)).toBe('Oct 2026');
  });
});
