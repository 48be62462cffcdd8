import { describe, expect, it } from 'vitest';
import { addMonths, formatDay, formatEpochSeconds, parseIsoDate, utcOffsetSeconds, weekday } from '../../../server/db/seed/calendar.js';
import { describeProgress, formatCents, parseCents, progressBar, rowValues } from '../../../server/db/seed/index.js';
import { Random, WeightedChoice } from '../../../server/db/seed/random.js';

describe('Random', () => {
  it('repeats its sequence for the same seed and stream, and differs otherwise', () => {
    const draw = (seed: number, ...streams: number[]) => {
      const random = new Random(seed, ...streams);
      return Array.from({ length: 8 }, () => random.nextUint32());
    };
    expect(draw(1, 5)).toEqual(draw(1, 5));
    expect(draw(1, 5)).not.toEqual(draw(2, 5));
    expect(draw(1, 5)).not.toEqual(draw(1, 6));
    expect(draw(2 ** 40 + 1)).not.toEqual(draw(1)); // the high bits of a large seed count
  });

  it('draws integers in the inclusive range, each value about equally often', () => {
    const random = new Random(42);
    const seen = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) seen[random.int(1, 4) - 1]!++;
    for (const n of seen) expect(Math.abs(n - 10_000)).toBeLessThan(500);
  });

  it('has a Poisson mean close to the requested one, below and above the normal-approximation cut', () => {
    const random = new Random(9);
    for (const mean of [0.5, 12, 80]) {
      let sum = 0;
      for (let i = 0; i < 20_000; i++) sum += random.poisson(mean);
      expect(Math.abs(sum / 20_000 - mean) / mean).toBeLessThan(0.03);
    }
  });

  it('never picks a zero-weight option', () => {
    const random = new Random(3);
    const choice = new WeightedChoice(['a', 'b', 'c'], [1, 0, 3]);
    const picks = new Set(Array.from({ length: 2000 }, () => choice.pick(random)));
    expect(picks).toEqual(new Set(['a', 'c']));
  });
});

describe('calendar', () => {
  it('round-trips ISO dates and refuses impossible ones', () => {
    expect(formatDay(parseIsoDate('2024-02-29'))).toBe('2024-02-29');
    expect(() => parseIsoDate('2025-02-29')).toThrow();
    expect(() => parseIsoDate('2025-2-1')).toThrow();
  });

  it('knows weekdays and month arithmetic (clamped to the month’s end)', () => {
    expect(weekday(parseIsoDate('2026-10-31'))).toBe(6); // a Saturday
    expect(formatDay(addMonths(parseIsoDate('2026-03-31'), -1))).toBe('2026-02-28');
    expect(formatDay(addMonths(parseIsoDate('2026-11-01'), -24))).toBe('2024-11-01');
  });

  it('formats UTC datetimes', () => {
    expect(formatEpochSeconds(Date.UTC(2025, 11, 31, 23, 59, 59) / 1000)).toBe('2025-12-31 23:59:59');
  });

  it('finds time-zone offsets, with daylight saving where the zone has it', () => {
    expect(utcOffsetSeconds('America/New_York', Date.UTC(2026, 0, 15, 12))).toBe(-5 * 3600);
    expect(utcOffsetSeconds('America/New_York', Date.UTC(2026, 6, 15, 12))).toBe(-4 * 3600);
    expect(utcOffsetSeconds('America/Phoenix', Date.UTC(2026, 6, 15, 12))).toBe(-7 * 3600);
    expect(() => utcOffsetSeconds('Mars/Olympus_Mons', 0)).toThrow(RangeError);
  });
});

describe('money', () => {
  it('formats and parses cents exactly, negative amounts included', () => {
    for (const cents of [0, 1, 9, 10, 99, 100, 4550, 123456789, -1, -1205]) expect(parseCents(formatCents(cents))).toBe(cents);
    expect(formatCents(4550)).toBe('45.50');
    expect(formatCents(-5)).toBe('-0.05');
    expect(parseCents('12.3')).toBe(1230);
  });

  it('lists a row’s values in DDL order', () => {
    expect(rowValues({ table: 'case_types', row: { name: 'Wellness', clinic_id: 2, id: 9 } })).toEqual([9, 2, 'Wellness']);
  });
});

describe('progress bar', () => {
  const stream = (isTTY: boolean) => {
    const writes: string[] = [];
    return { writes, isTTY, columns: 120, write: (text: string) => writes.push(text) };
  };

  it('shows rows, estimated total, rate and ETA', () => {
    const line = describeProgress({ rowsWritten: 50_000, estimatedRows: 100_000, elapsedMs: 2_000, done: false });
    expect(line).toContain('50%');
    expect(line).toContain('50,000/~100,000 rows');
    expect(line).toContain('25,000 rows/s');
    expect(line).toContain('ETA 0:02');
    expect(describeProgress({ rowsWritten: 120_000, estimatedRows: 100_000, elapsedMs: 5_000, done: false })).toContain(' 99%');
    expect(describeProgress({ rowsWritten: 120_000, estimatedRows: 100_000, elapsedMs: 5_000, done: true })).toContain(
      '100% 120,000/120,000 rows',
    );
  });

  it('redraws in place on a terminal', () => {
    const tty = stream(true);
    const report = progressBar(tty);
    report({ rowsWritten: 1, estimatedRows: 10, elapsedMs: 10, done: false });
    report({ rowsWritten: 5, estimatedRows: 10, elapsedMs: 20, done: false });
    report({ rowsWritten: 10, estimatedRows: 10, elapsedMs: 30, done: true });
    expect(tty.writes).toHaveLength(3);
    expect(tty.writes.every((w) => w.startsWith('\r'))).toBe(true);
    expect(tty.writes.slice(0, 2).some((w) => w.includes('\n'))).toBe(false);
    expect(tty.writes[2]!.endsWith('\n')).toBe(true);
  });

  it('writes a plain line every few seconds elsewhere', () => {
    const log = stream(false);
    const report = progressBar(log, { lineEverySeconds: 5 });
    for (let ms = 0; ms <= 12_000; ms += 250) report({ rowsWritten: ms, estimatedRows: 20_000, elapsedMs: ms, done: false });
    report({ rowsWritten: 20_000, estimatedRows: 20_000, elapsedMs: 12_100, done: true });
    expect(log.writes).toHaveLength(4); // at 0, 5 and 10 s, and the final line
    expect(log.writes.every((w) => !w.includes('\r') && w.endsWith('\n'))).toBe(true);
  });
});
