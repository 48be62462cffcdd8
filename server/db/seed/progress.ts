// A progress bar on a text stream (stderr): redrawn in place on a terminal, a plain line every few
// seconds otherwise (CI logs, docker logs).

import type { SeedProgress } from './run.js';

export interface ProgressBarOptions {
  label?: string;
  /** Seconds between lines when the stream is not a terminal. */
  lineEverySeconds?: number;
}

interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const BAR_WIDTH = 24;

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(h > 0 ? 2 : 1, '0');
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(sec).padStart(2, '0')}`;
}

function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** One line describing the progress: bar, percentage, rows, rate, ETA. */
export function describeProgress(progress: SeedProgress, label = 'seeding'): string {
  const seconds = progress.elapsedMs / 1000;
  const rate = seconds > 0 ? progress.rowsWritten / seconds : 0;
  // The total is an estimate: never show more than 99 % before the end.
  const fraction = progress.done ? 1 : Math.min(0.99, progress.estimatedRows > 0 ? progress.rowsWritten / progress.estimatedRows : 0);
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
  const total = progress.done ? formatCount(progress.rowsWritten) : `~${formatCount(progress.estimatedRows)}`;
  const eta = progress.done
    ? `done in ${formatDuration(seconds)}`
    : `ETA ${formatDuration(rate > 0 ? Math.max(0, progress.estimatedRows - progress.rowsWritten) / rate : Number.NaN)}`;
  return `${label} ${bar} ${String(Math.floor(fraction * 100)).padStart(3)}% ${formatCount(progress.rowsWritten)}/${total} rows ${formatCount(rate)} rows/s ${eta}`;
}

/** An `onProgress` callback that draws on `stream`. */
export function progressBar(stream: ProgressStream = process.stderr, options: ProgressBarOptions = {}): (progress: SeedProgress) => void {
  const label = options.label ?? 'seeding';
  const everyMs = (options.lineEverySeconds ?? 5) * 1000;
  let lastLine = Number.NEGATIVE_INFINITY;
  return (progress) => {
    const text = describeProgress(progress, label);
    if (stream.isTTY) {
      const width = Math.max(20, (stream.columns ?? 100) - 1);
      stream.write(`\r${text.slice(0, width).padEnd(width)}${progress.done ? '\n' : ''}`);
    } else if (progress.done || progress.elapsedMs - lastLine >= everyMs) {
      lastLine = progress.elapsedMs;
      stream.write(`${text}\n`);
    }
  };
}
