/**
 * server/refresh/refresh-loop.ts's first build when the database fails: it retries (1 s, 2 s, 4 s …)
 * instead of rejecting (a rejection ended the process: server/main.ts), and a stop ends its wait at
 * once. The real loop against a cut database: test/integration/reliability/outages.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChangeTracker, TrackerPass } from '../../../server/refresh/change-tracker.js';
import { RETRY_CAP_MS, startRefreshLoop } from '../../../server/refresh/refresh-loop.js';

const PASS: TrackerPass = { months: [], clinics: [], reconciled: false, dbMs: 1 };

/** A tracker whose next `failures` passes reject as a cut database does. */
function trackerFailing(failures: number): { tracker: ChangeTracker; passes: () => number } {
  let passes = 0;
  const tracker = {
    async pass() {
      passes += 1;
      if (passes <= failures) throw new Error('connect ECONNREFUSED 127.0.0.1:3306');
      return PASS;
    },
  } as unknown as ChangeTracker;
  return { tracker, passes: () => passes };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the first build while the database fails', () => {
  it('retries with a growing wait, logs each failure, and resolves once a pass finishes', async () => {
    const { tracker, passes } = trackerFailing(3);
    const log: Record<string, unknown>[] = [];
    const loop = startRefreshLoop({ everySeconds: 3600, tracker, refreshPreAggregations: async () => true, log: (e) => log.push(e) });
    let built = false;
    const run = loop.runUntilBuilt().then(() => (built = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(passes()).toBe(1);
    await vi.advanceTimersByTimeAsync(1000); // after 1 s: the second try
    expect(passes()).toBe(2);
    await vi.advanceTimersByTimeAsync(1999); // then 2 s
    expect(passes()).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(passes()).toBe(3);
    await vi.advanceTimersByTimeAsync(4000); // then 4 s: this one succeeds
    await run;
    expect(built).toBe(true);
    expect(passes()).toBe(4);
    expect(log.filter((e) => e.error)).toEqual(
      [1000, 2000, 4000].map((retryInMs) => ({ message: 'Change tracker pass', error: 'connect ECONNREFUSED 127.0.0.1:3306', retryInMs })),
    );
    await loop.stop();
  });

  it('never waits longer than RETRY_CAP_MS between tries', async () => {
    const { tracker, passes } = trackerFailing(100);
    const loop = startRefreshLoop({ everySeconds: 3600, tracker, refreshPreAggregations: async () => true, log: () => undefined });
    void loop.runUntilBuilt();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    const before = passes();
    await vi.advanceTimersByTimeAsync(RETRY_CAP_MS);
    expect(passes()).toBe(before + 1);
    await loop.stop();
  });

  it('a stop during the wait ends the first build at once', async () => {
    const { tracker, passes } = trackerFailing(100);
    const loop = startRefreshLoop({ everySeconds: 3600, tracker, refreshPreAggregations: async () => true, log: () => undefined });
    let ended = false;
    const run = loop.runUntilBuilt().then(() => (ended = true));
    await vi.advanceTimersByTimeAsync(0);
    await loop.stop();
    await vi.advanceTimersByTimeAsync(0);
    await run;
    expect(ended).toBe(true);
    expect(passes()).toBe(1);
  });

  it('a Cube pass that ends unfinished is followed by the next one a second later', async () => {
    const { tracker, passes } = trackerFailing(0);
    let refreshes = 0;
    const loop = startRefreshLoop({
      everySeconds: 3600,
      tracker,
      refreshPreAggregations: async () => ++refreshes >= 3,
      log: () => undefined,
    });
    const run = loop.runUntilBuilt();
    await vi.advanceTimersByTimeAsync(2000);
    await run;
    expect(refreshes).toBe(3);
    expect(passes()).toBe(3);
    await loop.stop();
  });
});
