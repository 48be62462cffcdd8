/**
 * The refresh loop: every interval, the change tracker finds which months of service changed (cheap,
 * indexed reads), then Cube's own refresh pass re-reads each partition's refresh key (a primary-key read
 * of the tracker's log) and rebuilds only the partitions whose key moved. One tick at a time: a tick
 * that is still running when the next is due makes that one wait, never overlap. A Cube pass that ends
 * before every partition is built (a long build outlasts Cube's "Continue wait") is followed by the
 * next tick after a second, not after the interval, so a large first build runs back to back.
 *
 * A tick that fails (the database cut, reset or too slow) is logged and never ends the process: the
 * timer's next tick tries again, and the first build (`runUntilBuilt`) retries after 1 s, then 2, 4 …
 * up to RETRY_CAP_MS, until it finishes or the loop is stopped. Before, a failed first tick rejected
 * and server/main.ts exited: a database blip during a long first build left nothing serving at all.
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

/** The longest wait between two tries of work that keeps failing. */
export const RETRY_CAP_MS = 30_000;

/**
 * The wait between tries of work that fails while the database is away: 1 s, then 2, 4 … up to
 * RETRY_CAP_MS after consecutive failures; `stop()` ends a wait at once and makes `stopped` true.
 */
export class RetryPause {
  stopped = false;
  private failures = 0;
  private wake: (() => void) | undefined;

  /** The work succeeded: the next failure waits 1 s again. */
  succeeded(): void {
    this.failures = 0;
  }

  /** The wait the next `afterFailure()` will take. */
  nextWaitMs(): number {
    return Math.min(RETRY_CAP_MS, 1000 * 2 ** this.failures);
  }

  /** Counts a failure and waits before the next try. */
  afterFailure(): Promise<void> {
    const ms = this.nextWaitMs();
    this.failures += 1;
    return this.wait(ms);
  }

  wait(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }
}

export function startRefreshLoop(options: RefreshLoopOptions): RefreshLoop {
  let stopped = false;
  const firstBuildPause = new RetryPause();

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
  const errorText = (error: unknown) => String((error as Error)?.message ?? error);
  const logError = (error: unknown) => options.log({ message: 'Change tracker pass', error: errorText(error) });

  const timer = setInterval(() => {
    if (stopped || running) return;
    runTick().catch(logError);
  }, options.everySeconds * 1000);
  timer.unref();

  return {
    async runUntilBuilt() {
      while (!stopped) {
        try {
          if ((await runTick(false)).finished) return;
          firstBuildPause.succeeded();
          await firstBuildPause.wait(1000);
        } catch (error) {
          options.log({ message: 'Change tracker pass', error: errorText(error), retryInMs: firstBuildPause.nextWaitMs() });
          await firstBuildPause.afterFailure();
        }
      }
    },
    async stop() {
      stopped = true;
      firstBuildPause.stop();
      clearInterval(timer);
      clearTimeout(followUp);
      if (running) await running.catch(() => undefined);
    },
  };
}
