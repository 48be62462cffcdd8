/**
 * The refresh loop: every interval, the change tracker finds which months of service changed (cheap,
 * indexed reads), then Cube's own refresh pass re-reads each partition's refresh key (a primary-key read
 * of the tracker's log) and rebuilds only the partitions whose key moved. One tick at a time: a tick
 * that is still running when the next is due makes that one wait, never overlap.
 */
import type { ChangeTracker, TrackerPass } from './change-tracker.js';

export interface RefreshLoopOptions {
  everySeconds: number;
  tracker: ChangeTracker;
  /** Cube's refresh pass (builds and refreshes partitions). */
  refreshPreAggregations(): Promise<void>;
  log(event: Record<string, unknown>): void;
}

export interface RefreshLoop {
  /** One tick now (waits for a running one first); resolves when its Cube pass is done. */
  runOnce(): Promise<TrackerPass>;
  stop(): Promise<void>;
}

export function startRefreshLoop(options: RefreshLoopOptions): RefreshLoop {
  let running: Promise<TrackerPass> | undefined;
  let stopped = false;

  // Idle passes are summed into one line a minute; a pass that changed something is logged at once.
  let idle = { passes: 0, dbMs: 0, refreshMs: 0, since: performance.now() };

  const tick = async (): Promise<TrackerPass> => {
    const started = performance.now();
    const pass = await options.tracker.pass();
    const tracked = performance.now();
    await options.refreshPreAggregations();
    const refreshMs = Math.round(performance.now() - tracked);
    if (pass.months.length === 0 && !pass.reconciled) {
      idle.passes += 1;
      idle.dbMs += pass.dbMs;
      idle.refreshMs += refreshMs;
      if (performance.now() - idle.since >= 60_000) {
        options.log({ message: 'Change tracker pass', idle: true, passes: idle.passes, dbMs: idle.dbMs, refreshMs: idle.refreshMs });
        idle = { passes: 0, dbMs: 0, refreshMs: 0, since: performance.now() };
      }
      return pass;
    }
    options.log({
      message: 'Change tracker pass',
      dbMs: pass.dbMs,
      months: pass.months,
      clinics: pass.clinics,
      reconciled: pass.reconciled,
      trackerMs: Math.round(tracked - started),
      refreshMs,
    });
    return pass;
  };

  const runOnce = async (): Promise<TrackerPass> => {
    while (running) await running.catch(() => undefined);
    running = tick().finally(() => {
      running = undefined;
    });
    return running;
  };

  const timer = setInterval(() => {
    if (stopped || running) return;
    runOnce().catch((error: unknown) => options.log({ message: 'Change tracker pass', error: String((error as Error).message ?? error) }));
  }, options.everySeconds * 1000);
  timer.unref();

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (running) await running.catch(() => undefined);
    },
  };
}
