// What both writers share: the options they take, the progress they report, the summary they return.

import type { ResolvedSeedOptions, SeedOptions } from './options.js';
import { progressBar } from './progress.js';
import { HOST_TABLES, type HostTable } from './schema.js';

export interface SeedProgress {
  rowsWritten: number;
  /** Expected total (an estimate: the real total differs by a few %). */
  estimatedRows: number;
  elapsedMs: number;
  done: boolean;
}

export interface SeedRunOptions extends SeedOptions {
  /** Drop and recreate the host tables first; without it, tables that already hold rows are an error. */
  reset?: boolean;
  /** Called a few times a second while writing, and once at the end with `done: true`. */
  onProgress?: (progress: SeedProgress) => void;
  /** Draw a progress bar on stderr (when no `onProgress` is given). */
  progress?: boolean;
}

export interface SeedSummary {
  target: 'mysql' | 'duckdb';
  /** Where the data went: the DuckDB file, or `host:port/database`. */
  location: string;
  options: ResolvedSeedOptions;
  /** Rows written, per table. */
  rows: Record<HostTable, number>;
  totalRows: number;
  elapsedMs: number;
}

/** Counts rows per table and calls `onProgress` at most every `intervalMs`. */
export class ProgressCounter {
  readonly rowsByTable = Object.fromEntries(HOST_TABLES.map((t) => [t, 0])) as Record<HostTable, number>;
  rowsWritten = 0;
  private readonly startedAt = performance.now();
  private lastReport = 0;

  private readonly onProgress: ((progress: SeedProgress) => void) | undefined;

  constructor(
    private readonly estimatedRows: number,
    options: Pick<SeedRunOptions, 'onProgress' | 'progress'>,
    private readonly intervalMs = 200,
  ) {
    this.onProgress = options.onProgress ?? (options.progress ? progressBar(process.stderr) : undefined);
  }

  add(table: HostTable, rows = 1): void {
    this.rowsByTable[table] += rows;
    this.rowsWritten += rows;
  }

  get elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  /** Reports if the interval has passed; cheap enough to call every few thousand rows. */
  tick(): void {
    if (!this.onProgress) return;
    const now = performance.now();
    if (now - this.lastReport < this.intervalMs) return;
    this.lastReport = now;
    this.onProgress({ rowsWritten: this.rowsWritten, estimatedRows: this.estimatedRows, elapsedMs: now - this.startedAt, done: false });
  }

  finish(): void {
    this.onProgress?.({ rowsWritten: this.rowsWritten, estimatedRows: this.estimatedRows, elapsedMs: this.elapsedMs, done: true });
  }
}

/** Lets other work on the event loop run (a server answering health checks while it seeds). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
