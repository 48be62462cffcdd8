/**
 * The refresh loop: every interval, the change tracker finds which months of service changed (cheap,
 * indexed reads), then Cube's own refresh pass re-reads each partition's refresh key (a primary-key read
 * of the tracker's log) and rebuilds only the partitions whose key moved. One tick at a time: a tick
 * that is still running when the next is due makes that one wait, never overlap. A Cube pass that ends
 * before every partition is built (a long build outlasts Cube's "Continue wait") is followed by the
 * next tick after a second, not after the interval, so a large first build runs back to back.
 */
import type { ChangeTracker, TrackerPass } from './change-tracker.js';

export interface RefreshLoopOptions {
  everySeconds: number;
  tracker: ChangeTracker;
  /** Cube's refresh pass (builds and refreshes partitions); false when it ended before all were built. */
  refreshPreAggregations(): Promise<boolean>;
  log(event: Record<string, unknown>): void;
}

export interface RefreshLoop {
  /** Ticks now until Cube's pass finishes with every partition built (waits for a running tick first). */
  runUntilBuilt(): Promise<void>;
  stop(): Promise<void>;
}

export function startRefreshLoop(options: RefreshLoopOptions): RefreshLoop {
  let stopped = false;

  // Idle passes are summed into one line a minute; a pass that changed something is logged at once.
  let idle = { passes: 0, dbMs: 0, refreshMs: 0, since: performance.now() };

  const tick = async (): Promise<{ pass: TrackerPass; finished: boolean }> => {
    const started = performance.now();
    const pass = await options.tracker.pass();
    const tracked = performance.now();
    const finished = await options.refreshPreAggregations();
    const refreshMs = Math.round(performance.now() - tracked);
    if (pass.months.length === 0 && !pass.reconciled && finished) {
      idle.passes += 1;
      idle.dbMs += pass.dbMs;
      idle.refreshMs += refreshMs;
      if (performance.now() - idle.since >= 60_000) {
        options.log({ message: 'Change tracker pass', idle: true, passes: idle.passes, dbMs: idle.dbMs, refreshMs: idle.refreshMs });
        idle = { passes: 0, dbMs: 0, refreshMs: 0, since: performance.now() };
      }
      return { pass, finished };
    }
    options.log({
      message: 'Change tracker pass',
      dbMs: pass.dbMs,
      months: pass.months,
      clinics: pass.clinics,
      reconciled: pass.reconciled,
      trackerMs: Math.round(tracked - started),
      refreshMs,
      finished,
    });
    return { pass, finished };
  };

  let running: Promise<{ pass: TrackerPass; finished: boolean }> | undefined;
  let followUp: NodeJS.Timeout | undefined;
  /** One tick; after an unfinished one, the next follows in a second (unless the caller drives them). */
  const runTick = async (followUpIfUnfinished = true) => {
    while (running) await running.catch(() => undefined);
    running = tick().finally(() => {
      running = undefined;
    });
    const result = await running;
    if (followUpIfUnfinished && !result.finished && !stopped) {
      clearTimeout(followUp);
      followUp = setTimeout(() => void runTick().catch(logError), 1000);
      followUp.unref();
    }
    return result;
  };
  const logError = (error: unknown) => options.log({ message: 'Change tracker pass', error: String((error as Error)?.message ?? error) });

  const timer = setInterval(() => {
    if (stopped || running) return;
    runTick().catch(logError);
  }, options.everySeconds * 1000);
  timer.unref();

  return {
    async runUntilBuilt() {
      while (!stopped && !(await runTick(false)).finished) await new Promise((r) => setTimeout(r, 1000));
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(followUp);
      if (running) await running.catch(() => undefined);
    },
  };
}
